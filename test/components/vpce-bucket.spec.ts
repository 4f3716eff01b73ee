import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { BucketPolicyMode } from "../../components/bucket-policy";
import { AwsService } from "../../components/service-catalog";
import { GatewayEndpoint } from "../../components/gateway-endpoint";
import { deployerPrincipalArns, VpceBucket, VpceBucketArgs } from "../../components/vpce-bucket";
import { MOCK_ACCOUNT_ID } from "../../engine/mock-engine";
import { runChildProgram } from "../helpers/child-program";
import { build, engine, json, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";
const COMPONENT = "vpc-endpoint-labs:storage:VpceBucket";
const GW = "vpce-0a1b2c3d4e5f60718";
const IF = "vpce-1122334455667788a";

/** The one statement of the recorded bucket policy. */
function statement(): Record<string, unknown> {
  const doc = json(engine.get(TYPE.bucketPolicy, "lab-policy").inputs.policy);
  assert.equal(doc.Version, "2012-10-17");
  const statements = doc.Statement as Record<string, unknown>[];
  assert.equal(statements.length, 1);
  return statements[0];
}

describe("VpceBucket", () => {
  useEngine();

  describe("defaults", () => {
    it("denies every S3 action on the bucket and its objects unless aws:SourceVpce is the endpoint", async () => {
      await build(() => new VpceBucket("lab", { endpointIds: [GW] }));
      const arn = engine.get(TYPE.bucket, "lab-storage-bucket").outputs.arn as string;
      assert.match(arn, /^arn:aws:s3:::lab-storage-bucket-[0-9a-f]{7}$/);
      assert.deepEqual(statement(), {
        Sid: "DenyOutsideVpcEndpoint",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { StringNotEquals: { "aws:SourceVpce": [GW] } },
      });
    });

    it("is a LabBucket: public access blocked, emptied on destroy", async () => {
      await build(() => new VpceBucket("lab", { endpointIds: [GW] }));
      const bucket = engine.get(TYPE.bucket, "lab-storage-bucket");
      assert.equal(bucket.inputs.forceDestroy, true);
      const pab = engine.get(TYPE.bucketPublicAccessBlock, "lab-storage-public-access");
      assert.deepEqual(
        [
          pab.inputs.blockPublicAcls,
          pab.inputs.blockPublicPolicy,
          pab.inputs.restrictPublicBuckets,
        ],
        [true, true, true],
      );
      assert.equal(
        engine.get("vpc-endpoint-labs:storage:LabBucket", "lab-storage").parent,
        engine.get(COMPONENT, "lab").urn,
      );
    });

    it("attaches the policy to the bucket, after the public access block", async () => {
      await build(() => new VpceBucket("lab", { endpointIds: [GW] }));
      const bucket = engine.get(TYPE.bucket, "lab-storage-bucket");
      const policy = engine.get(TYPE.bucketPolicy, "lab-policy");
      assert.equal(policy.inputs.bucket, bucket.id);
      assert.equal(policy.parent, bucket.urn);
      assert.ok(
        policy.dependencies.includes(
          engine.get(TYPE.bucketPublicAccessBlock, "lab-storage-public-access").urn,
        ),
      );
    });

    it("exposes the bucket's name, ARN, mode and the policy text it attached", async () => {
      const bucket = new VpceBucket("lab", { endpointIds: [GW] });
      await engine.settle();
      const recorded = engine.get(TYPE.bucket, "lab-storage-bucket");
      assert.equal(await resolve(bucket.bucketName), recorded.id);
      assert.equal(await resolve(bucket.arn), recorded.outputs.arn);
      assert.equal(bucket.mode, "deny-outside-endpoint");
      assert.equal(
        await resolve(bucket.policy),
        engine.get(TYPE.bucketPolicy, "lab-policy").inputs.policy,
      );
    });

    it("keeps objects on destroy when forceDestroy is false", async () => {
      await build(() => new VpceBucket("lab", { endpointIds: [GW], forceDestroy: false }));
      assert.equal(engine.get(TYPE.bucket, "lab-storage-bucket").inputs.forceDestroy, false);
    });
  });

  describe("modes", () => {
    const cases: [BucketPolicyMode, string, string, string][] = [
      ["deny-outside-endpoint", "Deny", "StringNotEquals", "DenyOutsideVpcEndpoint"],
      ["allow-only", "Allow", "StringEquals", "AllowThroughVpcEndpoint"],
      ["deny-through-endpoint", "Deny", "StringEquals", "DenyThroughVpcEndpoint"],
    ];
    for (const [mode, effect, operator, sid] of cases) {
      it(`${mode}: ${effect} with ${operator} on aws:SourceVpce, for every endpoint given`, async () => {
        await build(() => new VpceBucket("lab", { endpointIds: [GW, IF], mode }));
        const s = statement();
        assert.deepEqual([s.Sid, s.Effect, s.Principal, s.Action], [sid, effect, "*", "s3:*"]);
        assert.deepEqual(s.Condition, { [operator]: { "aws:SourceVpce": [GW, IF] } });
      });
    }
  });

  it("names endpoints given as outputs (a GatewayEndpoint's id)", async () => {
    await build(() => {
      const gateway = new GatewayEndpoint("s3", {
        vpcId: "vpc-1",
        service: AwsService.S3,
        routeTableIds: ["rtb-1"],
      });
      return new VpceBucket("lab", { endpointIds: [gateway.endpointId] });
    });
    const id = engine.get(TYPE.vpcEndpoint, "s3-vpce").id;
    assert.deepEqual(statement().Condition, { StringNotEquals: { "aws:SourceVpce": [id] } });
  });

  describe("admin exemption", () => {
    it("adds ArnNotLike aws:PrincipalArn to the same Deny statement", async () => {
      const admins = ["arn:aws:iam::123456789012:role/LabAdmin"];
      await build(() => new VpceBucket("lab", { endpointIds: [GW], adminPrincipalArns: admins }));
      assert.deepEqual(statement().Condition, {
        StringNotEquals: { "aws:SourceVpce": [GW] },
        ArnNotLike: { "aws:PrincipalArn": admins },
      });
    });

    it("exempts whoever runs Pulumi with deployerPrincipalArns()", async () => {
      await build(
        () =>
          new VpceBucket("lab", { endpointIds: [GW], adminPrincipalArns: deployerPrincipalArns() }),
      );
      assert.deepEqual(statement().Condition, {
        StringNotEquals: { "aws:SourceVpce": [GW] },
        ArnNotLike: { "aws:PrincipalArn": [`arn:aws:iam::${MOCK_ACCOUNT_ID}:user/lab-operator`] },
      });
      assert.ok(
        engine.invokes.some((i) => i.token === "aws:index/getCallerIdentity:getCallerIdentity"),
      );
    });

    it("is not written for modes that never deny requests from outside", async () => {
      await build(
        () =>
          new VpceBucket("lab", {
            endpointIds: [GW],
            mode: "deny-through-endpoint",
            adminPrincipalArns: pulumi.output(["arn:aws:iam::123456789012:role/LabAdmin"]),
          }),
      );
      assert.deepEqual(statement().Condition, { StringEquals: { "aws:SourceVpce": [GW] } });
    });
  });

  describe("refuses before creating anything", () => {
    const cases: [string, VpceBucketArgs, RegExp][] = [
      ["no endpoint", { endpointIds: [] }, /VpceBucket lab: endpointIds is empty/],
      [
        "an unknown mode (from untyped config)",
        { endpointIds: [GW], mode: "deny-all" as BucketPolicyMode },
        /VpceBucket lab: mode "deny-all" is not one of deny-outside-endpoint, allow-only, deny-through-endpoint/,
      ],
      [
        "an empty admin list",
        { endpointIds: [GW], adminPrincipalArns: [] },
        /VpceBucket lab: adminPrincipalArns is empty; leave it out for a Deny without exemption/,
      ],
    ];
    for (const [title, args, error] of cases) {
      it(title, async () => {
        assert.throws(() => new VpceBucket("lab", args), error);
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });

  it("fails the program, without a bucket policy, when an endpoint id resolves to something else", () => {
    const run = runChildProgram(`
      const { VpceBucket } = require("./components/vpce-bucket");
      new VpceBucket("lab", { endpointIds: [pulumi.output("com.amazonaws.ap-northeast-2.s3")] });
    `);
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /VpceBucket lab: endpointIds has "com.amazonaws.ap-northeast-2.s3", which is not a VPC endpoint id/,
    );
    assert.ok(run.registered.includes(`${TYPE.bucket}::lab-storage-bucket`));
    assert.ok(
      !run.registered.some((r) => r.startsWith(`${TYPE.bucketPolicy}::`)),
      run.registered.join(", "),
    );
  });
});
