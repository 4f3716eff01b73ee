import { strict as assert } from "assert";
import { allowingRule, describeRule, ConnectionEnd, SgRuleFact } from "../../model/security-groups";

const rule = (r: Partial<SgRuleFact> & Pick<SgRuleFact, "direction" | "peer">): SgRuleFact => ({
  groupId: "sg-host",
  protocol: "tcp",
  fromPort: 443,
  toPort: 443,
  origin: "urn:rule",
  ...r,
});

const endpoint: ConnectionEnd = {
  cidrs: ["10.0.1.0/24"],
  prefixListIds: [],
  securityGroupIds: ["sg-vpce"],
};
const s3: ConnectionEnd = {
  cidrs: ["52.219.56.0/22"],
  prefixListIds: ["pl-s3"],
  securityGroupIds: [],
};
const host: ConnectionEnd = {
  cidrs: ["10.0.1.10"],
  prefixListIds: [],
  securityGroupIds: ["sg-host"],
};

describe("model/security-groups allowingRule", () => {
  const cases: {
    name: string;
    rules: SgRuleFact[];
    direction: "ingress" | "egress";
    groups: string[];
    peer: ConnectionEnd;
    port: number;
    allowed: boolean;
  }[] = [
    {
      name: "all traffic to 0.0.0.0/0 lets 443 out to anything",
      rules: [rule({ direction: "egress", protocol: "-1", peer: { cidr: "0.0.0.0/0" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: true,
    },
    {
      name: "a group with no egress rule lets nothing out",
      rules: [rule({ direction: "ingress", peer: { cidr: "0.0.0.0/0" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: false,
    },
    {
      name: "egress to the service's prefix list admits the service",
      rules: [rule({ direction: "egress", peer: { prefixListId: "pl-s3" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: true,
    },
    {
      name: "egress to another prefix list does not",
      rules: [rule({ direction: "egress", peer: { prefixListId: "pl-ddb" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: false,
    },
    {
      name: "egress to the endpoint's group admits its interfaces",
      rules: [rule({ direction: "egress", peer: { securityGroupId: "sg-vpce" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: endpoint,
      port: 443,
      allowed: true,
    },
    {
      name: "egress to the VPC block covers the endpoint's subnet",
      rules: [rule({ direction: "egress", peer: { cidr: "10.0.0.0/16" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: endpoint,
      port: 443,
      allowed: true,
    },
    {
      name: "a rule for port 80 does not admit 443",
      rules: [rule({ direction: "egress", fromPort: 80, toPort: 80, peer: { cidr: "0.0.0.0/0" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: false,
    },
    {
      name: "a port range admits the ports inside it",
      rules: [
        rule({ direction: "egress", fromPort: 1, toPort: 1024, peer: { cidr: "0.0.0.0/0" } }),
      ],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: true,
    },
    {
      name: "a UDP rule does not admit a TCP connection",
      rules: [rule({ direction: "egress", protocol: "udp", peer: { cidr: "0.0.0.0/0" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: false,
    },
    {
      name: "protocol 6 is TCP",
      rules: [rule({ direction: "egress", protocol: "6", peer: { cidr: "0.0.0.0/0" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: true,
    },
    {
      name: "ingress from the VPC block admits a host inside it",
      rules: [rule({ groupId: "sg-vpce", direction: "ingress", peer: { cidr: "10.0.0.0/16" } })],
      direction: "ingress",
      groups: ["sg-vpce"],
      peer: host,
      port: 443,
      allowed: true,
    },
    {
      name: "ingress from another block does not",
      rules: [rule({ groupId: "sg-vpce", direction: "ingress", peer: { cidr: "10.1.0.0/16" } })],
      direction: "ingress",
      groups: ["sg-vpce"],
      peer: host,
      port: 443,
      allowed: false,
    },
    {
      name: "ingress from the host's group admits it",
      rules: [
        rule({ groupId: "sg-vpce", direction: "ingress", peer: { securityGroupId: "sg-host" } }),
      ],
      direction: "ingress",
      groups: ["sg-vpce"],
      peer: host,
      port: 443,
      allowed: true,
    },
    {
      name: "a rule of another group does not count",
      rules: [rule({ groupId: "sg-other", direction: "ingress", peer: { cidr: "0.0.0.0/0" } })],
      direction: "ingress",
      groups: ["sg-vpce"],
      peer: host,
      port: 443,
      allowed: false,
    },
    {
      name: "IPv6 rules are not followed (the labs are IPv4)",
      rules: [rule({ direction: "egress", peer: { ipv6Cidr: "::/0" } })],
      direction: "egress",
      groups: ["sg-host"],
      peer: s3,
      port: 443,
      allowed: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = allowingRule(c.rules, c.direction, c.groups, c.peer, c.port);
      assert.equal(found !== undefined, c.allowed);
    });
  }

  it("describes a rule in one line", () => {
    assert.equal(
      describeRule(rule({ direction: "egress", peer: { prefixListId: "pl-s3" } })),
      "egress tcp 443 to pl-s3",
    );
    assert.equal(
      describeRule(rule({ direction: "ingress", protocol: "-1", peer: { cidr: "10.0.0.0/16" } })),
      "ingress all traffic from 10.0.0.0/16",
    );
  });
});
