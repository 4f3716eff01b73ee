import { strict as assert } from "assert";
import { formatCidr, overlaps, parseCidr } from "../../model/cidr";
import { planSubnets } from "../../components/cidr";

describe("cidr", () => {
  describe("parseCidr", () => {
    const good: [string, string][] = [
      ["10.0.0.0/16", "10.0.0.0/16"],
      [" 172.16.4.0/22 ", "172.16.4.0/22"],
      ["0.0.0.0/0", "0.0.0.0/0"],
      ["192.168.1.128/25", "192.168.1.128/25"],
    ];
    for (const [text, want] of good) {
      it(`parses ${JSON.stringify(text)}`, () =>
        assert.equal(formatCidr(parseCidr(text, "x")), want));
    }
    const bad: [string, RegExp][] = [
      ["10.0.0/16", /cidr: "10.0.0\/16" is not an IPv4 CIDR block/],
      ["10.0.0.256/16", /is not an IPv4 CIDR block/],
      ["10.0.0.0/33", /is not an IPv4 CIDR block/],
      ["10.0.0.1/16", /has host bits set; did you mean 10.0.0.0\/16\?/],
      ["fd00::/8", /is not an IPv4 CIDR block/],
    ];
    for (const [text, error] of bad) {
      it(`refuses ${text}`, () => assert.throws(() => parseCidr(text, "cidr"), error));
    }
  });

  describe("overlaps", () => {
    const cases: [string, string, boolean][] = [
      ["10.0.0.0/16", "10.0.5.0/24", true],
      ["10.0.0.0/24", "10.0.1.0/24", false],
      ["10.0.0.0/23", "10.0.1.0/24", true],
      ["10.0.0.0/16", "10.1.0.0/16", false],
      ["10.0.0.0/8", "10.200.0.0/16", true],
    ];
    for (const [a, b, want] of cases) {
      it(`${a} ${want ? "overlaps" : "does not overlap"} ${b}`, () => {
        assert.equal(overlaps(parseCidr(a, "a"), parseCidr(b, "b")), want);
        assert.equal(overlaps(parseCidr(b, "b"), parseCidr(a, "a")), want);
      });
    }
  });

  describe("planSubnets", () => {
    const plans: { title: string; input: Parameters<typeof planSubnets>[0]; want: string[] }[] = [
      {
        title: "a /16 with two tiers in one AZ gives the seeds' 10.0.0.0/24 and 10.0.1.0/24",
        input: { vpcCidr: "10.0.0.0/16", tiers: ["public", "private"], azCount: 1 },
        want: ["public/0 10.0.0.0/24", "private/0 10.0.1.0/24"],
      },
      {
        title: "AZ by AZ, so adding an AZ keeps existing subnets",
        input: { vpcCidr: "10.0.0.0/16", tiers: ["public", "private"], azCount: 2 },
        want: [
          "public/0 10.0.0.0/24",
          "private/0 10.0.1.0/24",
          "public/1 10.0.2.0/24",
          "private/1 10.0.3.0/24",
        ],
      },
      {
        title: "a closed /24 VPC is one private subnet of the whole block",
        input: { vpcCidr: "10.0.0.0/24", tiers: ["private"], azCount: 1 },
        want: ["private/0 10.0.0.0/24"],
      },
      {
        title: "a /24 with two tiers splits into /25s",
        input: { vpcCidr: "10.0.0.0/24", tiers: ["public", "private"], azCount: 1 },
        want: ["public/0 10.0.0.0/25", "private/0 10.0.0.128/25"],
      },
      {
        title: "three AZs of two tiers in a /22 use /25s",
        input: {
          vpcCidr: "10.1.0.0/22",
          tiers: ["public", "private"],
          azCount: 3,
          subnetPrefix: 25,
        },
        want: [
          "public/0 10.1.0.0/25",
          "private/0 10.1.0.128/25",
          "public/1 10.1.1.0/25",
          "private/1 10.1.1.128/25",
          "public/2 10.1.2.0/25",
          "private/2 10.1.2.128/25",
        ],
      },
      {
        title: "explicit blocks are kept as given",
        input: {
          vpcCidr: "10.10.0.0/16",
          tiers: ["public", "private"],
          azCount: 1,
          subnetCidrs: { public: ["10.10.1.0/24"], private: ["10.10.100.0/24"] },
        },
        want: ["public/0 10.10.1.0/24", "private/0 10.10.100.0/24"],
      },
    ];
    for (const { title, input, want } of plans) {
      it(title, () => {
        const got = planSubnets(input).map((p) => `${p.tier}/${p.azIndex} ${p.cidr}`);
        assert.deepEqual(got, want);
      });
    }

    const refusals: { title: string; input: Parameters<typeof planSubnets>[0]; error: RegExp }[] = [
      {
        title: "a VPC larger than /16",
        input: { vpcCidr: "10.0.0.0/8", tiers: ["private"], azCount: 1 },
        error: /cidr: "10.0.0.0\/8" must be between \/16 and \/28/,
      },
      {
        title: "an AZ count of 0",
        input: { vpcCidr: "10.0.0.0/16", tiers: ["private"], azCount: 0 },
        error: /azCount: must be a whole number from 1 to 4; got 0/,
      },
      {
        title: "an AZ count of 5",
        input: { vpcCidr: "10.0.0.0/16", tiers: ["private"], azCount: 5 },
        error: /azCount: .*got 5/,
      },
      {
        title: "no tiers",
        input: { vpcCidr: "10.0.0.0/16", tiers: [], azCount: 1 },
        error: /tiers: name at least one/,
      },
      {
        title: "a block too small for the plan",
        input: { vpcCidr: "10.0.0.0/28", tiers: ["public", "private"], azCount: 1 },
        error: /too small for 2 subnets/,
      },
      {
        title: "a subnet prefix that cannot hold the plan",
        input: {
          vpcCidr: "10.0.0.0/24",
          tiers: ["public", "private"],
          azCount: 2,
          subnetPrefix: 24,
        },
        error: /subnetPrefix: 4 subnets of \/24 do not fit in 10.0.0.0\/24; use \/26 or longer/,
      },
      {
        title: "overlapping explicit blocks",
        input: {
          vpcCidr: "10.0.0.0/16",
          tiers: ["public", "private"],
          azCount: 1,
          subnetCidrs: { public: ["10.0.0.0/23"], private: ["10.0.1.0/24"] },
        },
        error: /public 10.0.0.0\/23 overlaps private 10.0.1.0\/24/,
      },
      {
        title: "an explicit block outside the VPC",
        input: {
          vpcCidr: "10.0.0.0/16",
          tiers: ["private"],
          azCount: 1,
          subnetCidrs: { private: ["10.1.0.0/24"] },
        },
        error: /subnetCidrs.private\[0\]: "10.1.0.0\/24" lies outside the VPC block 10.0.0.0\/16/,
      },
      {
        title: "explicit blocks for a tier the VPC lacks",
        input: {
          vpcCidr: "10.0.0.0/16",
          tiers: ["private"],
          azCount: 1,
          subnetCidrs: { private: ["10.0.0.0/24"], public: ["10.0.1.0/24"] },
        },
        error: /subnetCidrs.public: the VPC has no public tier/,
      },
      {
        title: "too few explicit blocks for the AZ count",
        input: {
          vpcCidr: "10.0.0.0/16",
          tiers: ["private"],
          azCount: 2,
          subnetCidrs: { private: ["10.0.0.0/24"] },
        },
        error: /subnetCidrs.private: give one block per AZ \(2\); got 1/,
      },
    ];
    for (const { title, input, error } of refusals) {
      it(`refuses ${title}`, () => assert.throws(() => planSubnets(input), error));
    }
  });
});
