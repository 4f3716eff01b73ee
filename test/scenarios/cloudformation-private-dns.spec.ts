import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../scenarios";
import { Expectation } from "../../scenarios/scenario";
import { engine, json, resolve, useEngine } from "../helpers/engine";
import { runLab as runScenario, instanceOf } from "../helpers/labs";
import { TYPE } from "../../model/type-tokens";

const SCENARIO = "cloudformation-private-dns";

const runLab = (config: Record<string, string> = {}) => runScenario(SCENARIO, config);

const summary = (expectations: Expectation[]) =>
  expectations.map(
    (e) =>
      `${e.from} ${e.probe} ${e.to.kind === "aws-service" && e.to.via ? "vpce-name" : "default-name"} ${e.outcome}`,
  );

describe("scenario cloudformation-private-dns", () => {
  useEngine({ config: { scenario: SCENARIO } });

  it("puts one CloudFormation interface endpoint, private DNS on, in the private subnet only", async () => {
    await runLab();
    const endpoints = engine.ofType(TYPE.vpcEndpoint);
    assert.equal(endpoints.length, 1);
    const endpoint = endpoints[0];
    assert.equal(endpoint.name, "cloudformation-vpce");
    assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
    assert.equal(endpoint.inputs.serviceName, "com.amazonaws.ap-northeast-2.cloudformation");
    assert.equal(endpoint.inputs.privateDnsEnabled, true);
    assert.deepEqual(endpoint.inputs.subnetIds, [engine.get(TYPE.subnet, "lab-private-1").id]);
    assert.equal(endpoint.inputs.routeTableIds, undefined);
    assert.equal(endpoint.inputs.dnsOptions, undefined);
  });

  it("spreads the endpoint one subnet per AZ when azCount is 2 (AWS takes one subnet per AZ)", async () => {
    await runLab({ azCount: "2" });
    const subnetIds = engine.get(TYPE.vpcEndpoint, "cloudformation-vpce").inputs
      .subnetIds as string[];
    const subnets = subnetIds.map((id) => engine.byId(id));
    assert.deepEqual(
      subnets.map((s) => s?.name),
      ["lab-private-1", "lab-private-2"],
    );
    const azs = subnets.map((s) => s?.inputs.availabilityZone);
    assert.equal(new Set(azs).size, 2, `distinct AZs: ${azs.join(", ")}`);
  });

  it("admits HTTPS to the endpoint from the whole VPC (both hosts)", async () => {
    await runLab();
    const sg = engine.get(TYPE.securityGroup, "cloudformation-sg");
    assert.deepEqual(engine.get(TYPE.vpcEndpoint, "cloudformation-vpce").inputs.securityGroupIds, [
      sg.id,
    ]);
    assert.deepEqual(
      engine
        .ofType(TYPE.securityGroupIngressRule)
        .filter((r) => r.inputs.securityGroupId === sg.id)
        .map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]),
      [["tcp", 443, 443, "10.0.0.0/16"]],
    );
  });

  it("turns private DNS off when privateDns is off, keeping the endpoint-specific names", async () => {
    const { outputs } = await runLab({ privateDns: "off" });
    const endpoint = engine.get(TYPE.vpcEndpoint, "cloudformation-vpce");
    assert.equal(endpoint.inputs.privateDnsEnabled, false);
    const names = (await resolve(outputs.endpointDnsNames as pulumi.Output<string[]>)) as string[];
    assert.ok(names.length >= 1);
    for (const name of names) {
      assert.match(
        name,
        new RegExp(
          `^${endpoint.id}-[0-9a-f]+(-ap-northeast-2a)?\\.cloudformation\\.ap-northeast-2\\.vpce\\.amazonaws\\.com$`,
        ),
      );
    }
    assert.equal(await resolve(outputs.privateDns as string), "off");
  });

  it("has a host in each subnet, allowed only to list stacks, both reached through one Instance Connect Endpoint", async () => {
    await runLab();
    assert.equal(engine.byId(instanceOf("public-host").inputs.subnetId)?.name, "lab-public-1");
    assert.equal(engine.byId(instanceOf("private-host").inputs.subnetId)?.name, "lab-private-1");
    for (const host of ["public-host", "private-host"]) {
      const policy = json(engine.get(TYPE.rolePolicy, `${host}-policy`).inputs.policy);
      assert.deepEqual(policy.Statement, [
        { Sid: "ListStacks", Effect: "Allow", Action: "cloudformation:ListStacks", Resource: "*" },
      ]);
    }
    const eiceSg = engine.get(TYPE.securityGroup, "eice-sg");
    const sshTargets = engine
      .ofType(TYPE.securityGroupEgressRule)
      .filter((r) => r.inputs.securityGroupId === eiceSg.id)
      .map((r) => [r.inputs.fromPort, engine.byId(r.inputs.referencedSecurityGroupId)?.name]);
    assert.deepEqual(sshTargets, [
      [22, "public-host-sg"],
      [22, "private-host-sg"],
    ]);
  });

  it("expects private addresses for the default name from both hosts, and the private host's call to work, with private DNS", async () => {
    const { expectations } = await runLab();
    assert.deepEqual(summary(expectations), [
      "public-host dns default-name resolves-private",
      "public-host dns vpce-name resolves-private",
      "private-host dns default-name resolves-private",
      "private-host dns vpce-name resolves-private",
      "private-host request default-name works",
      "private-host request vpce-name works",
      "public-host request default-name works",
    ]);
    for (const e of expectations) {
      if (e.to.kind === "aws-service" && e.to.via) assert.equal(e.to.via, "cloudformation");
    }
  });

  it("expects public addresses and a timeout on the private host without private DNS, while the vpce- name still works", async () => {
    const { expectations } = await runLab({ privateDns: "off" });
    assert.deepEqual(summary(expectations), [
      "public-host dns default-name resolves-public",
      "public-host dns vpce-name resolves-private",
      "private-host dns default-name resolves-public",
      "private-host dns vpce-name resolves-private",
      "private-host request default-name times-out",
      "private-host request vpce-name works",
      "public-host request default-name works",
    ]);
  });

  it("prints dig and list-stacks per host, with the endpoint-specific name and the endpoint subnet", async () => {
    const { checks, outputs } = await runLab();
    const [regional] = (await resolve(
      outputs.endpointDnsNames as pulumi.Output<string[]>,
    )) as string[];
    assert.deepEqual(
      checks.map((c) => c.host),
      ["public-host", "private-host"],
    );
    const privateCheck = checks[1];
    assert.equal(
      privateCheck.connect,
      `aws ec2-instance-connect ssh --instance-id ${instanceOf("private-host").id} --connection-type eice --region ap-northeast-2`,
    );
    const byRun = new Map(privateCheck.steps.map((s) => [s.run, s.expect]));
    assert.match(
      byRun.get("dig +short cloudformation.ap-northeast-2.amazonaws.com") ?? "",
      /private addresses inside 10\.0\.1\.0\/24/,
    );
    assert.match(
      byRun.get(`dig +short ${regional}`) ?? "",
      /private addresses inside 10\.0\.1\.0\/24/,
    );
    assert.match(
      byRun.get("aws cloudformation list-stacks --region ap-northeast-2 --max-items 5") ?? "",
      /StackSummaries.*through the endpoint/,
    );
    assert.ok(
      byRun.has(
        `aws cloudformation list-stacks --region ap-northeast-2 --max-items 5 --endpoint-url https://${regional}`,
      ),
    );
  });

  it("without private DNS, the private host's default-name call fails fast and the --endpoint-url call works", async () => {
    const { checks } = await runLab({ privateDns: "off" });
    const [publicCheck, privateCheck] = checks;
    const dig = privateCheck.steps.find(
      (s) => s.run === "dig +short cloudformation.ap-northeast-2.amazonaws.com",
    );
    assert.match(dig?.expect ?? "", /^public addresses/);
    const timeout = privateCheck.steps.find((s) =>
      s.run.includes("list-stacks --region ap-northeast-2 --max-items 5 --cli-connect-timeout 5"),
    );
    assert.ok(timeout?.run.startsWith("AWS_MAX_ATTEMPTS=1 "));
    assert.match(timeout?.expect ?? "", /Connect timeout/);
    assert.match(
      publicCheck.steps.find(
        (s) => s.run === "aws cloudformation list-stacks --region ap-northeast-2 --max-items 5",
      )?.expect ?? "",
      /through the internet gateway/,
    );
  });

  describe("refuses a privateDns mode CloudFormation does not have, before registering anything", () => {
    for (const mode of ["true", "inbound-resolver-only"]) {
      it(mode, async () => {
        engine.reset({ config: { scenario: SCENARIO, privateDns: mode } });
        assert.throws(
          () => runProgram(),
          new RegExp(
            `config "privateDns" \\(scenario cloudformation-private-dns\\) must be one of off, all; got "${mode}"`,
          ),
        );
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });

  it("treats an empty privateDns (Pulumi.yaml's default for keys labs default differently) as all", async () => {
    await runLab({ privateDns: "" });
    assert.equal(
      engine.get(TYPE.vpcEndpoint, "cloudformation-vpce").inputs.privateDnsEnabled,
      true,
    );
  });
});
