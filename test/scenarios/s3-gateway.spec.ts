import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { BucketPolicyMode } from "../../components/bucket-policy";
import { analyzeBucketPolicy } from "../../policy-pack/policies/bucket-vpce-analysis";
import { checkBucketsRequireVpce } from "../../policy-pack/policies/s3-bucket-requires-vpce";
import { MOCK_ACCOUNT_ID, prefixListFor } from "../../engine/mock-engine";
import { runProgram } from "../../scenarios";
import { requestOutcome, s3GatewayExpectations } from "../../scenarios/s3-gateway";
import { Expectation } from "../../scenarios/scenario";
import { engine, json, resolve, stackResources, useEngine } from "../helpers/engine";
import { runLab as runScenario } from "../helpers/labs";
import { TYPE } from "../../model/type-tokens";

const SCENARIO = "s3-gateway";
const DEPLOYER = `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/lab-operator`;

const runLab = (config: Record<string, string> = {}) => runScenario(SCENARIO, config);

/** `<from> <probe> <outcome>` per expectation, in order. */
const summary = (expectations: Expectation[]) =>
  expectations.map((e) => `${e.from} ${e.probe} ${e.outcome}`);

const gatewayId = () => engine.get(TYPE.vpcEndpoint, "s3-gateway-vpce").id!;
const rt = (tier: string) => engine.get(TYPE.routeTable, `lab-${tier}-rt`).id!;
const policyStatement = () =>
  (
    json(engine.get(TYPE.bucketPolicy, "lab-policy").inputs.policy).Statement as Record<
      string,
      unknown
    >[]
  )[0];

