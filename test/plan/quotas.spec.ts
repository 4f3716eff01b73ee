import { strict as assert } from "assert";
import { exceeded, QUOTAS, QuotaUse, quotaUse, regionFit } from "../../plan/quotas";

const NONE: QuotaUse = {
  vpcs: 0,
  internetGateways: 0,
  elasticIps: 0,
  instanceConnectEndpoints: 0,
  gatewayEndpoints: 0,
  interfaceEndpointsPerVpc: 0,
};

const use = (part: Partial<QuotaUse>): QuotaUse => ({ ...NONE, ...part });

describe("quotas", () => {
  it("counts what a lab takes, interface endpoints in its busiest VPC", () => {
    const endpoint = (vpcId: string, vpcEndpointType: string) => ({
      type: "aws:ec2/vpcEndpoint:VpcEndpoint",
      props: { vpcId, vpcEndpointType },
    });
    assert.deepEqual(
      quotaUse([
        { type: "aws:ec2/vpc:Vpc", props: {} },
        { type: "aws:ec2/vpc:Vpc", props: {} },
        { type: "aws:ec2/internetGateway:InternetGateway", props: {} },
        { type: "aws:ec2/eip:Eip", props: {} },
        {
          type: "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint",
          props: {},
        },
        endpoint("vpc-a", "Gateway"),
        endpoint("vpc-a", "Interface"),
        endpoint("vpc-b", "Interface"),
        endpoint("vpc-b", "Interface"),
        endpoint("vpc-b", "GatewayLoadBalancer"),
        { type: "aws:ec2/subnet:Subnet", props: {} },
      ]),
      {
        vpcs: 2,
        internetGateways: 1,
        elasticIps: 1,
        instanceConnectEndpoints: 1,
        gatewayEndpoints: 1,
        interfaceEndpointsPerVpc: 3,
      },
    );
  });

  it("states the AWS defaults with their sources, the default VPC holding a VPC and an IGW", () => {
    assert.deepEqual(
      QUOTAS.map((q) => `${q.key} ${q.limit}/${q.scope} -${q.takenByDefaultVpc}`),
      [
        "vpcs 5/Region -1",
        "internetGateways 5/Region -1",
        "elasticIps 5/Region -0",
        "instanceConnectEndpoints 5/Region -0",
        "gatewayEndpoints 20/Region -0",
        "interfaceEndpointsPerVpc 50/VPC -0",
      ],
    );
    for (const q of QUOTAS) assert.match(q.source, /^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it("finds the largest set of labs that fits one fresh Region, exactly", () => {
    // Greedy by order would take the two-VPC lab first and fit only three labs.
    const fit = regionFit([
      { scenario: "two-vpcs", use: use({ vpcs: 2, internetGateways: 2 }) },
      { scenario: "a", use: use({ vpcs: 1, internetGateways: 1 }) },
      { scenario: "b", use: use({ vpcs: 1, internetGateways: 1 }) },
      { scenario: "c", use: use({ vpcs: 1 }) },
      { scenario: "d", use: use({ vpcs: 1, instanceConnectEndpoints: 1 }) },
    ]);
    assert.deepEqual(fit.fit, ["a", "b", "c", "d"]);
    assert.equal(fit.total.vpcs, 6);
    assert.deepEqual(
      fit.binding.map((q) => q.key),
      ["vpcs"],
    );
  });

  it("does not add per-VPC quotas across labs", () => {
    const fit = regionFit([
      { scenario: "a", use: use({ vpcs: 1, interfaceEndpointsPerVpc: 30 }) },
      { scenario: "b", use: use({ vpcs: 1, interfaceEndpointsPerVpc: 30 }) },
    ]);
    assert.deepEqual(fit.fit, ["a", "b"]);
    assert.equal(fit.total.interfaceEndpointsPerVpc, 30);
  });

  it("names a quota one lab alone exceeds", () => {
    assert.deepEqual(
      exceeded(use({ vpcs: 5, elasticIps: 5 })).map((q) => q.key),
      ["vpcs"],
    );
  });
});
