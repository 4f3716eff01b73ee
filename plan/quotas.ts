/**
 * The default per-Region quotas a lab consumes, and how many labs fit in one fresh Region at
 * once. Pure: it counts resources by type, so it reads mocked resources and stack exports alike.
 *
 * A fresh Region is one where the account has only its default VPC, which holds one VPC and one
 * internet gateway of the quota (AWS creates it in every Region of accounts made since 2013).
 */
import { TYPE } from "../model/type-tokens";

/** What the counter reads of a resource; the connectivity model's `GraphResource` fits. */
export interface QuotaResource {
  readonly type: string;
  readonly props: Readonly<Record<string, unknown>>;
}

export type QuotaKey =
  | "vpcs"
  | "internetGateways"
  | "elasticIps"
  | "instanceConnectEndpoints"
  | "gatewayEndpoints"
  | "interfaceEndpointsPerVpc";

export interface Quota {
  readonly key: QuotaKey;
  /** In words, plural: "VPCs". */
  readonly name: string;
  readonly limit: number;
  /** Per Region (labs add up) or per VPC (each lab's own VPCs, so labs never add up). */
  readonly scope: "Region" | "VPC";
  /** What the default VPC already holds of it in a fresh Region. */
  readonly takenByDefaultVpc: number;
  readonly source: string;
}

export const QUOTA_SOURCES = {
  vpc: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html",
  privatelink: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html",
  eice: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/eice-quotas.html",
} as const;

/** Default quotas (all adjustable through Service Quotas), as the AWS pages list them. */
export const QUOTAS: readonly Quota[] = [
  {
    key: "vpcs",
    name: "VPCs",
    limit: 5,
    scope: "Region",
    takenByDefaultVpc: 1,
    source: QUOTA_SOURCES.vpc,
  },
  {
    key: "internetGateways",
    name: "internet gateways",
    limit: 5,
    scope: "Region",
    takenByDefaultVpc: 1,
    source: QUOTA_SOURCES.vpc,
  },
  {
    key: "elasticIps",
    name: "Elastic IP addresses",
    limit: 5,
    scope: "Region",
    takenByDefaultVpc: 0,
    source: QUOTA_SOURCES.vpc,
  },
  {
    key: "instanceConnectEndpoints",
    name: "Instance Connect Endpoints",
    limit: 5,
    scope: "Region",
    takenByDefaultVpc: 0,
    source: QUOTA_SOURCES.eice,
  },
  {
    key: "gatewayEndpoints",
    name: "gateway endpoints",
    limit: 20,
    scope: "Region",
    takenByDefaultVpc: 0,
    source: QUOTA_SOURCES.privatelink,
  },
  {
    key: "interfaceEndpointsPerVpc",
    name: "interface endpoints in one VPC",
    limit: 50,
    scope: "VPC",
    takenByDefaultVpc: 0,
    source: QUOTA_SOURCES.privatelink,
  },
];

export type QuotaUse = Readonly<Record<QuotaKey, number>>;

/** What one lab takes of each quota. */
export function quotaUse(resources: readonly QuotaResource[]): QuotaUse {
  const count = (type: string) => resources.filter((r) => r.type === type).length;
  const endpoints = resources.filter((r) => r.type === TYPE.vpcEndpoint);
  const perVpc = new Map<string, number>();
  for (const e of endpoints) {
    // The per-VPC quota counts interface and Gateway Load Balancer endpoints together.
    if (e.props.vpcEndpointType === "Gateway" || e.props.vpcEndpointType === undefined) continue;
    const vpc = String(e.props.vpcId ?? "");
    perVpc.set(vpc, (perVpc.get(vpc) ?? 0) + 1);
  }
  return {
    vpcs: count(TYPE.vpc),
    internetGateways: count(TYPE.internetGateway),
    elasticIps: count(TYPE.eip),
    instanceConnectEndpoints: count(TYPE.instanceConnectEndpoint),
    gatewayEndpoints: endpoints.filter(
      (e) => e.props.vpcEndpointType === "Gateway" || e.props.vpcEndpointType === undefined,
    ).length,
    interfaceEndpointsPerVpc: Math.max(0, ...perVpc.values()),
  };
}

/** What a fresh Region leaves of a quota for labs. */
export function available(quota: Quota): number {
  return quota.limit - quota.takenByDefaultVpc;
}

/** Quotas one lab alone already exceeds in a fresh Region. */
export function exceeded(use: QuotaUse, quotas: readonly Quota[] = QUOTAS): Quota[] {
  return quotas.filter((q) => use[q.key] > available(q));
}

export interface RegionFit {
  /** Every lab asked about, with its use. */
  readonly labs: readonly { scenario: string; use: QuotaUse }[];
  /** What all of them together take of each per-Region quota. */
  readonly total: Readonly<Record<QuotaKey, number>>;
  /** The largest set of labs that fit in one fresh Region together (the first found). */
  readonly fit: readonly string[];
  /** Per-Region quotas the whole set exceeds. */
  readonly binding: readonly Quota[];
}

/**
 * How many of the labs fit in one fresh Region at the same time. Exact: every subset is tried,
 * which is cheap for the seven labs (128 subsets) and stays exact when one lab dominates a quota.
 */
export function regionFit(
  labs: readonly { scenario: string; use: QuotaUse }[],
  quotas: readonly Quota[] = QUOTAS,
): RegionFit {
  if (labs.length > 16)
    throw new Error(`regionFit tries every subset; ${labs.length} labs is too many`);
  const regional = quotas.filter((q) => q.scope === "Region");
  const sum = (set: readonly { use: QuotaUse }[], key: QuotaKey) =>
    set.reduce((n, l) => n + l.use[key], 0);
  let best: typeof labs = [];
  for (let mask = 0; mask < 1 << labs.length; mask++) {
    const set = labs.filter((_, i) => mask & (1 << i));
    if (set.length <= best.length) continue;
    if (regional.every((q) => sum(set, q.key) <= available(q))) best = set;
  }
  const total = Object.fromEntries(
    quotas.map((q) => [
      q.key,
      q.scope === "Region" ? sum(labs, q.key) : Math.max(0, ...labs.map((l) => l.use[q.key])),
    ]),
  ) as Record<QuotaKey, number>;
  return {
    labs,
    total,
    fit: best.map((l) => l.scenario),
    binding: regional.filter((q) => total[q.key] > available(q)),
  };
}
