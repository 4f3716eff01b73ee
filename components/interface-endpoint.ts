import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  assertPrivateDnsMode,
  assertSupports,
  ServiceEntry,
  PrivateDnsMode,
  serviceNameFor,
} from "./service-catalog";
import { GatewayEndpoint } from "./gateway-endpoint";
import { addRule } from "./sg-rules";
import { UserError } from "./user-error";

/** The VPC's DNS attributes; interface endpoint private DNS needs both on. */
export interface VpcDnsFlags {
  enableDnsSupport: pulumi.Input<boolean>;
  enableDnsHostnames: pulumi.Input<boolean>;
}

export interface InterfaceEndpointArgs {
  vpcId: pulumi.Input<string>;
  /** An entry of `AwsService`, or `customService(...)` for an endpoint service of your own. */
  service: ServiceEntry;
  /**
   * Subnets for the endpoint's network interfaces, one per AZ (each one is billed by the hour).
   * May be a list known only at deploy time, such as subnets picked by an endpoint service's AZs.
   */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Security groups of the endpoint's network interfaces.
   * @default a new group allowing the service's port from `vpcCidr` (like CDK's `open: true`)
   */
  securityGroupIds?: pulumi.Input<string>[];
  /** The VPC's CIDR block; required for the default security group. */
  vpcCidr?: pulumi.Input<string>;
  /**
   * Private DNS.
   * @default the catalog's default for the service (CloudFormation: all; S3, DynamoDB, custom: off)
   */
  privateDns?: PrivateDnsMode;
  /**
   * The VPC's DNS attributes, checked before private DNS is turned on.
   * @default both on (LabVpc's setting); pass the real flags for a VPC built elsewhere
   */
  vpcDns?: VpcDnsFlags;
  /**
   * The S3 gateway endpoint of the same VPC. Required for `inbound-resolver-only`: AWS refuses
   * that mode without one, and the interface endpoint is created after it.
   */
  gatewayEndpoint?: GatewayEndpoint;
}

/**
 * An interface VPC endpoint (AWS PrivateLink): network interfaces with private addresses in the
 * chosen subnets, endpoint-specific DNS names, and private DNS for the service's default name
 * when asked. What AWS would reject at deploy time is refused here, before anything exists.
 */
export class InterfaceEndpoint extends pulumi.ComponentResource {
  readonly endpoint: aws.ec2.VpcEndpoint;
  readonly service: ServiceEntry;
  readonly privateDns: PrivateDnsMode;
  /** The group this component created, when it created one. */
  readonly securityGroup?: aws.ec2.SecurityGroup;
  readonly endpointId: pulumi.Output<string>;
  readonly dnsEntries: pulumi.Output<{ dnsName: string; hostedZoneId: string }[]>;
  /**
   * The endpoint-specific names as AWS reports them: the regional name first, then one per AZ.
   * S3's are wildcards (`*.vpce-...`): put `bucket.` in place of `*.` to use one.
   */
  readonly dnsNames: pulumi.Output<string[]>;
  readonly networkInterfaceIds: pulumi.Output<string[]>;
  readonly securityGroupIds: pulumi.Output<string[]>;
  /** The created group's id; undefined when `securityGroupIds` was given. */
  readonly securityGroupId: pulumi.Output<string | undefined>;

