import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { LabInstance } from "../../components/lab-instance";
import { build, engine, json, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

describe("LabInstance", () => {
  useEngine();

  const host = (args: Partial<ConstructorParameters<typeof LabInstance>[1]> = {}) =>
    new LabInstance("web", { vpcId: "vpc-1", subnetId: "subnet-1", ...args });

  it("requires IMDSv2 tokens, with a hop limit of 1", async () => {
    await build(() => host());
    const instance = engine.get(TYPE.instance, "web-instance");
    assert.deepEqual(instance.inputs.metadataOptions, {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
    });
  });

  it("encrypts the root volume and has no key pair", async () => {
    await build(() => host());
    const instance = engine.get(TYPE.instance, "web-instance");
    assert.equal((instance.inputs.rootBlockDevice as { encrypted: boolean }).encrypted, true);
    assert.equal(instance.inputs.keyName, undefined);
  });

  it("boots Amazon Linux 2023 for arm64 on the default t4g.nano, with standard CPU credits", async () => {
    await build(() => host());
    const instance = engine.get(TYPE.instance, "web-instance");
    assert.equal(instance.inputs.instanceType, "t4g.nano");
    assert.deepEqual(instance.inputs.creditSpecification, { cpuCredits: "standard" });
    const lookup = engine.invokes.find((i) => i.token === "aws:ssm/getParameter:getParameter");
    assert.equal(
      lookup?.inputs.name,
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    );
    assert.match(String(instance.inputs.ami), /^ami-[0-9a-f]{17}$/);
  });

  it("keeps the image it was created with when the Amazon Linux parameter moves on", async () => {
    // The engine does not record resource options; a transformation on the component sees the
    // options of every child as the SDK passes them on.
    const seen = new Map<string, pulumi.CustomResourceOptions>();
    await build(
      () =>
        new LabInstance(
          "web",
          { vpcId: "vpc-1", subnetId: "subnet-1" },
          {
            transformations: [
              (args) => {
                seen.set(`${args.type}::${args.name}`, args.opts);
                return undefined;
              },
            ],
          },
        ),
    );
    const opts = seen.get(`${TYPE.instance}::web-instance`);
    assert.deepEqual(opts?.ignoreChanges, ["ami"]);
  });

  it("boots the x86_64 image for an x86 instance type", async () => {
    await build(() => host({ instanceType: "t3.micro" }));
    const lookup = engine.invokes.find((i) => i.token === "aws:ssm/getParameter:getParameter");
    assert.match(String(lookup?.inputs.name), /al2023-ami-kernel-default-x86_64$/);
  });

  it("gives the role exactly the policy the lab passes, and an EC2 trust policy", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b" }],
    });
    await build(() => host({ policy }));
    const role = engine.get(TYPE.role, "web-role");
    assert.deepEqual(json(role.inputs.assumeRolePolicy).Statement, [
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const inline = engine.get(TYPE.rolePolicy, "web-policy");
    assert.equal(inline.inputs.policy, policy);
    assert.equal(inline.inputs.role, role.outputs.name);
    assert.equal(engine.ofType(TYPE.rolePolicyAttachment).length, 0);
    const profile = engine.get(TYPE.instanceProfile, "web-profile");
    assert.equal(
      engine.get(TYPE.instance, "web-instance").inputs.iamInstanceProfile,
      profile.outputs.name,
    );
  });

  it("has no inline policy when the lab grants nothing", async () => {
    await build(() => host());
    assert.equal(engine.ofType(TYPE.rolePolicy).length, 0);
  });

  it("puts the host in its own security group: no ingress, all egress by default", async () => {
    await build(() => host());
    const sg = engine.get(TYPE.securityGroup, "web-sg");
    assert.equal(sg.inputs.vpcId, "vpc-1");
    assert.deepEqual(engine.get(TYPE.instance, "web-instance").inputs.vpcSecurityGroupIds, [sg.id]);
    assert.equal(engine.ofType(TYPE.securityGroupIngressRule).length, 0);
    const egress = engine.get(TYPE.securityGroupEgressRule, "web-out-all-out");
    assert.equal(egress.inputs.securityGroupId, sg.id);
    assert.equal(egress.inputs.ipProtocol, "-1");
    assert.equal(egress.inputs.cidrIpv4, "0.0.0.0/0");
  });

  it("creates the rules the lab asks for, one resource each", async () => {
    await build(() =>
      host({
        ingress: [
          {
            name: "ssh",
            protocol: "tcp",
            fromPort: 22,
            peer: { cidr: "203.0.113.10/32" },
            description: "admin",
          },
        ],
        egress: [
          {
            name: "ddb",
            protocol: "tcp",
            fromPort: 443,
            peer: { prefixListId: "pl-1" },
            description: "DynamoDB",
          },
        ],
      }),
    );
    const ssh = engine.get(TYPE.securityGroupIngressRule, "web-in-ssh");
    assert.deepEqual(
      [ssh.inputs.ipProtocol, ssh.inputs.fromPort, ssh.inputs.toPort, ssh.inputs.cidrIpv4],
      ["tcp", 22, 22, "203.0.113.10/32"],
    );
    const out = engine.ofType(TYPE.securityGroupEgressRule);
    assert.deepEqual(
      out.map((r) => [r.name, r.inputs.prefixListId, r.inputs.fromPort]),
      [["web-out-ddb", "pl-1", 443]],
    );
  });

  it("refuses an instance type it cannot map to an image, before creating anything", async () => {
    assert.throws(
      () => host({ instanceType: "large" }),
      /instanceType: "large" is not an EC2 instance type/,
    );
    assert.deepEqual(await engine.settle(), []);
  });

  it("refuses two rules with one name (their resources would collide)", async () => {
    const rule = {
      name: "x",
      protocol: "tcp" as const,
      fromPort: 1,
      peer: { cidr: "10.0.0.0/8" },
      description: "x",
    };
    assert.throws(() => host({ ingress: [rule, rule] }), /two ingress rules are named "x"/);
    assert.deepEqual(await engine.settle(), []);
  });
});
