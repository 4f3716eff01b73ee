import { strict as assert } from "assert";
import { Destination, RouteEntry, routeTarget, selectRoute } from "../../model/routing";

const local: RouteEntry = {
  destination: { cidr: "10.0.0.0/16" },
  target: { kind: "local", id: "local" },
  origin: "rtb",
};
const igw: RouteEntry = {
  destination: { cidr: "0.0.0.0/0" },
  target: { kind: "internet-gateway", id: "igw-1" },
  origin: "route-igw",
};
const s3List: RouteEntry = {
  destination: { prefixListId: "pl-s3", cidrs: ["52.219.56.0/22", "3.5.140.0/22"] },
  target: { kind: "gateway-endpoint", id: "vpce-s3" },
  origin: "vpce",
};
const unknownList: RouteEntry = {
  destination: { prefixListId: "pl-ddb", cidrs: [] },
  target: { kind: "gateway-endpoint", id: "vpce-ddb" },
  origin: "vpce-ddb",
};
const peering: RouteEntry = {
  destination: { cidr: "10.1.0.0/16" },
  target: { kind: "peering", id: "pcx-1" },
  origin: "route-pcx",
};

const to = (cidrs: string[], prefixListIds: string[] = []): Destination => ({
  cidrs,
  prefixListIds,
});

describe("model/routing selectRoute", () => {
  const cases: { name: string; routes: RouteEntry[]; dest: Destination; want?: string }[] = [
    {
      name: "a VPC address takes the local route",
      routes: [local, igw],
      dest: to(["10.0.1.10"]),
      want: "local",
    },
    {
      name: "a public address takes the default route",
      routes: [local, igw],
      dest: to(["52.219.56.10"]),
      want: "igw-1",
    },
    {
      name: "a service in a gateway endpoint's prefix list beats 0.0.0.0/0 (longer prefix)",
      routes: [local, igw, s3List],
      dest: to(["52.219.56.0/22"], ["pl-s3"]),
      want: "vpce-s3",
    },
    {
      name: "a list known only by id still beats 0.0.0.0/0 for a destination in it",
      routes: [local, igw, unknownList],
      dest: to(["0.0.0.0/0"], ["pl-ddb"]),
      want: "vpce-ddb",
    },
    {
      name: "a prefix list does not catch a destination outside it",
      routes: [local, igw, s3List],
      dest: to(["8.8.8.8"]),
      want: "igw-1",
    },
    {
      name: "with no default route a public address has no route",
      routes: [local],
      dest: to(["52.219.56.0/22"], ["pl-s3"]),
      want: undefined,
    },
    {
      name: "'some public address' (0.0.0.0/0) is only covered by a default route",
      routes: [local, peering],
      dest: to(["0.0.0.0/0"]),
      want: undefined,
    },
    {
      name: "another VPC's address takes the peering route",
      routes: [local, igw, peering],
      dest: to(["10.1.0.10"]),
      want: "pcx-1",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(selectRoute(c.routes, c.dest)?.target.id, c.want);
    });
  }
});

describe("model/routing routeTarget", () => {
  const cases: { fields: Record<string, unknown>; want: ReturnType<typeof routeTarget> }[] = [
    { fields: { gatewayId: "igw-1" }, want: { kind: "internet-gateway", id: "igw-1" } },
    { fields: { gatewayId: "local" }, want: { kind: "local", id: "local" } },
    { fields: { gatewayId: "vgw-1" }, want: { kind: "virtual-private-gateway", id: "vgw-1" } },
    { fields: { natGatewayId: "nat-1" }, want: { kind: "nat-gateway", id: "nat-1" } },
    { fields: { vpcPeeringConnectionId: "pcx-1" }, want: { kind: "peering", id: "pcx-1" } },
    { fields: { transitGatewayId: "tgw-1" }, want: { kind: "transit-gateway", id: "tgw-1" } },
    { fields: { vpcEndpointId: "vpce-1" }, want: { kind: "gateway-endpoint", id: "vpce-1" } },
    {
      fields: { egressOnlyGatewayId: "eigw-1" },
      want: { kind: "egress-only-gateway", id: "eigw-1" },
    },
    { fields: { networkInterfaceId: "eni-1" }, want: { kind: "network-interface", id: "eni-1" } },
    {
      fields: { gatewayId: "igw-1", state: "blackhole" },
      want: { kind: "blackhole", id: "igw-1" },
    },
    {
      // The egress-only gateway it pointed to is gone; the route still names it.
      fields: { egressOnlyGatewayId: "eigw-1", state: "blackhole" },
      want: { kind: "blackhole", id: "eigw-1" },
    },
    { fields: { state: "blackhole" }, want: { kind: "blackhole", id: "" } },
    { fields: { gatewayId: "", natGatewayId: "" }, want: undefined },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.fields)} -> ${c.want?.kind ?? "no target"}`, () => {
      assert.deepEqual(routeTarget(c.fields), c.want);
    });
  }
});
