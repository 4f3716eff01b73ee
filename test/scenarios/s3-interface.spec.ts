import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PrivateDnsMode } from "../../components/service-catalog";
import { checkBucketsRequireVpce } from "../../policy-pack/policies/s3-bucket-requires-vpce";
import { runProgram } from "../../scenarios";
import { FAIL_FAST } from "../../scenarios/common";
import { bucketEndpointHost, s3InterfaceExpectations } from "../../scenarios/s3-interface";
import { Expectation } from "../../scenarios/scenario";
import { engine, json, resolve, stackResources, useEngine } from "../helpers/engine";
import { runLab as runScenario } from "../helpers/labs";
import { TYPE } from "../../model/type-tokens";

const SCENARIO = "s3-interface";

const runLab = (config: Record<string, string> = {}) => runScenario(SCENARIO, config);

const interfaceEndpoint = () => engine.get(TYPE.vpcEndpoint, "s3-interface-vpce");
const sourceVpces = () => {
  const statement = (
    json(engine.get(TYPE.bucketPolicy, "lab-policy").inputs.policy).Statement as Record<
      string,
      unknown
    >[]
  )[0];
  assert.equal(statement.Effect, "Deny");
  const condition = statement.Condition as Record<string, Record<string, string[]>>;
  return condition.StringNotEquals["aws:SourceVpce"];
};

/** `<from> <probe> <default-name|vpce-name> <outcome>` per expectation. */
const summary = (expectations: Expectation[]) =>
  expectations.map(
    (e) =>
      `${e.from} ${e.probe} ${e.to.kind === "aws-service" && e.to.via ? "vpce-name" : "default-name"} ${e.outcome}`,
  );

