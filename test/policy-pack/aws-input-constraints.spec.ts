import * as assert from "assert";
import {
  INPUT_CONSTRAINTS,
  checkInputs,
  interfaceEndpointOneSubnetPerAz,
  subnetCidrInsideVpc,
} from "../../policy-pack/policies/aws-input-constraints";
import {
  UNKNOWN,
  assertHasResourceViolation,
  assertNoResourceViolations,
  resource,
  urnOf,
} from "./helpers";
import { TYPE } from "../../model/type-tokens";

const POLICY = "aws-input-constraints";

describe("aws-input-constraints", () => {
  it("passes inputs AWS accepts", () => {
    assertNoResourceViolations(POLICY, [
      resource(TYPE.securityGroup, "web", {
        name: "lab-web",
        description: "HTTPS from the VPC & the admin CIDR",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }],
        tags: { Name: "lab-web" },
      }),
      resource(TYPE.bucket, "logs", { bucket: "lab-logs-0123" }),
      resource(TYPE.role, "host", { name: "lab-host", path: "/labs/" }),
    ]);
  });

  it("flags, as advisory, the bastion rule description EC2 refused (an apostrophe beside a prefix list)", () => {
    assertHasResourceViolation(
      POLICY,
      resource(TYPE.securityGroupEgressRule, "bastion-out-https-dynamodb", {
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        prefixListId: "pl-0123abcd",
        description: "HTTPS to DynamoDB's prefix list only (routed to the gateway endpoint)",
      }),
      {
        urn: urnOf(TYPE.securityGroupEgressRule, "bastion-out-https-dynamodb"),
        enforcementLevel: "advisory",
        message: [
          /'bastion-out-https-dynamodb': description "HTTPS to DynamoDB's prefix list only \(routed to the gateway endpoint\)" contains "'"/,
          /\[ec2-security-group-rule-description-reference\] \(source: https:\/\/docs\.aws\.amazon\.com\/AWSEC2\/latest\/APIReference\/API_UserIdGroupPair\.html\)/,
        ],
      },
    );
  });

  it("judges the description of an inline rule with a group peer by the set without '&'", () => {
    const found = checkInputs(TYPE.securityGroup, {
      description: "lab",
      ingress: [
        {
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          securityGroups: ["sg-1"],
          description: "a & b",
        },
      ],
      egress: [
        {
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
          description: "a & b",
        },
      ],
    });
    assert.deepStrictEqual(
      found.map((v) => [v.constraint.id, v.path.join("."), v.problem]),
      [["ec2-security-group-rule-description-reference", "ingress.0.description", 'contains "&"']],
    );
  });

  it("skips values not known until the update (preview)", () => {
    assertNoResourceViolations(POLICY, [
      resource(TYPE.securityGroup, "later", { description: UNKNOWN, name: UNKNOWN }),
      resource(TYPE.bucketPolicy, "later", { policy: UNKNOWN }),
    ]);
  });

  it("leaves ports alone where they are ICMP type and code or ignored (protocol -1)", () => {
    assert.deepStrictEqual(
      checkInputs(TYPE.securityGroupEgressRule, {
        ipProtocol: "icmp",
        fromPort: 8,
        toPort: -1,
      }).map((v) => v.constraint.id),
      [],
    );
    assert.deepStrictEqual(
      checkInputs(TYPE.securityGroupEgressRule, { ipProtocol: "tcp", fromPort: 8, toPort: -1 }).map(
        (v) => v.constraint.id,
      ),
      ["ec2-security-group-rule-port-range", "ec2-security-group-rule-port-order"],
    );
  });

  it("names a source page for every row", () => {
    for (const c of INPUT_CONSTRAINTS) {
      assert.match(c.source, /^https:\/\/(docs\.aws\.amazon\.com|www\.pulumi\.com)\/\S+$/, c.id);
    }
  });
});

describe("combination checks the engine shares with the pack", () => {
  const subnet = (name: string, cidrBlock: string, availabilityZone?: string) =>
    resource(
      TYPE.subnet,
      name,
      { vpcId: "vpc-1", cidrBlock, availabilityZone },
      { id: `${name}-id` },
    );
  const vpc = resource(TYPE.vpc, "net", { cidrBlock: "10.0.0.0/16" }, { id: "vpc-1" });

  it("vpc-subnet-cidr-inside-vpc passes disjoint subnets inside the VPC and reports the later of an overlap", () => {
    assert.deepStrictEqual(
      subnetCidrInsideVpc.check([vpc, subnet("a", "10.0.0.0/24"), subnet("b", "10.0.1.0/24")], {}),
      [],
    );
    const findings = subnetCidrInsideVpc.check(
      [vpc, subnet("a", "10.0.0.0/24"), subnet("b", "10.0.0.0/25")],
      {},
    );
    assert.deepStrictEqual(
      findings.map((f) => f.urn),
      [urnOf(TYPE.subnet, "b")],
    );
  });

  it("vpc-interface-endpoint-one-subnet-per-az skips subnets whose AZ AWS picks", () => {
    const endpoint = (ids: string[]) =>
      resource(TYPE.vpcEndpoint, "cfn", {
        vpcEndpointType: "Interface",
        subnetIds: ids,
      });
    const placed = [
      subnet("a", "10.0.0.0/24", "us-east-1a"),
      subnet("b", "10.0.1.0/24", "us-east-1a"),
    ];
    const unplaced = [subnet("c", "10.0.2.0/24"), subnet("d", "10.0.3.0/24")];
    assert.equal(
      interfaceEndpointOneSubnetPerAz.check([...placed, endpoint(["a-id", "b-id"])], {}).length,
      1,
    );
    assert.deepStrictEqual(
      interfaceEndpointOneSubnetPerAz.check([...unplaced, endpoint(["c-id", "d-id"])], {}),
      [],
    );
  });
});
