/**
 * `npm run verify -- --stack <name>`: did every expectation of a deployed lab hold on the real
 * hosts? Reads the stack's outputs (Automation API, or `--outputs` from `pulumi stack output
 * --json --show-secrets`), each host's serial console (`GetConsoleOutput`), runs the laptop's own
 * probes, and prints expected against measured. Differences are explained by the connectivity
 * model over `--stack-export`. Exit 0 when all agree, 1 otherwise, 2 on a usage error.
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import * as fs from "fs";
import { evaluate, ModelError } from "../model/connectivity";
import type { Expectation } from "../model/expectations";
import { fromStackExport, GraphResource } from "../model/graph";
import { type ProbeNames, probesFor } from "../model/probes";
import { readConsole } from "./aws-console";
import { compare, exitCodeOf, expectedWord, renderTable, type Row, summary } from "./compare";
import { parseConsole, type ProbeResult } from "./console-line";
import { type LaptopRun, runLaptopProbes } from "./laptop";
import { probeNamesFromGraph } from "./names";
import { analysesOf, compareAnalyses, renderAnalyses } from "./reachability";

export interface VerifyDeps {
  /** The EC2 client for a Region (specs mock it with aws-sdk-client-mock). */
  ec2(region: string): EC2Client;
  /** The outputs of a stack, by name, through the Automation API. */
  stackOutputs(stack: string): Promise<Record<string, unknown>>;
  laptop(run: LaptopRun): Promise<string>;
  sleep(ms: number): Promise<void>;
  now(): number;
  stdout(text: string): void;
  stderr(text: string): void;
}

