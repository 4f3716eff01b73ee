import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  RouteTableAssociationPair,
  routeTableIdsForSubnets,
  routeTablesForSubnets,
} from "../../components/route-tables";
import { resolve } from "../helpers/engine";

// awsx's layout: one route table per subnet, listed public first in each AZ; the tier lists
// (privateSubnetIds...) are not aligned with the route table list by position.
const ASSOCIATIONS: RouteTableAssociationPair[] = [
  { subnetId: "subnet-pub1", routeTableId: "rtb-pub1" },
  { subnetId: "subnet-priv1", routeTableId: "rtb-priv1" },
  { subnetId: "subnet-pub2", routeTableId: "rtb-pub2" },
  { subnetId: "subnet-priv2", routeTableId: "rtb-priv2" },
  { routeTableId: "rtb-edge" },
];

describe("routeTablesForSubnets", () => {
  const cases: [string, RouteTableAssociationPair[], string[], string | undefined, string[]][] = [
    [
      "finds each subnet's table by subnet id, not by position",
      ASSOCIATIONS,
      ["subnet-priv1", "subnet-priv2"],
      undefined,
      ["rtb-priv1", "rtb-priv2"],
    ],
    [
      "keeps the order the subnets are given in",
      ASSOCIATIONS,
      ["subnet-priv2", "subnet-pub1"],
      undefined,
      ["rtb-priv2", "rtb-pub1"],
    ],
    [
      "names a table shared by several subnets once (LabVpc: one table per tier)",
      [
        { subnetId: "subnet-a", routeTableId: "rtb-private" },
        { subnetId: "subnet-b", routeTableId: "rtb-private" },
      ],
      ["subnet-a", "subnet-b"],
      undefined,
      ["rtb-private"],
    ],
    [
      "accepts the main route table for an unassociated subnet when given",
      ASSOCIATIONS,
      ["subnet-priv1", "subnet-orphan"],
      "rtb-main",
      ["rtb-priv1", "rtb-main"],
    ],
    [
      "prefers an explicit association over the main route table",
      ASSOCIATIONS,
      ["subnet-pub2"],
      "rtb-main",
      ["rtb-pub2"],
    ],
    [
      "tolerates the same association listed twice",
      [...ASSOCIATIONS, { subnetId: "subnet-priv1", routeTableId: "rtb-priv1" }],
      ["subnet-priv1"],
      undefined,
      ["rtb-priv1"],
    ],
  ];
  for (const [title, associations, subnets, main, expected] of cases) {
    it(title, () => {
      assert.deepEqual(routeTablesForSubnets(associations, subnets, main), expected);
    });
  }

  describe("refuses", () => {
    const cases: [string, RouteTableAssociationPair[], string[], RegExp][] = [
      ["an empty subnet list", ASSOCIATIONS, [], /subnetIds is empty/],
      [
        "a subnet with no association and no main route table",
        ASSOCIATIONS,
        ["subnet-priv1", "subnet-orphan"],
        /subnet subnet-orphan has no route table association.*pass mainRouteTableId/,
      ],
      [
        "a subnet associated with two tables",
        [...ASSOCIATIONS, { subnetId: "subnet-priv1", routeTableId: "rtb-other" }],
        ["subnet-priv1"],
        /subnet subnet-priv1 is associated with rtb-priv1 and rtb-other/,
      ],
    ];
    for (const [title, associations, subnets, error] of cases) {
      it(title, () => {
        assert.throws(() => routeTablesForSubnets(associations, subnets), error);
      });
    }
  });
});

describe("routeTableIdsForSubnets", () => {
  it("lifts associations whose fields are outputs, as resources have them", async () => {
    const associations = ASSOCIATIONS.map((a) => ({
      subnetId: pulumi.output(a.subnetId),
      routeTableId: pulumi.output(a.routeTableId),
    }));
    const ids = routeTableIdsForSubnets(
      pulumi.output(associations),
      pulumi.output(["subnet-priv2", "subnet-priv1"]),
    );
    assert.deepEqual(await resolve(ids), ["rtb-priv2", "rtb-priv1"]);
  });

  it("fails the output when a subnet has no table", async () => {
    const ids = routeTableIdsForSubnets(ASSOCIATIONS, ["subnet-orphan"]);
    await assert.rejects(resolve(ids), /subnet subnet-orphan has no route table association/);
  });
});
