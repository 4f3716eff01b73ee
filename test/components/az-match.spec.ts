import { strict as assert } from "assert";
import { endpointSubnets, oneSubnetPerZone, ZonedSubnet } from "../../components/az-match";

const subnet = (id: string, azId: string): ZonedSubnet => ({ id, azId });

describe("az-match", () => {
  describe("endpointSubnets", () => {
    const cases: { title: string; subnets: ZonedSubnet[]; service: string[]; want: string[] }[] = [
      {
        title: "keeps every consumer subnet when the service spans the same AZ IDs",
        subnets: [subnet("a", "apne2-az1"), subnet("b", "apne2-az2")],
        service: ["apne2-az1", "apne2-az2"],
        want: ["a", "b"],
      },
      {
        title: "drops a consumer subnet in an AZ the service does not offer",
        subnets: [subnet("a", "apne2-az1"), subnet("c", "apne2-az3")],
        service: ["apne2-az1", "apne2-az2"],
        want: ["a"],
      },
      {
        title: "keeps the first subnet of an AZ: an endpoint takes one subnet per AZ",
        subnets: [subnet("a1", "apne2-az1"), subnet("a2", "apne2-az1"), subnet("b", "apne2-az2")],
        service: ["apne2-az2", "apne2-az1"],
        want: ["a1", "b"],
      },
      {
        title: "keeps the consumer's order, not the service's",
        subnets: [subnet("d", "apne2-az4"), subnet("a", "apne2-az1")],
        service: ["apne2-az1", "apne2-az4"],
        want: ["d", "a"],
      },
      {
        title: "compares AZ IDs, never AZ names",
        subnets: [subnet("a", "ap-northeast-2a"), subnet("b", "apne2-az1")],
        service: ["apne2-az1"],
        want: ["b"],
      },
    ];
    for (const { title, subnets, service, want } of cases) {
      it(title, () => assert.deepEqual(endpointSubnets(subnets, service, "lab"), want));
    }

    const refusals: { title: string; subnets: ZonedSubnet[]; service: string[]; error: RegExp }[] =
      [
        {
          title: "no consumer subnet in any of the service's AZs, naming both sides",
          subnets: [subnet("c", "apne2-az3"), subnet("d", "apne2-az4")],
          service: ["apne2-az1", "apne2-az2"],
          error:
            /^UserError: lab: no consumer subnet is in an Availability Zone the endpoint service offers \(consumer subnets: apne2-az3, apne2-az4; service: apne2-az1, apne2-az2\); add a consumer subnet/,
        },
        {
          title: "no consumer subnets at all",
          subnets: [],
          service: ["apne2-az1"],
          error: /lab: no consumer subnets were given/,
        },
        {
          title: "a service with no AZs",
          subnets: [subnet("a", "apne2-az1")],
          service: [],
          error: /lab: the endpoint service lists no Availability Zones/,
        },
      ];
    for (const { title, subnets, service, error } of refusals) {
      it(`refuses ${title}`, () =>
        assert.throws(() => endpointSubnets(subnets, service, "lab"), error));
    }
  });

  describe("oneSubnetPerZone", () => {
    it("returns the AZ IDs in order", () =>
      assert.deepEqual(
        oneSubnetPerZone([subnet("a", "apne2-az2"), subnet("b", "apne2-az1")], "nlb"),
        ["apne2-az2", "apne2-az1"],
      ));
    it("refuses two subnets in one AZ, naming both", () =>
      assert.throws(
        () => oneSubnetPerZone([subnet("a", "apne2-az1"), subnet("b", "apne2-az1")], "nlb"),
        /nlb: subnets a and b are both in apne2-az1; a load balancer takes one subnet per Availability Zone/,
      ));
  });
});
