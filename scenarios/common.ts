/**
 * Pieces several labs share: the two-host network and its outputs, the lab bucket's grants, and
 * the shell commands the checks print. Labs import from here, never from one another.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InstanceConnectEndpoint } from "../components/instance-connect-endpoint";
import { LabInstance, LabInstanceArgs } from "../components/lab-instance";
import { LabVpc, LabVpcArgs } from "../components/lab-vpc";
import { type AnalyzerPath, analyzerPathOf, type ProbeNames, probesFor } from "../model/probes";
import { Reachability } from "../components/reachability";
import { Check, Expectation, Outcome, ScenarioConfig } from "./scenario";

/** The two-host labs' hosts, by the names their expectations and checks use. */
export const PUBLIC_HOST = "public-host";
export const PRIVATE_HOST = "private-host";
export type TwoHostName = typeof PUBLIC_HOST | typeof PRIVATE_HOST;

/** The operator's own machine, as a check's host and an expectation's `from`. */
export const LAPTOP = "laptop";

/** Where a laptop check runs in a lab whose bucket policy exempts the deployer. */
export const DEPLOYER_LAPTOP =
  "a terminal on your own machine (AWS CLI v2) with the credentials that ran pulumi up; the bucket policy exempts them";

/** The Region the stack deploys to, as the provider reports it. */
export function currentRegion(): pulumi.Output<string> {
  return aws.getRegionOutput().region;
}

export interface TwoHostLab {
  vpc: LabVpc;
  publicHost: LabInstance;
  privateHost: LabInstance;
  eice: InstanceConnectEndpoint;
}

/** The two-host labs' VPC: a public and a private tier. */
export function twoHostVpc(
  args: { vpc?: LabVpcArgs; instanceType: string },
  opts?: pulumi.ComponentResourceOptions,
): LabVpc {
  return new LabVpc(
    "lab",
    { ...args.vpc, tiers: ["public", "private"], instanceType: args.instanceType },
    opts,
  );
}

/**
 * The seeds' classroom network: one VPC with a public and a private subnet, a host in each, and
 * an Instance Connect Endpoint in the private subnet that reaches both (no SSH from the
 * internet, no key pairs). A lab whose hosts probe its bucket or endpoint passes the VPC built
 * by `twoHostVpc` first, so those exist before the hosts' user data names them.
 */
export function twoHostLab(
  args: {
    vpc?: LabVpcArgs | LabVpc;
    instanceType: string;
    publicHost?: Partial<LabInstanceArgs>;
    privateHost?: Partial<LabInstanceArgs>;
  },
  opts?: pulumi.ComponentResourceOptions,
): TwoHostLab {
  const vpc =
    args.vpc instanceof LabVpc
      ? args.vpc
      : twoHostVpc({ vpc: args.vpc, instanceType: args.instanceType }, opts);
  const publicSubnet = vpc.tier("public").subnets[0];
  const privateSubnet = vpc.tier("private").subnets[0];
  const publicHost = new LabInstance(
    PUBLIC_HOST,
    {
      vpcId: vpc.vpcId,
      subnetId: publicSubnet.id,
      instanceType: args.instanceType,
      ...args.publicHost,
    },
    opts,
  );
  const privateHost = new LabInstance(
    PRIVATE_HOST,
    {
      vpcId: vpc.vpcId,
      subnetId: privateSubnet.id,
      instanceType: args.instanceType,
      ...args.privateHost,
    },
    opts,
  );
  const eice = new InstanceConnectEndpoint(
    "eice",
    {
      vpcId: vpc.vpcId,
      subnetId: privateSubnet.id,
      targets: [
        { name: PUBLIC_HOST, securityGroupId: publicHost.securityGroupId },
        { name: PRIVATE_HOST, securityGroupId: privateHost.securityGroupId },
      ],
    },
    opts,
  );
  return { vpc, publicHost, privateHost, eice };
}

