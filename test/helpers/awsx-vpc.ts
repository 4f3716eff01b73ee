/**
 * awsx.ec2.Vpc under the mock engine. awsx's Vpc is a remote component: under mocks it is one
 * opaque `awsx:ec2:Vpc` registration and none of its children exist, so this shaper answers with
 * the outputs awsx would publish (node_modules/@pulumi/awsx/ec2/vpc.d.ts), laid out the way awsx
 * builds them (awsx/ec2/vpc.ts): in each AZ the subnets public first, then private, then isolated,
 * each with a route table and an association of its own, named `<vpc>-<type>-<az ordinal>`;
 * public tables route to the internet gateway, private ones to a NAT gateway (one per AZ unless
 * the strategy says otherwise). Resources appear as plain objects carrying their properties,
 * since the mock cannot hand out resource references.
 *
 * CIDRs are a plausible layout (each AZ's share of the VPC block, cut into quarters in awsx's
 * legacy order: private, public, isolated), not awsx's exact allocator.
 */
import {
  availabilityZones,
  MOCK_ACCOUNT_ID,
  MockEngine,
  stableHex,
} from "../../engine/mock-engine";

export const AWSX_VPC_TYPE = "awsx:ec2:Vpc";

type Shaper = Parameters<MockEngine["defineShape"]>[1];
type SubnetType = "Public" | "Private" | "Isolated";

interface SpecInput {
  type: SubnetType;
  name?: string;
}

const ORDER: SubnetType[] = ["Public", "Private", "Isolated"];
const ALLOCATION_ORDER: SubnetType[] = ["Private", "Public", "Isolated"];

