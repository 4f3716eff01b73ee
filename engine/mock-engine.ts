/**
 * The offline engine: Pulumi's mock monitor, extended to record every registered resource with
 * its parent, dependencies and outputs, and to answer the handful of AWS invokes the labs use
 * with realistic, deterministic values. Specs and `npm start` both run scenarios through it.
 *
 * Any invoke it does not implement throws: a silent empty answer would let a spec pass on a
 * graph that could never deploy.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { refusalOf } from "./refusals";
import { resourceUrn } from "./urn";
import type { RecordedResource } from "../model/graph";
import { TYPE } from "../model/type-tokens";

// Internal to the SDK but exported from its module: resolves once every outstanding
// registration has been answered, which is what "the program has finished" means under mocks.
const { waitForRPCs } = settings as unknown as { waitForRPCs(): Promise<void> };

export const PROJECT = "vpc-endpoint-labs";

export type { RecordedResource };

export interface RecordedInvoke {
  token: string;
  inputs: Record<string, unknown>;
}

export interface EngineOptions {
  /** Stack name; defaults to "dev". */
  stack?: string;
  /** Config as `pulumi config set` would store it: keys with or without the project prefix. */
  config?: Record<string, string>;
  /** Run as a preview (outputs of new resources unknown). Defaults to false. */
  preview?: boolean;
}

export const MOCK_ACCOUNT_ID = "123456789012";
const DEFAULT_REGION = "ap-northeast-2";

