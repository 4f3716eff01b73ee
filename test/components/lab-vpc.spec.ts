import { strict as assert } from "assert";
import { AwsService, customService } from "../../components/service-catalog";
import { LabVpc } from "../../components/lab-vpc";
import { build, engine, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

describe("LabVpc", () => {
  useEngine();

  it("turns on DNS support and hostnames (interface endpoint private DNS needs both)", async () => {
    await build(() => new LabVpc("net"));
    const vpc = engine.get(TYPE.vpc, "net-vpc");
    assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
    assert.equal(vpc.inputs.enableDnsSupport, true);
    assert.equal(vpc.inputs.enableDnsHostnames, true);
  });

  it("routes the public tier to the internet gateway", async () => {
    await build(() => new LabVpc("net"));
    const igw = engine.get(TYPE.internetGateway, "net-igw");
    const publicRt = engine.get(TYPE.routeTable, "net-public-rt");
    const route = engine.get(TYPE.route, "net-public-default");
    assert.equal(route.inputs.routeTableId, publicRt.id);
    assert.equal(route.inputs.destinationCidrBlock, "0.0.0.0/0");
    assert.equal(route.inputs.gatewayId, igw.id);
    assert.equal(route.parent, publicRt.urn);
  });

  it("gives the private tier no route out: no 0.0.0.0/0 on its route table", async () => {
    await build(() => new LabVpc("net"));
    const privateRt = engine.get(TYPE.routeTable, "net-private-rt");
    const routes = engine.ofType(TYPE.route).filter((r) => r.inputs.routeTableId === privateRt.id);
    assert.deepEqual(routes, []);
    assert.equal(engine.ofType(TYPE.natGateway).length, 0);
  });

  it("associates each subnet with its tier's route table", async () => {
    await build(() => new LabVpc("net", { azCount: 2 }));
    const assoc = engine.ofType(TYPE.routeTableAssociation);
    const table = (tier: string) => engine.get(TYPE.routeTable, `net-${tier}-rt`).id;
    const pairs = assoc.map((a) => {
      const subnet = engine.byId(a.inputs.subnetId);
      return `${subnet?.name} -> ${a.inputs.routeTableId === table("public") ? "public" : a.inputs.routeTableId === table("private") ? "private" : "?"}`;
    });
    assert.deepEqual(pairs.sort(), [
      "net-private-1 -> private",
      "net-private-2 -> private",
      "net-public-1 -> public",
      "net-public-2 -> public",
    ]);
  });

  it("names subnets by tier and AZ ordinal, with planned CIDRs, public IPs on public only", async () => {
    await build(() => new LabVpc("net", { azCount: 2 }));
    const subnets = engine
      .ofType(TYPE.subnet)
      .map(
        (s) =>
          `${s.name} ${s.inputs.cidrBlock} ${s.inputs.availabilityZone} ${s.inputs.mapPublicIpOnLaunch}`,
      );
    assert.deepEqual(subnets, [
      "net-public-1 10.0.0.0/24 ap-northeast-2a true",
      "net-public-2 10.0.2.0/24 ap-northeast-2b true",
      "net-private-1 10.0.1.0/24 ap-northeast-2a false",
      "net-private-2 10.0.3.0/24 ap-northeast-2b false",
    ]);
  });

  it("exposes ids per tier and the AZs it uses", async () => {
    const vpc = new LabVpc("net");
    await engine.settle();
    assert.deepEqual(await resolve(vpc.azs), ["ap-northeast-2a"]);
    assert.deepEqual(await resolve(vpc.azIds), ["apne2-az1"]);
    assert.equal(
      await resolve(vpc.tier("private").routeTableId),
      engine.get(TYPE.routeTable, "net-private-rt").id,
    );
    assert.deepEqual(await resolve(vpc.tier("public").subnetIds), [
      engine.get(TYPE.subnet, "net-public-1").id,
    ]);
  });

  it("builds a closed VPC with no internet gateway when the only tier is private", async () => {
    await build(() => new LabVpc("closed", { cidr: "10.0.0.0/24", tiers: ["private"] }));
    assert.equal(engine.ofType(TYPE.internetGateway).length, 0);
    assert.equal(engine.ofType(TYPE.route).length, 0);
    assert.equal(engine.get(TYPE.subnet, "closed-private-1").inputs.cidrBlock, "10.0.0.0/24");
  });

  it("adds one NAT gateway in the first public subnet when asked, routed from the private tier", async () => {
    await build(() => new LabVpc("net", { natGateway: true }));
    const nat = engine.get(TYPE.natGateway, "net-nat");
    assert.equal(nat.inputs.subnetId, engine.get(TYPE.subnet, "net-public-1").id);
    const route = engine.get(TYPE.route, "net-private-default");
    assert.equal(route.inputs.routeTableId, engine.get(TYPE.routeTable, "net-private-rt").id);
    assert.equal(route.inputs.natGatewayId, nat.id);
  });

  it("keeps every child name when the CIDR changes", async () => {
    await build(() => new LabVpc("net"));
    const before = engine.resources.map((r) => `${r.type} ${r.name}`);
    engine.reset();
    await build(() => new LabVpc("net", { cidr: "172.20.0.0/16" }));
    assert.deepEqual(
      engine.resources.map((r) => `${r.type} ${r.name}`),
      before,
    );
  });

  describe("chooses Availability Zones that offer what the lab needs", () => {
    const subnetZones = () =>
      engine
        .ofType(TYPE.subnet)
        .map((s) => [s.name, s.inputs.availabilityZone, s.outputs.availabilityZoneId]);

    it("keeps the first zones, and the subnet names, where every zone offers the instance type", async () => {
      const vpc = new LabVpc("net", { tiers: ["private"], azCount: 2, instanceType: "t4g.nano" });
      await build(() => vpc.azs);
      assert.deepEqual(subnetZones(), [
        ["net-private-1", "ap-northeast-2a", "apne2-az1"],
        ["net-private-2", "ap-northeast-2b", "apne2-az2"],
      ]);
      const asked = engine.invokes.find(
        (i) => i.token === "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings",
      );
      assert.deepEqual(asked?.inputs, {
        locationType: "availability-zone",
        filters: [{ name: "instance-type", values: ["t4g.nano"] }],
      });
    });

    it("skips a first zone that does not offer the instance type (us-west-1a is the closed usw1-az2 here)", async () => {
      engine.reset({ config: { "aws:region": "us-west-1" } });
      const vpc = new LabVpc("net", { tiers: ["private"], azCount: 2, instanceType: "t4g.nano" });
      await build(() => vpc.azs);
      assert.deepEqual(subnetZones(), [
        ["net-private-1", "us-west-1b", "usw1-az1"],
        ["net-private-2", "us-west-1c", "usw1-az3"],
      ]);
      assert.deepEqual(await resolve(vpc.azIds), ["usw1-az1", "usw1-az3"]);
    });

    it("uses only zones where each interface endpoint's service is offered", async () => {
      engine.reset({ config: { "aws:region": "us-east-1" } });
      const vpc = new LabVpc("net", {
        tiers: ["private"],
        azCount: 3,
        interfaceServices: [AwsService.CLOUDFORMATION],
      });
      await build(() => vpc.azs);
      assert.deepEqual(await resolve(vpc.azIds), ["use1-az1", "use1-az2", "use1-az4"]);
      const asked = engine.invokes.find(
        (i) => i.token === "aws:ec2/getVpcEndpointService:getVpcEndpointService",
      );
      assert.deepEqual(asked?.inputs, {
        serviceName: "com.amazonaws.us-east-1.cloudformation",
        serviceType: "Interface",
      });
    });

    it("names azCount and instanceType when too few zones offer the type, and builds no VPC", async () => {
      engine.reset({ config: { "aws:region": "us-west-1" } });
      const vpc = new LabVpc("net", { tiers: ["private"], azCount: 3, instanceType: "t4g.nano" });
      await assert.rejects(
        resolve(vpc.azs),
        /LabVpc net: azCount 3 needs 3 Availability Zones offering instanceType "t4g.nano", but only us-west-1b \(usw1-az1\), us-west-1c \(usw1-az3\) of us-west-1's 3 do; lower azCount/,
      );
      assert.equal(engine.ofType("aws:ec2/vpc:Vpc").length, 0);
      assert.equal(engine.ofType(TYPE.subnet).length, 0);
      // The refused registrations stay pending in the SDK, as they would until `pulumi up`
      // exits; a fresh install gives the next spec a clean slate.
      await engine.install();
    });

    it("refuses an endpoint service of one's own, whose zones are its load balancer's", async () => {
      const mine = customService({
        title: "Lab web",
        serviceName: "com.amazonaws.vpce.x",
        port: 80,
      });
      assert.throws(
        () => new LabVpc("bad", { interfaceServices: [mine] }),
        /LabVpc bad: interfaceServices lists Lab web, an endpoint service of your own/,
      );
      assert.deepEqual(await engine.settle(), []);
    });
  });

  describe("refuses bad input before creating anything", () => {
    const cases: [string, ConstructorParameters<typeof LabVpc>[1], RegExp][] = [
      ["a malformed CIDR", { cidr: "10.0.0/16" }, /cidr: "10.0.0\/16" is not an IPv4 CIDR block/],
      ["a CIDR with host bits", { cidr: "10.0.0.1/16" }, /did you mean 10.0.0.0\/16/],
      ["an AZ count of 5", { azCount: 5 }, /azCount: must be a whole number from 1 to 4; got 5/],
      [
        "a host type that is not an instance type",
        { instanceType: "nano" },
        /instanceType: "nano" is not an EC2 instance type/,
      ],
      [
        "overlapping subnet blocks",
        { subnetCidrs: { public: ["10.0.0.0/23"], private: ["10.0.1.0/24"] } },
        /overlaps/,
      ],
      [
        "NAT without a public tier",
        { tiers: ["private"], natGateway: true },
        /natGateway needs a public tier/,
      ],
    ];
    for (const [title, args, error] of cases) {
      it(title, async () => {
        assert.throws(() => new LabVpc("bad", args), error);
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });
});
