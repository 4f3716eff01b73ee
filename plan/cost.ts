/**
 * The hourly and monthly cost of a lab, from its resources and the dated price table. Pure: it
 * reads type, name and properties, so it prices mocked resources and real stack outputs alike.
 *
 * Only what bills by the hour whether used or not is estimated: interface endpoint AZ-hours,
 * NAT gateways, load balancers, instances and public IPv4 addresses. A price the table lacks is
 * reported as unknown and left out of the total, so a total never looks cheaper than it is
 * without saying so.
 */
import { decodeServiceName } from "../model/service-name";
import { TYPE } from "../model/type-tokens";
import { itemLabel, PRICE_TABLE, PriceItem, PriceTable, priceOf, USE_PRICES } from "./prices";

/** What the estimator reads of a resource; the connectivity model's `GraphResource` fits. */
export interface CostResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Outputs over inputs: a public IP is only known once the provider assigned it. */
  readonly props: Readonly<Record<string, unknown>>;
}

export interface CostLine {
  /** The resource billed. */
  readonly name: string;
  readonly type: string;
  readonly urn: string;
  readonly item: PriceItem;
  /** What is billed, in words ("interface endpoint, 2 subnets"). */
  readonly what: string;
  /** Units billed every hour (AZs of an interface endpoint, addresses...). */
  readonly quantity: number;
  readonly unit: string;
  readonly usdPerUnitHour: number | "unknown";
  readonly usdPerHour: number | "unknown";
  readonly usdPerMonth: number | "unknown";
  readonly source: string;
}

export interface CostEstimate {
  readonly region: string;
  readonly currency: "USD";
  readonly asOf: string;
  readonly hoursPerMonth: number;
  readonly lines: readonly CostLine[];
  /** Sum of the lines with a known price. */
  readonly usdPerHour: number;
  readonly usdPerMonth: number;
  /** One entry per item without a price: "no price for t4g.nano instance in ap-northeast-2". */
  readonly unknown: readonly string[];
  /** True when every line has a price. */
  readonly complete: boolean;
  readonly notes: readonly string[];
  readonly sources: readonly string[];
  /** What bills once, when created (each Reachability Analyzer analysis), apart from the hourly total. */
  readonly oneTime: { readonly lines: readonly OneTimeLine[]; readonly usd: number };
}

/** A charge billed once per run, not by the hour. */
export interface OneTimeLine {
  readonly name: string;
  readonly type: string;
  readonly urn: string;
  readonly what: string;
  readonly usd: number;
  readonly source: string;
}

/** One billable item of a resource, before pricing. */
interface Charge {
  item: PriceItem;
  what: string;
  quantity: number;
}

/** What a resource bills by the hour; empty for resources that do not. */
export function chargesOf(resource: CostResource): Charge[] {
  const p = resource.props;
  switch (resource.type) {
    case TYPE.vpcEndpoint: {
      const kind = String(p.vpcEndpointType ?? "Gateway");
      const service = shortService(p.serviceName);
      if (kind === "Gateway") {
        return [{ item: "gateway-endpoint", what: `gateway endpoint (${service})`, quantity: 1 }];
      }
      if (kind === "Interface") {
        // Billed per network interface, and AWS places one in each subnet given.
        const subnets = list(p.subnetIds).length;
        return [
          {
            item: "interface-endpoint",
            what: `interface endpoint (${service}), ${plural(subnets, "subnet")}`,
            quantity: subnets,
          },
        ];
      }
      return [
        {
          item: "gateway-load-balancer-endpoint",
          what: `${kind} endpoint (${service})`,
          quantity: 1,
        },
      ];
    }
    case TYPE.instanceConnectEndpoint:
      return [
        { item: "instance-connect-endpoint", what: "Instance Connect Endpoint", quantity: 1 },
      ];
    case TYPE.natGateway:
      return [{ item: "nat-gateway", what: "NAT gateway", quantity: 1 }];
    case TYPE.eip:
      // An Elastic IP bills as a public IPv4 address whether attached (a NAT's) or idle.
      return [{ item: "public-ipv4", what: "Elastic IP address", quantity: 1 }];
    case TYPE.instance: {
      const type = String(p.instanceType ?? "unknown");
      const charges: Charge[] = [
        { item: `instance:${type}`, what: `${type} instance`, quantity: 1 },
      ];
      if (hasPublicIp(p)) {
        charges.push({ item: "public-ipv4", what: "public IPv4 address", quantity: 1 });
      }
      return charges;
    }
    case TYPE.loadBalancer:
    case TYPE.albLoadBalancer: {
      if (p.loadBalancerType === "gateway") {
        return [{ item: "gateway-load-balancer", what: "Gateway Load Balancer", quantity: 1 }];
      }
      if (p.loadBalancerType !== "network") {
        return [
          { item: "application-load-balancer", what: "Application Load Balancer", quantity: 1 },
        ];
      }
      const charges: Charge[] = [
        { item: "network-load-balancer", what: "Network Load Balancer", quantity: 1 },
      ];
      if (p.internal !== true) {
        // An internet-facing NLB holds one public address per AZ it is enabled in.
        const azs = list(p.subnets).length + list(p.subnetMappings).length;
        charges.push({
          item: "public-ipv4",
          what: `public IPv4 addresses of an internet-facing NLB (${plural(azs, "AZ")})`,
          quantity: azs,
        });
      }
      return charges;
    }
    default:
      return [];
  }
}

