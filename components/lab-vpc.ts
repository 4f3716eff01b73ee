import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { architectureOf } from "./ami";
import { chooseZones, ZoneRequirement } from "./az-choice";
import { planSubnets, Tier, TIERS } from "./cidr";
import { AwsServiceEntry, ServiceEntry, serviceNameFor } from "./service-catalog";
import { UserError } from "./user-error";

export interface LabVpcArgs {
  /**
   * The VPC's IPv4 block.
   * @default "10.0.0.0/16"
   */
  cidr?: string;
  /**
   * Tiers to build. `public` routes 0.0.0.0/0 to an internet gateway and gives hosts public IPs;
   * `private` has no default route (the labs' closed subnet) unless `natGateway` is on. A VPC
   * with only `private` has no internet gateway at all.
   * @default ["public", "private"]
   */
  tiers?: Tier[];
  /**
   * How many Availability Zones to span, one subnet per tier in each.
   * @default 1
   */
  azCount?: number;
  /**
   * One NAT gateway in the first public subnet, routed from the private tier. Costs money by the
   * hour; no lab needs it unless it says so.
   * @default false
   */
  natGateway?: boolean;
  /**
   * Prefix length of every subnet.
   * @default 24 when the plan fits, otherwise the largest equal split of the VPC block
   */
  subnetPrefix?: number;
  /**
   * Explicit subnet blocks per tier, one per AZ, instead of the computed plan.
   * @default computed from `cidr`
   */
  subnetCidrs?: Partial<Record<Tier, string[]>>;
  /**
   * The lab hosts' instance type: only zones that offer it are used, since a host may go in any
   * of the VPC's subnets.
   * @default no constraint
   */
  instanceType?: string;
  /**
   * AWS services whose interface endpoints go in this VPC's subnets: only zones where each is
   * offered are used. An endpoint service of your own is matched to the consumer's subnets by AZ
   * ID instead (`endpointSubnets`).
   * @default []
   */
  interfaceServices?: ServiceEntry[];
}

/** The subnets and route table of one tier. */
export interface LabTier {
  subnets: aws.ec2.Subnet[];
  subnetIds: pulumi.Output<string[]>;
  routeTable: aws.ec2.RouteTable;
  routeTableId: pulumi.Output<string>;
}

/**
 * A lab network from plain @pulumi/aws resources, so that every route a lab teaches is a
 * resource a test can see: one route table per tier, an internet gateway only when there is a
 * public tier, and an optional single NAT gateway.
 */
