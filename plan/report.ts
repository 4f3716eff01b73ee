/**
 * Report assembly for the offline plan: runs a lab under the offline engine (or reads a deployed
 * stack's export) and judges it: expectations by the connectivity model, the policy pack's
 * verdicts, and the cost. Rendering (`render.ts`) and the command line (`main.ts`) sit above it.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { engine, RecordedResource } from "../engine/mock-engine";
import { CostEstimate, estimateCost } from "./cost";
import { QuotaUse, quotaUse } from "./quotas";
import {
  Check,
  Expectation,
  Scenario,
  ScenarioConfig,
  ScenarioResult,
} from "../scenarios/scenario";
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
  /** The program's stack outputs, as it returned them (outputs of the offline run). */
  outputs?: ScenarioResult["outputs"];
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
  return failingOnRejection(async () => {
    const result = scenario.run(new ScenarioConfig(scenario.name, scenario.config));
    const checks = (await resolveOutput(result.checks)) as Check[];
    const resources = [...(await engine.settle())];
    return {
      scenario,
      config,
      region,
      resources,
      expectations: result.expectations,
      checks,
      outputs: result.outputs,
    };
  });
}

/**
 * Runs a lab and fails with the first error thrown inside one of its `apply`s (a check that
 * needs a resolved value, such as the Availability Zones on offer). Under `pulumi up` such an
 * error fails the program through an unhandled rejection; here it must reach the caller, which
 * tells a refusal (`UserError`, exit 2) from a fault, instead of ending the process. The
 * registration waiting on that value never completes, so the run does not wait for it.
 */
async function failingOnRejection<T>(run: () => Promise<T>): Promise<T> {
  let trap: (reason: unknown) => void = () => undefined;
  const rejected = new Promise<never>((_, reject) => {
    trap = reject;
  });
  process.on("unhandledRejection", trap);
  try {
    return await Promise.race([run(), rejected]);
  } finally {
    process.off("unhandledRejection", trap);
  }
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
  /** What it takes of the default per-Region quotas. */
  quotas: QuotaUse;
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
  fs.readFileSync(path.join(__dirname, "../policy-pack/config/labs.json"), "utf8"),
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
    quotas: quotaUse(graph),
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
    quotas: quotaUse(graph),
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
