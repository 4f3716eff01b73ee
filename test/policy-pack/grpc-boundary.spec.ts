/**
 * The pack at its real boundary: started as the Pulumi CLI starts it (see harness/pack-process)
 * and driven over gRPC with the stubs in @pulumi/pulumi/proto. Analyze carries a resource's
 * inputs, AnalyzeStack every resource's outputs; unknown values are the engine's sentinel string.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { E, restricting, UNKNOWN, urnOf } from "./helpers";
import {
  Diagnostic,
  PACK_DIR,
  ResourceSpec,
  RunningPack,
  analyzeRequest,
  analyzeStackRequest,
  configureRequest,
  diagnosticsOf,
  empty,
  levelName,
  startPack,
  unary,
} from "../../harness/pack-process";
import { TYPE } from "../../model/type-tokens";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

function spec(
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<ResourceSpec> = {},
): ResourceSpec {
  return { type, urn: urnOf(type, name), name, props, ...extra };
}

function seed(bucket: string, effect = "Allow"): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Access-to-specific-VPCE-only",
        Effect: effect,
        Principal: "*",
        Action: "s3:*",
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { StringEquals: { "aws:sourceVpce": E } },
      },
    ],
  });
}

/** A bucket and its bucket policy as AnalyzeStack sends them at the end of an update. */
function bucketWithPolicy(name: string, policy: unknown): ResourceSpec[] {
  const bucket = spec(TYPE.bucket, name, {
    bucket: name,
    id: name,
    arn: `arn:aws:s3:::${name}`,
    policy: "",
  });
  return [
    bucket,
    spec(
      TYPE.bucketPolicy,
      `${name}-policy`,
      { bucket: name, id: name, policy },
      {
        propertyDependencies: { bucket: [bucket.urn] },
        dependencies: [bucket.urn],
      },
    ),
  ];
}

