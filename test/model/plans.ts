/**
 * Scenario graphs for the model's specs: each lab run once per config mode under the offline
 * engine, and kept for the rest of the process.
 */
import { fromRecorded, GraphResource } from "../../model/graph";
import { planScenario, ScenarioPlan } from "../../plan/report";
import { engine } from "../../engine/mock-engine";
import { SCENARIOS } from "../../scenarios";
import { Expectation, Scenario } from "../../scenarios/scenario";

/** One config mode of a lab. */
export interface Mode {
  scenario: Scenario;
  name: string;
  config: Record<string, string>;
}

/** The defaults, then each variant the lab declares. */
export function modesOf(scenario: Scenario): Mode[] {
  const variants = scenario.variants ?? [];
  return [
    { scenario, name: "defaults", config: {} },
    ...variants.map((v) => ({ scenario, name: v.name, config: v.config })),
  ];
}

export function allModes(): Mode[] {
  return SCENARIOS.flatMap(modesOf);
}

export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found)
    throw new Error(
      `no scenario named ${name}; registered: ${SCENARIOS.map((s) => s.name).join(", ")}`,
    );
  return found;
}

export interface PlannedGraph {
  plan: ScenarioPlan;
  graph: GraphResource[];
  expectations: Expectation[];
}

const planned = new Map<string, Promise<PlannedGraph>>();
/**
 * The lab's graph under `config` (merged over its offlineConfig), planned once per process.
 * Runs are serialised, and each installs the engine afresh: it records one program at a time,
 * and another spec file may have installed it with other options (a preview, say).
 */
export function graphOf(
  scenario: Scenario,
  config: Record<string, string> = {},
): Promise<PlannedGraph> {
  const key = `${scenario.name} ${JSON.stringify(config)}`;
  let found = planned.get(key);
  if (!found) {
    const previous = [...planned.values()].pop();
    found = (async () => {
      await previous?.catch(() => undefined);
      await engine.install();
      const plan = await planScenario(scenario, config);
      return { plan, graph: fromRecorded(plan.resources), expectations: plan.expectations };
    })();
    planned.set(key, found);
  }
  return found;
}