/** Prices every resource that bills by the hour. */
export function estimateCost(
  resources: readonly CostResource[],
  region: string,
  table: PriceTable = PRICE_TABLE,
): CostEstimate {
  const lines: CostLine[] = [];
  const missing = new Map<string, string[]>();
  for (const resource of resources) {
    for (const charge of chargesOf(resource)) {
      const price = priceOf(charge.item, region, table);
      const known = price.usdPerHour !== "unknown";
      const perHour = known ? round(Number(price.usdPerHour) * charge.quantity, 6) : "unknown";
      lines.push({
        name: resource.name,
        type: resource.type,
        urn: resource.urn,
        item: charge.item,
        what: charge.what,
        quantity: charge.quantity,
        unit: price.unit,
        usdPerUnitHour: price.usdPerHour,
        usdPerHour: perHour,
        usdPerMonth: perHour === "unknown" ? "unknown" : round(perHour * table.hoursPerMonth, 4),
        source: price.source,
      });
      if (!known) {
        const key = `no price for ${itemLabel(charge.item)} in ${region}`;
        missing.set(key, [...(missing.get(key) ?? []), resource.name]);
      }
    }
  }
  const analysis = USE_PRICES["reachability-analysis"];
  const oneTime: OneTimeLine[] = resources
    .filter((r) => r.type === TYPE.networkInsightsAnalysis)
    .map((r) => ({
      name: r.name,
      type: r.type,
      urn: r.urn,
      what: "Reachability Analyzer analysis, billed each time it runs (create or replace)",
      usd: analysis.usd,
      source: analysis.source,
    }));
  const usdPerHour = round(
    lines.reduce((sum, l) => sum + (l.usdPerHour === "unknown" ? 0 : l.usdPerHour), 0),
    6,
  );
  return {
    region,
    currency: table.currency,
    asOf: table.asOf,
    hoursPerMonth: table.hoursPerMonth,
    lines,
    usdPerHour,
    usdPerMonth: round(usdPerHour * table.hoursPerMonth, 4),
    unknown: [...missing.entries()].map(([what, names]) => `${what} (${names.join(", ")})`),
    complete: missing.size === 0,
    notes: table.notes,
    sources: table.sources,
    oneTime: { lines: oneTime, usd: round(oneTime.length * analysis.usd, 2) },
  };
}

function hasPublicIp(p: Readonly<Record<string, unknown>>): boolean {
  if (typeof p.publicIp === "string") return p.publicIp !== "";
  return p.associatePublicIpAddress === true;
}

/** `com.amazonaws.ap-northeast-2.s3` -> `s3`; an endpoint service's name -> `endpoint service`. */
function shortService(serviceName: unknown): string {
  const name = String(serviceName ?? "");
  const decoded = decodeServiceName(name);
  if (decoded.kind === "aws-service") return decoded.service;
  if (decoded.kind === "endpoint-service") return "endpoint service";
  return name || "unknown service";
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
