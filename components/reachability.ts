import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "./user-error";

/** One path to analyse: TCP from a resource to a resource, by their ids. */
export interface ReachabilityPathArgs {
  /** Names the path's resources (`${component}-${name}-path`); unique within the component. */
  name: string;
  /** An instance, network interface, internet gateway or VPC endpoint id. */
  source: pulumi.Input<string>;
  destination: pulumi.Input<string>;
  /** The TCP port at the destination (1-65535). */
  port: number;
  /**
   * The address the traffic comes from. Set it when the source is an internet gateway: the
   * analyzer then checks the security group rules that admit that address (a bastion's
   * adminCidr), not those of some address of its choosing.
   */
  sourceIp?: pulumi.Input<string>;
}

export interface ReachabilityArgs {
  paths: ReachabilityPathArgs[];
}

/** What AWS's Reachability Analyzer found for one path. */
export interface ReachabilityResult {
  name: string;
  pathId: string;
  analysisId: string;
  /** `succeeded`, `failed` or `running`. */
  status: string;
  /** Whether a path exists, as the analyzer reads routes, security groups and ACLs. */
  pathFound?: boolean;
}

/**
 * AWS's Reachability Analyzer on a lab's network paths: a `NetworkInsightsPath` per path and one
 * `NetworkInsightsAnalysis` of it, run when created. Each analysis costs USD 0.10 (VPC pricing),
 * so the labs create this only on request (config `reachabilityAnalyzer`). `pulumi up` waits for
 * each analysis to finish, so `results` holds its verdict.
 */
export class Reachability extends pulumi.ComponentResource {
  readonly results: pulumi.Output<ReachabilityResult[]>;

  constructor(name: string, args: ReachabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    const seen = new Set<string>();
    for (const path of args.paths) {
      if (seen.has(path.name)) {
        throw new UserError(`Reachability ${name}: two paths are named "${path.name}"`);
      }
      seen.add(path.name);
      if (!Number.isInteger(path.port) || path.port < 1 || path.port > 65535) {
        throw new UserError(
          `Reachability ${name}: path "${path.name}" has port ${path.port}; give a TCP port from 1 to 65535`,
        );
      }
    }
    super("vpc-endpoint-labs:network:Reachability", name, {}, opts);

    const results = args.paths.map((p) => {
      const resourceName = `${name}-${p.name}`;
      const path = new aws.ec2.NetworkInsightsPath(
        `${resourceName}-path`,
        {
          source: p.source,
          destination: p.destination,
          protocol: "tcp",
          destinationPort: p.port,
          ...(p.sourceIp === undefined ? {} : { sourceIp: p.sourceIp }),
          tags: { Name: resourceName },
        },
        { parent: this },
      );
      const analysis = new aws.ec2.NetworkInsightsAnalysis(
        `${resourceName}-analysis`,
        { networkInsightsPathId: path.id, waitForCompletion: true, tags: { Name: resourceName } },
        { parent: path },
      );
      return pulumi
        .all([path.id, analysis.id, analysis.status, analysis.pathFound])
        .apply(([pathId, analysisId, status, pathFound]): ReachabilityResult => ({
          name: p.name,
          pathId,
          analysisId,
          status,
          ...(typeof pathFound === "boolean" ? { pathFound } : {}),
        }));
    });
    this.results = pulumi.all(results);
    this.registerOutputs({ results: this.results });
  }
}