describe("scenario s3-interface", () => {
  useEngine({ config: { scenario: SCENARIO } });

  describe("privateDns off (default, the seed)", () => {
    it("puts one S3 interface endpoint in the private subnet, private DNS off, and no gateway endpoint", async () => {
      await runLab();
      assert.deepEqual(
        engine.ofType(TYPE.vpcEndpoint).map((e) => e.name),
        ["s3-interface-vpce"],
      );
      const vpce = interfaceEndpoint();
      assert.equal(vpce.inputs.vpcEndpointType, "Interface");
      assert.equal(vpce.inputs.serviceName, "com.amazonaws.ap-northeast-2.s3");
      assert.deepEqual(vpce.inputs.subnetIds, [engine.get(TYPE.subnet, "lab-private-1").id]);
      assert.equal(vpce.inputs.privateDnsEnabled, false);
      assert.equal(vpce.inputs.dnsOptions, undefined);
    });

    it("lets the whole VPC reach the endpoint on 443, nothing else", async () => {
      await runLab();
      const sg = engine.get(TYPE.securityGroup, "s3-interface-sg");
      assert.deepEqual(interfaceEndpoint().inputs.securityGroupIds, [sg.id]);
      const rules = engine
        .ofType(TYPE.securityGroupIngressRule)
        .filter((r) => r.inputs.securityGroupId === sg.id);
      assert.deepEqual(
        rules.map((r) => [
          r.inputs.ipProtocol,
          r.inputs.fromPort,
          r.inputs.toPort,
          r.inputs.cidrIpv4,
        ]),
        [["tcp", 443, 443, "10.0.0.0/16"]],
      );
    });

    it("restricts the bucket to the interface endpoint, and passes the policy pack with aws:PrincipalArn exempt", async () => {
      await runLab();
      assert.deepEqual(sourceVpces(), [interfaceEndpoint().id]);
      const findings = checkBucketsRequireVpce(stackResources(), {
        approvedEndpointIds: [],
        exemptBuckets: [],
        exemptionKeys: ["aws:PrincipalArn"],
      });
      assert.deepEqual(findings, []);
    });

    it("expects the default name public (private host times out, public host 403) and the vpce- name to work", async () => {
      const { expectations } = await runLab();
      assert.deepEqual(summary(expectations), [
        "private-host dns default-name resolves-public",
        "private-host request default-name times-out",
        "private-host dns vpce-name resolves-private",
        "private-host request vpce-name works",
        "public-host dns default-name resolves-public",
        "public-host request default-name 403",
        "public-host dns vpce-name resolves-private",
        "public-host request vpce-name works",
      ]);
      const via = expectations.find((e) => e.to.kind === "aws-service" && e.to.via);
      assert.deepEqual(via?.to, {
        kind: "aws-service",
        service: "s3",
        resource: "lab",
        via: "s3-interface",
      });
      assert.ok(engine.get("vpc-endpoint-labs:endpoints:InterfaceEndpoint", "s3-interface"));
    });

    it("prints --endpoint-url commands with the bucket.vpce- name, and a fail-fast default-name request", async () => {
      const { checks, outputs } = await runLab();
      const id = interfaceEndpoint().id!;
      const url = await resolve(outputs.endpointUrl as pulumi.Output<string>);
      assert.match(
        url,
        new RegExp(
          `^https://bucket\\.${id}-[0-9a-f]{8}\\.s3\\.ap-northeast-2\\.vpce\\.amazonaws\\.com$`,
        ),
      );
      const bucket = engine.get(TYPE.bucket, "lab-storage-bucket").id;
      const privateHost = checks.find((c) => c.host === "private-host")!;
      assert.ok(
        privateHost.steps.some(
          (s) =>
            s.run === `aws s3 ls s3://${bucket} --region ap-northeast-2 --endpoint-url ${url}` &&
            /private-host\.txt/.test(s.expect),
        ),
      );
      assert.equal(privateHost.steps[0].run, `dig +short ${url.replace("https://", "")}`);
      assert.match(privateHost.steps[0].expect, /inside 10\.0\.1\.0\/24/);
      const last = privateHost.steps[privateHost.steps.length - 1];
      assert.ok(last.run.includes(FAIL_FAST) && !last.run.includes("--endpoint-url"), last.run);
      assert.match(last.expect, /Connect timeout/);
      const laptop = checks.find((c) => c.host === "laptop")!;
      assert.ok(laptop.steps.some((s) => /VPN or Direct Connect/.test(s.expect)));
      assert.ok(!laptop.steps.some((s) => s.run.includes("describe-route-tables")));
    });
  });

  describe("privateDns inbound-resolver-only", () => {
    it("adds an S3 gateway endpoint on the private route table, created before the interface endpoint", async () => {
      await runLab({ privateDns: "inbound-resolver-only" });
      const gateway = engine.get(TYPE.vpcEndpoint, "s3-gateway-vpce");
      assert.equal(gateway.inputs.vpcEndpointType, "Gateway");
      assert.deepEqual(gateway.inputs.routeTableIds, [
        engine.get(TYPE.routeTable, "lab-private-rt").id,
      ]);
      const vpce = interfaceEndpoint();
      assert.ok(vpce.dependencies.includes(gateway.urn), vpce.dependencies.join(", "));
      assert.equal(vpce.inputs.privateDnsEnabled, true);
      assert.deepEqual(vpce.inputs.dnsOptions, {
        dnsRecordIpType: "ipv4",
        privateDnsOnlyForInboundResolverEndpoint: true,
      });
    });

    it("lets the bucket accept either endpoint", async () => {
      await runLab({ privateDns: "inbound-resolver-only" });
      assert.deepEqual(sourceVpces(), [
        engine.get(TYPE.vpcEndpoint, "s3-gateway-vpce").id,
        interfaceEndpoint().id,
      ]);
    });

    it("expects in-VPC default-name traffic on the gateway endpoint, the public host still refused", async () => {
      const { expectations, checks } = await runLab({ privateDns: "inbound-resolver-only" });
      assert.deepEqual(
        summary(expectations).filter((s) => s.includes("default-name")),
        [
          "private-host dns default-name resolves-public",
          "private-host request default-name works",
          "public-host dns default-name resolves-public",
          "public-host request default-name 403",
        ],
      );
      const laptop = checks.find((c) => c.host === "laptop")!;
      const route = laptop.steps.find((s) => s.run.includes("describe-route-tables"));
      assert.ok(route?.expect.startsWith("pl-"), route?.expect);
    });
  });

  describe("privateDns all", () => {
    it("turns private DNS on for every client, with no gateway endpoint", async () => {
      await runLab({ privateDns: "all" });
      assert.deepEqual(
        engine.ofType(TYPE.vpcEndpoint).map((e) => e.name),
        ["s3-interface-vpce"],
      );
      assert.equal(interfaceEndpoint().inputs.privateDnsEnabled, true);
      assert.deepEqual(interfaceEndpoint().inputs.dnsOptions, {
        dnsRecordIpType: "ipv4",
        privateDnsOnlyForInboundResolverEndpoint: false,
      });
      assert.deepEqual(sourceVpces(), [interfaceEndpoint().id]);
    });

    it("expects the default name to resolve to the endpoint and work from both hosts", async () => {
      const { expectations, checks } = await runLab({ privateDns: "all" });
      assert.deepEqual(
        summary(expectations).filter((s) => s.includes("default-name")),
        [
          "private-host dns default-name resolves-private",
          "private-host request default-name works",
          "public-host dns default-name resolves-private",
          "public-host request default-name works",
        ],
      );
      const publicHost = checks.find((c) => c.host === "public-host")!;
      assert.match(publicHost.steps[1].expect, /private DNS answers the default name/);
    });
  });

  it("spreads the interface endpoint one subnet per AZ when azCount is 2", async () => {
    await runLab({ azCount: "2" });
    const subnets = (interfaceEndpoint().inputs.subnetIds as string[]).map(
      (id) => engine.byId(id)?.name,
    );
    assert.deepEqual(subnets, ["lab-private-1", "lab-private-2"]);
  });

  it("refuses an unknown privateDns value before creating anything", async () => {
    engine.reset({ config: { scenario: SCENARIO, privateDns: "on" } });
    assert.throws(
      () => runProgram(),
      /config "privateDns" \(scenario s3-interface\) must be one of off, all, inbound-resolver-only; got "on"/,
    );
    assert.deepEqual(await engine.settle(), []);
  });

  describe("pure pieces", () => {
    const modes: [PrivateDnsMode, string, string][] = [
      ["off", "times-out", "403"],
      ["inbound-resolver-only", "works", "403"],
      ["all", "works", "works"],
    ];
    for (const [mode, privateOutcome, publicOutcome] of modes) {
      it(`${mode}: default-name requests, private ${privateOutcome}, public ${publicOutcome}; vpce- name works`, () => {
        const requests = s3InterfaceExpectations({ privateDns: mode }).filter(
          (e) => e.probe === "request",
        );
        assert.deepEqual(
          requests.map(
            (e) =>
              `${e.from} ${e.to.kind === "aws-service" && e.to.via ? "vpce" : "default"} ${e.outcome}`,
          ),
          [
            `private-host default ${privateOutcome}`,
            "private-host vpce works",
            `public-host default ${publicOutcome}`,
            "public-host vpce works",
          ],
        );
      });
    }

    const hosts: [string, string][] = [
      [
        "*.vpce-0a1b2c3d4e5f60718-abcdefgh.s3.ap-northeast-2.vpce.amazonaws.com",
        "bucket.vpce-0a1b2c3d4e5f60718-abcdefgh.s3.ap-northeast-2.vpce.amazonaws.com",
      ],
      [
        "vpce-0a1b2c3d4e5f60718-abcdefgh.s3.ap-northeast-2.vpce.amazonaws.com",
        "bucket.vpce-0a1b2c3d4e5f60718-abcdefgh.s3.ap-northeast-2.vpce.amazonaws.com",
      ],
    ];
    for (const [name, host] of hosts) {
      it(`bucketEndpointHost(${name.slice(0, 8)}...) puts bucket. in front`, () => {
        assert.equal(bucketEndpointHost(name), host);
      });
    }
  });
});
