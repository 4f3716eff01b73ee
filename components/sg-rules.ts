import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where a security group rule points: one CIDR, a managed prefix list, or another group. */
export type Peer =
  | { cidr: string }
  | { ipv6Cidr: string }
  | { prefixListId: pulumi.Input<string> }
  | { securityGroupId: pulumi.Input<string> };

export interface SgRule {
  /** Suffix of the rule's resource name; stable, so a rule is never replaced by a reorder. */
  name: string;
  /** "-1" means every protocol and port. */
  protocol: "tcp" | "udp" | "icmp" | "-1";
  /** Port, or first port of a range; omitted with protocol "-1". */
  fromPort?: number;
  /** Last port of the range. @default fromPort */
  toPort?: number;
  peer: Peer;
  description: string;
}

/** Every protocol to every IPv4 address: what AWS gives a new group, and what most hosts need. */
export const ALLOW_ALL_EGRESS: SgRule = {
  name: "all-out",
  protocol: "-1",
  peer: { cidr: "0.0.0.0/0" },
  description: "All outbound IPv4 traffic",
};

/**
 * Adds one rule as its own resource (the `aws.vpc` rule resources, one per rule), so a test or a
 * model can read each rule and a change to one never rewrites the others.
 */
export function addRule(
  prefix: string,
  direction: "ingress" | "egress",
  securityGroupId: pulumi.Input<string>,
  rule: SgRule,
  opts: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule {
  const ports =
    rule.protocol === "-1" ? {} : { fromPort: rule.fromPort, toPort: rule.toPort ?? rule.fromPort };
  const peer = rule.peer;
  const args = {
    securityGroupId,
    ipProtocol: rule.protocol,
    ...ports,
    description: rule.description,
    cidrIpv4: "cidr" in peer ? peer.cidr : undefined,
    cidrIpv6: "ipv6Cidr" in peer ? peer.ipv6Cidr : undefined,
    prefixListId: "prefixListId" in peer ? peer.prefixListId : undefined,
    referencedSecurityGroupId: "securityGroupId" in peer ? peer.securityGroupId : undefined,
  };
  const name = `${prefix}-${direction === "ingress" ? "in" : "out"}-${rule.name}`;
  return direction === "ingress"
    ? new aws.vpc.SecurityGroupIngressRule(name, args, opts)
    : new aws.vpc.SecurityGroupEgressRule(name, args, opts);
}
