/**
 * `npm start`: runs every lab (or the ones named) under the offline engine, with no AWS account
 * and no Pulumi CLI, and prints what it would build, what the lab expects and whether the
 * connectivity model agrees, what the policy pack says, what it costs by the hour, and the
 * commands that show it. `--diagram` draws the lab from the same graph.
 *
 * Exit status: 0 when every expectation holds, 1 when one does not (or a lab fails to build),
 * 2 for a usage or config error.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { engine, RecordedResource } from "./mock-engine";
import { checkConfig, parseArgs, usage, UsageError } from "./cli";
import { CostEstimate, estimateCost } from "./cost";
import { renderJson, renderText, styles } from "./render";
import { SCENARIOS } from "../scenarios";
import { Check, ConfigError, Expectation, Scenario, ScenarioConfig } from "../scenarios/scenario";
import {
  ExportError,
  fromRecorded,
  fromStackExport,
  GraphResource,
  stackOutputs,
} from "../model/graph";
import { checkExpectations, ModelError, Verdict } from "../model/connectivity";
import { evaluateStack, PackConfig, Violation } from "../policy-pack/policies/evaluate";

export interface ScenarioPlan {
  scenario: Scenario;
  /** The `--config` values given, as `pulumi config set` would store them. */
  config: Record<string, string>;
  region: string;
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
  const region = new pulumi.Config("aws").require("region");
  const result = scenario.run(new ScenarioConfig(scenario.name, scenario.config));
  const checks = (await resolveOutput(result.checks)) as Check[];
  const resources = [...(await engine.settle())];
  return { scenario, config, region, resources, expectations: result.expectations, checks };
}

async function resolveOutput(value: unknown): Promise<unknown> {
  const maybe = value as { promise?: () => Promise<unknown> };
  return typeof maybe?.promise === "function" ? maybe.promise() : value;
}

/** One expectation and what the connectivity model says of it. */
export interface JudgedExpectation {
  expectation: Expectation;
  /** The model's verdict; absent when the model could not judge (see `error`). */
  verdict?: Verdict;
  /** Why the model could not judge: the expectation names something the graph lacks. */
  error?: string;
  /** True when the model's outcome is the expected one. */
  ok: boolean;
}

/** Everything the plan shows about one lab. */
export interface LabReport extends ScenarioPlan {
  graph: GraphResource[];
  judged: JudgedExpectation[];
  policy: Violation[];
  cost: CostEstimate;
  /** The config mode (`--variant`) it ran in, if one was chosen. */
  variant?: string;
  /** Where its diagram was written, when one was asked for. */
  diagram?: string;
  /** The `pulumi stack export` file it was read from, when it is a deployed stack. */
  stackExport?: string;
}

/**
 * The connectivity model's verdict on each expectation, over the lab's graph. One expectation
 * the model cannot judge (it names a host the graph lacks) is a mismatch of its own and does not
 * hide the others.
 */
export function judgeExpectations(
  graph: readonly GraphResource[],
  expectations: readonly Expectation[],
): JudgedExpectation[] {
  return expectations.map((expectation) => {
    try {
      const [checked] = checkExpectations(graph, [expectation]);
      return { expectation, verdict: checked.verdict, ok: checked.ok };
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      return { expectation, error: e.message, ok: false };
    }
  });
}

/**
 * The pack's settings the labs are checked with (`--policy-pack-config` for the lab stacks): the
 * S3 labs exempt the deploying principal by `aws:PrincipalArn`, so that `pulumi destroy` works
 * from a laptop, and the bucket rule accepts that key.
 */
export const LAB_PACK_CONFIG: PackConfig = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../policy-pack/labs.config.json"), "utf8"),
);

/**
 * The policy pack's verdicts on the lab, as `pulumi preview --policy-pack` would list them.
 * They are information here: the seed's bucket-policy modes are meant to be flagged.
 */
export function policyVerdicts(
  graph: readonly GraphResource[],
  config: PackConfig = LAB_PACK_CONFIG,
): Violation[] {
  return evaluateStack(
    graph.map((r) => ({
      type: r.type,
      urn: r.urn,
      name: r.name,
      id: r.id,
      props: r.props,
      propertyDependencies: r.propertyDependencies,
      dependencies: r.dependencies,
    })),
    config,
  );
}

/** Plans a lab and judges it: expectations, policies, cost. */
export async function reportScenario(
  scenario: Scenario,
  config: Record<string, string> = {},
): Promise<LabReport> {
  const plan = await planScenario(scenario, config);
  const graph = fromRecorded(plan.resources);
  return {
    ...plan,
    graph,
    judged: judgeExpectations(graph, plan.expectations),
    policy: policyVerdicts(graph),
    cost: estimateCost(graph, plan.region),
  };
}

/**
 * Judges a deployed lab: the resources of `pulumi stack export`, against the expectations and
 * checks the stack exported itself, with the same model, policy pack and price table as the
 * offline plan. Throws ExportError (a UsageError for the caller) when the file is not a lab's.
 */