/**
 * The stack outputs every two-host lab ends with: its hosts, their way in, and the probe names
 * `npm run verify` reads.
 */
export function twoHostOutputs(
  lab: TwoHostLab,
  names: ProbeNamesInput,
): Record<string, pulumi.Output<unknown>> {
  return {
    publicHostId: lab.publicHost.instanceId,
    publicHostPublicIp: lab.publicHost.publicIp,
    privateHostId: lab.privateHost.instanceId,
    privateHostPrivateIp: lab.privateHost.privateIp,
    instanceConnectEndpointId: lab.eice.endpointId,
    probeNames: probeNamesOutput(names, {
      [PUBLIC_HOST]: lab.publicHost,
      [PRIVATE_HOST]: lab.privateHost,
    }),
  };
}

/** A lab host as a probe needs it, with outputs not yet resolved. */
export interface ProbeHostInput {
  vpcCidrs: pulumi.Input<string>[];
  privateIp?: pulumi.Input<string>;
  publicIp?: pulumi.Input<string>;
  instanceId?: pulumi.Input<string>;
}

/** ProbeNames (model/probes.ts) whose values are still outputs of the lab's resources. */
export interface ProbeNamesInput {
  region: pulumi.Input<string>;
  hosts: Record<string, ProbeHostInput>;
  buckets?: Record<string, pulumi.Input<string>>;
  endpoints?: Record<string, pulumi.Input<string>>;
}

/**
 * What a host's probe agent measures: the lab's probes from `host`, resolved once the names
 * are. `names` must not hold the host's own instance outputs, or its user data would wait for
 * itself; a host's probes need only its VPC's CIDR, the lab's buckets and endpoints, and the
 * addresses of the hosts it probes.
 */
export function hostProbes(
  lab: string,
  host: string,
  expectations: readonly Expectation[],
  names: ProbeNamesInput,
): NonNullable<LabInstanceArgs["probes"]> {
  return {
    lab,
    probes: resolvedNames(names).apply((n) => probesFor(host, expectations, n)),
  };
}

/**
 * The `probeNames` stack output `npm run verify` reads: `names` with each lab host's instance id
 * and addresses, which the laptop needs to read consoles and to probe the hosts itself.
 */
export function probeNamesOutput(
  names: ProbeNamesInput,
  hosts: Record<string, LabInstance>,
): pulumi.Output<ProbeNames> {
  const withHosts: ProbeNamesInput = { ...names, hosts: { ...names.hosts } };
  for (const [name, host] of Object.entries(hosts)) {
    withHosts.hosts[name] = {
      ...names.hosts[name],
      instanceId: host.instanceId,
      privateIp: host.privateIp,
      publicIp: host.publicIp,
    };
  }
  return resolvedNames(withHosts);
}

function resolvedNames(names: ProbeNamesInput): pulumi.Output<ProbeNames> {
  return pulumi.output(names).apply((n) => {
    const hosts: ProbeNames["hosts"] = {};
    for (const [name, h] of Object.entries(n.hosts)) {
      // An address the instance does not have is "" or absent; probes read absent as none.
      hosts[name] = {
        vpcCidrs: h.vpcCidrs,
        ...(h.privateIp ? { privateIp: h.privateIp } : {}),
        ...(h.publicIp ? { publicIp: h.publicIp } : {}),
        ...(h.instanceId ? { instanceId: h.instanceId } : {}),
      };
    }
    return { ...n, hosts };
  });
}

/** The two-host labs' names: both hosts in the one VPC, and the lab's buckets and endpoints. */
export function twoHostProbeNames(
  vpc: LabVpc,
  names: Omit<ProbeNamesInput, "hosts">,
): ProbeNamesInput {
  return {
    ...names,
    hosts: { [PUBLIC_HOST]: { vpcCidrs: [vpc.cidr] }, [PRIVATE_HOST]: { vpcCidrs: [vpc.cidr] } },
  };
}