describe("scenario s3-gateway", () => {
  useEngine({ config: { scenario: SCENARIO } });

  describe("default: deny-outside-endpoint, endpoint on the private route table", () => {
    it("adds one S3 gateway endpoint, on the private route table only", async () => {
      await runLab();
      const endpoints = engine.ofType(TYPE.vpcEndpoint);
      assert.deepEqual(
        endpoints.map((e) => [e.name, e.inputs.vpcEndpointType, e.inputs.serviceName]),
        [["s3-gateway-vpce", "Gateway", "com.amazonaws.ap-northeast-2.s3"]],
      );
      assert.deepEqual(endpoints[0].inputs.routeTableIds, [rt("private")]);
      assert.equal(endpoints[0].inputs.vpcId, engine.get(TYPE.vpc, "lab-vpc").id);
    });

    it("restricts the bucket to the endpoint with an explicit Deny, exempting only the deployer", async () => {
      await runLab();
      const arn = engine.get(TYPE.bucket, "lab-storage-bucket").outputs.arn as string;
      assert.deepEqual(policyStatement(), {
        Sid: "DenyOutsideVpcEndpoint",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: {
          StringNotEquals: { "aws:SourceVpce": [gatewayId()] },
          ArnNotLike: { "aws:PrincipalArn": [DEPLOYER] },
        },
      });
    });

    it("passes the policy pack's s3-bucket-requires-vpce only once aws:PrincipalArn is an exemption key", async () => {
      await runLab();
      const settings = { approvedEndpointIds: [], exemptBuckets: [] };
      assert.deepEqual(
        checkBucketsRequireVpce(stackResources(), {
          ...settings,
          exemptionKeys: ["aws:PrincipalArn"],
        }),
        [],
      );
      const strict = checkBucketsRequireVpce(stackResources(), { ...settings, exemptionKeys: [] });
      assert.equal(strict.length, 1);
      assert.match(strict[0].message, /also requires aws:PrincipalArn/);
    });

    it("grants both hosts the same bucket access, so only the bucket policy tells them apart", async () => {
      await runLab();
      const arn = engine.get(TYPE.bucket, "lab-storage-bucket").outputs.arn as string;
      for (const host of ["private-host", "public-host"]) {
        const grant = engine.get(TYPE.rolePolicy, `${host}-bucket-access`);
        const role = engine.get(TYPE.role, `${host}-role`);
        assert.equal(grant.parent, role.urn);
        assert.equal(grant.inputs.role, role.id);
        assert.deepEqual(json(grant.inputs.policy).Statement, [
          { Sid: "ListLabBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
          {
            Sid: "ReadWriteLabObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: `${arn}/*`,
          },
        ]);
      }
    });

    it("expects the private host through the endpoint, the public host refused, DNS public for both", async () => {
      const { expectations } = await runLab();
      assert.deepEqual(summary(expectations), [
        "private-host dns resolves-public",
        "private-host request works",
        "public-host dns resolves-public",
        "public-host request 403",
      ]);
      for (const e of expectations) {
        assert.deepEqual(e.to, { kind: "aws-service", service: "s3", resource: "lab" });
      }
      assert.ok(engine.get("vpc-endpoint-labs:storage:VpceBucket", "lab"));
      assert.ok(engine.get("vpc-endpoint-labs:compute:LabInstance", "private-host"));
    });

    it("exports the mode, the endpoint, its prefix list and both route tables", async () => {
      const { outputs } = await runLab();
      assert.equal(outputs.bucketPolicyMode, "deny-outside-endpoint");
      assert.equal(await resolve(outputs.gatewayEndpointId as pulumi.Output<string>), gatewayId());
      assert.equal(
        await resolve(outputs.prefixListId as pulumi.Output<string>),
        prefixListFor("com.amazonaws.ap-northeast-2.s3").id,
      );
      assert.equal(
        await resolve(outputs.privateRouteTableId as pulumi.Output<string>),
        rt("private"),
      );
      assert.equal(
        await resolve(outputs.publicRouteTableId as pulumi.Output<string>),
        rt("public"),
      );
      assert.equal(
        await resolve(outputs.bucketPolicy as pulumi.Output<string>),
        engine.get(TYPE.bucketPolicy, "lab-policy").inputs.policy,
      );
    });

    it("prints the seed's commands per host and the route check for the laptop", async () => {
      const { checks } = await runLab();
      assert.deepEqual(
        checks.map((c) => c.host),
        ["private-host", "public-host", "laptop"],
      );
      const bucket = engine.get(TYPE.bucket, "lab-storage-bucket").id;
      const [privateHost, publicHost, laptop] = checks;
      assert.match(
        privateHost.connect,
        /aws ec2-instance-connect ssh --instance-id i-[0-9a-f]{17} --connection-type eice --region ap-northeast-2/,
      );
      assert.deepEqual(
        privateHost.steps.map((s) => s.run.split(" ").slice(0, 3).join(" ")),
        [
          `dig +short ${bucket}.s3.ap-northeast-2.amazonaws.com`,
          'echo "hello from',
          `aws s3 ls`,
          `aws s3 cp`,
        ],
      );
      assert.match(privateHost.steps[1].expect, /^upload: \.\/private-host\.txt to s3:\/\//);
      assert.match(publicHost.steps[1].expect, /^upload failed: .*\(AccessDenied\).*PutObject/);
      assert.match(
        publicHost.steps[3].expect,
        /\(403\) when calling the HeadObject operation: Forbidden/,
      );

      const prefixList = prefixListFor("com.amazonaws.ap-northeast-2.s3").id;
      assert.equal(
        laptop.steps[0].run,
        `aws ec2 describe-route-tables --route-table-ids ${rt("private")} --region ap-northeast-2 ` +
          `--query "RouteTables[0].Routes[?GatewayId=='${gatewayId()}'].[DestinationPrefixListId,GatewayId,State]" --output text`,
      );
      assert.match(laptop.steps[0].expect, new RegExp(`^${prefixList}  ${gatewayId()}  active`));
      assert.ok(laptop.steps[1].run.includes(rt("public")));
      assert.match(laptop.steps[1].expect, /^nothing/);
      assert.match(laptop.steps[2].expect, /^com\.amazonaws\.ap-northeast-2\.s3/);
    });
  });

  it("with gatewayOnPublicRouteTable, puts the route in both tables and lets the public host in", async () => {
    const { expectations, checks } = await runLab({ gatewayOnPublicRouteTable: "true" });
    assert.deepEqual(engine.get(TYPE.vpcEndpoint, "s3-gateway-vpce").inputs.routeTableIds, [
      rt("private"),
      rt("public"),
    ]);
    assert.deepEqual(
      summary(expectations).filter((s) => s.includes("request")),
      ["private-host request works", "public-host request works"],
    );
    const laptop = checks.find((c) => c.host === "laptop")!;
    assert.match(
      laptop.steps[1].expect,
      new RegExp(`${gatewayId()}  active: the public route table`),
    );
  });

  describe("bucketPolicyMode", () => {
    const cases: [BucketPolicyMode, string, string, string, string][] = [
      ["allow-only", "Allow", "StringEquals", "works", "works"],
      ["deny-through-endpoint", "Deny", "StringEquals", "403", "works"],
    ];
    for (const [mode, effect, operator, privateOutcome, publicOutcome] of cases) {
      it(`${mode}: ${effect} with ${operator}; private host ${privateOutcome}, public host ${publicOutcome}`, async () => {
        const { expectations, checks, outputs } = await runLab({ bucketPolicyMode: mode });
        const s = policyStatement();
        assert.equal(s.Effect, effect);
        assert.deepEqual(s.Condition, { [operator]: { "aws:SourceVpce": [gatewayId()] } });
        assert.equal(outputs.bucketPolicyMode, mode);
        assert.deepEqual(
          summary(expectations).filter((x) => x.includes("request")),
          [`private-host request ${privateOutcome}`, `public-host request ${publicOutcome}`],
        );
        const laptop = checks.find((c) => c.host === "laptop")!;
        assert.match(laptop.steps[3].expect, new RegExp(`^the ${mode} policy`));
      });
    }

    it("deny-through-endpoint is flagged by the policy pack as the verification flip", async () => {
      await runLab({ bucketPolicyMode: "deny-through-endpoint" });
      const analysis = analyzeBucketPolicy(
        engine.get(TYPE.bucketPolicy, "lab-policy").inputs.policy,
        engine.get(TYPE.bucket, "lab-storage-bucket").id!,
        { exemptionKeys: ["aws:PrincipalArn"] },
      );
      assert.equal(analysis.verificationFlip, true);
      assert.equal(analysis.restricted, false);
    });

    it("deny-through-endpoint with the public route table too: both hosts refused", async () => {
      const { expectations, checks } = await runLab({
        bucketPolicyMode: "deny-through-endpoint",
        gatewayOnPublicRouteTable: "true",
      });
      assert.deepEqual(
        summary(expectations).filter((x) => x.includes("request")),
        ["private-host request 403", "public-host request 403"],
      );
      const publicHost = checks.find((c) => c.host === "public-host")!;
      assert.match(publicHost.steps[2].expect, /ListObjectsV2.*explicit deny/);
    });

    it("refuses an unknown mode before creating anything", async () => {
      engine.reset({ config: { scenario: SCENARIO, bucketPolicyMode: "deny-all" } });
      assert.throws(
        () => runProgram(),
        /config "bucketPolicyMode" \(scenario s3-gateway\) must be one of deny-outside-endpoint, allow-only, deny-through-endpoint; got "deny-all"/,
      );
      assert.deepEqual(await engine.settle(), []);
    });
  });

  describe("expectations for every configuration", () => {
    const cases: [BucketPolicyMode, boolean, string, string][] = [
      ["deny-outside-endpoint", false, "works", "403"],
      ["deny-outside-endpoint", true, "works", "works"],
      ["allow-only", false, "works", "works"],
      ["allow-only", true, "works", "works"],
      ["deny-through-endpoint", false, "403", "works"],
      ["deny-through-endpoint", true, "403", "403"],
    ];
    for (const [mode, publicRouteTable, privateOutcome, publicOutcome] of cases) {
      it(`${mode}${publicRouteTable ? " + public route table" : ""}: private ${privateOutcome}, public ${publicOutcome}`, () => {
        const requests = s3GatewayExpectations({ mode, publicRouteTable }).filter(
          (e) => e.probe === "request",
        );
        assert.deepEqual(
          requests.map((e) => `${e.from} ${e.outcome}`),
          [`private-host ${privateOutcome}`, `public-host ${publicOutcome}`],
        );
        for (const e of requests) assert.ok(e.why.length > 20, e.why);
      });
    }

    it("says why with aws:SourceVpce for the restricting mode", () => {
      assert.match(requestOutcome("deny-outside-endpoint", false).why, /without aws:SourceVpce/);
      assert.match(requestOutcome("allow-only", false).why, /never stops a principal/);
    });
  });
});
