import { strict as assert } from "assert";
import { EndpointDns, resolveDefaultName, resolveEndpointName, VpcDns } from "../../model/dns";

const vpc: VpcDns = { vpcId: "vpc-1", enableDnsSupport: true, enableDnsHostnames: true };
const endpoint = (e: Partial<EndpointDns>): EndpointDns => ({
  id: "vpce-1",
  vpcId: "vpc-1",
  service: "cloudformation",
  privateDnsEnabled: true,
  inboundResolverOnly: false,
  ...e,
});
const NAME = "cloudformation.ap-northeast-2.amazonaws.com";

describe("model/dns resolveDefaultName", () => {
  const cases: {
    name: string;
    service?: string;
    client: VpcDns | undefined;
    endpoints: EndpointDns[];
    kind: "private" | "public" | "no-answer";
    detail: RegExp;
  }[] = [
    {
      name: "private DNS on, both VPC flags on: the endpoint's private addresses",
      client: vpc,
      endpoints: [endpoint({})],
      kind: "private",
      detail: /interface endpoint vpce-1 \(private DNS\)/,
    },
    {
      name: "private DNS off: public addresses",
      client: vpc,
      endpoints: [endpoint({ privateDnsEnabled: false })],
      kind: "public",
      detail: /no cloudformation interface endpoint with private DNS in vpc-1/,
    },
    {
      name: "an endpoint in another VPC changes nothing here",
      client: vpc,
      endpoints: [endpoint({ vpcId: "vpc-2" })],
      kind: "public",
      detail: /no cloudformation interface endpoint/,
    },
    {
      name: "an endpoint for another service changes nothing",
      client: vpc,
      endpoints: [endpoint({ service: "s3" })],
      kind: "public",
      detail: /no cloudformation interface endpoint/,
    },
    {
      name: "enableDnsHostnames off: private DNS is not in effect",
      client: { ...vpc, enableDnsHostnames: false },
      endpoints: [endpoint({})],
      kind: "public",
      detail: /needs enableDnsHostnames, which vpc-1 has off/,
    },
    {
      name: "enableDnsSupport off: the resolver does not answer at all",
      client: { ...vpc, enableDnsSupport: false },
      endpoints: [endpoint({})],
      kind: "no-answer",
      detail: /enableDnsSupport off/,
    },
    {
      name: "S3 inbound-resolver-only: clients in the VPC still get public answers",
      service: "s3",
      client: vpc,
      endpoints: [endpoint({ service: "s3", inboundResolverOnly: true })],
      kind: "public",
      detail: /inbound resolver endpoints only/,
    },
    {
      name: "outside the VPC: public addresses, whatever the endpoints",
      client: undefined,
      endpoints: [endpoint({})],
      kind: "public",
      detail: /outside the VPC/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const answer = resolveDefaultName(NAME, c.service ?? "cloudformation", c.client, c.endpoints);
      assert.equal(answer.kind, c.kind);
      assert.match(answer.detail, c.detail);
    });
  }
});

describe("model/dns resolveEndpointName", () => {
  it("answers private addresses inside the VPC and from outside alike", () => {
    for (const client of [vpc, undefined]) {
      const answer = resolveEndpointName("vpce-1-abc.cloudformation...", "vpce-1", client);
      assert.deepEqual(answer, {
        kind: "private",
        endpointId: "vpce-1",
        detail:
          "vpce-1-abc.cloudformation... answers the private addresses of interface endpoint vpce-1",
      });
    }
  });

  it("does not answer when the VPC's resolver is off", () => {
    const answer = resolveEndpointName("x", "vpce-1", { ...vpc, enableDnsSupport: false });
    assert.equal(answer.kind, "no-answer");
  });
});