/** Both hosts' instance ids, for checks that open a shell on each. */
export function twoHostIds(lab: TwoHostLab): pulumi.Output<Record<TwoHostName, string>> {
  return pulumi
    .all([lab.privateHost.instanceId, lab.publicHost.instanceId])
    .apply(([privateId, publicId]) => ({ [PRIVATE_HOST]: privateId, [PUBLIC_HOST]: publicId }));
}

/**
 * Lets a lab host list the bucket and read and write its objects. Attached once the bucket
 * exists (the bucket policy needs the endpoint, the endpoint needs the hosts' VPC), so the
 * bucket policy, not IAM, is what tells the hosts apart.
 */
export function grantBucket(
  host: string,
  instance: LabInstance,
  bucketArn: pulumi.Input<string>,
): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(
    `${host}-bucket-access`,
    { role: instance.role.name, policy: bucketListPutPolicy(bucketArn) },
    { parent: instance.role },
  );
}

/** Lists the lab bucket and reads and writes its objects; nothing else, on nothing else. */
export function bucketListPutPolicy(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(bucketArn).apply((arn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ListLabBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
        {
          Sid: "ReadWriteLabObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: `${arn}/*`,
        },
      ],
    }),
  );
}

/** The command that opens a shell on a host through the VPC's Instance Connect Endpoint. */
export function eiceSsh(instanceId: string, region: string): string {
  return `aws ec2-instance-connect ssh --instance-id ${instanceId} --connection-type eice --region ${region}`;
}

/**
 * AWS CLI timeouts for a check that is expected to hang: five seconds to connect instead of the
 * default sixty, and no retries, so the timeout shows at once.
 */
export const FAIL_FAST = "--cli-connect-timeout 5 --cli-read-timeout 5";
export const NO_RETRY_ENV = "AWS_MAX_ATTEMPTS=1";

/**
 * Upload, list and download one object with the AWS CLI, each with what it prints for the
 * expected outcome. `endpointUrl` sends the requests to an interface endpoint's own name.
 */
export function s3Steps(args: {
  host: string;
  bucket: string;
  region: string;
  outcome: Outcome;
  endpointUrl?: string;
  /** Only list the bucket (the object steps are shown elsewhere). */
  listOnly?: boolean;
}): Check["steps"] {
  const { host, bucket, region: r, outcome } = args;
  const url = args.endpointUrl ? ` --endpoint-url ${args.endpointUrl}` : "";
  const key = `${host}.txt`;
  const list = `aws s3 ls s3://${bucket} --region ${r}${url}`;
  const denied = (operation: string, action: string) =>
    `An error occurred (AccessDenied) when calling the ${operation} operation: ... not authorized to perform: ${action} ... with an explicit deny in a resource-based policy`;
  if (args.listOnly && outcome !== "times-out") {
    return [
      {
        run: list,
        expect:
          outcome === "403" ? denied("ListObjectsV2", "s3:ListBucket") : `a line ending in ${key}`,
      },
    ];
  }
  switch (outcome) {
    case "times-out":
      return [
        {
          run: `${NO_RETRY_ENV} ${list} ${FAIL_FAST}`,
          expect: `Connect timeout on endpoint URL: "https://${bucket}.s3.${r}.amazonaws.com/?list-type=2...": no route to S3's public addresses`,
        },
      ];
    case "403":
      return [
        {
          run: `echo "hello from ${host}" > ${key} && aws s3 cp ${key} s3://${bucket}/${key} --region ${r}${url}`,
          expect: `upload failed: ./${key} to s3://${bucket}/${key} ${denied("PutObject", "s3:PutObject")}`,
        },
        { run: list, expect: denied("ListObjectsV2", "s3:ListBucket") },
        {
          run: `aws s3 cp s3://${bucket}/${key} ./${host}-copy.txt --region ${r}${url}`,
          expect:
            "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden (the seed's message)",
        },
      ];
    default:
      return [
        {
          run: `echo "hello from ${host}" > ${key} && aws s3 cp ${key} s3://${bucket}/${key} --region ${r}${url}`,
          expect: `upload: ./${key} to s3://${bucket}/${key}`,
        },
        { run: list, expect: `a line ending in ${key}` },
        {
          run: `aws s3 cp s3://${bucket}/${key} ./${host}-copy.txt --region ${r}${url}`,
          expect: `download: s3://${bucket}/${key} to ./${host}-copy.txt`,
        },
      ];
  }
}

