import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigKey, ScenarioConfig } from "../../scenarios/scenario";
import { engine, useEngine } from "../helpers/engine";

const KEYS: ConfigKey[] = [
  { key: "mode", type: "string", default: "a", allowed: ["a", "b"], description: "mode" },
  { key: "count", type: "integer", default: 2, description: "count" },
  { key: "flag", type: "boolean", default: true, description: "flag" },
  { key: "cidr", type: "string", default: "", description: "an admin CIDR" },
];

describe("ScenarioConfig", () => {
  useEngine();
  const reader = (config: Record<string, string>) => {
    engine.reset({ config });
    return new ScenarioConfig("lab", KEYS, new pulumi.Config());
  };

  it("falls back to the declared defaults", () => {
    const c = reader({});
    assert.equal(c.string("mode"), "a");
    assert.equal(c.integer("count"), 2);
    assert.equal(c.boolean("flag"), true);
    assert.equal(c.optionalString("cidr"), undefined);
    assert.equal(c.string("instanceType"), "t4g.nano");
  });

  it("treats an empty value as unset (Pulumi.yaml's default for keys labs default differently)", () => {
    const c = reader({ mode: "", count: "", flag: "" });
    assert.deepEqual([c.string("mode"), c.integer("count"), c.boolean("flag")], ["a", 2, true]);
  });

  it("reads set values", () => {
    const c = reader({ mode: "b", count: "3", flag: "false", cidr: "203.0.113.1/32" });
    assert.deepEqual(
      [c.string("mode"), c.integer("count"), c.boolean("flag"), c.optionalString("cidr")],
      ["b", 3, false, "203.0.113.1/32"],
    );
  });

  const refusals: [string, Record<string, string>, (c: ScenarioConfig) => unknown, RegExp][] = [
    [
      "a value outside allowed",
      { mode: "c" },
      (c) => c.string("mode"),
      /config "mode" \(scenario lab\) must be one of a, b; got "c"/,
    ],
    [
      "a non-integer",
      { count: "2.5" },
      (c) => c.integer("count"),
      /config "count" \(scenario lab\) must be a whole number; got "2.5"/,
    ],
    [
      "an integer out of range",
      { count: "9" },
      (c) => c.integer("count", { min: 1, max: 4 }),
      /must be between 1 and 4; got 9/,
    ],
    [
      "a non-boolean",
      { flag: "yes" },
      (c) => c.boolean("flag"),
      /config "flag" \(scenario lab\) must be true or false; got "yes"/,
    ],
    [
      "a required string left empty",
      {},
      (c) => c.string("cidr"),
      /config "cidr" \(scenario lab\) is required: set it with `pulumi config set cidr <value>`/,
    ],
    [
      "an undeclared key (a programming error)",
      {},
      (c) => c.string("nope"),
      /reads config "nope" without declaring it/,
    ],
    [
      "a key read as the wrong type",
      {},
      (c) => c.integer("mode"),
      /declared as string, read as integer/,
    ],
  ];
  for (const [title, config, read, error] of refusals) {
    it(`refuses ${title}`, () => assert.throws(() => read(reader(config)), error));
  }
});
