import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { INPUT_CONSTRAINTS } from "../../policy-pack/policies/aws-input-constraints";
import { engine, refused, useEngine } from "../helpers/engine";

const GROUP = "sg-0123456789abcdef0";
const big = (n: number, unit = "a") => unit.repeat(n);
/** How a refusal shows a long value: its start and its length. */
const long = (v: string) => `${JSON.stringify(v.slice(0, 60))}... (${v.length} characters)`;
const policyOf = (chars: number) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${big(chars)}` },
    ],
  });

interface Row {
  /** Registers one resource that breaks the row, named "bad". */
  create: () => unknown;
  type: string;
  /** The property path and the value as the refusal prints them. */
  property: string;
  value: string;
}

/** One violating resource per row of the table, keyed by the row's id. */
const ROWS: Record<string, Row> = {
  "ec2-security-group-description": {
    create: () => new aws.ec2.SecurityGroup("bad", { description: "SSH from the admin's laptop" }),
    type: "aws:ec2/securityGroup:SecurityGroup",
    property: "description",
    value: `"SSH from the admin's laptop"`,
  },
  "ec2-security-group-name": {
    create: () => new aws.ec2.SecurityGroup("bad", { name: "sg-lab", description: "lab" }),
    type: "aws:ec2/securityGroup:SecurityGroup",
    property: "name",
    value: `"sg-lab"`,
  },
  "ec2-security-group-rule-description-cidr": {
    create: () =>
      new aws.vpc.SecurityGroupIngressRule("bad", {
        securityGroupId: GROUP,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "10.0.0.0/16",
        description: "HTTPS from the VPC (Bob's range)",
      }),
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    property: "description",
    value: `"HTTPS from the VPC (Bob's range)"`,
  },
  "ec2-security-group-rule-description-reference": {
    // "&" is fine beside a CIDR (IpRange) and refused beside a prefix list (PrefixListId).
    create: () =>
      new aws.vpc.SecurityGroupEgressRule("bad", {
        securityGroupId: GROUP,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        prefixListId: "pl-0123abcd",
        description: "HTTPS to S3 & DynamoDB",
      }),
    type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    property: "description",
    value: `"HTTPS to S3 & DynamoDB"`,
  },
  "ec2-tag-key": {
    create: () => new aws.ec2.Vpc("bad", { cidrBlock: "10.0.0.0/16", tags: { "aws:owner": "me" } }),
    type: "aws:ec2/vpc:Vpc",
    property: "tags.aws:owner",
    value: `"aws:owner"`,
  },
  "ec2-tag-value": {
    create: () => new aws.ec2.Vpc("bad", { cidrBlock: "10.0.0.0/16", tags: { Note: big(257) } }),
    type: "aws:ec2/vpc:Vpc",
    property: "tags.Note",
    value: long(big(257)),
  },
  "ec2-tag-count": {
    create: () =>
      new aws.ec2.Vpc("bad", {
        cidrBlock: "10.0.0.0/16",
        tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])),
      }),
    type: "aws:ec2/vpc:Vpc",
    property: "tags",
    value: `"51 tags"`,
  },
  "elbv2-load-balancer-name": {
    create: () =>
      new aws.lb.LoadBalancer("bad", { name: "internal-lab", loadBalancerType: "network" }),
    type: "aws:lb/loadBalancer:LoadBalancer",
    property: "name",
    value: `"internal-lab"`,
  },
  "elbv2-load-balancer-name-prefix": {
    create: () =>
      new aws.lb.LoadBalancer("bad", { namePrefix: "lab-nlb", loadBalancerType: "network" }),
    type: "aws:lb/loadBalancer:LoadBalancer",
    property: "namePrefix",
    value: `"lab-nlb"`,
  },
  "elbv2-target-group-name": {
    create: () => new aws.lb.TargetGroup("bad", { name: "lab_web", port: 80, protocol: "TCP" }),
    type: "aws:lb/targetGroup:TargetGroup",
    property: "name",
    value: `"lab_web"`,
  },
  "elbv2-target-group-name-prefix": {
    create: () => new aws.lb.TargetGroup("bad", { namePrefix: "-web", port: 80, protocol: "TCP" }),
    type: "aws:lb/targetGroup:TargetGroup",
    property: "namePrefix",
    value: `"-web"`,
  },
  "iam-role-name": {
    create: () => new aws.iam.Role("bad", { name: big(65, "r"), assumeRolePolicy: policyOf(1) }),
    type: "aws:iam/role:Role",
    property: "name",
    value: JSON.stringify(big(65, "r")),
  },
  "iam-user-name": {
    create: () => new aws.iam.User("bad", { name: "lab user" }),
    type: "aws:iam/user:User",
    property: "name",
    value: `"lab user"`,
  },
  "iam-group-name": {
    create: () => new aws.iam.Group("bad", { name: "lab/ops" }),
    type: "aws:iam/group:Group",
    property: "name",
    value: `"lab/ops"`,
  },
  "iam-policy-name": {
    create: () => new aws.iam.Policy("bad", { name: "lab:read", policy: policyOf(1) }),
    type: "aws:iam/policy:Policy",
    property: "name",
    value: `"lab:read"`,
  },
  "iam-instance-profile-name": {
    create: () => new aws.iam.InstanceProfile("bad", { name: "lab profile" }),
    type: "aws:iam/instanceProfile:InstanceProfile",
    property: "name",
    value: `"lab profile"`,
  },
  "iam-path": {
    create: () => new aws.iam.Role("bad", { path: "/labs", assumeRolePolicy: policyOf(1) }),
    type: "aws:iam/role:Role",
    property: "path",
    value: `"/labs"`,
  },
  "s3-bucket-name": {
    create: () => new aws.s3.Bucket("bad", { bucket: "lab-logs-s3alias" }),
    type: "aws:s3/bucket:Bucket",
    property: "bucket",
    value: `"lab-logs-s3alias"`,
  },
  "s3-bucket-name-prefix": {
    create: () => new aws.s3.Bucket("bad", { bucketPrefix: "Lab-" }),
    type: "aws:s3/bucket:Bucket",
    property: "bucketPrefix",
    value: `"Lab-"`,
  },
  "dynamodb-table-name": {
    create: () =>
      new aws.dynamodb.Table("bad", {
        name: "lab table",
        hashKey: "pk",
        attributes: [{ name: "pk", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
      }),
    type: "aws:dynamodb/table:Table",
    property: "name",
    value: `"lab table"`,
  },
  "ec2-user-data-size": {
    create: () =>
      new aws.ec2.Instance("bad", {
        ami: "ami-0123456789abcdef0",
        instanceType: "t4g.nano",
        userData: `#!/bin/bash\n${big(16384, "#")}`,
      }),
    type: "aws:ec2/instance:Instance",
    property: "userData",
    value: long(`#!/bin/bash\n${big(16384, "#")}`),
  },
  "iam-role-inline-policy-size": {
    create: () => new aws.iam.RolePolicy("bad", { role: "lab-role", policy: policyOf(10240) }),
    type: "aws:iam/rolePolicy:RolePolicy",
    property: "policy",
    value: long(policyOf(10240)),
  },
  "iam-managed-policy-size": {
    create: () => new aws.iam.Policy("bad", { policy: policyOf(6144) }),
    type: "aws:iam/policy:Policy",
    property: "policy",
    value: long(policyOf(6144)),
  },
  "iam-user-inline-policy-size": {
    create: () => new aws.iam.UserPolicy("bad", { user: "lab-user", policy: policyOf(2048) }),
    type: "aws:iam/userPolicy:UserPolicy",
    property: "policy",
    value: long(policyOf(2048)),
  },
  "iam-group-inline-policy-size": {
    create: () => new aws.iam.GroupPolicy("bad", { group: "lab-ops", policy: policyOf(5120) }),
    type: "aws:iam/groupPolicy:GroupPolicy",
    property: "policy",
    value: long(policyOf(5120)),
  },
  "s3-bucket-policy-size": {
    create: () => new aws.s3.BucketPolicy("bad", { bucket: "lab-bucket", policy: policyOf(20480) }),
    type: "aws:s3/bucketPolicy:BucketPolicy",
    property: "policy",
    value: long(policyOf(20480)),
  },
  "vpc-endpoint-policy-size": {
    create: () =>
      new aws.ec2.VpcEndpoint("bad", {
        vpcId: "vpc-0123456789abcdef0",
        serviceName: "com.amazonaws.ap-northeast-2.s3",
        policy: policyOf(20480),
      }),
    type: "aws:ec2/vpcEndpoint:VpcEndpoint",
    property: "policy",
    value: long(policyOf(20480)),
  },
  "vpc-cidr-size": {
    create: () => new aws.ec2.Vpc("bad", { cidrBlock: "10.0.0.0/8" }),
    type: "aws:ec2/vpc:Vpc",
    property: "cidrBlock",
    value: `"10.0.0.0/8"`,
  },
  "subnet-cidr-size": {
    create: () =>
      new aws.ec2.Subnet("bad", { vpcId: "vpc-0123456789abcdef0", cidrBlock: "10.0.0.0/29" }),
    type: "aws:ec2/subnet:Subnet",
    property: "cidrBlock",
    value: `"10.0.0.0/29"`,
  },
  "ec2-security-group-rule-port-range": {
    create: () =>
      new aws.ec2.SecurityGroup("bad", {
        description: "lab",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 70000, cidrBlocks: ["10.0.0.0/16"] }],
      }),
    type: "aws:ec2/securityGroup:SecurityGroup",
    property: "ingress[0].toPort",
    value: "70000",
  },
  "ec2-security-group-rule-port-order": {
    create: () =>
      new aws.vpc.SecurityGroupIngressRule("bad", {
        securityGroupId: GROUP,
        ipProtocol: "udp",
        fromPort: 53,
        toPort: 52,
        cidrIpv4: "10.0.0.0/16",
      }),
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    property: "fromPort",
    value: "53",
  },
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("the engine refuses what the AWS APIs refuse", () => {
  useEngine();

  it("has one refusal spec per row of the constraint table, and each row a source URL", () => {
    assert.deepEqual(Object.keys(ROWS).sort(), INPUT_CONSTRAINTS.map((c) => c.id).sort());
    for (const c of INPUT_CONSTRAINTS)
      assert.match(c.source, /^https:\/\/(docs\.aws\.amazon\.com|www\.pulumi\.com)\//, c.id);
  });

  for (const constraint of INPUT_CONSTRAINTS) {
    const row = ROWS[constraint.id];
    it(`${constraint.id}: ${constraint.rule}`, async () => {
      const message = await refused(row.create);
      const line = message.split(" | ").find((part) => part.includes(`[${constraint.id}]`));
      assert.ok(line, `no [${constraint.id}] in: ${message}`);
      assert.match(
        message,
        new RegExp(
          `^AWS would refuse ${escape(row.type)} 'bad' \\(urn:pulumi:dev::vpc-endpoint-labs::${escape(row.type)}::bad\\)`,
        ),
      );
      assert.ok(line.includes(`${row.property} ${row.value}`), `property and value in: ${line}`);
      assert.ok(line.includes(`AWS accepts ${constraint.rule}`), `rule in: ${line}`);
      assert.ok(line.includes(`(source: ${constraint.source})`), `source in: ${line}`);
      assert.deepEqual(engine.ofType(row.type), [], "the refused resource is not recorded");
    });
  }

  it("accepts the same characters beside a CIDR that it refuses beside a prefix list", async () => {
    const rule = (peer: Record<string, string>) =>
      new aws.vpc.SecurityGroupEgressRule("ok", {
        securityGroupId: GROUP,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "HTTPS to S3 & DynamoDB",
        ...peer,
      });
    rule({ cidrIpv4: "10.0.0.0/16" });
    await engine.settle();
    assert.equal(
      engine.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").length,
      1,
    );
  });
});

describe("the engine refuses the combinations AWS refuses, with the pack's guardrail checks", () => {
  useEngine();

  const vpc = (extra: Partial<aws.ec2.VpcArgs> = {}) =>
    new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16", ...extra });
  const subnet = (
    name: string,
    v: aws.ec2.Vpc,
    cidrBlock: string,
    availabilityZone = "ap-northeast-2a",
  ) => new aws.ec2.Subnet(name, { vpcId: v.id, cidrBlock, availabilityZone });

  it("private DNS on an interface endpoint in a VPC without DNS hostnames", async () => {
    const v = vpc();
    new aws.ec2.VpcEndpoint("cfn", {
      vpcId: v.id,
      serviceName: "com.amazonaws.ap-northeast-2.cloudformation",
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
    });
    const message = await refused(() => undefined);
    assert.match(
      message,
      /AWS would refuse aws:ec2\/vpcEndpoint:VpcEndpoint 'cfn' .*\[vpc-endpoint-private-dns-requires-vpc-dns\] VPC endpoint 'cfn' .* does not turn on enableDnsHostnames/,
    );
    assert.equal(engine.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
  });

  it("an S3 interface endpoint with inbound-resolver-only DNS and no S3 gateway endpoint", async () => {
    const v = vpc({ enableDnsHostnames: true });
    new aws.ec2.VpcEndpoint("s3-if", {
      vpcId: v.id,
      serviceName: "com.amazonaws.ap-northeast-2.s3",
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      dnsOptions: { privateDnsOnlyForInboundResolverEndpoint: true },
    });
    assert.match(
      await refused(() => undefined),
      /'s3-if' .*\[s3-interface-endpoint-resolver-dns-requires-gateway\] .*VPC 'net' has none in this stack/,
    );
  });

  it("a second Instance Connect Endpoint in one VPC (and so in one subnet)", async () => {
    const v = vpc();
    const s = subnet("a", v, "10.0.0.0/24");
    const first = new aws.ec2transitgateway.InstanceConnectEndpoint("eice-1", { subnetId: s.id });
    new aws.ec2transitgateway.InstanceConnectEndpoint(
      "eice-2",
      { subnetId: s.id },
      { dependsOn: first },
    );
    assert.match(
      await refused(() => undefined),
      /'eice-2' .*\[ec2-instance-connect-endpoint-one-per-vpc\] .*already has 'eice-1'/,
    );
    assert.deepEqual(
      engine
        .ofType("aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint")
        .map((r) => r.name),
      ["eice-1"],
    );
  });

  it("two interface-endpoint subnets in one Availability Zone", async () => {
    const v = vpc();
    const a = subnet("a", v, "10.0.0.0/24");
    const b = subnet("b", v, "10.0.1.0/24");
    new aws.ec2.VpcEndpoint("cfn", {
      vpcId: v.id,
      serviceName: "com.amazonaws.ap-northeast-2.cloudformation",
      vpcEndpointType: "Interface",
      subnetIds: [a.id, b.id],
    });
    assert.match(
      await refused(() => undefined),
      /'cfn' .*\[vpc-interface-endpoint-one-subnet-per-az\] .*subnetIds\[1\] "subnet-[0-9a-f]+" is in ap-northeast-2a/,
    );
  });

  it("a subnet outside its VPC, and one overlapping another", async () => {
    const v = vpc();
    subnet("a", v, "10.0.0.0/24");
    subnet("outside", v, "10.1.0.0/24");
    const message = await refused(() => undefined);
    assert.match(
      message,
      /Subnet 'outside': cidrBlock "10.1.0.0\/24" is not within its VPC's CIDR blocks \(10.0.0.0\/16\)/,
    );
    engine.reset();
    const w = vpc();
    const first = subnet("a", w, "10.0.0.0/24");
    new aws.ec2.Subnet("b", { vpcId: w.id, cidrBlock: "10.0.0.128/25" }, { dependsOn: first });
    assert.match(
      await refused(() => undefined),
      /Subnet 'b': cidrBlock "10.0.0.128\/25" overlaps subnet 'a' \(10.0.0.0\/24\)/,
    );
  });
});

describe("the dynamodb-bastion egress rule", () => {
  useEngine();

  it("is refused with the description it had before (an apostrophe beside a prefix list)", async () => {
    const message = await refused(
      () =>
        new aws.vpc.SecurityGroupEgressRule("bastion-out-https-dynamodb", {
          securityGroupId: GROUP,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          prefixListId: "pl-0123abcd",
          description: "HTTPS to DynamoDB's prefix list only (routed to the gateway endpoint)",
        }),
    );
    assert.match(
      message,
      /description "HTTPS to DynamoDB's prefix list only \(routed to the gateway endpoint\)" contains "'"/,
    );
  });
});
