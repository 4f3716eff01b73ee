/**
 * Every lab's expectations, proven from its mocked resource graph in every config mode: the
 * model must predict exactly the outcome the lab records for each probe.
 */
import { strict as assert } from "assert";
import { checkExpectations } from "../../model/connectivity";
import { SCENARIOS } from "../../scenarios";
import { graphOf, modesOf } from "./plans";

describe("the connectivity model on every lab", () => {
  for (const scenario of SCENARIOS) {
    describe(scenario.name, () => {
      for (const mode of modesOf(scenario)) {
        it(`predicts every expectation (${mode.name}${Object.keys(mode.config).length ? ` ${JSON.stringify(mode.config)}` : ""})`, async () => {
          const { graph, expectations } = await graphOf(scenario, mode.config);
          assert.ok(
            expectations.length > 0,
            `${scenario.name} (${mode.name}) records no expectation`,
          );
          const wrong = checkExpectations(graph, expectations)
            .filter((c) => !c.ok)
            .map(
              (c) =>
                `${c.expectation.from} -> ${JSON.stringify(c.expectation.to)} ${c.expectation.probe}: ` +
                `lab expects ${c.expectation.outcome}, model says ${c.verdict.outcome} (${c.verdict.detail})`,
            );
          assert.deepEqual(wrong, []);
        });
      }

      it("runs each value of its boolean and enumerated config keys in some mode", () => {
        const runs = modesOf(scenario).map((m) => ({ ...scenario.offlineConfig, ...m.config }));
        const missing: string[] = [];
        for (const key of scenario.config) {
          const values =
            key.type === "boolean" ? ["true", "false"] : key.allowed ? [...key.allowed] : [];
          for (const value of values) {
            const covered = runs.some((r) => (r[key.key] ?? String(key.default ?? "")) === value);
            if (!covered) missing.push(`${key.key}=${value}`);
          }
        }
        assert.deepEqual(missing, [], `add variants to ${scenario.name} for these modes`);
      });
    });
  }
});