/** A short deterministic hex string: the same resource gets the same id in every run. */
export function stableHex(seed: string, length: number): string {
  return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * The mock account's zone ids where they differ from a, b, c, d = az1..az4. AWS maps names to
 * zones per account; in accounts old enough to have it, us-west-1a is often usw1-az2, the zone
 * AWS closed to new customers (observed: "t2.medium is not supported in your requested
 * Availability Zone (us-west-1a) ... choosing us-west-1b, us-west-1c", clong/DetectionLab#424).
 */
const ACCOUNT_ZONE_IDS: Record<string, string[]> = {
  "us-west-1": ["usw1-az2", "usw1-az1", "usw1-az3"],
};

/**
 * Zones AWS closed to new capacity: they offer only previous-generation instance families and
 * few endpoint services (use1-az3 is us-east-1e in many accounts, where "t3.micro is not
 * supported in your requested Availability Zone", ned1313/Getting-Started-Terraform#44).
 */
const CONSTRAINED_ZONE_IDS = new Set(["use1-az3", "usw1-az2"]);
const PREVIOUS_GENERATION_FAMILIES = new Set(["m1", "m2", "m3", "c1", "c3", "r3", "i2", "t1"]);

/** AZ names and their zone ids, the way AWS lists them for a Region. */
export function availabilityZones(region: string): { names: string[]; zoneIds: string[] } {
  const listed = ACCOUNT_ZONE_IDS[region];
  if (listed) {
    return { names: listed.map((_, i) => `${region}${"abcd"[i]}`), zoneIds: listed };
  }
  const prefix = regionShortName(region);
  const letters = ["a", "b", "c", "d"];
  return {
    names: letters.map((l) => `${region}${l}`),
    zoneIds: letters.map((_, i) => `${prefix}-az${i + 1}`),
  };
}

function regionShortName(region: string): string {
  const [geo, direction, n] = region.split("-");
  const dir: Record<string, string> = {
    northeast: "ne",
    southeast: "se",
    northwest: "nw",
    southwest: "sw",
    north: "n",
    south: "s",
    east: "e",
    west: "w",
    central: "c",
  };
  return `${geo}${dir[direction] ?? direction}${n}`;
}

/** Zone id of an AZ name such as ap-northeast-2c, or undefined when the name is not one. */
function zoneIdOf(region: string, azName: unknown): string | undefined {
  if (typeof azName !== "string") return undefined;
  const { names, zoneIds } = availabilityZones(region);
  const i = names.indexOf(azName);
  return i >= 0 ? zoneIds[i] : undefined;
}

/** Managed prefix list of an AWS service, as `getPrefixList` and gateway endpoints report it. */
export function prefixListFor(serviceName: string): {
  id: string;
  name: string;
  cidrBlocks: string[];
} {
  const service = serviceName.split(".").pop() ?? serviceName;
  const blocks: Record<string, string[]> = {
    s3: ["52.219.56.0/22", "52.219.60.0/23", "52.92.0.0/20", "3.5.140.0/22"],
    dynamodb: ["52.94.11.0/24", "35.71.72.0/22"],
  };
  return {
    id: `pl-${stableHex(serviceName, 8)}`,
    name: serviceName,
    cidrBlocks: blocks[service] ?? ["198.51.100.0/24"],
  };
}

/** The first `count` usable host addresses of a CIDR, skipping the five AWS reserves. */
function hostAddress(cidr: string, index: number): string {
  const [base] = cidr.split("/");
  const n = base.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0) + 10 + index;
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}

function publicAddress(seed: string): string {
  const h = Buffer.from(stableHex(seed, 6), "hex");
  return `3.${36 + (h[0] % 20)}.${h[1]}.${Math.max(1, h[2])}`;
}

type Shaper = (ctx: ShapeContext) => { id: string; state: Record<string, unknown> };

interface ShapeContext {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  region: string;
  engine: MockEngine;
  hex: (n: number) => string;
}

function arn(service: string, region: string, resource: string): string {
  return `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
}

/** Outputs of an interface endpoint's `dnsEntries`: the regional name, one per AZ, private DNS. */
function interfaceDnsEntries(ctx: ShapeContext, endpointId: string): Record<string, string>[] {
  const serviceName = String(ctx.inputs.serviceName ?? "");
  const region = ctx.region;
  const suffix = serviceName.startsWith("com.amazonaws.vpce.")
    ? `${serviceName.split(".").pop()}.${region}.vpce.amazonaws.com`
    : `${serviceName.replace(`com.amazonaws.${region}.`, "")}.${region}.vpce.amazonaws.com`;
  const tag = stableHex(`${endpointId}/dns`, 8);
  const zone = `Z${stableHex(serviceName, 12).toUpperCase()}`;
  const entries = [{ dnsName: `${endpointId}-${tag}.${suffix}`, hostedZoneId: zone }];
  const subnets = (ctx.inputs.subnetIds as string[] | undefined) ?? [];
  for (const subnetId of subnets) {
    const az = ctx.engine.subnetAz(subnetId);
    if (az) entries.push({ dnsName: `${endpointId}-${tag}-${az}.${suffix}`, hostedZoneId: zone });
  }
  if (ctx.inputs.privateDnsEnabled === true && !serviceName.startsWith("com.amazonaws.vpce.")) {
    const service = serviceName.replace(`com.amazonaws.${region}.`, "");
    entries.push({ dnsName: `${service}.${region}.amazonaws.com`, hostedZoneId: `Z${tag}` });
    if (service === "s3") {
      entries.push({ dnsName: `*.${service}.${region}.amazonaws.com`, hostedZoneId: `Z${tag}` });
    }
  }
  return entries;
}

const SHAPERS: Record<string, Shaper> = {
  [TYPE.vpc]: ({ inputs, hex, region }) => {
    const id = `vpc-${hex(17)}`;
    return {
      id,
      state: {
        arn: arn("ec2", region, `vpc/${id}`),
        enableDnsSupport: true,
        enableDnsHostnames: false,
        ...inputs,
        defaultRouteTableId: `rtb-${hex(16)}`,
        defaultSecurityGroupId: `sg-${hex(16)}`,
        mainRouteTableId: `rtb-${hex(16)}`,
        ownerId: MOCK_ACCOUNT_ID,
      },
    };
  },
  [TYPE.subnet]: ({ inputs, hex, region, engine }) => {
    const id = `subnet-${hex(17)}`;
    const availabilityZone = (inputs.availabilityZone as string) ?? `${region}a`;
    engine.noteSubnet(id, String(inputs.cidrBlock), availabilityZone);
    return {
      id,
      state: {
        arn: arn("ec2", region, `subnet/${id}`),
        mapPublicIpOnLaunch: false,
        ...inputs,
        availabilityZone,
        availabilityZoneId: zoneIdOf(region, availabilityZone),
        ownerId: MOCK_ACCOUNT_ID,
      },
    };
  },
  [TYPE.routeTable]: ({ inputs, hex, region }) => {
    const id = `rtb-${hex(17)}`;
    return { id, state: { arn: arn("ec2", region, `route-table/${id}`), ...inputs } };
  },
  [TYPE.route]: ({ inputs, hex }) => ({
    id: `r-${String(inputs.routeTableId)}${hex(10)}`,
    state: { ...inputs, state: "active", origin: "CreateRoute" },
  }),
  [TYPE.routeTableAssociation]: ({ inputs, hex }) => ({
    id: `rtbassoc-${hex(17)}`,
    state: { ...inputs },
  }),
  [TYPE.internetGateway]: ({ inputs, hex, region }) => {
    const id = `igw-${hex(17)}`;
    return { id, state: { arn: arn("ec2", region, `internet-gateway/${id}`), ...inputs } };
  },
  [TYPE.eip]: ({ inputs, hex, name }) => ({
    id: `eipalloc-${hex(17)}`,
    state: { ...inputs, allocationId: `eipalloc-${hex(17)}`, publicIp: publicAddress(name) },
  }),
  [TYPE.natGateway]: ({ inputs, hex, name, engine }) => ({
    id: `nat-${hex(17)}`,
    state: {
      connectivityType: "public",
      ...inputs,
      privateIp: engine.nextAddress(String(inputs.subnetId)),
      publicIp: publicAddress(name),
    },
  }),
  [TYPE.securityGroup]: ({ inputs, hex, region, name }) => {
    const id = `sg-${hex(17)}`;
    return {
      id,
      state: {
        ingress: [],
        egress: [],
        ...inputs,
        arn: arn("ec2", region, `security-group/${id}`),
        // The provider autonames a group `<logical name>-<7 hex>`; AWS refuses names starting "sg-".
        name: inputs.name ?? `${name}-${hex(7)}`,
        ownerId: MOCK_ACCOUNT_ID,
      },
    };
  },
  [TYPE.securityGroupIngressRule]: ({ inputs, hex, region }) => ({
    id: `sgr-${hex(17)}`,
    state: { ...inputs, arn: arn("ec2", region, `security-group-rule/sgr-${hex(17)}`) },
  }),
  [TYPE.securityGroupEgressRule]: ({ inputs, hex, region }) => ({
    id: `sgr-${hex(17)}`,
    state: { ...inputs, arn: arn("ec2", region, `security-group-rule/sgr-${hex(17)}`) },
  }),
  [TYPE.instance]: ({ inputs, hex, region, name, engine }) => {
    const id = `i-${hex(17)}`;
    const subnetId = String(inputs.subnetId);
    const privateIp = (inputs.privateIp as string) ?? engine.nextAddress(subnetId);
    const hasPublicIp =
      inputs.associatePublicIpAddress === true ||
      (inputs.associatePublicIpAddress === undefined && engine.subnetMapsPublicIp(subnetId));
    const publicIp = hasPublicIp ? publicAddress(name) : "";
    const dnsLabel = privateIp.replace(/\./g, "-");
    return {
      id,
      state: {
        ...inputs,
        arn: arn("ec2", region, `instance/${id}`),
        availabilityZone: engine.subnetAz(subnetId) ?? `${region}a`,
        privateIp,
        privateDns: `ip-${dnsLabel}.${region}.compute.internal`,
        publicIp,
        publicDns: publicIp
          ? `ec2-${publicIp.replace(/\./g, "-")}.${region}.compute.amazonaws.com`
          : "",
        primaryNetworkInterfaceId: `eni-${hex(17)}`,
        instanceState: "running",
      },
    };
  },
  [TYPE.role]: ({ inputs, name }) => {
    const roleName = (inputs.name as string) ?? `${name}-${stableHex(name, 7)}`;
    return {
      id: roleName,
      state: {
        ...inputs,
        name: roleName,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${roleName}`,
        uniqueId: `AROA${stableHex(name, 17).toUpperCase()}`,
      },
    };
  },
  [TYPE.policy]: ({ inputs, name }) => {
    const policyName = (inputs.name as string) ?? `${name}-${stableHex(name, 7)}`;
    const policyArn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${policyName}`;
    return { id: policyArn, state: { ...inputs, name: policyName, arn: policyArn } };
  },
  [TYPE.rolePolicy]: ({ inputs, name }) => ({
    id: `${String(inputs.role)}:${(inputs.name as string) ?? name}`,
    state: { ...inputs, name: (inputs.name as string) ?? name },
  }),
  [TYPE.rolePolicyAttachment]: ({ inputs, hex }) => ({
    id: `${String(inputs.role)}-${hex(8)}`,
    state: { ...inputs },
  }),
  [TYPE.instanceProfile]: ({ inputs, name }) => {
    const profileName = (inputs.name as string) ?? `${name}-${stableHex(name, 7)}`;
    return {
      id: profileName,
      state: {
        ...inputs,
        name: profileName,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:instance-profile/${profileName}`,
      },
    };
  },
  [TYPE.user]: ({ inputs, name }) => {
    const userName = (inputs.name as string) ?? name;
    return {
      id: userName,
      state: { ...inputs, name: userName, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/${userName}` },
    };
  },
  [TYPE.group]: ({ inputs, name }) => {
    const groupName = (inputs.name as string) ?? name;
    return {
      id: groupName,
      state: {
        ...inputs,
        name: groupName,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:group/${groupName}`,
      },
    };
  },
  [TYPE.accessKey]: ({ inputs, hex }) => ({
    id: `AKIA${hex(16).toUpperCase()}`,
    state: { ...inputs, secret: `mock-secret-${hex(24)}`, status: "Active" },
  }),
  [TYPE.bucket]: ({ inputs, name, region }) => {
    const bucket = (inputs.bucket as string) ?? `${name}-${stableHex(name, 7)}`;
    return {
      id: bucket,
      state: {
        ...inputs,
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        region,
      },
    };
  },
  [TYPE.bucketPolicy]: ({ inputs }) => ({
    id: String(inputs.bucket),
    state: { ...inputs },
  }),
  [TYPE.table]: ({ inputs, name, region }) => {
    const tableName = (inputs.name as string) ?? name;
    return {
      id: tableName,
      state: { ...inputs, name: tableName, arn: arn("dynamodb", region, `table/${tableName}`) },
    };
  },
  [TYPE.vpcEndpoint]: (ctx) => {
    const { inputs, hex, region } = ctx;
    const id = `vpce-${hex(17)}`;
    const type = (inputs.vpcEndpointType as string) ?? "Gateway";
    const serviceName = String(inputs.serviceName ?? "");
    const custom = serviceName.startsWith("com.amazonaws.vpce.");
    const state: Record<string, unknown> = {
      ...inputs,
      vpcEndpointType: type,
      arn: arn("ec2", region, `vpc-endpoint/${id}`),
      ownerId: MOCK_ACCOUNT_ID,
      requesterManaged: false,
      state: custom ? "pendingAcceptance" : "available",
    };
    if (type === "Gateway") {
      const pl = prefixListFor(serviceName);
      state.prefixListId = pl.id;
      state.cidrBlocks = pl.cidrBlocks;
      state.dnsEntries = [];
      state.networkInterfaceIds = [];
    } else {
      state.dnsEntries = interfaceDnsEntries(ctx, id);
      const subnets = (inputs.subnetIds as string[] | undefined) ?? [];
      state.networkInterfaceIds = subnets.map((s) => `eni-${stableHex(`${id}/${s}`, 17)}`);
      state.privateDnsEnabled = inputs.privateDnsEnabled ?? false;
    }
    return { id, state };
  },
  [TYPE.vpcEndpointService]: ({ inputs, hex, region, engine }) => {
    const id = `vpce-svc-${hex(17)}`;
    const lbArns = (inputs.networkLoadBalancerArns as string[] | undefined) ?? [];
    const azs = [...new Set(lbArns.flatMap((a) => engine.loadBalancerAzs(a)))].sort();
    return {
      id,
      state: {
        ...inputs,
        arn: arn("ec2", region, `vpc-endpoint-service/${id}`),
        serviceName: `com.amazonaws.vpce.${region}.${id}`,
        serviceType: "Interface",
        availabilityZones: azs,
        baseEndpointDnsNames: [`${id}.${region}.vpce.amazonaws.com`],
        state: "Available",
      },
    };
  },
  [TYPE.loadBalancer]: ({ inputs, hex, region, name, engine }) => {
    const kind = inputs.loadBalancerType === "network" ? "net" : "app";
    const lbName = (inputs.name as string) ?? `${name}`.slice(0, 24);
    const lbArn = arn("elasticloadbalancing", region, `loadbalancer/${kind}/${lbName}/${hex(16)}`);
    const subnets = [
      ...((inputs.subnets as string[] | undefined) ?? []),
      ...((inputs.subnetMappings as { subnetId: string }[] | undefined) ?? []).map(
        (m) => m.subnetId,
      ),
    ];
    engine.noteLoadBalancer(
      lbArn,
      subnets.map((s) => engine.subnetAz(s)).filter((az): az is string => !!az),
    );
    const internal = inputs.internal === true;
    return {
      id: lbArn,
      state: {
        ...inputs,
        arn: lbArn,
        arnSuffix: lbArn.split(":loadbalancer/")[1],
        dnsName: `${internal ? "internal-" : ""}${lbName}-${hex(16)}.elb.${region}.amazonaws.com`,
        zoneId: "ZIBE1TIR4HY56",
      },
    };
  },
  [TYPE.targetGroup]: ({ inputs, hex, region, name }) => {
    const tgName = (inputs.name as string) ?? name.slice(0, 24);
    const tgArn = arn("elasticloadbalancing", region, `targetgroup/${tgName}/${hex(16)}`);
    return { id: tgArn, state: { ...inputs, arn: tgArn, name: tgName } };
  },
  [TYPE.listener]: ({ inputs, hex, region }) => {
    const listenerArn = arn("elasticloadbalancing", region, `listener/net/lab/${hex(16)}`);
    return { id: listenerArn, state: { ...inputs, arn: listenerArn } };
  },
  // The provider's id is `<service id>_<endpoint id>`; accepting makes the endpoint available.
  [TYPE.networkInsightsPath]: ({ inputs, hex, region }) => {
    const id = `nip-${hex(17)}`;
    return { id, state: { ...inputs, arn: arn("ec2", region, `network-insights-path/${id}`) } };
  },
  // Finished, as `waitForCompletion` leaves it. Whether AWS finds a path is not the engine's to
  // guess: `pathFound` stays unset unless a spec shapes it (defineShape).
  [TYPE.networkInsightsAnalysis]: ({ inputs, hex, region }) => {
    const id = `nia-${hex(17)}`;
    return {
      id,
      state: {
        ...inputs,
        arn: arn("ec2", region, `network-insights-analysis/${id}`),
        status: "succeeded",
      },
    };
  },
  [TYPE.vpcEndpointConnectionAccepter]: ({ inputs }) => ({
    id: `${String(inputs.vpcEndpointServiceId)}_${String(inputs.vpcEndpointId)}`,
    state: { ...inputs, vpcEndpointState: "available" },
  }),
  [TYPE.instanceConnectEndpoint]: ({ inputs, hex, region, engine }) => {
    const id = `eice-${hex(17)}`;
    const subnetId = String(inputs.subnetId);
    return {
      id,
      state: {
        ...inputs,
        arn: arn("ec2", region, `instance-connect-endpoint/${id}`),
        dnsName: `${id}.${stableHex(id, 8)}.ec2-instance-connect-endpoint.${region}.amazonaws.com`,
        fipsDnsName: `${id}.${stableHex(id, 8)}.fips.ec2-instance-connect-endpoint.${region}.amazonaws.com`,
        availabilityZone: engine.subnetAz(subnetId) ?? `${region}a`,
        networkInterfaceIds: [`eni-${stableHex(`${id}/eni`, 17)}`],
        ownerId: MOCK_ACCOUNT_ID,
      },
    };
  },
};

