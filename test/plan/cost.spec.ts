import { strict as assert } from "assert";
import { CostResource, estimateCost } from "../../plan/cost";
import { HOURS_PER_MONTH, PRICE_TABLE, priceOf, SOURCES } from "../../plan/prices";
import { TYPE } from "../../model/type-tokens";

function res(type: string, name: string, props: Record<string, unknown>): CostResource {
  return { type, name, urn: `urn:pulumi:dev::vpc-endpoint-labs::${type}::${name}`, props };
}

/** The lines of one resource as `what qty unit-price hourly monthly`, in the region given. */
function priced(resource: CostResource, region: string): string[] {
  return estimateCost([resource], region).lines.map(
    (l) => `${l.what} | ${l.quantity} | ${l.usdPerUnitHour} | ${l.usdPerHour} | ${l.usdPerMonth}`,
  );
}

describe("cost estimate", () => {
  describe("per resource kind", () => {
    const cases: { kind: string; resource: CostResource; region: string; lines: string[] }[] = [
      {
        kind: "interface endpoint: one AZ-hour per subnet",
        resource: res(TYPE.vpcEndpoint, "s3-iface-vpce", {
          vpcEndpointType: "Interface",
          serviceName: "com.amazonaws.ap-northeast-2.s3",
          subnetIds: ["subnet-a", "subnet-b"],
        }),
        region: "ap-northeast-2",
        lines: ["interface endpoint (s3), 2 subnets | 2 | 0.013 | 0.026 | 18.98"],
      },
      {
        kind: "interface endpoint in us-east-1",
        resource: res(TYPE.vpcEndpoint, "cfn-vpce", {
          vpcEndpointType: "Interface",
          serviceName: "com.amazonaws.us-east-1.cloudformation",
          subnetIds: ["subnet-a"],
        }),
        region: "us-east-1",
        lines: ["interface endpoint (cloudformation), 1 subnet | 1 | 0.01 | 0.01 | 7.3"],
      },
      {
        kind: "gateway endpoint: free",
        resource: res(TYPE.vpcEndpoint, "s3-gw-vpce", {
          vpcEndpointType: "Gateway",
          serviceName: "com.amazonaws.ap-northeast-2.s3",
          routeTableIds: ["rtb-1"],
        }),
        region: "ap-northeast-2",
        lines: ["gateway endpoint (s3) | 1 | 0 | 0 | 0"],
      },
      {
        kind: "Instance Connect Endpoint: free",
        resource: res(TYPE.instanceConnectEndpoint, "eice-eice", { subnetId: "subnet-a" }),
        region: "ap-northeast-2",
        lines: ["Instance Connect Endpoint | 1 | 0 | 0 | 0"],
      },
      {
        kind: "NAT gateway by the hour",
        resource: res(TYPE.natGateway, "lab-nat", { subnetId: "subnet-a" }),
        region: "ap-northeast-2",
        lines: ["NAT gateway | 1 | 0.059 | 0.059 | 43.07"],
      },
      {
        kind: "Elastic IP: a public IPv4 address",
        resource: res(TYPE.eip, "lab-nat-eip", { domain: "vpc" }),
        region: "ap-northeast-2",
        lines: ["Elastic IP address | 1 | 0.005 | 0.005 | 3.65"],
      },
      {
        kind: "instance with a public IP: instance-hour plus an address",
        resource: res(TYPE.instance, "public-host-instance", {
          instanceType: "t4g.nano",
          publicIp: "3.36.1.2",
        }),
        region: "us-east-1",
        lines: [
          "t4g.nano instance | 1 | 0.0042 | 0.0042 | 3.066",
          "public IPv4 address | 1 | 0.005 | 0.005 | 3.65",
        ],
      },
      {
        kind: "private instance: no address line",
        resource: res(TYPE.instance, "private-host-instance", {
          instanceType: "t3.micro",
          publicIp: "",
        }),
        region: "us-east-1",
        lines: ["t3.micro instance | 1 | 0.0104 | 0.0104 | 7.592"],
      },
      {
        kind: "the default instance type in the default Region (Seoul)",
        resource: res(TYPE.instance, "host-instance", { instanceType: "t4g.nano" }),
        region: "ap-northeast-2",
        lines: ["t4g.nano instance | 1 | 0.0052 | 0.0052 | 3.796"],
      },
      {
        kind: "instance type without a price in the region: unknown, not zero",
        resource: res(TYPE.instance, "host-instance", { instanceType: "m7g.large" }),
        region: "ap-northeast-2",
        lines: ["m7g.large instance | 1 | unknown | unknown | unknown"],
      },
      {
        kind: "internal NLB: the hour only (capacity units are usage)",
        resource: res(TYPE.loadBalancer, "svc-nlb", {
          loadBalancerType: "network",
          internal: true,
          subnets: ["subnet-a", "subnet-b"],
        }),
        region: "us-east-1",
        lines: ["Network Load Balancer | 1 | 0.0225 | 0.0225 | 16.425"],
      },
      {
        kind: "internet-facing NLB: one public address per AZ",
        resource: res(TYPE.loadBalancer, "edge-nlb", {
          loadBalancerType: "network",
          internal: false,
          subnets: ["subnet-a", "subnet-b"],
        }),
        region: "us-east-1",
        lines: [
          "Network Load Balancer | 1 | 0.0225 | 0.0225 | 16.425",
          "public IPv4 addresses of an internet-facing NLB (2 AZs) | 2 | 0.005 | 0.01 | 7.3",
        ],
      },
      {
        kind: "NLB in ap-northeast-2: the hour, as in us-east-1",
        resource: res(TYPE.loadBalancer, "svc-nlb", {
          loadBalancerType: "network",
          internal: true,
        }),
        region: "ap-northeast-2",
        lines: ["Network Load Balancer | 1 | 0.0225 | 0.0225 | 16.425"],
      },
      {
        kind: "a resource that does not bill by the hour: no line",
        resource: res(TYPE.subnet, "lab-private-1", { cidrBlock: "10.0.1.0/24" }),
        region: "ap-northeast-2",
        lines: [],
      },
    ];
    for (const c of cases) {
      it(c.kind, () => assert.deepEqual(priced(c.resource, c.region), c.lines));
    }
  });

  it("totals only known prices, names every missing one, and says the total is incomplete", () => {
    const estimate = estimateCost(
      [
        res(TYPE.instance, "a-instance", { instanceType: "t4g.small", publicIp: "" }),
        res(TYPE.instance, "b-instance", {
          instanceType: "t4g.small",
          publicIp: "3.36.0.9",
        }),
        res(TYPE.vpcEndpoint, "x-vpce", { vpcEndpointType: "Interface", subnetIds: ["s1"] }),
      ],
      "ap-northeast-2",
    );
    assert.equal(estimate.usdPerHour, 0.018);
    assert.equal(estimate.usdPerMonth, 13.14);
    assert.equal(estimate.complete, false);
    assert.deepEqual(estimate.unknown, [
      "no price for t4g.small instance in ap-northeast-2 (a-instance, b-instance)",
    ]);
  });

  it("knows nothing about a region the table does not list", () => {
    const estimate = estimateCost([res(TYPE.natGateway, "nat", {})], "eu-west-1");
    assert.equal(estimate.usdPerHour, 0);
    assert.deepEqual(estimate.unknown, ["no price for NAT gateway in eu-west-1 (nat)"]);
    assert.equal(estimate.lines[0].source, SOURCES.vpc);
  });

  it("quotes a month as 730 hours and dates the table with its AWS sources", () => {
    assert.equal(HOURS_PER_MONTH, 730);
    const estimate = estimateCost([], "us-east-1");
    assert.equal(estimate.hoursPerMonth, 730);
    assert.equal(estimate.asOf, "2026-12");
    assert.ok(!estimate.notes.join(" ").includes("AWS-FACTS"), "cites AWS pages, not a file");
    assert.deepEqual(estimate.sources, [
      "https://aws.amazon.com/privatelink/pricing/",
      "https://aws.amazon.com/vpc/pricing/",
      "https://aws.amazon.com/ec2/pricing/on-demand/",
      "https://aws.amazon.com/elasticloadbalancing/pricing/",
    ]);
    assert.deepEqual(estimate.unknown, []);
    assert.equal(estimate.complete, true);
  });

  it("prices every instance type the labs suggest in both Regions", () => {
    for (const region of ["us-east-1", "ap-northeast-2"]) {
      for (const type of ["t4g.nano", "t4g.micro", "t3.nano", "t3.micro"]) {
        assert.equal(
          typeof priceOf(`instance:${type}`, region).usdPerHour,
          "number",
          `${type} ${region}`,
        );
      }
    }
    assert.equal(priceOf("instance:t3.micro", "ap-northeast-2").usdPerHour, 0.013);
  });

  it("traces every figure in the table to one of the listed AWS pages", () => {
    for (const [region, items] of Object.entries(PRICE_TABLE.regions)) {
      for (const [item, price] of Object.entries(items)) {
        assert.ok(PRICE_TABLE.sources.includes(price!.source), `${region} ${item}`);
      }
    }
    assert.equal(priceOf("instance:m7g.large", "us-east-1").usdPerHour, "unknown");
    assert.equal(priceOf("instance:m7g.large", "us-east-1").source, SOURCES.ec2);
  });
});
