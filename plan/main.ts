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
import { checkConfig, parseArgs, usage, UsageError } from "./cli";
import { renderJson, renderText, styles } from "./render";
import { LabReport, reportScenario, reportStackExport } from "./report";
import { SCENARIOS } from "../scenarios";
import { ConfigError, Scenario } from "../scenarios/scenario";
import { ExportError } from "../model/graph";
import { engine } from "../engine/mock-engine";

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