/** A lab's resources a Reachability Analyzer path can start or end at, by logical name. */
export interface PathEnds {
  hosts: Record<string, LabInstance>;
  /** Interface endpoint ids, by the names expectations give them (`via`). */
  endpoints?: Record<string, pulumi.Input<string>>;
  /** The internet gateway of a host's VPC, for requests that enter there from outside. */
  internetGateways?: Record<string, pulumi.Input<string>>;
  /**
   * The laptop's address (a bastion's adminCidr): a path entering at an internet gateway starts
   * there, so the analyzer judges the rules that admit the laptop. Without it such a path is left
   * out rather than analysed from an address the lab never admits.
   */
  laptopAddress?: string;
}

/** One analysed expectation, as the `reachability` output lists it for `npm run verify`. */
export interface ReachabilityOutput {
  from: string;
  probe: string;
  port: number;
  analysisId: string;
  status: string;
  pathFound?: boolean;
}

/**
 * With config `reachabilityAnalyzer`, AWS's Reachability Analyzer on every network expectation
 * it can express (model/probes.ts analyzerPathOf) whose ends the lab has: the `reachability`
 * stack output. Off (the default), nothing is created: each analysis costs USD 0.10.
 */
export function reachabilityOutputs(
  config: ScenarioConfig,
  expectations: readonly Expectation[],
  ends: PathEnds,
): Record<string, pulumi.Output<unknown>> {
  if (!config.boolean("reachabilityAnalyzer")) return {};
  const idOf = (end: AnalyzerPath["source"]): pulumi.Input<string> | undefined => {
    if (end.kind === "host") return ends.hosts[end.host]?.instanceId;
    if (end.kind === "endpoint") return ends.endpoints?.[end.via];
    return ends.internetGateways?.[end.host];
  };
  const paths = new Map<
    string,
    {
      path: AnalyzerPath;
      source: pulumi.Input<string>;
      destination: pulumi.Input<string>;
      sourceIp?: string;
    }
  >();
  for (const e of expectations) {
    const path = analyzerPathOf(e, (name) => name in ends.hosts);
    const source = path && idOf(path.source);
    const destination = path && idOf(path.destination);
    if (!path || source === undefined || destination === undefined) continue;
    const fromInternet = path.source.kind === "internet-gateway";
    if (fromInternet && ends.laptopAddress === undefined) continue;
    paths.set(`${path.from}-${path.probe}`, {
      path,
      source,
      destination,
      ...(fromInternet ? { sourceIp: ends.laptopAddress } : {}),
    });
  }
  if (paths.size === 0) return { reachability: pulumi.output([]) };
  const analyzer = new Reachability("reachability", {
    paths: [...paths].map(([name, p]) => ({
      name,
      source: p.source,
      destination: p.destination,
      port: p.path.port,
      sourceIp: p.sourceIp,
    })),
  });
  return {
    reachability: analyzer.results.apply((results) =>
      results.map((r): ReachabilityOutput => {
        const { path } = paths.get(r.name)!;
        return {
          from: path.from,
          probe: path.probe,
          port: path.port,
          analysisId: r.analysisId,
          status: r.status,
          ...(r.pathFound === undefined ? {} : { pathFound: r.pathFound }),
        };
      }),
    ),
  };
}
