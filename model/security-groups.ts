/**
 * Security group evaluation: does any rule of a set of groups let a TCP connection out to, or in
 * from, a peer? Groups are stateful, so the reply needs no rule. Pure; model/network.ts reads
 * the rules from the graph (standalone rule resources and inline blocks alike).
 */
import { covers } from "./addresses";

/** What a rule admits traffic to or from. */
export type RulePeer =
  { cidr: string } | { ipv6Cidr: string } | { prefixListId: string } | { securityGroupId: string };

export interface SgRuleFact {
  /** The group the rule belongs to (sg-...). */
  groupId: string;
  direction: "ingress" | "egress";
  /** "-1" (every protocol), "tcp", "udp", "icmp" or a protocol number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  peer: RulePeer;
  /** URN of the resource that holds the rule. */
  origin: string;
}

/**
 * The other end of a connection: the addresses it uses (a /32, or the blocks it may use, such
 * as an endpoint's subnets), the prefix lists known to hold them, and its security groups.
 */
export interface ConnectionEnd {
  cidrs: readonly string[];
  prefixListIds: readonly string[];
  securityGroupIds: readonly string[];
}

/**
 * The first rule of `groupIds` in `direction` that admits TCP `port` to or from `peer`, or
 * undefined when none does (a group with no rule in a direction admits nothing).
 */
export function allowingRule(
  rules: readonly SgRuleFact[],
  direction: "ingress" | "egress",
  groupIds: readonly string[],
  peer: ConnectionEnd,
  port: number,
): SgRuleFact | undefined {
  return rules.find(
    (r) =>
      r.direction === direction &&
      groupIds.includes(r.groupId) &&
      admitsTcpPort(r, port) &&
      matchesPeer(r.peer, peer),
  );
}

export function admitsTcpPort(rule: SgRuleFact, port: number): boolean {
  const protocol = rule.protocol.toLowerCase();
  if (protocol === "-1" || protocol === "all") return true;
  if (protocol !== "tcp" && protocol !== "6") return false;
  const from = rule.fromPort ?? -1;
  const to = rule.toPort ?? from;
  if (from === -1 && to === -1) return true;
  return port >= from && port <= to;
}

function matchesPeer(rulePeer: RulePeer, peer: ConnectionEnd): boolean {
  if ("cidr" in rulePeer) return peer.cidrs.some((c) => covers(rulePeer.cidr, c));
  if ("prefixListId" in rulePeer) return peer.prefixListIds.includes(rulePeer.prefixListId);
  if ("securityGroupId" in rulePeer)
    return peer.securityGroupIds.includes(rulePeer.securityGroupId);
  // The model follows IPv4 only, as the labs do.
  return false;
}

/** One line naming a rule: `egress tcp 443 to pl-...`. */
export function describeRule(rule: SgRuleFact): string {
  const p = rule.peer;
  const peer =
    "cidr" in p
      ? p.cidr
      : "ipv6Cidr" in p
        ? p.ipv6Cidr
        : "prefixListId" in p
          ? p.prefixListId
          : p.securityGroupId;
  const protocol = rule.protocol === "-1" ? "all traffic" : rule.protocol;
  const ports =
    rule.protocol === "-1" || rule.fromPort === undefined
      ? ""
      : rule.fromPort === rule.toPort || rule.toPort === undefined
        ? ` ${rule.fromPort}`
        : ` ${rule.fromPort}-${rule.toPort}`;
  return `${rule.direction} ${protocol}${ports} ${rule.direction === "egress" ? "to" : "from"} ${peer}`;
}