export function reportStackExport(text: string, registry: readonly Scenario[]): LabReport {
  const graph = fromStackExport(text);
  const outputs = stackOutputs(text);
  const name = outputs.scenario;
  const scenario = registry.find((s) => s.name === name);
  if (!scenario) {
    throw new ExportError(
      `has no \`scenario\` output naming a lab (got ${JSON.stringify(name)}): export a stack of this project, one of ${registry.map((s) => s.name).join(", ")}`,
    );
  }
  if (!Array.isArray(outputs.expectations)) {
    throw new ExportError("has no `expectations` output: export a stack this program deployed");
  }
  const expectations = outputs.expectations as Expectation[];
  const region = providerRegion(text) ?? "ap-northeast-2";
  return {
    scenario,
    config: {},
    region,
    resources: graph.map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      id: r.id,
      custom: !r.type.startsWith("vpc-endpoint-labs:"),
      parent: r.parent,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      inputs: r.props,
      outputs: r.props,
    })),
    expectations,
    checks: Array.isArray(outputs.checks) ? (outputs.checks as Check[]) : [],
    graph,
    judged: judgeExpectations(graph, expectations),
    policy: policyVerdicts(graph),
    cost: estimateCost(graph, region),
  };
}

/** The Region of the export's default AWS provider, which is where the stack deployed. */
function providerRegion(text: string): string | undefined {
  const doc = JSON.parse(text) as {
    deployment?: { resources?: { type?: string; inputs?: { region?: unknown } }[] };
  };
  const provider = doc.deployment?.resources?.find((r) => r.type === "pulumi:providers:aws");
  return typeof provider?.inputs?.region === "string" ? provider.inputs.region : undefined;
}

/** Draws a lab to an SVG file; Graphviz is loaded only when the first diagram is asked for. */
export async function writeDiagram(report: LabReport, file: string): Promise<void> {
  const { toDot, renderSvg } = await import("./diagram");
  const dot = toDot({
    title: `${report.scenario.name}: ${report.scenario.title}`,
    region: report.region,
    resources: report.graph,
    paths: report.judged.map((j) => ({
      expectation: j.expectation,
      outcome: j.verdict?.outcome ?? j.expectation.outcome,
      agrees: j.ok,
      via: j.verdict?.path,
    })),
  });
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, await renderSvg(dot));
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Colour only on a terminal, and never with NO_COLOR set. */
  color: boolean;
}

/** ANSI colour only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function colorEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTTY === true && (env.NO_COLOR ?? "") === "";
}

function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: colorEnabled(process.stdout.isTTY, process.env),
  };
}

/** The config of one of a lab's variants (its config modes); a UsageError lists them. */
export function variantConfig(
  scenario: Scenario,
  variant: string | undefined,
): Record<string, string> {
  if (variant === undefined) return {};
  const variants = scenario.variants ?? [];
  const found = variants.find((v) => v.name === variant);
  if (!found) {
    const names = variants.map((v) => v.name).join(", ");
    throw new UsageError(
      `${scenario.name} has no variant "${variant}"; ${names ? `its variants: ${names}` : "it has none"}`,
    );
  }
  return found.config;
}

/** `npm start`, returning its exit status. */
export async function main(
  argv: readonly string[],
  io: Io = processIo(),
  registry: readonly Scenario[] = SCENARIOS,
): Promise<number> {
  const names = registry.map((s) => s.name);
  let chosen: Scenario[];
  let config: Record<string, string> = {};
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.out(`${usage(names)}\n`);
      return 0;
    }
    chosen = args.scenarios.map((name) => {
      const found = registry.find((s) => s.name === name);
      if (!found) throw new UsageError(`"${name}" is not a lab; valid names: ${names.join(", ")}`);
      return found;
    });
    if (chosen.length === 0) chosen = [...registry];
    if (chosen.length === 1) {
      config = {
        ...variantConfig(chosen[0], args.variant),
        ...checkConfig(chosen[0], args.config),
      };
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${e.message}\n\n${usage(names)}\n`);
    return 2;
  }

  const reports: LabReport[] = [];
  const failures: { scenario: string; error: string }[] = [];
  let configError = false;
  if (args.stackExport) {
    let report: LabReport;
    try {
      report = reportStackExport(fs.readFileSync(args.stackExport, "utf8"), registry);
      report.stackExport = args.stackExport;
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      if (!(e instanceof ExportError) && error.code !== "ENOENT") throw e;
      io.err(`${args.stackExport}: ${error.message}\n`);
      return 2;
    }
    if (args.diagram) {
      await writeDiagram(report, args.diagram);
      report.diagram = args.diagram;
    }
    reports.push(report);
    chosen = [];
  } else {
    await engine.install();
  }
  for (const scenario of chosen) {
    try {
      const report = await reportScenario(scenario, config);
      report.variant = args.variant;
      if (args.diagram || args.diagramsDir) {
        const file = args.diagram ?? path.join(args.diagramsDir!, `${scenario.name}.svg`);
        await writeDiagram(report, file);
        report.diagram = file;
      }
      reports.push(report);
    } catch (e) {
      configError ||= e instanceof ConfigError;
      failures.push({ scenario: scenario.name, error: (e as Error).message });
    }
  }

  if (args.json) {
    io.out(`${renderJson(reports, failures)}\n`);
  } else {
    const style = styles(io.color);
    io.out(reports.map((r) => renderText(r, style)).join("\n"));
    for (const f of failures) io.err(`${style.bad(`${f.scenario}: ${f.error}`)}\n`);
  }
  if (configError) return 2;
  const mismatch = reports.some((r) => r.judged.some((j) => !j.ok));
  return mismatch || failures.length > 0 ? 1 : 0;
}

if (require.main === module) {
  // exitCode, not exit(): exit() drops whatever a pipe has not yet taken of a long --json.
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exitCode = 1;
    },
  );
}