export class LabVpc extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly vpcId: pulumi.Output<string>;
  readonly cidr: pulumi.Output<string>;
  /** AZ names the subnets use, in plan order. */
  readonly azs: pulumi.Output<string[]>;
  /** AZ ids (apne2-az1...), which name the same zone in every account. */
  readonly azIds: pulumi.Output<string[]>;
  readonly internetGateway?: aws.ec2.InternetGateway;
  readonly natGateway?: aws.ec2.NatGateway;
  readonly public?: LabTier;
  readonly private?: LabTier;

  constructor(name: string, args: LabVpcArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const cidr = args.cidr ?? "10.0.0.0/16";
    const tiers = args.tiers ?? [...TIERS];
    const azCount = args.azCount ?? 1;
    const wantsNat = args.natGateway ?? false;
    const interfaceServices = args.interfaceServices ?? [];

    // Everything is checked before the first resource exists: a bad plan leaves nothing behind.
    const plan = planSubnets({
      vpcCidr: cidr,
      tiers,
      azCount,
      subnetPrefix: args.subnetPrefix,
      subnetCidrs: args.subnetCidrs,
    });
    if (wantsNat && !tiers.includes("public")) {
      throw new UserError(
        `LabVpc ${name}: natGateway needs a public tier to live in; add "public" to tiers or turn natGateway off`,
      );
    }
    if (wantsNat && !tiers.includes("private")) {
      throw new UserError(
        `LabVpc ${name}: natGateway serves the private tier; add "private" to tiers`,
      );
    }
    if (args.instanceType !== undefined) architectureOf(args.instanceType);
    const awsServices = interfaceServices.map((service): AwsServiceEntry => {
      if (service.kind !== "aws") {
        throw new UserError(
          `LabVpc ${name}: interfaceServices lists ${service.title}, an endpoint service of your own; its zones are its load balancer's, so pick the consumer subnets with endpointSubnets instead`,
        );
      }
      return service;
    });
    super("vpc-endpoint-labs:network:LabVpc", name, {}, opts);

    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this });
    const requirements = this.zoneRequirements(args.instanceType, awsServices);
    const chosen = pulumi
      .all([zones, requirements])
      .apply(([z, reqs]) =>
        chooseZones(
          { region: z.id, names: z.names, zoneIds: z.zoneIds },
          reqs,
          azCount,
          `LabVpc ${name}`,
        ),
      );
    this.azs = chosen.apply((c) => c.names);
    this.azIds = chosen.apply((c) => c.zoneIds);

    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: cidr,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        // Known only once the zones are chosen: a Region that cannot host the lab stops the VPC
        // and everything in it before AWS is asked.
        tags: chosen.apply(() => ({ Name: name })),
      },
      { parent: this },
    );
    this.vpcId = this.vpc.id;
    this.cidr = this.vpc.cidrBlock;
    const vpcOpts = { parent: this.vpc };

    if (tiers.includes("public")) {
      this.internetGateway = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: this.vpc.id, tags: { Name: `${name}-igw` } },
        vpcOpts,
      );
    }

    const built: Partial<Record<Tier, LabTier>> = {};
    for (const tier of tiers) {
      const routeTable = new aws.ec2.RouteTable(
        `${name}-${tier}-rt`,
        { vpcId: this.vpc.id, tags: { Name: `${name}-${tier}`, Tier: tier } },
        vpcOpts,
      );
      const subnets = plan
        .filter((p) => p.tier === tier)
        .map((p) => {
          const subnetName = `${name}-${tier}-${p.azIndex + 1}`;
          const subnet = new aws.ec2.Subnet(
            subnetName,
            {
              vpcId: this.vpc.id,
              cidrBlock: p.cidr,
              availabilityZone: this.azs.apply((azs) => azs[p.azIndex]),
              mapPublicIpOnLaunch: tier === "public",
              tags: { Name: subnetName, Tier: tier },
            },
            vpcOpts,
          );
          new aws.ec2.RouteTableAssociation(
            `${subnetName}-rta`,
            { subnetId: subnet.id, routeTableId: routeTable.id },
            { parent: subnet },
          );
          return subnet;
        });
      built[tier] = {
        subnets,
        subnetIds: pulumi.output(subnets.map((s) => s.id)),
        routeTable,
        routeTableId: routeTable.id,
      };
    }

    if (built.public && this.internetGateway) {
      new aws.ec2.Route(
        `${name}-public-default`,
        {
          routeTableId: built.public.routeTable.id,
          destinationCidrBlock: "0.0.0.0/0",
          gatewayId: this.internetGateway.id,
        },
        { parent: built.public.routeTable },
      );
    }
    if (wantsNat && built.public && built.private) {
      const firstPublic = built.public.subnets[0];
      const eip = new aws.ec2.Eip(
        `${name}-nat-eip`,
        { domain: "vpc", tags: { Name: `${name}-nat` } },
        { parent: firstPublic },
      );
      this.natGateway = new aws.ec2.NatGateway(
        `${name}-nat`,
        { allocationId: eip.id, subnetId: firstPublic.id, tags: { Name: `${name}-nat` } },
        { parent: firstPublic, dependsOn: this.internetGateway ? [this.internetGateway] : [] },
      );
      new aws.ec2.Route(
        `${name}-private-default`,
        {
          routeTableId: built.private.routeTable.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: this.natGateway.id,
        },
        { parent: built.private.routeTable },
      );
    }
    this.public = built.public;
    this.private = built.private;

    this.registerOutputs({
      vpcId: this.vpcId,
      cidr: this.cidr,
      azs: this.azs,
      publicSubnetIds: built.public?.subnetIds,
      privateSubnetIds: built.private?.subnetIds,
      publicRouteTableId: built.public?.routeTableId,
      privateRouteTableId: built.private?.routeTableId,
    });
  }

  /** The zones that offer the hosts' instance type and each interface endpoint's service. */
  private zoneRequirements(
    instanceType: string | undefined,
    services: AwsServiceEntry[],
  ): pulumi.Output<ZoneRequirement[]> {
    const opts = { parent: this };
    const requirements: pulumi.Output<ZoneRequirement>[] = [];
    if (instanceType !== undefined) {
      const offerings = aws.ec2.getInstanceTypeOfferingsOutput(
        {
          locationType: "availability-zone",
          filters: [{ name: "instance-type", values: [instanceType] }],
        },
        opts,
      );
      requirements.push(
        offerings.locations.apply((offeredIn) => ({
          label: `instanceType "${instanceType}"`,
          offeredIn,
        })),
      );
    }
    if (services.length > 0) {
      const region = aws.getRegionOutput({}, opts).region;
      for (const service of services) {
        const found = aws.ec2.getVpcEndpointServiceOutput(
          { serviceName: serviceNameFor(service, region), serviceType: "Interface" },
          opts,
        );
        requirements.push(
          pulumi.all([found.serviceName, found.availabilityZones]).apply(([sn, offeredIn]) => ({
            label: `the ${service.title} interface endpoint (${sn})`,
            offeredIn,
          })),
        );
      }
    }
    return pulumi.all(requirements);
  }

  /** The tier, or a clear error when this VPC was built without it. */
  tier(tier: Tier): LabTier {
    const found = this[tier];
    if (!found) {
      throw new UserError(`LabVpc has no ${tier} tier; add "${tier}" to its tiers`);
    }
    return found;
  }
}