/** The `awsx:ec2:Vpc` outputs for the VpcArgs it was given. */
export const awsxVpcShape: Shaper = ({ name, inputs, region, engine }) => {
  const id = (kind: string, role: string) => `${kind}-${stableHex(`${name}/${role}`, 17)}`;
  const arn = (resource: string) => `arn:aws:ec2:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
  const cidr = (inputs.cidrBlock as string | undefined) ?? "10.0.0.0/16";
  const azNames =
    (inputs.availabilityZoneNames as string[] | undefined) ??
    availabilityZones(region).names.slice(0, (inputs.numberOfAvailabilityZones as number) ?? 3);
  const specs = (
    (inputs.subnetSpecs as SpecInput[] | undefined) ?? [{ type: "Private" }, { type: "Public" }]
  ).filter((s) => ORDER.includes(s.type));
  const hasBoth = specs.some((s) => s.type === "Public") && specs.some((s) => s.type === "Private");
  const natStrategy =
    (inputs.natGateways as { strategy?: string } | undefined)?.strategy ??
    (hasBoth ? "OnePerAz" : "None");
  const tags = { Name: name, ...((inputs.tags as Record<string, string> | undefined) ?? {}) };

  const vpcId = id("vpc", "vpc");
  const vpc = {
    id: vpcId,
    arn: arn(`vpc/${vpcId}`),
    cidrBlock: cidr,
    enableDnsSupport: (inputs.enableDnsSupport as boolean | undefined) ?? true,
    // awsx passes the flag through; AWS's default for a new VPC is off.
    enableDnsHostnames: (inputs.enableDnsHostnames as boolean | undefined) ?? false,
    instanceTenancy: "default",
    mainRouteTableId: id("rtb", "main"),
    defaultRouteTableId: id("rtb", "main"),
    defaultSecurityGroupId: id("sg", "default"),
    ownerId: MOCK_ACCOUNT_ID,
    tags,
  };
  const igwId = id("igw", "igw");
  const internetGateway = { id: igwId, arn: arn(`internet-gateway/${igwId}`), vpcId, tags };

  const [base, prefix] = cidr.split("/");
  const azBits = Math.ceil(Math.log2(Math.max(azNames.length, 1)));
  const subnetPrefix = Number(prefix) + azBits + 2;
  if (specs.length > 4) {
    throw new Error("awsx-vpc mock: at most four subnet specs per AZ");
  }
  const allocation = [...specs].sort(
    (a, b) => ALLOCATION_ORDER.indexOf(a.type) - ALLOCATION_ORDER.indexOf(b.type),
  );

  const subnets: Record<string, unknown>[] = [];
  const routeTables: Record<string, unknown>[] = [];
  const routeTableAssociations: Record<string, unknown>[] = [];
  const routes: Record<string, unknown>[] = [];
  const natGateways: Record<string, unknown>[] = [];
  const eips: Record<string, unknown>[] = [];
  const ids: Record<SubnetType, string[]> = { Public: [], Private: [], Isolated: [] };
  const byId: Record<string, Record<string, unknown>> = {};

  azNames.forEach((az, i) => {
    const ordered = [...specs].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
    for (const spec of ordered) {
      const subnetName = `${name}-${spec.name ?? spec.type.toLowerCase()}-${i + 1}`;
      const slot = i * 4 + allocation.indexOf(spec);
      const subnetCidr = `${addressAt(base, slot, subnetPrefix)}/${subnetPrefix}`;
      const subnetId = id("subnet", subnetName);
      engine.noteSubnet(subnetId, subnetCidr, az);
      const subnet = {
        id: subnetId,
        arn: arn(`subnet/${subnetId}`),
        vpcId,
        cidrBlock: subnetCidr,
        availabilityZone: az,
        mapPublicIpOnLaunch: spec.type === "Public",
        tags: { ...tags, Name: subnetName, SubnetType: spec.type },
      };
      subnets.push(subnet);
      byId[subnetId] = subnet;
      ids[spec.type].push(subnetId);

      const routeTableId = id("rtb", subnetName);
      routeTables.push({
        id: routeTableId,
        arn: arn(`route-table/${routeTableId}`),
        vpcId,
        tags: { ...tags, Name: subnetName, SubnetType: spec.type },
      });
      routeTableAssociations.push({ id: id("rtbassoc", subnetName), subnetId, routeTableId });

      if (spec.type === "Public" && natNeeded(natStrategy, natGateways.length, i)) {
        const eipId = id("eipalloc", `${name}-${i + 1}`);
        eips.push({ id: eipId, allocationId: eipId, domain: "vpc" });
        natGateways.push({ id: id("nat", `${name}-${i + 1}`), subnetId, allocationId: eipId });
      }
      if (spec.type === "Public") {
        routes.push({ routeTableId, destinationCidrBlock: "0.0.0.0/0", gatewayId: igwId });
      } else if (spec.type === "Private" && natGateways.length > 0) {
        const nat = natStrategy === "Single" ? natGateways[0] : natGateways[i];
        routes.push({ routeTableId, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
      }
    }
  });

  const pick = (type: SubnetType) => ids[type].map((s) => byId[s]);
  return {
    id: "",
    state: {
      vpcId,
      vpc,
      subnets,
      publicSubnetIds: ids.Public,
      privateSubnetIds: ids.Private,
      isolatedSubnetIds: ids.Isolated,
      publicSubnets: pick("Public"),
      privateSubnets: pick("Private"),
      isolatedSubnets: pick("Isolated"),
      routeTables,
      routeTableAssociations,
      routes,
      internetGateway,
      natGateways,
      eips,
      subnetLayout: allocation.map((s) => ({
        type: s.type,
        cidrMask: subnetPrefix,
        ...(s.name ? { name: s.name } : {}),
      })),
      vpcEndpoints: [],
    },
  };
};

/** Teaches the engine awsx's Vpc. Idempotent: the shape is the same for every spec. */
export function defineAwsxVpcShape(engine: MockEngine): void {
  engine.defineShape(AWSX_VPC_TYPE, awsxVpcShape);
}

function natNeeded(strategy: string, existing: number, azIndex: number): boolean {
  switch (strategy) {
    case "None":
      return false;
    case "Single":
      return existing < 1;
    default:
      return existing < azIndex + 1;
  }
}

/** The network address of the `index`-th block of a prefix length, counted from `base`. */
function addressAt(base: string, index: number, prefix: number): string {
  const start = base.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const n = start + index * 2 ** (32 - prefix);
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}
