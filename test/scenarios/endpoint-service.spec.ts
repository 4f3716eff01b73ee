import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { findScenario, runProgram } from "../../scenarios";
import {
  consumerEndpointSubnetIds,
  endpointService,
  webPage,
} from "../../scenarios/endpoint-service";
import { Check, Expectation } from "../../scenarios/scenario";
import { build, engine, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

const NAME = "endpoint-service";

/** Runs the lab with the given config on top of the defaults. */
function run(config: Record<string, string> = {}): Record<string, unknown> {
  engine.reset({ config: { scenario: NAME, ...config } });
  return runProgram();
}

const subnetIdsOf = (vpc: string) =>
  engine
    .ofType(TYPE.subnet)
    .filter((s) => s.inputs.vpcId === engine.get(TYPE.vpc, `${vpc}-vpc`).id)
    .map((s) => s.id);

describe("scenario endpoint-service", () => {
  useEngine({ config: { scenario: NAME } });

  it("is registered under its name, with seed 004", () => {
    assert.equal(findScenario(NAME), endpointService);
    assert.deepEqual(endpointService.seeds, ["004"]);
  });

  it("builds a provider and a consumer VPC with the configured blocks and nothing joining them", async () => {
    await build(() => run());
    assert.deepEqual(
      engine.ofType(TYPE.vpc).map((v) => [v.name, v.inputs.cidrBlock]),
      [
        ["provider-vpc", "10.1.0.0/16"],
        ["consumer-vpc", "10.0.0.0/16"],
      ],
    );
    for (const type of [
      TYPE.vpcPeeringConnection,
      TYPE.transitGateway,
      TYPE.transitGatewayVpcAttachment,
      TYPE.internetGateway,
      TYPE.natGateway,
      TYPE.route,
    ]) {
      assert.equal(engine.ofType(type).length, 0, type);
    }
  });

  it("puts the web servers in the provider VPC, spread over its AZs, behind the load balancer", async () => {
    await build(() => run({ webServers: "3", azCount: "2" }));
    const providerSubnets = subnetIdsOf("provider");
    const servers = [1, 2, 3].map((n) => engine.get(TYPE.instance, `web-server-${n}-instance`));
    assert.deepEqual(
      servers.map((s) => s.inputs.subnetId),
      [providerSubnets[0], providerSubnets[1], providerSubnets[0]],
    );
    assert.deepEqual(engine.get(TYPE.loadBalancer, "web-nlb").inputs.subnets, providerSubnets);
    assert.equal(engine.get(TYPE.loadBalancer, "web-nlb").inputs.internal, true);
    assert.deepEqual(
      engine
        .ofType(TYPE.targetGroupAttachment)
        .map((a) => [a.name, a.inputs.targetId])
        .sort(),
      servers.map((s, i) => [`web-target-web-server-${i + 1}`, s.id]),
    );
    assert.equal(
      engine.get(TYPE.targetGroup, "web-tg").inputs.vpcId,
      engine.get(TYPE.vpc, "provider-vpc").id,
    );
  });

  it("serves each page with python3's http.server on the service port, installing nothing", async () => {
    await build(() => run({ webServers: "2", servicePort: "8080" }));
    for (const n of [1, 2]) {
      const userData = String(
        engine.get(TYPE.instance, `web-server-${n}-instance`).inputs.userData,
      );
      assert.ok(userData.includes(webPage(n)), `server ${n} page`);
      assert.match(userData, /python3 -m http\.server 8080 --bind 0\.0\.0\.0/);
      assert.match(userData, /systemctl enable --now lab-web\.service/);
      assert.doesNotMatch(userData, /dnf|yum|httpd/);
    }
    assert.equal(webPage(2), "<html><h1>Endpoint Service Lab - Web Server 2</h1></html>");
    assert.equal(engine.get(TYPE.targetGroup, "web-tg").inputs.port, 8080);
    assert.equal(engine.get(TYPE.listener, "web-listener").inputs.port, 8080);
  });

  it("opens the service port on the web servers to the provider VPC only (the load balancer's addresses)", async () => {
    await build(() => run());
    const sg = engine.get(TYPE.securityGroup, "web-server-1-sg");
    const rules = engine
      .ofType(TYPE.securityGroupIngressRule)
      .filter((r) => r.inputs.securityGroupId === sg.id)
      .map((r) => [r.name, r.inputs.fromPort, r.inputs.cidrIpv4 ?? "group"]);
    assert.deepEqual(rules.sort(), [
      ["provider-eice-web-server-1-in-ssh-from-eice", 22, "group"],
      ["web-server-1-in-service-80", 80, "10.1.0.0/16"],
    ]);
  });

  it("puts the consumer endpoint in the consumer VPC, in each subnet whose AZ ID the load balancer serves", async () => {
    const outputs = run({ azCount: "2" });
    await engine.settle();
    const consumerSubnets = subnetIdsOf("consumer");
    const endpoint = engine.get(TYPE.vpcEndpoint, "consumer-endpoint-vpce");
    assert.equal(endpoint.inputs.vpcId, engine.get(TYPE.vpc, "consumer-vpc").id);
    assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
    assert.deepEqual(endpoint.inputs.subnetIds, consumerSubnets);
    assert.deepEqual(await resolve(outputs.endpointSubnetIds as never), consumerSubnets);
    assert.deepEqual(
      engine.get(TYPE.vpcEndpointService, "web-service").outputs.availabilityZones,
      consumerSubnets.map((id) => engine.byId(id)?.outputs.availabilityZone),
    );
    assert.deepEqual(await resolve(outputs.serviceAvailabilityZoneIds as never), [
      "apne2-az1",
      "apne2-az2",
    ]);
  });

  it("connects the endpoint to the provider's service by name, private DNS off, port open to the consumer VPC", async () => {
    await build(() => run());
    const service = engine.get(TYPE.vpcEndpointService, "web-service");
    const endpoint = engine.get(TYPE.vpcEndpoint, "consumer-endpoint-vpce");
    assert.equal(endpoint.inputs.serviceName, service.outputs.serviceName);
    assert.equal(endpoint.inputs.privateDnsEnabled, false);
    assert.ok(
      endpoint.propertyDependencies.serviceName.includes(
        engine.get(TYPE.vpcEndpointServiceAllowedPrinciple, "web-allow-current-account").urn,
      ),
      "the endpoint waits for the allowed principal",
    );
    const rule = engine.get(TYPE.securityGroupIngressRule, "consumer-endpoint-in-vpc-80");
    assert.equal(rule.inputs.cidrIpv4, "10.0.0.0/16");
    assert.equal(rule.inputs.fromPort, 80);
  });

  it("requires acceptance and accepts the endpoint's connection under the service", async () => {
    const outputs = run();
    await engine.settle();
    const service = engine.get(TYPE.vpcEndpointService, "web-service");
    assert.equal(service.inputs.acceptanceRequired, true);
    const accepter = engine.get(TYPE.vpcEndpointConnectionAccepter, "web-accept-consumer-endpoint");
    assert.equal(accepter.inputs.vpcEndpointServiceId, service.id);
    assert.equal(
      accepter.inputs.vpcEndpointId,
      engine.get(TYPE.vpcEndpoint, "consumer-endpoint-vpce").id,
    );
    assert.equal(accepter.parent, service.urn);
    assert.equal(await resolve(outputs.endpointState as never), "available");
  });

  it("leaves the connection pendingAcceptance when acceptConnection is false", async () => {
    const outputs = run({ acceptConnection: "false" });
    await engine.settle();
    assert.equal(engine.ofType(TYPE.vpcEndpointConnectionAccepter).length, 0);
    assert.equal(
      engine.get(TYPE.vpcEndpointService, "web-service").inputs.acceptanceRequired,
      true,
    );
    assert.equal(await resolve(outputs.endpointState as never), "pendingAcceptance");
    const expectations = outputs.expectations as Expectation[];
    assert.deepEqual(
      expectations
        .filter((e) => e.to.kind === "endpoint-service")
        .map((e) => `${e.from} ${e.probe} ${e.outcome}`),
      ["consumer-host request times-out"],
    );
    const checks = (await resolve(outputs.checks as never)) as Check[];
    assert.deepEqual(
      checks.map((c) => c.host),
      ["laptop", "consumer-host"],
    );
    assert.equal(checks[0].steps[0].expect, "pendingAcceptance");
    assert.ok(
      checks[0].steps.some((s) => s.run === "pulumi config set acceptConnection true && pulumi up"),
    );
  });

  it("creates no accepter when acceptanceRequired is false: AWS accepts by itself", async () => {
    const outputs = run({ acceptanceRequired: "false" });
    await engine.settle();
    assert.equal(
      engine.get(TYPE.vpcEndpointService, "web-service").inputs.acceptanceRequired,
      false,
    );
    assert.equal(engine.ofType(TYPE.vpcEndpointConnectionAccepter).length, 0);
    assert.ok(
      (outputs.expectations as Expectation[]).some(
        (e) => e.to.kind === "endpoint-service" && e.outcome === "works",
      ),
    );
  });

  it("allows this account's root and the configured principals", async () => {
    await build(() =>
      run({
        allowedPrincipals:
          "arn:aws:iam::111122223333:root, arn:aws:iam::444455556666:role/consumers",
      }),
    );
    assert.deepEqual(
      engine
        .ofType(TYPE.vpcEndpointServiceAllowedPrinciple)
        .map((p) => p.inputs.principalArn)
        .sort(),
      [
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::444455556666:role/consumers",
      ],
    );
  });

  it("expects the page through the endpoint and no way into the provider VPC otherwise", async () => {
    const { expectations } = run({ webServers: "2" }) as { expectations: Expectation[] };
    assert.deepEqual(
      expectations.map((e) => `${e.from} ${e.probe} ${JSON.stringify(e.to)} ${e.outcome}`),
      [
        'consumer-host dns {"kind":"endpoint-service","via":"consumer-endpoint","port":80} resolves-private',
        'consumer-host request {"kind":"endpoint-service","via":"consumer-endpoint","port":80} works',
        'consumer-host request {"kind":"instance","host":"web-server-1","port":80} times-out',
        'consumer-host request {"kind":"instance","host":"web-server-2","port":80} times-out',
      ],
    );
    await engine.settle();
  });

  it("names, in its expectations, hosts and endpoints that exist in the graph", async () => {
    const expectations = run().expectations as Expectation[];
    await engine.settle();
    const named = (type: string) => engine.ofType(type).map((r) => r.name);
    const hosts = named("vpc-endpoint-labs:compute:LabInstance");
    for (const e of expectations) {
      assert.ok(hosts.includes(e.from), `from ${e.from}`);
      if (e.to.kind === "endpoint-service") {
        assert.ok(named("vpc-endpoint-labs:endpoints:InterfaceEndpoint").includes(e.to.via));
      }
      if (e.to.kind === "instance") assert.ok(hosts.includes(e.to.host), `host ${e.to.host}`);
    }
  });

  it("prints the checks: state from the laptop, dig and curl on the consumer host, the NLB's address on the web server", async () => {
    const outputs = run();
    const checks = (await resolve(outputs.checks as never)) as Check[];
    await engine.settle();
    const endpoint = engine.get(TYPE.vpcEndpoint, "consumer-endpoint-vpce");
    const dnsName = (endpoint.outputs.dnsEntries as { dnsName: string }[])[0].dnsName;
    const consumer = engine.get(TYPE.instance, "consumer-host-instance");
    const web = engine.get(TYPE.instance, "web-server-1-instance");
    assert.deepEqual(
      checks.map((c) => c.host),
      ["laptop", "consumer-host", "web-server-1"],
    );
    const [laptop, consumerCheck, webCheck] = checks;
    assert.match(laptop.steps[0].run, new RegExp(`--vpc-endpoint-ids ${endpoint.id} `));
    assert.equal(laptop.steps[0].expect, "available");
    assert.equal(
      consumerCheck.connect,
      `aws ec2-instance-connect ssh --instance-id ${consumer.id} --connection-type eice --region ap-northeast-2`,
    );
    assert.deepEqual(
      consumerCheck.steps.map((s) => s.run),
      [
        `dig +short ${dnsName}`,
        `curl -sS http://${dnsName}/`,
        `curl -sS --connect-timeout 5 http://${web.outputs.privateIp}/`,
      ],
    );
    assert.match(
      dnsName,
      /^vpce-[0-9a-f]+-[0-9a-f]+\.vpce-svc-[0-9a-f]+\.ap-northeast-2\.vpce\.amazonaws\.com$/,
    );
    assert.match(consumerCheck.steps[0].expect, /inside 10\.0\.0\.0\/16/);
    assert.equal(consumerCheck.steps[1].expect, webPage(1));
    assert.match(consumerCheck.steps[2].expect, /timed out/);
    assert.ok(webCheck.connect.includes(`--instance-id ${web.id} `));
    assert.match(webCheck.steps[0].run, /journalctl -u lab-web/);
    assert.match(
      webCheck.steps[0].expect,
      new RegExp(
        `inside 10\\.1\\.0\\.0/16 .*never the consumer host's ${consumer.outputs.privateIp}`,
      ),
    );
  });

  it("reaches the hosts through one Instance Connect Endpoint per VPC and never from the internet", async () => {
    await build(() => run());
    assert.deepEqual(
      engine
        .ofType(TYPE.instanceConnectEndpoint)
        .map((e) => [e.name, engine.byId(e.inputs.subnetId)?.inputs.vpcId]),
      [
        ["provider-eice-eice", engine.get(TYPE.vpc, "provider-vpc").id],
        ["consumer-eice-eice", engine.get(TYPE.vpc, "consumer-vpc").id],
      ],
    );
    const open = engine
      .ofType(TYPE.securityGroupIngressRule)
      .filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
    assert.deepEqual(open, []);
  });

  describe("consumerEndpointSubnetIds", () => {
    const subnets = [
      { id: pulumi.output("subnet-a"), availabilityZoneId: pulumi.output("apne2-az1") },
      { id: pulumi.output("subnet-c"), availabilityZoneId: pulumi.output("apne2-az3") },
    ];

    it("picks, once values resolve, the consumer subnets in the service's AZ IDs", async () =>
      assert.deepEqual(
        await resolve(
          consumerEndpointSubnetIds(subnets, pulumi.output(["apne2-az1", "apne2-az2"])),
        ),
        ["subnet-a"],
      ));

    it("fails naming both sides' AZ IDs when no consumer subnet is in the service's AZs", async () =>
      assert.rejects(
        resolve(consumerEndpointSubnetIds(subnets, pulumi.output(["apne2-az2", "apne2-az4"]))),
        /scenario endpoint-service: consumer endpoint subnets: no consumer subnet is in an Availability Zone the endpoint service offers \(consumer subnets: apne2-az1, apne2-az3; service: apne2-az2, apne2-az4\)/,
      ));
  });

  describe("refuses bad config before creating anything", () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        "overlapping VPC blocks",
        { consumerCidr: "10.1.128.0/17" },
        /config "consumerCidr" \(scenario endpoint-service\) overlaps providerCidr: 10\.1\.128\.0\/17 and 10\.1\.0\.0\/16 share addresses\. PrivateLink itself would work, but this lab's checks tell the two VPCs apart/,
      ],
      ["the same block twice", { providerCidr: "10.0.0.0/16" }, /overlaps providerCidr/],
      [
        "a malformed provider block",
        { providerCidr: "10.1.0/16" },
        /config "providerCidr": "10\.1\.0\/16" is not an IPv4 CIDR block/,
      ],
      [
        "a block too large for a VPC",
        { consumerCidr: "10.0.0.0/8" },
        /config "consumerCidr" \(scenario endpoint-service\) must be a VPC block from \/16 to \/28; got 10\.0\.0\.0\/8/,
      ],
      [
        "no web server",
        { webServers: "0" },
        /config "webServers" .* must be between 1 and 4; got 0/,
      ],
      [
        "five web servers",
        { webServers: "5" },
        /config "webServers" .* must be between 1 and 4; got 5/,
      ],
      [
        "port 22",
        { servicePort: "22" },
        /config "servicePort" .* is 22, the port Instance Connect uses/,
      ],
      [
        "port 70000",
        { servicePort: "70000" },
        /config "servicePort" .* must be between 1 and 65535/,
      ],
      [
        "a wildcard principal",
        { allowedPrincipals: "arn:aws:iam::111122223333:root,*" },
        /config "allowedPrincipals" .* "\*" would let every AWS account connect/,
      ],
      [
        "a principal that is not an ARN",
        { allowedPrincipals: "alice" },
        /config "allowedPrincipals" .* "alice" is not an IAM principal ARN/,
      ],
      [
        "holding back a connection AWS accepts anyway",
        { acceptanceRequired: "false", acceptConnection: "false" },
        /config "acceptConnection" .* AWS accepts the endpoint at once.*set acceptanceRequired true/,
      ],
    ];
    for (const [title, config, error] of cases) {
      it(title, async () => {
        assert.throws(() => run(config), error);
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });
});
