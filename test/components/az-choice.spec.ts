import { strict as assert } from "assert";
import { chooseZones, RegionZones } from "../../components/az-choice";

const SEOUL: RegionZones = {
  region: "ap-northeast-2",
  names: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"],
  zoneIds: ["apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"],
};
const T4G = { label: 'instanceType "t4g.nano"', offeredIn: SEOUL.names };

describe("chooseZones", () => {
  const cases: [string, Parameters<typeof chooseZones>[1], number, string[]][] = [
    [
      "takes the first zones when every zone offers everything",
      [T4G],
      2,
      ["apne2-az1", "apne2-az2"],
    ],
    ["takes the first zones when nothing is required", [], 1, ["apne2-az1"]],
    [
      "skips a first zone that lacks the instance type",
      [{ label: 'instanceType "t4g.nano"', offeredIn: SEOUL.names.slice(1) }],
      1,
      ["apne2-az2"],
    ],
    [
      "keeps the Region's order, not the offering's",
      [{ label: "x", offeredIn: ["ap-northeast-2d", "ap-northeast-2b"] }],
      2,
      ["apne2-az2", "apne2-az4"],
    ],
    [
      "needs every requirement in a zone",
      [
        { label: "type", offeredIn: ["ap-northeast-2a", "ap-northeast-2c"] },
        { label: "service", offeredIn: ["ap-northeast-2c", "ap-northeast-2d"] },
      ],
      1,
      ["apne2-az3"],
    ],
  ];
  for (const [title, requirements, azCount, zoneIds] of cases) {
    it(title, () => {
      const chosen = chooseZones(SEOUL, requirements, azCount, "LabVpc lab");
      assert.deepEqual(chosen.zoneIds, zoneIds);
      assert.deepEqual(
        chosen.names,
        zoneIds.map((id) => SEOUL.names[SEOUL.zoneIds.indexOf(id)]),
      );
    });
  }

  it("names azCount and what is required, and lists the zones that fit, when too few do", () => {
    assert.throws(
      () =>
        chooseZones(
          SEOUL,
          [{ label: 'instanceType "t4g.nano"', offeredIn: ["ap-northeast-2c"] }],
          2,
          "LabVpc lab",
        ),
      /^UserError: LabVpc lab: azCount 2 needs 2 Availability Zones offering instanceType "t4g.nano", but only ap-northeast-2c \(apne2-az3\) of ap-northeast-2's 4 does; lower azCount, or pick an instanceType/,
    );
  });

  it("says none fit when no zone offers it", () => {
    assert.throws(
      () => chooseZones(SEOUL, [{ label: "y", offeredIn: [] }], 1, "LabVpc lab"),
      /azCount 1 needs 1 Availability Zone offering y, but none of ap-northeast-2's 4 do;/,
    );
  });

  it("names azCount when the Region has fewer zones than asked", () => {
    assert.throws(
      () => chooseZones(SEOUL, [], 5, "LabVpc lab"),
      /LabVpc lab: azCount 5 exceeds the 4 available Availability Zones of ap-northeast-2; lower azCount/,
    );
  });
});