describe("policy pack over gRPC, started as the Pulumi CLI starts it", function () {
  this.timeout(60000);
  let pack: RunningPack;

  const analyzeStack = async (resources: ResourceSpec[]): Promise<Diagnostic[]> =>
    diagnosticsOf(
      await unary<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(
        pack.client.analyzeStack,
        pack.client,
        analyzeStackRequest(resources),
      ),
    );
  const analyze = async (resource: ResourceSpec): Promise<Diagnostic[]> =>
    diagnosticsOf(
      await unary<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(
        pack.client.analyze,
        pack.client,
        analyzeRequest(resource),
      ),
    );
  const only = (ds: Diagnostic[], policyName: string) =>
    ds.filter((d) => d.policyName === policyName);

  before(async () => {
    pack = await startPack({ dryRun: true });
  });

  after(async () => {
    await pack?.stop();
  });

  it("prints its port as the first stdout line", () => {
    assert.ok(pack.port > 0 && pack.port < 65536);
    console.log(`      (pack started in ${pack.startupMs} ms)`);
  });

  describe("GetAnalyzerInfo", () => {
    let info: analyzer.AnalyzerInfo;
    before(async () => {
      info = await unary(pack.client.getAnalyzerInfo, pack.client, empty());
    });

    it("names the pack and takes its version from package.json", () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
      assert.strictEqual(info.getName(), "vpc-endpoint-labs");
      assert.strictEqual(info.getVersion(), pkg.version);
      assert.strictEqual(info.getSupportsconfig(), true);
    });

    it("lists every policy with its kind and enforcement level", () => {
      const stack = analyzer.PolicyType.POLICY_TYPE_STACK;
      const resource = analyzer.PolicyType.POLICY_TYPE_RESOURCE;
      assert.deepStrictEqual(
        info
          .getPoliciesList()
          .map((p) => [p.getName(), levelName(p.getEnforcementlevel()), p.getPolicyType()]),
        [
          ["s3-bucket-requires-vpce", "mandatory", stack],
          ["s3-access-point-requires-vpce", "advisory", stack],
          ["vpc-endpoint-private-dns-requires-vpc-dns", "advisory", stack],
          ["s3-interface-endpoint-resolver-dns-requires-gateway", "advisory", stack],
          ["vpc-gateway-endpoint-service-supported", "advisory", resource],
          ["ec2-instance-connect-endpoint-one-per-vpc", "advisory", stack],
          ["ec2-security-group-no-public-ssh", "mandatory", resource],
          ["ec2-instance-imdsv2-required", "advisory", resource],
          ["aws-input-constraints", "advisory", resource],
        ],
      );
      for (const p of info.getPoliciesList()) {
        assert.match(p.getDescription(), /^Checks that /);
      }
    });

    it("publishes the bucket rule's settings schema", () => {
      const s3 = info.getPoliciesList().find((p) => p.getName() === "s3-bucket-requires-vpce")!;
      const props = s3.getConfigschema()!.getProperties()!.toJavaScript();
      assert.deepStrictEqual(Object.keys(props).sort(), [
        "allowedExemptions",
        "approvedEndpointIds",
        "exemptBuckets",
        "exemptionKeys",
      ]);
    });

    it("sends an initial config whose every entry states its enforcement level", () => {
      const config = info.getInitialconfigMap();
      assert.strictEqual(config.getLength(), 9);
      assert.strictEqual(
        levelName(config.get("s3-bucket-requires-vpce")!.getEnforcementlevel()),
        "mandatory",
      );
      assert.strictEqual(
        levelName(config.get("ec2-security-group-no-public-ssh")!.getEnforcementlevel()),
        "mandatory",
      );
      assert.deepStrictEqual(
        config.get("ec2-security-group-no-public-ssh")!.getProperties()!.toJavaScript(),
        {
          ports: [22],
        },
      );
    });

    it("answers GetPluginInfo with the policy SDK's version", async () => {
      const plugin = await unary<ReturnType<typeof empty>, PluginInfo>(
        pack.client.getPluginInfo,
        pack.client,
        empty(),
      );
      assert.strictEqual(plugin.getVersion(), "1.21.0");
    });
  });

  describe("AnalyzeStack (outputs)", () => {
    it("passes a bucket whose policy denies access outside the endpoint", async () => {
      assert.deepStrictEqual(
        await analyzeStack(bucketWithPolicy("lab-data", restricting("lab-data"))),
        [],
      );
    });

    it("flags the seed's Allow-only policy as mandatory, on the bucket's URN", async () => {
      const resources = bucketWithPolicy("upload-test-bucket", seed("upload-test-bucket"));
      const ds = await analyzeStack(resources);
      assert.deepStrictEqual(
        ds.map((d) => [
          d.policyName,
          d.enforcementLevel,
          d.urn,
          d.policyPackName,
          d.policyPackVersion,
        ]),
        [["s3-bucket-requires-vpce", "mandatory", resources[0].urn, "vpc-endpoint-labs", "0.1.0"]],
      );
      assert.match(ds[0].message, /^Checks that every S3 bucket has a bucket policy that denies/);
      assert.match(
        ds[0].message,
        /S3 bucket 'upload-test-bucket' \(bucket policy 'upload-test-bucket-policy'\)/,
      );
      assert.match(ds[0].message, /Missing: a Deny statement/);
      assert.match(
        ds[0].message,
        /an Allow never stops a principal that already has access through IAM/,
      );
      assert.match(
        ds[0].message,
        /Fix: add this statement to the bucket policy: \{"Sid":"DenyUnlessThroughVpcEndpoint"/,
      );
    });

    it("flags the seed's verification flip", async () => {
      const resources = bucketWithPolicy("upload-test-bucket", seed("upload-test-bucket", "Deny"));
      const ds = await analyzeStack(resources);
      assert.strictEqual(ds.length, 1);
      assert.strictEqual(ds[0].enforcementLevel, "mandatory");
      assert.match(ds[0].message, /verification flip/);
    });

    it("flags a malformed policy with what is wrong, without failing the call", async () => {
      const resources = bucketWithPolicy("lab-data", '{"Version": "2012-10-17", "Statement": [');
      const ds = await analyzeStack(resources);
      assert.deepStrictEqual(
        ds.map((d) => [d.enforcementLevel, d.urn]),
        [["mandatory", resources[0].urn]],
      );
      assert.match(ds[0].message, /its bucket policy is not valid JSON/);
    });

    it("reads a policy the engine sends as a secret", async () => {
      const secret = { [SECRET_SIG]: SECRET, value: restricting("lab-data") };
      assert.deepStrictEqual(await analyzeStack(bucketWithPolicy("lab-data", secret)), []);
    });

    it("links by property dependency and flags the bucket no policy is attached to", async () => {
      const a = spec(TYPE.bucket, "lab-a", { bucket: "lab-a", id: "lab-a", policy: "" });
      const b = spec(TYPE.bucket, "lab-b", { bucket: "lab-b", id: "lab-b", policy: "" });
      const p = spec(
        TYPE.bucketPolicy,
        "only-a",
        { bucket: "renamed-at-update", policy: restricting("lab-a") },
        {
          propertyDependencies: { bucket: [a.urn] },
        },
      );
      const ds = await analyzeStack([a, b, p]);
      assert.deepStrictEqual(
        ds.map((d) => d.urn),
        [b.urn],
      );
      assert.match(ds[0].message, /S3 bucket 'lab-b' has no bucket policy/);
    });

    it("during preview, gives an advisory for an unknown policy and still fails a definite violation", async () => {
      const known = bucketWithPolicy("lab-known", seed("lab-known"));
      const pending = spec(TYPE.bucket, "lab-pending", {
        bucket: "lab-pending",
        id: UNKNOWN,
        arn: UNKNOWN,
        policy: UNKNOWN,
      });
      const pendingPolicy = spec(
        TYPE.bucketPolicy,
        "lab-pending-policy",
        { bucket: UNKNOWN, policy: UNKNOWN },
        {
          propertyDependencies: { bucket: [pending.urn] },
        },
      );
      const ds = only(
        await analyzeStack([...known, pending, pendingPolicy]),
        "s3-bucket-requires-vpce",
      );
      assert.deepStrictEqual(
        ds.map((d) => [d.enforcementLevel, d.urn]),
        [
          ["mandatory", known[0].urn],
          ["advisory", ""],
        ],
      );
      assert.match(
        ds[1].message,
        /can't run policy 's3-bucket-requires-vpce' .* during preview: .* at \.policy can't be known/,
      );
    });

    it("runs the stack guardrails: private DNS in a VPC without DNS hostnames", async () => {
      const vpc = spec(TYPE.vpc, "lab", {
        id: "vpc-1",
        enableDnsSupport: true,
        enableDnsHostnames: false,
      });
      const ep = spec(TYPE.vpcEndpoint, "cfn", {
        vpcId: "vpc-1",
        serviceName: "com.amazonaws.ap-northeast-2.cloudformation",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
      });
      const ds = await analyzeStack([vpc, ep]);
      assert.deepStrictEqual(
        ds.map((d) => [d.policyName, d.enforcementLevel, d.urn]),
        [["vpc-endpoint-private-dns-requires-vpc-dns", "advisory", ep.urn]],
      );
      assert.match(ds[0].message, /does not turn on enableDnsHostnames/);
    });

    it("runs the stack guardrails: two Instance Connect Endpoints in one VPC", async () => {
      const first = spec(TYPE.instanceConnectEndpoint, "eice-1", {
        subnetId: "subnet-1",
        vpcId: "vpc-1",
      });
      const second = spec(TYPE.instanceConnectEndpoint, "eice-2", {
        subnetId: "subnet-2",
        vpcId: "vpc-1",
      });
      const ds = await analyzeStack([first, second]);
      assert.deepStrictEqual(
        ds.map((d) => [d.policyName, d.enforcementLevel, d.urn]),
        [["ec2-instance-connect-endpoint-one-per-vpc", "advisory", second.urn]],
      );
    });
  });

  describe("Analyze (inputs)", () => {
    it("fails a security group that opens SSH to the internet, as mandatory", async () => {
      const sg = spec(TYPE.securityGroup, "bastion", {
        ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
      });
      const ds = await analyze(sg);
      assert.deepStrictEqual(
        ds.map((d) => [d.policyName, d.enforcementLevel, d.urn]),
        [["ec2-security-group-no-public-ssh", "mandatory", sg.urn]],
      );
      assert.match(ds[0].message, /'bastion' \(ingress\[0\]\) opens TCP 22 to 0\.0\.0\.0\/0/);
    });

    it("passes a security group that allows SSH only from the VPC", async () => {
      const sg = spec(TYPE.securityGroup, "private", {
        ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }],
      });
      assert.deepStrictEqual(await analyze(sg), []);
    });

    it("gives an advisory, not a failure, when the source CIDR is unknown", async () => {
      const rule = spec(TYPE.securityGroupIngressRule, "pending", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: UNKNOWN,
      });
      const ds = await analyze(rule);
      assert.deepStrictEqual(
        ds.map((d) => [d.policyName, d.enforcementLevel]),
        [["ec2-security-group-no-public-ssh", "advisory"]],
      );
      assert.match(
        ds[0].message,
        /can't run policy 'ec2-security-group-no-public-ssh' .* during preview/,
      );
    });

    it("flags a gateway endpoint for a service without one, and an instance without IMDSv2", async () => {
      const ep = spec(TYPE.vpcEndpoint, "ec2-gw", {
        vpcId: "vpc-1",
        serviceName: "com.amazonaws.us-east-1.ec2",
      });
      const host = spec(TYPE.instance, "host", {
        ami: "ami-1",
        instanceType: "t4g.nano",
      });
      assert.deepStrictEqual(
        (await analyze(ep)).map((d) => [d.policyName, d.enforcementLevel, d.urn]),
        [["vpc-gateway-endpoint-service-supported", "advisory", ep.urn]],
      );
      assert.deepStrictEqual(
        (await analyze(host)).map((d) => [d.policyName, d.enforcementLevel, d.urn]),
        [["ec2-instance-imdsv2-required", "advisory", host.urn]],
      );
    });
  });

  describe("Configure", () => {
    const defaults = {
      "s3-bucket-requires-vpce": { enforcementLevel: "mandatory" },
      "ec2-security-group-no-public-ssh": { enforcementLevel: "mandatory" },
    };
    afterEach(async () => {
      await unary(pack.client.configure, pack.client, configureRequest(defaults));
    });

    it("applies levels and settings from the CLI's Configure call", async () => {
      await unary(
        pack.client.configure,
        pack.client,
        configureRequest({
          "s3-bucket-requires-vpce": {
            enforcementLevel: "advisory",
            approvedEndpointIds: ["vpce-approved"],
          },
        }),
      );
      const resources = bucketWithPolicy("lab-data", restricting("lab-data"));
      const ds = await analyzeStack(resources);
      assert.deepStrictEqual(
        ds.map((d) => [d.enforcementLevel, d.urn]),
        [["advisory", resources[0].urn]],
      );
      assert.match(
        ds[0].message,
        /exempts vpce-1a2b3c4d, which is not an approved endpoint \(approvedEndpointIds: vpce-approved\)/,
      );
    });

    it("skips a policy configured as disabled", async () => {
      await unary(
        pack.client.configure,
        pack.client,
        configureRequest({ "s3-bucket-requires-vpce": { enforcementLevel: "disabled" } }),
      );
      assert.deepStrictEqual(
        await analyzeStack(bucketWithPolicy("lab-data", seed("lab-data"))),
        [],
      );
    });
  });

  describe("after every call above", () => {
    it("has never called back to the engine", () => {
      assert.strictEqual(pack.engine.connections(), 0, pack.stderr());
    });
  });
});
