import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import { EndpointService, EndpointServiceArgs } from "../../components/endpoint-service";
import { LabVpc } from "../../components/lab-vpc";
import { build, engine, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

const COMPONENT = "vpc-endpoint-labs:endpoints:EndpointService";
const ROOT = "arn:aws:iam::123456789012:root";

// Pulumi's record of promises still pending (internal, like mock-engine's use of settings).
const { leakedPromises } = debuggable as unknown as { leakedPromises(): unknown };

/** Two private subnets in two AZs and the service over them, with two plain instance targets. */
function lab(args: Partial<EndpointServiceArgs> = {}): { vpc: LabVpc; service: EndpointService } {
  const vpc = new LabVpc("net", { cidr: "10.1.0.0/16", tiers: ["private"], azCount: 2 });
  const service = new EndpointService("web", {
    vpcId: vpc.vpcId,
    subnets: vpc.tier("private").subnets,
    targets: [
      { name: "one", instanceId: "i-0123456789abcdef0" },
      { name: "two", instanceId: "i-0fedcba9876543210" },
    ],
    ...args,
  });
  return { vpc, service };
}

/** Plain ids, for refusals that must fire before anything exists. */
const plainArgs = (args: Partial<EndpointServiceArgs> = {}): EndpointServiceArgs => ({
  vpcId: "vpc-1",
  subnets: [
    { id: "subnet-a", availabilityZoneId: "apne2-az1" },
    { id: "subnet-b", availabilityZoneId: "apne2-az2" },
  ],
  targets: [{ name: "one", instanceId: "i-1" }],
  ...args,
});

describe("EndpointService", () => {
  useEngine();

  it("builds an internal network load balancer over exactly the given subnets, with no security group", async () => {
    await build(() => lab());
    const nlb = engine.get(TYPE.loadBalancer, "web-nlb");
    assert.equal(nlb.inputs.loadBalancerType, "network");
    assert.equal(nlb.inputs.internal, true);
    assert.deepEqual(nlb.inputs.subnets, [
      engine.get(TYPE.subnet, "net-private-1").id,
      engine.get(TYPE.subnet, "net-private-2").id,
    ]);
    assert.equal(nlb.inputs.securityGroups, undefined);
    assert.equal(nlb.inputs.enableCrossZoneLoadBalancing, true);
    assert.equal(nlb.parent, engine.get(COMPONENT, "web").urn);
  });

  it("turns cross-zone load balancing off when asked", async () => {
    await build(() => lab({ crossZone: false }));
    assert.equal(
      engine.get(TYPE.loadBalancer, "web-nlb").inputs.enableCrossZoneLoadBalancing,
      false,
    );
  });

  it("forwards a TCP listener on port 80 to an instance target group with TCP health checks", async () => {
    await build(() => lab());
    const nlb = engine.get(TYPE.loadBalancer, "web-nlb");
    const tg = engine.get(TYPE.targetGroup, "web-tg");
    assert.equal(tg.inputs.protocol, "TCP");
    assert.equal(tg.inputs.port, 80);
    assert.equal(tg.inputs.targetType, "instance");
    assert.equal(tg.inputs.vpcId, engine.get(TYPE.vpc, "net-vpc").id);
    assert.equal(tg.inputs.proxyProtocolV2, false);
    assert.equal(tg.inputs.deregistrationDelay, 30);
    assert.equal((tg.inputs.healthCheck as { protocol: string }).protocol, "TCP");

    const listener = engine.get(TYPE.listener, "web-listener");
    assert.equal(listener.inputs.loadBalancerArn, nlb.id);
    assert.equal(listener.inputs.protocol, "TCP");
    assert.equal(listener.inputs.port, 80);
    assert.deepEqual(listener.inputs.defaultActions, [{ type: "forward", targetGroupArn: tg.id }]);
    assert.equal(listener.parent, nlb.urn);
  });

  it("attaches each target on the service port, named after the target, under the target group", async () => {
    await build(() => lab({ port: 8080 }));
    const tg = engine.get(TYPE.targetGroup, "web-tg");
    const attachments = engine
      .ofType(TYPE.targetGroupAttachment)
      .map((a) => [a.name, a.inputs.targetId, a.inputs.port, a.inputs.targetGroupArn, a.parent]);
    assert.deepEqual(attachments, [
      ["web-target-one", "i-0123456789abcdef0", 8080, tg.id, tg.urn],
      ["web-target-two", "i-0fedcba9876543210", 8080, tg.id, tg.urn],
    ]);
    assert.equal(tg.inputs.port, 8080);
    assert.equal(engine.get(TYPE.listener, "web-listener").inputs.port, 8080);
  });

  it("prepends Proxy Protocol v2 only when asked", async () => {
    await build(() => lab({ proxyProtocolV2: true }));
    assert.equal(engine.get(TYPE.targetGroup, "web-tg").inputs.proxyProtocolV2, true);
  });

  it("publishes the load balancer as an endpoint service that requires acceptance by default", async () => {
    await build(() => lab());
    const service = engine.get(TYPE.vpcEndpointService, "web-service");
    assert.equal(service.inputs.acceptanceRequired, true);
    assert.deepEqual(service.inputs.networkLoadBalancerArns, [
      engine.get(TYPE.loadBalancer, "web-nlb").id,
    ]);
    assert.deepEqual(service.inputs.supportedIpAddressTypes, ["ipv4"]);
    assert.equal(service.inputs.allowedPrincipals, undefined);
    assert.equal(service.parent, engine.get(COMPONENT, "web").urn);
  });

  it("lets AWS accept connections itself when acceptanceRequired is false", async () => {
    await build(() => lab({ acceptanceRequired: false }));
    assert.equal(
      engine.get(TYPE.vpcEndpointService, "web-service").inputs.acceptanceRequired,
      false,
    );
  });

  it("allows only the current account's root by default, under the service", async () => {
    await build(() => lab());
    const service = engine.get(TYPE.vpcEndpointService, "web-service");
    const principals = engine.ofType(TYPE.vpcEndpointServiceAllowedPrinciple);
    assert.deepEqual(
      principals.map((p) => [
        p.name,
        p.inputs.principalArn,
        p.inputs.vpcEndpointServiceId,
        p.parent,
      ]),
      [["web-allow-current-account", ROOT, service.id, service.urn]],
    );
    assert.ok(
      engine.invokes.some((i) => i.token === "aws:index/getCallerIdentity:getCallerIdentity"),
    );
  });

  it("adds listed principals, each named after its ARN", async () => {
    const role = "arn:aws:iam::111122223333:role/ops/Consumer";
    const other = "arn:aws:iam::444455556666:root";
    await build(() => lab({ allowedPrincipals: [role, other] }));
    // The current account's resource waits for an invoke, so registration order varies.
    assert.deepEqual(
      engine
        .ofType(TYPE.vpcEndpointServiceAllowedPrinciple)
        .map((p) => [p.name, p.inputs.principalArn])
        .sort(),
      [
        ["web-allow-111122223333-role-ops-Consumer", role],
        ["web-allow-444455556666-root", other],
        ["web-allow-current-account", ROOT],
      ],
    );
  });

  it("leaves the current account out when allowCurrentAccount is false", async () => {
    const other = "arn:aws:iam::444455556666:root";
    const { service } = lab({ allowCurrentAccount: false, allowedPrincipals: [other] });
    await engine.settle();
    assert.deepEqual(
      engine.ofType(TYPE.vpcEndpointServiceAllowedPrinciple).map((p) => p.name),
      ["web-allow-444455556666-root"],
    );
    assert.deepEqual(await resolve(service.allowedPrincipalArns), [other]);
  });

  it("outputs the service id and name, the NLB's DNS name and the AZs (names and IDs) it serves", async () => {
    const { service } = lab();
    await engine.settle();
    const recorded = engine.get(TYPE.vpcEndpointService, "web-service");
    assert.equal(await resolve(service.serviceId), recorded.id);
    assert.equal(
      await resolve(service.serviceName),
      `com.amazonaws.vpce.ap-northeast-2.${recorded.id}`,
    );
    assert.match(
      await resolve(service.loadBalancerDnsName),
      /^internal-.*\.elb\.ap-northeast-2\.amazonaws\.com$/,
    );
    assert.deepEqual(await resolve(service.availabilityZones), [
      "ap-northeast-2a",
      "ap-northeast-2b",
    ]);
    assert.deepEqual(await resolve(service.availabilityZoneIds), ["apne2-az1", "apne2-az2"]);
    assert.deepEqual(await resolve(service.allowedPrincipalArns), [ROOT]);
  });

  it("hands out a serviceName that depends on the allowed principals, so endpoints wait for them", async () => {
    const { vpc, service } = lab({ allowedPrincipals: ["arn:aws:iam::444455556666:root"] });
    new aws.ec2.VpcEndpoint("consumer", {
      vpcId: vpc.vpcId,
      vpcEndpointType: "Interface",
      serviceName: service.serviceName,
    });
    await engine.settle();
    const deps = engine.get(TYPE.vpcEndpoint, "consumer").propertyDependencies.serviceName;
    for (const principal of engine.ofType(TYPE.vpcEndpointServiceAllowedPrinciple)) {
      assert.ok(deps.includes(principal.urn), `serviceName depends on ${principal.name}`);
    }
    assert.ok(deps.includes(engine.get(TYPE.vpcEndpointService, "web-service").urn));
  });

  describe("acceptConnection", () => {
    it("accepts one endpoint's connection, named after the consumer, under the service", async () => {
      await build(() => lab().service.acceptConnection("consumer", "vpce-0123456789abcdef0"));
      const service = engine.get(TYPE.vpcEndpointService, "web-service");
      const accepter = engine.get(TYPE.vpcEndpointConnectionAccepter, "web-accept-consumer");
      assert.equal(accepter.inputs.vpcEndpointServiceId, service.id);
      assert.equal(accepter.inputs.vpcEndpointId, "vpce-0123456789abcdef0");
      assert.equal(accepter.parent, service.urn);
      assert.equal(accepter.outputs.vpcEndpointState, "available");
    });

    it("refuses when acceptance is not required: AWS accepts by itself", async () => {
      const { service } = lab({ acceptanceRequired: false });
      assert.throws(
        () => service.acceptConnection("consumer", "vpce-1"),
        /EndpointService web: acceptanceRequired is false, so AWS accepts consumer by itself; create no accepter/,
      );
      await engine.settle();
      assert.equal(engine.ofType(TYPE.vpcEndpointConnectionAccepter).length, 0);
    });
  });

  describe("refuses bad input before creating anything", () => {
    const cases: [string, Partial<EndpointServiceArgs>, RegExp][] = [
      ["no subnets", { subnets: [] }, /EndpointService bad: subnets is empty/],
      [
        "two subnets in one AZ",
        {
          subnets: [
            { id: "subnet-a", availabilityZoneId: "apne2-az1" },
            { id: "subnet-b", availabilityZoneId: "apne2-az1" },
          ],
        },
        /EndpointService bad: subnets subnet-a and subnet-b are both in apne2-az1; a load balancer takes one subnet per Availability Zone/,
      ],
      [
        "no targets",
        { targets: [] },
        /EndpointService bad: targets is empty; name the instances that serve port 80/,
      ],
      [
        "two targets with one name",
        {
          targets: [
            { name: "one", instanceId: "i-1" },
            { name: "one", instanceId: "i-2" },
          ],
        },
        /two targets are named "one"/,
      ],
      ["port 0", { port: 0 }, /port must be a whole number from 1 to 65535; got 0/],
      ["port 65536", { port: 65536 }, /port must be a whole number from 1 to 65535; got 65536/],
      ["a fractional port", { port: 80.5 }, /port must be a whole number/],
      [
        "the wildcard principal",
        { allowedPrincipals: ["*"] },
        /allowedPrincipals\[0\] "\*" would let every AWS account connect/,
      ],
      [
        "a bare account id",
        { allowedPrincipals: ["arn:aws:iam::111122223333:root", "444455556666"] },
        /allowedPrincipals\[1\] "444455556666" is an account id, not an ARN; write arn:aws:iam::444455556666:root/,
      ],
      [
        "the same principal twice",
        { allowedPrincipals: ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:root"] },
        /allowedPrincipals lists "arn:aws:iam::111122223333:root" twice/,
      ],
      [
        "no principal at all",
        { allowCurrentAccount: false },
        /no principal may connect \(allowCurrentAccount is false and allowedPrincipals is empty\)/,
      ],
    ];
    for (const [title, args, error] of cases) {
      it(title, async () => {
        assert.throws(() => new EndpointService("bad", plainArgs(args)), error);
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });
});

// A registration whose input fails never answers under mocks, and every resource waiting on it
// waits forever: these specs assert the failing output and never settle the engine, and a fresh
// install afterwards clears what they leave pending.
describe("EndpointService, checks that wait for deploy-time values", () => {
  useEngine();
  afterEach(() => leakedPromises());
  after(async () => engine.install());

  it("refuses created subnets that turn out to share an AZ: no load balancer", async () => {
    const a = new aws.ec2.Subnet("a", {
      vpcId: "vpc-1",
      cidrBlock: "10.1.0.0/24",
      availabilityZone: "ap-northeast-2a",
    });
    const b = new aws.ec2.Subnet("b", {
      vpcId: "vpc-1",
      cidrBlock: "10.1.1.0/24",
      availabilityZone: "ap-northeast-2a",
    });
    const service = new EndpointService("web", plainArgs({ subnets: [a, b] }));
    await assert.rejects(
      resolve(service.availabilityZoneIds),
      /EndpointService web: subnets subnet-\w+ and subnet-\w+ are both in apne2-az1/,
    );
    await resolve(service.targetGroup.arn);
    assert.equal(engine.ofType(TYPE.loadBalancer).length, 0);
  });

  it("refuses the current account listed beside allowCurrentAccount: one resource per permission", async () => {
    const service = new EndpointService("web", plainArgs({ allowedPrincipals: [ROOT] }));
    await assert.rejects(
      resolve(service.allowedPrincipalArns),
      /allowedPrincipals lists arn:aws:iam::123456789012:root, the current account, which allowCurrentAccount already allows/,
    );
    await resolve(service.allowedPrincipals[1].id);
    assert.deepEqual(
      engine.ofType(TYPE.vpcEndpointServiceAllowedPrinciple).map((p) => p.name),
      ["web-allow-123456789012-root"],
    );
  });
});
