/**
 * Route selection in one route table: which route a packet to a destination takes, by longest
 * prefix. Pure data in, pure data out; model/network.ts reads the routes from the graph.
 */
import { covers, prefixLength } from "./addresses";

/** What a route sends traffic to. */
export type HopKind =
  | "local"
  | "internet-gateway"
  | "nat-gateway"
  | "gateway-endpoint"
  | "peering"
  | "transit-gateway"
  | "virtual-private-gateway"
  | "egress-only-gateway"
  | "network-interface"
  | "blackhole";

export interface Hop {
  kind: HopKind;
  /** The target's id (igw-..., nat-..., vpce-..., pcx-...), or "local". */
  id: string;
}

export interface RouteEntry {
  /** A CIDR block, or a managed prefix list with the blocks it holds when they are known. */
  destination: { cidr: string } | { prefixListId: string; cidrs: readonly string[] };
  target: Hop;
  /** URN of the resource that made the route (a Route, a route table, a gateway endpoint). */
  origin: string;
}

/** Where a packet goes: addresses it may be sent to, and prefix lists known to hold them. */
export interface Destination {
  cidrs: readonly string[];
  prefixListIds: readonly string[];
}

/** The route with the longest prefix covering the destination, or undefined when none does. */
export function selectRoute(
  routes: readonly RouteEntry[],
  destination: Destination,
): RouteEntry | undefined {
  let best: RouteEntry | undefined;
  let bestLength = -1;
  for (const route of routes) {
    const length = matchLength(route, destination);
    // The local route wins a tie: AWS gives no route a more specific reach into the VPC's block.
    if (length > bestLength || (length === bestLength && route.target.kind === "local")) {
      best = route;
      bestLength = length;
    }
  }
  return bestLength >= 0 ? best : undefined;
}

/** Prefix length with which the route covers the destination, -1 when it does not. */
function matchLength(route: RouteEntry, destination: Destination): number {
  const d = route.destination;
  if ("cidr" in d) {
    return destination.cidrs.some((c) => covers(d.cidr, c)) ? prefixLength(d.cidr) : -1;
  }
  const covering = d.cidrs.filter((block) => destination.cidrs.some((c) => covers(block, c)));
  if (covering.length > 0) return Math.max(...covering.map(prefixLength));
  if (!destination.prefixListIds.includes(d.prefixListId)) return -1;
  // The destination is known to be in the list even where its blocks are not: the list's
  // narrowest claim still beats any default route (a list whose blocks are unknown, all of them).
  return d.cidrs.length > 0 ? Math.min(...d.cidrs.map(prefixLength)) : 32;
}

/**
 * The fields of a route (an `aws:ec2/route:Route`, or an entry of a route table's inline
 * `routes`) that name its target, each with the hop it makes. `gatewayId` takes an internet,
 * virtual private or (in a stack export) endpoint gateway, told apart by the id's prefix. AWS
 * allows one target per route, so the order only matters for a malformed route.
 */
export const ROUTE_TARGET_FIELDS = [
  ["gatewayId", undefined],
  ["natGatewayId", "nat-gateway"],
  ["vpcPeeringConnectionId", "peering"],
  ["transitGatewayId", "transit-gateway"],
  ["vpcEndpointId", "gateway-endpoint"],
  ["egressOnlyGatewayId", "egress-only-gateway"],
  ["networkInterfaceId", "network-interface"],
] as const satisfies readonly (readonly [string, HopKind | undefined])[];

/** The target of a route given as its fields, or undefined when it names none. */
export function routeTarget(fields: Record<string, unknown>): Hop | undefined {
  const found = firstTarget(fields);
  if (fields.state === "blackhole") return { kind: "blackhole", id: found?.id ?? "" };
  return found && { kind: found.kind ?? gatewayKind(found.id), id: found.id };
}

function firstTarget(
  fields: Record<string, unknown>,
): { kind: HopKind | undefined; id: string } | undefined {
  for (const [field, kind] of ROUTE_TARGET_FIELDS) {
    const id = fields[field];
    if (typeof id === "string" && id !== "") return { kind, id };
  }
  return undefined;
}

function gatewayKind(id: string): HopKind {
  if (id === "local") return "local";
  if (id.startsWith("vgw-")) return "virtual-private-gateway";
  if (id.startsWith("vpce-")) return "gateway-endpoint";
  if (id.startsWith("nat-")) return "nat-gateway";
  return "internet-gateway";
}

/** One line naming a route: `0.0.0.0/0 -> igw-...`, `pl-... -> vpce-...`. */
export function describeRoute(route: RouteEntry): string {
  const d = route.destination;
  const to = "cidr" in d ? d.cidr : d.prefixListId;
  return `${to} -> ${route.target.id}`;
}