  constructor(name: string, args: InterfaceEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    const what = `InterfaceEndpoint ${name}`;
    const service = args.service;
    const privateDns = args.privateDns ?? service.privateDnsDefault;
    assertSupports(service, "Interface", what);
    assertPrivateDnsMode(service, privateDns, what);
    if (Array.isArray(args.subnetIds) && args.subnetIds.length === 0) {
      throw new UserError(`${what}: subnetIds is empty; give one subnet per AZ the clients are in`);
    }
    if (!args.securityGroupIds && args.vpcCidr === undefined) {
      throw new UserError(
        `${what}: give vpcCidr (for the default security group that admits port ${service.port} from the VPC) or securityGroupIds`,
      );
    }
    if (privateDns === "inbound-resolver-only") {
      if (!args.gatewayEndpoint) {
        throw new UserError(
          `${what}: private DNS "inbound-resolver-only" needs an S3 gateway endpoint in the same VPC (AWS rejects it otherwise); pass gatewayEndpoint`,
        );
      }
      if (args.gatewayEndpoint.service.key !== "s3") {
        throw new UserError(
          `${what}: gatewayEndpoint is for ${args.gatewayEndpoint.service.title}; "inbound-resolver-only" needs the S3 gateway endpoint`,
        );
      }
    }
    if (privateDns !== "off" && args.vpcDns) {
      assertDnsFlags(what, args.vpcDns);
    }
    super("vpc-endpoint-labs:endpoints:InterfaceEndpoint", name, {}, opts);
    this.service = service;
    this.privateDns = privateDns;

    if (!args.securityGroupIds) {
      this.securityGroup = new aws.ec2.SecurityGroup(
        `${name}-sg`,
        {
          vpcId: args.vpcId,
          description: `Clients of the ${service.title} interface endpoint ${name}`,
          tags: { Name: `${name}-sg` },
        },
        { parent: this },
      );
      addRule(
        name,
        "ingress",
        this.securityGroup.id,
        {
          name: `vpc-${service.port}`,
          protocol: "tcp",
          fromPort: service.port,
          peer: { cidr: args.vpcCidr as string },
          description: `Port ${service.port} from the VPC to ${service.title}`,
        },
        { parent: this.securityGroup },
      );
    }
    const securityGroupIds = args.securityGroupIds ?? [this.securityGroup!.id];

    const region = aws.getRegionOutput({}, { parent: this }).region;
    this.endpoint = new aws.ec2.VpcEndpoint(
      `${name}-vpce`,
      {
        vpcId: args.vpcId,
        vpcEndpointType: "Interface",
        serviceName: serviceNameFor(service, region),
        subnetIds: args.subnetIds,
        securityGroupIds,
        privateDnsEnabled: privateDnsFlag(what, privateDns, args.vpcDns),
        dnsOptions:
          service.kind === "aws" && service.key === "s3" && privateDns !== "off"
            ? {
                dnsRecordIpType: "ipv4",
                privateDnsOnlyForInboundResolverEndpoint: privateDns === "inbound-resolver-only",
              }
            : undefined,
        tags: { Name: name },
      },
      {
        parent: this,
        dependsOn: args.gatewayEndpoint ? [args.gatewayEndpoint] : [],
        // Turning inbound-resolver-only off in place fails in the provider (AWS-FACTS.md).
        replaceOnChanges: ["dnsOptions"],
        // A VPC holds one private DNS zone per service name: a replacement created before the
        // old endpoint is gone (Pulumi's default) would collide with it.
        deleteBeforeReplace: true,
      },
    );

    this.endpointId = this.endpoint.id;
    this.dnsEntries = this.endpoint.dnsEntries.apply((entries) =>
      entries.map((e) => ({ dnsName: e.dnsName, hostedZoneId: e.hostedZoneId })),
    );
    this.dnsNames = this.dnsEntries.apply(endpointSpecificNames);
    this.networkInterfaceIds = this.endpoint.networkInterfaceIds;
    this.securityGroupIds = pulumi.output(securityGroupIds);
    this.securityGroupId = this.securityGroup ? this.securityGroup.id : pulumi.output(undefined);
    this.registerOutputs({
      endpointId: this.endpointId,
      dnsNames: this.dnsNames,
      networkInterfaceIds: this.networkInterfaceIds,
      securityGroupIds: this.securityGroupIds,
    });
  }
}

/**
 * The endpoint-specific names among an endpoint's DNS entries, leaving out the private DNS names
 * (the service's default name). AWS reports S3's with a leading `*.` (`*.vpce-...`), other
 * services' without.
 */
export function endpointSpecificNames(entries: { dnsName: string }[]): string[] {
  return entries.map((e) => e.dnsName).filter((n) => /^(\*\.)?vpce-/.test(n));
}

/**
 * `privateDnsEnabled`, checked against the VPC's DNS flags: at once when they are plain values,
 * otherwise when they resolve, which still stops the endpoint before AWS is asked.
 */
function privateDnsFlag(
  what: string,
  mode: PrivateDnsMode,
  flags: VpcDnsFlags | undefined,
): pulumi.Input<boolean> {
  if (mode === "off") return false;
  if (!flags) return true;
  return pulumi
    .all([flags.enableDnsSupport, flags.enableDnsHostnames])
    .apply(([enableDnsSupport, enableDnsHostnames]) => {
      assertDnsFlags(what, { enableDnsSupport, enableDnsHostnames });
      return true;
    });
}

/** Throws when a flag is known to be off; an unresolved flag is checked when it resolves. */
function assertDnsFlags(what: string, flags: VpcDnsFlags): void {
  const missing = [
    flags.enableDnsSupport === false ? "enableDnsSupport" : undefined,
    flags.enableDnsHostnames === false ? "enableDnsHostnames" : undefined,
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new UserError(
      `${what}: private DNS needs the VPC's ${missing.join(" and ")} on; turn ${missing.length > 1 ? "them" : "it"} on or set privateDns "off"`,
    );
  }
}
