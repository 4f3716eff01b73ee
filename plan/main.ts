/**
 * `vpc-endpoint-labs plan` (and `npm start`): runs every lab (or the ones named) under the
 * offline engine, with no AWS account and no Pulumi CLI, and prints, verdicts first, what each
 * lab expects and whether the connectivity model agrees, the checks to run, what the policy
 * pack says, what it costs by the hour and which quotas it takes, then one summary line.
 * `--diagram` draws the lab from the same graph.
 *
 * Exit status: 0 when every expectation holds, 1 when one does not (or a lab fails to build),
 * 2 for a usage or config error, with nothing planned.
 */
import * as fs from "fs";
import * as path from "path";
import { checkConfig, COMMAND, optionsNpmTook, parseArgs, usage, UsageError } from "./cli";
import {
  DEFAULT_WIDTH,
  Failure,
  renderFooter,
  renderJson,
  renderText,
  styles,
  summaryLine,
} from "./render";
import { LabReport, reportScenario, reportStackExport } from "./report";
import { SCENARIOS } from "../scenarios";
import { Scenario, UserError } from "../scenarios/scenario";
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
      detail: j.verdict?.detail,
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
  /** Columns a line may take. @default 100 */
  width?: number;
  /** Where relative paths are read from: where the user ran the command. @default process.cwd() */
  cwd?: string;
  /** Our options that npm kept for itself (`npm start --json` without `--`). @default none */
  npmTook?: readonly string[];
}

/** ANSI colour only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function colorEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTTY === true && (env.NO_COLOR ?? "") === "";
}

/**
 * The directory the user ran the command in. `npm start` runs scripts from the package root and
 * keeps the caller's directory in INIT_CWD; npx and a plain `node` leave the directory as it is.
 */
export function invocationDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.INIT_CWD || cwd;
}

/** The terminal's width, or DEFAULT_WIDTH when the output is not a terminal. */
export function outputWidth(isTTY: boolean | undefined, columns: number | undefined): number {
  return isTTY === true && columns !== undefined && columns > 0 ? columns : DEFAULT_WIDTH;
}

function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: colorEnabled(process.stdout.isTTY, process.env),
    width: outputWidth(process.stdout.isTTY, process.stdout.columns),
    cwd: invocationDir(process.env, process.cwd()),
    npmTook: optionsNpmTook(process.env),
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

/** A usage or config error as the user sees it: the one line that matters, then where to look. */
function refuse(io: Io, message: string): number {
  io.err(`${message}\nsee \`${COMMAND} --help\`\n`);
  return 2;
}

/** Why a file named on the command line cannot be read, in words. */
function unreadable(error: NodeJS.ErrnoException): string | undefined {
  switch (error.code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory; give the JSON file `pulumi stack export` wrote";
    case "EACCES":
      return "cannot be read (permission denied)";
    default:
      return undefined;
  }
}

/** The plan, returning its exit status. */
export async function main(
  argv: readonly string[],
  io: Io = processIo(),
  registry: readonly Scenario[] = SCENARIOS,
): Promise<number> {
  const names = registry.map((s) => s.name);
  const cwd = io.cwd ?? process.cwd();
  const layout = { width: io.width ?? DEFAULT_WIDTH, tree: false };
  let chosen: Scenario[];
  let config: Record<string, string> = {};
  let args: ReturnType<typeof parseArgs>;
  try {
    if (io.npmTook && io.npmTook.length > 0) {
      throw new UsageError(
        `npm kept ${io.npmTook.join(", ")} for itself: options go after \`--\` (npm start -- <lab> ${io.npmTook[0]} ...), or run \`npx ${COMMAND} <lab> ${io.npmTook[0]} ...\``,
      );
    }
    args = parseArgs(argv);
    if (args.help) {
      io.out(`${usage(names)}\n`);
      return 0;
    }
    layout.tree = args.tree;
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
    return refuse(io, e.message);
  }
  const resolve = (file: string) => path.resolve(cwd, file);

  const reports: LabReport[] = [];
  const failures: Failure[] = [];
  if (args.stackExport) {
    let report: LabReport;
    try {
      report = reportStackExport(fs.readFileSync(resolve(args.stackExport), "utf8"), registry);
      report.stackExport = args.stackExport;
    } catch (e) {
      const why = e instanceof ExportError ? e.message : unreadable(e as NodeJS.ErrnoException);
      if (why === undefined) throw e;
      return refuse(io, `--stack-export ${args.stackExport}: ${why}`);
    }
    if (args.diagram) {
      await writeDiagram(report, resolve(args.diagram));
      report.diagram = args.diagram;
    }
    reports.push(report);
    chosen = [];
  } else {
    await engine.install();
  }
  for (const scenario of chosen) {
    let report: LabReport;
    try {
      report = await reportScenario(scenario, config);
    } catch (e) {
      // A value the lab refuses is the user's to fix, as much as an unknown key.
      if (e instanceof UserError) return refuse(io, withoutSerializationPrefix(e.message));
      failures.push({ scenario: scenario.name, error: (e as Error).message });
      continue;
    }
    report.variant = args.variant;
    if (args.diagram || args.diagramsDir) {
      const file = args.diagram ?? path.join(args.diagramsDir!, `${scenario.name}.svg`);
      await writeDiagram(report, resolve(file));
      report.diagram = file;
    }
    reports.push(report);
  }

  const ok = failures.length === 0 && reports.every((r) => r.judged.every((j) => j.ok));
  const style = styles(io.color);
  if (args.json) {
    io.out(`${renderJson(reports, failures)}\n`);
  } else {
    io.out(reports.map((r) => renderText(r, style, layout)).join("\n"));
    io.out(renderFooter(reports, failures, style, layout));
  }
  for (const f of failures) io.err(`${style.bad(`${f.scenario}: ${f.error}`)}\n`);
  // On stderr too, so a run piped to a file or to jq still says it did not hold.
  if (!ok) io.err(`${summaryLine(reports, failures)}\n`);
  return ok ? 0 : 1;
}

/** Runs the plan as a process: its exit status set, an unexpected error printed with its stack. */
export function runCommand(argv: readonly string[]): void {
  // exitCode, not exit(): exit() drops whatever a pipe has not yet taken of a long --json.
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runCommand(process.argv.slice(2));

/**
 * A refusal raised inside an `apply` reaches us through every input it fed, each of which the
 * SDK marks by prefixing `error serializing property "<name>": ` to the same error's message
 * (@pulumi/pulumi runtime/rpc.js); the user needs only the refusal itself.
 */
export function withoutSerializationPrefix(message: string): string {
  return message.replace(/^(error serializing property "[^"]*": )+/, "");
}
