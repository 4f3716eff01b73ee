/**
 * The one price table the offline cost estimate reads: USD, per Region, each figure with the AWS
 * page to check it on. A Region or item the table lacks is `"unknown"`, never a guess, so the
 * estimate can say which figure it lacks instead of counting it as free.
 */

/** What one priced thing costs, per unit and hour. */
export interface Price {
  /** USD per unit-hour; 0 when AWS does not charge for it; "unknown" when the table lacks it. */
  readonly usdPerHour: number | "unknown";
  /** What one unit is, for the rendered table ("AZ-hour", "hour", "address-hour"). */
  readonly unit: string;
  readonly source: string;
}

/** The things the estimate prices. Instances are keyed by type: `instance:t4g.nano`. */
export type PriceItem =
  | "interface-endpoint"
  | "gateway-endpoint"
  | "instance-connect-endpoint"
  | "nat-gateway"
  | "network-load-balancer"
  | "public-ipv4"
  | "application-load-balancer"
  | "gateway-load-balancer"
  | "gateway-load-balancer-endpoint"
  | `instance:${string}`;

/** An item in words, as the estimate names what it has no price for. */
export function itemLabel(item: PriceItem): string {
  if (item.startsWith("instance:")) return `${item.slice("instance:".length)} instance`;
  const labels: Record<string, string> = {
    "interface-endpoint": "interface endpoint AZ-hours",
    "gateway-endpoint": "gateway endpoint",
    "instance-connect-endpoint": "Instance Connect Endpoint",
    "nat-gateway": "NAT gateway",
    "network-load-balancer": "Network Load Balancer",
    "public-ipv4": "public IPv4 addresses",
    "application-load-balancer": "Application Load Balancer",
    "gateway-load-balancer": "Gateway Load Balancer",
    "gateway-load-balancer-endpoint": "Gateway Load Balancer endpoint",
  };
  return labels[item] ?? item;
}

export const SOURCES = {
  privatelink: "https://aws.amazon.com/privatelink/pricing/",
  vpc: "https://aws.amazon.com/vpc/pricing/",
  ec2: "https://aws.amazon.com/ec2/pricing/on-demand/",
  elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
} as const;

/** Hours in the month the estimate quotes (AWS's own calculator uses 730). */
export const HOURS_PER_MONTH = 730;

export interface PriceTable {
  readonly currency: "USD";
  /** When the figures were checked, and against what. */
  readonly asOf: string;
  readonly hoursPerMonth: number;
  readonly sources: readonly string[];
  /** Caveats a reader of any estimate must see. */
  readonly notes: readonly string[];
  /** Per Region, the items it lists; an item left out is unknown there. */
  readonly regions: Readonly<Record<string, Readonly<Partial<Record<PriceItem, Price>>>>>;
}

const free = (source: string): Price => ({ usdPerHour: 0, unit: "hour", source });

export const PRICE_TABLE: PriceTable = {
  currency: "USD",
  asOf: "2026-12",
  hoursPerMonth: HOURS_PER_MONTH,
  sources: Object.values(SOURCES),
  notes: [
    "On-demand list prices before tax, checked 2026-12; AWS changes them, and the pages below are where to check them (they show a Region's figures once it is chosen).",
    "Not estimated (usage-based): data processed by interface endpoints, NAT gateways and load balancers, NLB capacity units (NLCU-hours), data transfer, EBS volumes, S3 and DynamoDB storage and requests.",
  ],
  regions: {
    "us-east-1": {
      "interface-endpoint": { usdPerHour: 0.01, unit: "AZ-hour", source: SOURCES.privatelink },
      "gateway-endpoint": free(SOURCES.privatelink),
      "instance-connect-endpoint": free(SOURCES.vpc),
      "nat-gateway": { usdPerHour: 0.045, unit: "hour", source: SOURCES.vpc },
      "network-load-balancer": { usdPerHour: 0.0225, unit: "hour", source: SOURCES.elb },
      "public-ipv4": { usdPerHour: 0.005, unit: "address-hour", source: SOURCES.vpc },
      "instance:t4g.nano": { usdPerHour: 0.0042, unit: "hour", source: SOURCES.ec2 },
      "instance:t4g.micro": { usdPerHour: 0.0084, unit: "hour", source: SOURCES.ec2 },
      "instance:t3.nano": { usdPerHour: 0.0052, unit: "hour", source: SOURCES.ec2 },
      "instance:t3.micro": { usdPerHour: 0.0104, unit: "hour", source: SOURCES.ec2 },
    },
    "ap-northeast-2": {
      "interface-endpoint": { usdPerHour: 0.013, unit: "AZ-hour", source: SOURCES.privatelink },
      "gateway-endpoint": free(SOURCES.privatelink),
      "instance-connect-endpoint": free(SOURCES.vpc),
      "nat-gateway": { usdPerHour: 0.059, unit: "hour", source: SOURCES.vpc },
      "network-load-balancer": { usdPerHour: 0.0225, unit: "hour", source: SOURCES.elb },
      "public-ipv4": { usdPerHour: 0.005, unit: "address-hour", source: SOURCES.vpc },
      "instance:t4g.nano": { usdPerHour: 0.0052, unit: "hour", source: SOURCES.ec2 },
      "instance:t4g.micro": { usdPerHour: 0.0104, unit: "hour", source: SOURCES.ec2 },
      "instance:t3.nano": { usdPerHour: 0.0065, unit: "hour", source: SOURCES.ec2 },
      "instance:t3.micro": { usdPerHour: 0.013, unit: "hour", source: SOURCES.ec2 },
    },
  },
};

/** What bills once per use rather than by the hour. */
export interface UsePrice {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

/**
 * Per-use prices, the same in every Region (AWS-FACTS.md, Prices): a Reachability Analyzer
 * analysis bills when it runs, whatever it finds.
 */
export const USE_PRICES = {
  "reachability-analysis": { usd: 0.1, unit: "analysis", source: SOURCES.vpc },
} as const satisfies Record<string, UsePrice>;

/** Where an item's price would be published, for items the table has no row for. */
function sourceOf(item: PriceItem): string {
  if (item.startsWith("instance:")) return SOURCES.ec2;
  if (item.endsWith("load-balancer")) return SOURCES.elb;
  if (item.endsWith("endpoint") && item !== "instance-connect-endpoint") return SOURCES.privatelink;
  return SOURCES.vpc;
}

/**
 * The price of an item in a Region. A Region or item the table does not list is "unknown"
 * (with the page to look it up on), never zero.
 */
export function priceOf(item: PriceItem, region: string, table: PriceTable = PRICE_TABLE): Price {
  const known = table.regions[region]?.[item];
  if (known) return known;
  return {
    usdPerHour: "unknown",
    unit:
      item === "interface-endpoint" ? "AZ-hour" : item === "public-ipv4" ? "address-hour" : "hour",
    source: sourceOf(item),
  };
}