/** Resource types whose outputs are only their inputs and a generated id. */
function genericShape({ type, inputs, hex, name }: ShapeContext) {
  const kind = type.split(":").pop() ?? "resource";
  return { id: `${name}-${kind.toLowerCase()}-${hex(8)}`, state: { ...inputs } };
}

type Invoke = (inputs: Record<string, unknown>, region: string) => Record<string, unknown>;

const INVOKES: Record<string, Invoke> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, region) => {
    const { names, zoneIds } = availabilityZones(region);
    return { id: region, names, zoneIds, groupNames: [region], state: "available" };
  },
  "aws:index/getRegion:getRegion": (_inputs, region) => ({
    id: region,
    name: region,
    region,
    endpoint: `ec2.${region}.amazonaws.com`,
    description: region,
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    id: MOCK_ACCOUNT_ID,
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/lab-operator`,
    userId: "AIDAMOCKLABOPERATOR00",
  }),
  "aws:index/getPartition:getPartition": () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "aws:ssm/getParameter:getParameter": (inputs) => {
    const name = String(inputs.name);
    return {
      id: name,
      name,
      type: "String",
      value: `ami-${stableHex(name, 17)}`,
      version: 1,
      arn: `arn:aws:ssm:${DEFAULT_REGION}::parameter${name}`,
    };
  },
  // DescribeInstanceTypeOfferings: one offering per (type, location); types filtered by name.
  "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": (inputs, region) => {
    const filters = (inputs.filters as { name: string; values: string[] }[] | undefined) ?? [];
    const types = filters.find((f) => f.name === "instance-type")?.values;
    if (!types) {
      throw new Error(
        "mock engine: getInstanceTypeOfferings needs an instance-type filter (the labs ask about their own type)",
      );
    }
    const locationType = (inputs.locationType as string | undefined) ?? "region";
    const allowed = ["region", "availability-zone", "availability-zone-id"];
    if (!allowed.includes(locationType)) {
      throw new Error(
        `InvalidParameterValue: locationType "${locationType}" is not one of ${allowed.join(", ")}`,
      );
    }
    const { names, zoneIds } = availabilityZones(region);
    const wanted = filters.find((f) => f.name === "location")?.values;
    const offerings: { type: string; location: string }[] = [];
    for (const type of types) {
      const family = /^([a-z][a-z0-9-]*)\.[a-z0-9]+$/.exec(type)?.[1];
      if (!family) continue;
      const zones = zoneIds
        .map((zoneId, i) => ({ zoneId, name: names[i] }))
        .filter(
          (z) => !CONSTRAINED_ZONE_IDS.has(z.zoneId) || PREVIOUS_GENERATION_FAMILIES.has(family),
        );
      const locations =
        locationType === "region"
          ? zones.length > 0
            ? [region]
            : []
          : zones.map((z) => (locationType === "availability-zone" ? z.name : z.zoneId));
      for (const location of locations) {
        if (!wanted || wanted.includes(location)) offerings.push({ type, location });
      }
    }
    return {
      id: region,
      filters: inputs.filters,
      locationType,
      instanceTypes: offerings.map((o) => o.type),
      locations: offerings.map((o) => o.location),
      locationTypes: offerings.map(() => locationType),
      region,
    };
  },
  // DescribeVpcEndpointServices for AWS's own services: Regional, in every zone not closed to
  // new capacity. An endpoint service of one's own is matched by AZ ID from its load balancer.
  "aws:ec2/getVpcEndpointService:getVpcEndpointService": (inputs, region) => {
    const key = inputs.service as string | undefined;
    const serviceName =
      (inputs.serviceName as string | undefined) ?? `com.amazonaws.${region}.${key}`;
    const prefix = `com.amazonaws.${region}.`;
    if (!serviceName.startsWith(prefix) || serviceName.slice(prefix.length) === "") {
      throw new Error(
        `mock engine: getVpcEndpointService answers for AWS services (com.amazonaws.${region}.<service>); got "${serviceName}"`,
      );
    }
    const serviceType = (inputs.serviceType as string | undefined) ?? "Interface";
    const { names, zoneIds } = availabilityZones(region);
    const service = serviceName.slice(prefix.length);
    const id = `vpce-svc-${stableHex(`${serviceName}/${serviceType}`, 17)}`;
    return {
      id: serviceName,
      acceptanceRequired: false,
      arn: `arn:aws:ec2:${region}::vpc-endpoint-service/${id}`,
      availabilityZones: names.filter((_, i) => !CONSTRAINED_ZONE_IDS.has(zoneIds[i])),
      baseEndpointDnsNames: [
        `${service}.${region}.${serviceType === "Gateway" ? "amazonaws.com" : "vpce.amazonaws.com"}`,
      ],
      managesVpcEndpoints: false,
      owner: "amazon",
      privateDnsName: serviceType === "Interface" ? `${service}.${region}.amazonaws.com` : "",
      privateDnsNames: serviceType === "Interface" ? [`${service}.${region}.amazonaws.com`] : [],
      region,
      serviceId: id,
      serviceName,
      serviceRegion: region,
      serviceType,
      supportedIpAddressTypes: ["ipv4"],
      tags: {},
      vpcEndpointPolicySupported: true,
    };
  },
  "aws:ec2/getPrefixList:getPrefixList": (inputs) => {
    const wanted = inputs.name as string | undefined;
    const filterName = (inputs.filters as { name: string; values: string[] }[] | undefined)?.find(
      (f) => f.name === "prefix-list-name",
    )?.values[0];
    const name = wanted ?? filterName;
    if (!name) {
      throw new Error("mock engine: getPrefixList needs `name` (com.amazonaws.<region>.<service>)");
    }
    const pl = prefixListFor(name);
    return { id: pl.id, prefixListId: pl.id, name: pl.name, cidrBlocks: pl.cidrBlocks };
  },
};

/**
 * The recording engine. One instance per process is enough: `reset()` clears what was recorded
 * and installs fresh config between runs.
 */
export class MockEngine {
  readonly resources: RecordedResource[] = [];
  readonly invokes: RecordedInvoke[] = [];
  /** Why each registration AWS would refuse was refused, since the last reset. */
  readonly refusals: string[] = [];
  private readonly subnets = new Map<
    string,
    { cidr: string; az: string; used: number; public?: boolean }
  >();
  private readonly loadBalancers = new Map<string, string[]>();
  private region = DEFAULT_REGION;
  private stack = "dev";

  /** The stack the program runs in, as its URNs name it. */
  get stackName(): string {
    return this.stack;
  }
  /** Extra resource shapes registered by specs (for remote components such as awsx's Vpc). */
  private readonly extraShapers = new Map<string, Shaper>();

  /** Installs the engine as Pulumi's monitor with the given config. */
  async install(options: EngineOptions = {}): Promise<void> {
    this.reset(options);
    const mocks = this.mocks();
    await pulumi.runtime.setMocks(mocks, PROJECT, this.stack, options.preview ?? false);
    settings.setMockOptions(
      new RecordingMonitor(mocks, this),
      PROJECT,
      this.stack,
      options.preview,
    );
  }

  /** The engine's answers as Pulumi mocks; harness/language-host.ts serves them over gRPC. */
  mocks(): pulumi.runtime.Mocks {
    return {
      newResource: (args) => withDetails(() => this.shape(args.type, args.name, args.inputs)),
      call: (args) => withDetails(() => this.invoke(args.token, args.inputs)),
    };
  }

  /** Clears the record and replaces the config, keeping the monitor. */
  reset(options: EngineOptions = {}): void {
    this.resources.length = 0;
    this.invokes.length = 0;
    this.refusals.length = 0;
    this.subnets.clear();
    this.loadBalancers.clear();
    this.stack = options.stack ?? "dev";
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.config ?? {})) {
      config[key.includes(":") ? key : `${PROJECT}:${key}`] = value;
    }
    config["aws:region"] ??= DEFAULT_REGION;
    this.region = config["aws:region"];
    pulumi.runtime.setAllConfig(config);
  }

  /** Lets a spec shape a resource type the engine does not know (awsx's remote Vpc, say). */
  defineShape(type: string, shaper: Shaper): void {
    this.extraShapers.set(type, shaper);
  }

  /**
   * Waits until every registration the program started has been answered. Rejects when one was
   * refused: `pulumi up` would have failed on it, so nothing built on the record may pass.
   */
  async settle(): Promise<RecordedResource[]> {
    await waitForRPCs();
    if (this.refusals.length) {
      throw new Error(this.refusals.join("\n"));
    }
    return this.resources;
  }

  /** Resources of one type, in registration order. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this type and name; throws listing what exists otherwise. */
  get(type: string, name: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      const names = this.ofType(type).map((r) => r.name);
      throw new Error(
        `expected one ${type} named "${name}", found ${found.length}; names of that type: ${names.join(", ") || "none"}`,
      );
    }
    return found[0];
  }

  /** The resource registered with this physical id (a subnet id, a security group id...). */
  byId(id: unknown): RecordedResource | undefined {
    return this.resources.find((r) => r.id === id);
  }

  /** Children of a resource, by parent URN. */
  childrenOf(urn: string): RecordedResource[] {
    return this.resources.filter((r) => r.parent === urn);
  }

  /** @internal */
  record(resource: RecordedResource): void {
    this.resources.push(resource);
  }

  /** @internal */
  noteSubnet(id: string, cidr: string, az: string): void {
    this.subnets.set(id, { cidr, az, used: 0 });
  }

  /** @internal */
  subnetAz(subnetId: string): string | undefined {
    return this.subnets.get(subnetId)?.az;
  }

  /** @internal */
  subnetMapsPublicIp(subnetId: string): boolean {
    const subnet = this.resources.find((r) => r.type === TYPE.subnet && r.id === subnetId);
    return subnet?.inputs.mapPublicIpOnLaunch === true;
  }

  /** @internal */
  nextAddress(subnetId: string): string {
    const subnet = this.subnets.get(subnetId);
    if (!subnet) return "10.255.255.10";
    return hostAddress(subnet.cidr, subnet.used++);
  }

  /** @internal */
  noteLoadBalancer(lbArn: string, azs: string[]): void {
    this.loadBalancers.set(lbArn, azs);
  }

  /** @internal */
  loadBalancerAzs(lbArn: string): string[] {
    return this.loadBalancers.get(lbArn) ?? [];
  }

  private shape(type: string, name: string, inputs: Record<string, unknown>) {
    const shaper = this.extraShapers.get(type) ?? SHAPERS[type] ?? genericShape;
    const seed = `${this.stack}/${type}/${name}`;
    return shaper({
      type,
      name,
      inputs,
      region: this.region,
      engine: this,
      hex: (n) => stableHex(seed, n),
    });
  }

  private invoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    this.invokes.push({ token, inputs });
    const handler = INVOKES[token];
    if (!handler) {
      throw new Error(
        `mock engine: invoke ${token} is not implemented; the labs may only call ${Object.keys(INVOKES).join(", ")} (add it to engine/mock-engine.ts with a realistic answer)`,
      );
    }
    return handler(inputs, this.region);
  }
}

/**
 * Runs `fn`, giving a thrown error the `details` field of a gRPC error: the SDK reports a failed
 * invoke or registration by that field alone, and would otherwise print a bare "Error".
 */
function withDetails<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as Error & { details?: string };
    err.details ??= err.message;
    throw err;
  }
}

/**
 * Pulumi's mock monitor plus a record of each registration's parent and dependencies, URNs formed
 * as the Pulumi engine forms them, and the refusals AWS would make.
 */
class RecordingMonitor extends MockMonitor {
  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly engine: MockEngine,
  ) {
    super(mocks);
    // `newUrn` is private in the SDK's typings, yet the one place the base class forms URNs
    // (registerResource, readResource): replacing it is the smallest change that keeps the rest.
    Object.assign(this, {
      newUrn: (parent: string, type: string, name: string) =>
        resourceUrn(engine.stackName, PROJECT, parent || undefined, type, name),
    });
  }

  // The request type is the SDK's generated protobuf class; only its getters are used here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async registerResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: { getUrnsList(): string[] }, key: string) => {
      propertyDependencies[key] = deps.getUrnsList();
    });
    const parent: string = req.getParent();
    const inputs = unwrapSecrets(pulumi.runtime.deserializeProperties(req.getObject()));
    const dependencies: string[] = req.getDependenciesList();
    if (req.getCustom()) {
      const refusal = refusalOf(
        {
          type: req.getType(),
          name: req.getName(),
          urn: resourceUrn(
            this.engine.stackName,
            PROJECT,
            parent || undefined,
            req.getType(),
            req.getName(),
          ),
          props: inputs,
          propertyDependencies,
          dependencies,
        },
        this.engine.resources.map((r) => ({
          type: r.type,
          name: r.name,
          urn: r.urn,
          id: r.id,
          props: r.inputs,
          propertyDependencies: r.propertyDependencies,
          dependencies: r.dependencies,
        })),
      );
      if (refusal) {
        this.engine.refusals.push(refusal);
        callback(Object.assign(new Error(refusal), { details: refusal }), undefined);
        return;
      }
    }
    return super.registerResource(req, (err, resp) => {
      if (!err && resp) {
        const outputs = pulumi.runtime.deserializeProperties(resp.getObject());
        this.engine.record({
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          id: resp.getId() || undefined,
          custom: req.getCustom(),
          parent: parent || undefined,
          dependencies,
          propertyDependencies,
          inputs,
          outputs: unwrapSecrets(outputs),
        });
      }
      callback(err, resp);
    });
  }

  // A component's outputs arrive after its children: keep the record current.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  registerResourceOutputs(req: any, callback: (err: any, resp: any) => void): void {
    const recorded = this.engine.resources.find((r) => r.urn === req.getUrn());
    if (recorded && req.getOutputs()) {
      recorded.outputs = unwrapSecrets(pulumi.runtime.deserializeProperties(req.getOutputs()));
    }
    super.registerResourceOutputs(req, callback);
  }
}

function unwrapSecrets(value: unknown): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value, (_key, v) =>
      v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in v ? v.value : v,
    ),
  );
}

/** The process-wide engine. */
export const engine = new MockEngine();