const DEFAULTS: VerifyDeps = {
  ec2: (region) => new EC2Client({ region }),
  stackOutputs: automationOutputs,
  laptop: runLaptopProbes,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export const USAGE = `usage: npm run verify -- (--stack <name> | --outputs <file>) [options]
  --stack <name>          read the stack's outputs with the Pulumi Automation API (needs the Pulumi CLI)
  --outputs <file>        or a file from \`pulumi stack output --json --show-secrets\`
  --stack-export <file>   \`pulumi stack export --show-secrets\`: explains differences with the model
  --region <region>       where the hosts run (default: the stack's region output)
  --wait                  poll the consoles until every probe reported, or --timeout passed
  --timeout <seconds>     how long --wait waits (default 600)
  --interval <seconds>    between polls (default 20)
  --json                  machine-readable output
`;

interface Options {
  stack?: string;
  outputs?: string;
  stackExport?: string;
  region?: string;
  wait: boolean;
  timeout: number;
  interval: number;
  json: boolean;
}

class UsageError extends Error {}

export async function verifyMain(argv: string[], deps: Partial<VerifyDeps> = {}): Promise<number> {
  const d: VerifyDeps = { ...DEFAULTS, ...deps };
  try {
    return await verify(parseArgs(argv), d);
  } catch (e) {
    if (e instanceof UsageError) {
      d.stderr(`verify: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

export function parseArgs(argv: string[]): Options {
  const options: Options = { wait: false, timeout: 600, interval: 20, json: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const seconds = (i: number, flag: string): number => {
    const n = Number(value(i, flag));
    if (!Number.isFinite(n) || n <= 0) {
      throw new UsageError(`${flag} takes a number of seconds above 0; got "${argv[i + 1]}"`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case "--stack":
        options.stack = value(i++, flag);
        break;
      case "--outputs":
        options.outputs = value(i++, flag);
        break;
      case "--stack-export":
        options.stackExport = value(i++, flag);
        break;
      case "--region":
        options.region = value(i++, flag);
        break;
      case "--timeout":
        options.timeout = seconds(i++, flag);
        break;
      case "--interval":
        options.interval = seconds(i++, flag);
        break;
      case "--wait":
        options.wait = true;
        break;
      case "--json":
        options.json = true;
        break;
      default:
        throw new UsageError(`unknown argument "${flag}"`);
    }
  }
  if ((options.stack === undefined) === (options.outputs === undefined)) {
    throw new UsageError("give one of --stack <name> or --outputs <file>");
  }
  return options;
}

async function verify(o: Options, d: VerifyDeps): Promise<number> {
  const outputs = o.outputs
    ? readJson(o.outputs, "--outputs", "pulumi stack output --json --show-secrets")
    : await d.stackOutputs(o.stack!);
  if (outputs === null || typeof outputs !== "object" || Array.isArray(outputs)) {
    throw new UsageError(`--outputs ${o.outputs}: expected an object of stack outputs`);
  }
  const out = outputs as Record<string, unknown>;
  const lab = out.scenario;
  const expectations = out.expectations;
  if (typeof lab !== "string" || !Array.isArray(expectations)) {
    throw new UsageError(
      "the stack's outputs have no scenario and expectations: is it a vpc-endpoint-labs stack?",
    );
  }
  const graph = o.stackExport ? exportGraph(o.stackExport) : undefined;
  const names = probeNames(out, graph, expectations as Expectation[]);
  const region = o.region ?? (typeof out.region === "string" ? out.region : names.region);
  if (!region) throw new UsageError("the stack has no region output: pass --region <region>");

  const clients = [...new Set((expectations as Expectation[]).map((e) => e.from))];
  const hosts = clients.filter((c) => names.hosts[c]);
  for (const host of hosts) {
    if (!names.hosts[host].instanceId) {
      throw new UsageError(`no instance id for host "${host}" in the probe names`);
    }
  }

  const laptopResults: ProbeResult[] = [];
  for (const client of clients.filter((c) => !names.hosts[c])) {
    const probes = probesFor(client, expectations as Expectation[], names);
    try {
      const text = await d.laptop({ lab, client, probes, env: laptopCredentials(out) });
      laptopResults.push(...parseConsole(text).results);
    } catch (e) {
      d.stderr(`verify: ${client}'s probes did not run: ${(e as Error).message}\n`);
    }
  }

  const ec2 = d.ec2(region);
  const deadline = d.now() + o.timeout * 1000;
  let rows: Row[];
  for (;;) {
    const results = [...laptopResults];
    for (const host of hosts) {
      try {
        results.push(
          ...parseConsole(await readConsole(ec2, names.hosts[host].instanceId!)).results,
        );
      } catch (e) {
        d.stderr(`verify: cannot read the console of ${host}: ${(e as Error).message}\n`);
      }
    }
    rows = compare(lab, expectations as Expectation[], names, results);
    const missing = rows.filter((r) => r.state === "missing");
    if (!o.wait || missing.length === 0 || d.now() >= deadline) break;
    const waiting = [...new Set(missing.map((r) => r.expectation.from))].join(", ");
    const left = Math.max(0, Math.round((deadline - d.now()) / 1000));
    d.stderr(
      `verify: ${missing.length} of ${rows.length} probes not reported yet (${waiting}); ${left} s left\n`,
    );
    await d.sleep(o.interval * 1000);
  }

  if (graph) explain(graph, rows);
  // Informational: the probes decide the exit status; the analyzer checks the model's network.
  const analyses = compareAnalyses(analysesOf(out.reachability), rows, graph);
  if (o.json) {
    const reachability = analyses.map((a) => ({
      ...a.analysis,
      reachable: a.reachable ?? null,
      basis: a.basis,
      state: a.state,
    }));
    d.stdout(
      JSON.stringify(
        {
          lab,
          summary: summary(rows),
          rows: rows.map(jsonRow),
          ...(reachability.length ? { reachability } : {}),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    d.stdout(renderTable(lab, rows) + renderAnalyses(analyses));
  }
  return exitCodeOf(rows);
}

/** The stack's own probe names when it exports them, else read from the stack export. */
function probeNames(
  out: Record<string, unknown>,
  graph: GraphResource[] | undefined,
  expectations: Expectation[],
): ProbeNames {
  if (out.probeNames && typeof out.probeNames === "object") return out.probeNames as ProbeNames;
  if (!graph) {
    throw new UsageError(
      "the stack exports no probeNames: pass --stack-export <file> (pulumi stack export --show-secrets --file <file>) so bucket, endpoint and host names can be read from it",
    );
  }
  return probeNamesFromGraph(graph, expectations);
}

/** The model's outcome and reason for each difference. */
function explain(graph: GraphResource[], rows: Row[]): void {
  for (const row of rows) {
    if (row.state !== "DIFFER") continue;
    try {
      row.model = evaluate(graph, row.expectation);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      row.model = {
        outcome: row.expectation.outcome,
        detail: `the model cannot judge it: ${e.message}`,
      };
    }
  }
}

/**
 * A lab that creates an IAM user for the laptop (dynamodb-bastion's createLabUser) exports its
 * key; the laptop's probes then run as that user, as the lab's expectations assume.
 */
function laptopCredentials(out: Record<string, unknown>): Record<string, string> | undefined {
  const id = out.labUserAccessKeyId;
  const secret = out.labUserSecretAccessKey;
  if (typeof id !== "string" || typeof secret !== "string" || secret === "[secret]") {
    return undefined;
  }
  return { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret };
}

function jsonRow(r: Row) {
  return {
    from: r.expectation.from,
    probe: r.probe.id,
    kind: r.probe.kind,
    to: r.expectation.to,
    expected: expectedWord(r.expectation.outcome),
    measured: r.measured?.outcome ?? null,
    state: r.state,
    detail: r.measured?.detail ?? null,
    ms: r.measured?.ms ?? null,
    at: r.measured?.at ?? null,
    ...(r.model ? { model: r.model } : {}),
  };
}

function readJson(file: string, flag: string, how: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(
      `${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; write it with \`${how} > ${file}\``,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${flag} ${file} is not JSON (${(e as Error).message})`);
  }
}

function exportGraph(file: string): GraphResource[] {
  const doc = readJson(file, "--stack-export", "pulumi stack export --show-secrets");
  try {
    return fromStackExport(doc);
  } catch (e) {
    throw new UsageError(`--stack-export ${file}: ${(e as Error).message}`);
  }
}

/** Outputs through the Automation API, loaded only when asked: it needs the Pulumi CLI. */
async function automationOutputs(stack: string): Promise<Record<string, unknown>> {
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  try {
    const selected = await LocalWorkspace.selectStack({ stackName: stack, workDir: process.cwd() });
    const outputs = await selected.outputs();
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
  } catch (e) {
    throw new UsageError(
      `--stack ${stack}: ${(e as Error).message.split("\n")[0]}; without the Pulumi CLI here, pass --outputs <file> from \`pulumi stack output --json --show-secrets\``,
    );
  }
}

if (require.main === module) {
  verifyMain(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      process.stderr.write(`verify: ${e.stack ?? e.message}\n`);
      process.exitCode = 2;
    },
  );
}
