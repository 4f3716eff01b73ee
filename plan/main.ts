/**
 * `npm start`: runs every lab (or the one named) under the offline engine, with no AWS account
 * and no Pulumi CLI, and prints what it would build, what the lab expects and the commands
 * that show it.
 */
import { engine, RecordedResource } from "./mock-engine";
import { findScenario, runProgram, SCENARIOS } from "../scenarios";
import { Check, Expectation, Scenario, Target } from "../scenarios/scenario";

export interface ScenarioPlan {
  scenario: Scenario;
  resources: RecordedResource[];
  expectations: Expectation[];
  checks: Check[];
}

/** Runs one scenario under the engine with the given config and collects what it built. */
export async function planScenario(
  scenario: Scenario,
  config: Record<string, string> = {},
): Promise<ScenarioPlan> {
  engine.reset({
    stack: scenario.name,
    config: { ...scenario.offlineConfig, ...config, scenario: scenario.name },
  });
  const outputs = runProgram();
  const checks = (await resolveOutput(outputs.checks)) as Check[];
  const resources = [...(await engine.settle())];
  return { scenario, resources, expectations: outputs.expectations as Expectation[], checks };
}

async function resolveOutput(value: unknown): Promise<unknown> {
  const maybe = value as { promise?: () => Promise<unknown> };
  return typeof maybe?.promise === "function" ? maybe.promise() : value;
}

export function describeTarget(to: Target): string {
  switch (to.kind) {
    case "aws-service":
      return `${to.service}${to.resource ? ` (${to.resource})` : ""}${to.via ? ` via ${to.via}` : ""}`;
    case "instance":
      return `${to.host}:${to.port}`;
    case "endpoint-service":
      return `endpoint service via ${to.via}:${to.port}`;
    case "internet":
      return to.url;
  }
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

export function renderPlan(plan: ScenarioPlan): string {
  const { scenario } = plan;
  const lines: string[] = [];
  lines.push(`== ${scenario.name}: ${scenario.title} (seeds ${scenario.seeds.join(", ")})`);
  lines.push("");
  const counts = new Map<string, number>();
  for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  lines.push(`Resources (${plan.resources.length}):`);
  lines.push(...table([...counts.entries()].sort().map(([type, n]) => [`  ${type}`, String(n)])));
  lines.push("");
  lines.push("Expectations:");
  lines.push(
    ...table(
      plan.expectations.map((e) => [
        `  ${e.from}`,
        `-> ${describeTarget(e.to)}`,
        e.probe,
        e.outcome,
        e.why,
      ]),
    ),
  );
  lines.push("");
  lines.push("Checks:");
  for (const check of plan.checks) {
    lines.push(`  ${check.host}: ${check.connect}`);
    for (const step of check.steps) {
      lines.push(`    $ ${step.run}`);
      lines.push(`      expect: ${step.expect}`);
    }
  }
  lines.push("");
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith("-"));
  const chosen = names.length > 0 ? names.map((n) => findScenario(n)) : SCENARIOS;
  await engine.install();
  for (const scenario of chosen) {
    process.stdout.write(renderPlan(await planScenario(scenario)) + "\n");
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    },
  );
}
