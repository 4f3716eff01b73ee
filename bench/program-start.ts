/**
 * The program's start under the Pulumi CLI's loader, measured the way the CLI's nodejs language
 * host runs it (harness/language-host.ts): `@pulumi/pulumi/cmd/run` with the CLI's flags,
 * PULUMI_CONFIG and the runtime options of Pulumi.yaml, against a local gRPC engine and monitor.
 * For each case it prints the median of cold runs (ts-node's compile cache empty): milliseconds to
 * the program's first resource (or to the first error the user sees), to exit, CPU time, and
 * peak memory.
 *
 * Cases: the s3-gateway lab as preview and as update with this project's runtime options, and
 * with ts-node type checking (how the CLI loaded it before: tsconfig.json, no noCheck); a config
 * value the lab refuses; and a ConfigError thrown inside an `apply`. With `--slow`, also a plain
 * Error thrown inside an `apply`, the slow path (30-110 s and 3.5-3.9 GB on Node 20 here).
 *
 *   npm run bench:program [-- --runs N] [-- --slow]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProgramRun, REPO_ROOT, RunOptions, runLikeTheCli } from "../harness/language-host";

interface Case {
  name: string;
  /** What the case waits for: the first resource, or the first error shown to the user. */
  until: "start" | "error";
  options: RunOptions;
  slow?: boolean;
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const RUNS = Number(argValue("--runs") ?? 3);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`--runs must be a whole number of at least 1; got ${argValue("--runs")}`);
  process.exit(2);
}
const SLOW = process.argv.includes("--slow");

/**
 * A one-resource program whose table name fails inside an `apply`, in a scratch directory that
 * shares the repository's node_modules. BENCH_ERROR picks the error: `config` (a ConfigError) or
 * `plain` (an Error).
 */
function applyErrorProgram(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "program-start-"));
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "index.ts" }));
  const scenario = JSON.stringify(path.join(REPO_ROOT, "scenarios", "scenario"));
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    `import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ConfigError } from ${scenario};
const name = pulumi.output("ddb test").apply((value) => {
  const problem = \`may hold only a-z A-Z 0-9 _ . -; got "\${value}"\`;
  if (process.env.BENCH_ERROR === "plain") throw new Error(\`config "tableName" \${problem}\`);
  throw new ConfigError("bench", "tableName", problem);
});
new aws.dynamodb.Table("table", {
  name,
  billingMode: "PAY_PER_REQUEST",
  hashKey: "id",
  attributes: [{ name: "id", type: "S" }],
});
`,
  );
  return dir;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Wall and CPU milliseconds to what the case waits for. */
function check(c: Case, run: ProgramRun): [number, number] {
  const errors = run.logs.filter((l) => l.severity === "error");
  if (c.until === "start") {
    if (run.exitCode !== 0 || run.startMs === undefined) {
      throw new Error(
        `${c.name}: exit ${run.exitCode}\n${errors.map((e) => e.message).join("\n")}`,
      );
    }
    return [run.startMs, run.startCpuMs ?? NaN];
  }
  if (run.firstErrorMs === undefined) {
    throw new Error(`${c.name}: no error reached the user (exit ${run.exitCode})`);
  }
  if (errors.some((e) => /\n\s+at /.test(e.message))) {
    console.log(`  (${c.name}: the error carries a stack trace)`);
  }
  return [run.firstErrorMs, run.firstErrorCpuMs ?? NaN];
}

async function main(): Promise<void> {
  const lab = { stack: "s3-gateway", config: { scenario: "s3-gateway" }, measure: true };
  const typeChecking = {
    runtimeOptions: { typescript: true },
    env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false" },
  };
  const fixture = applyErrorProgram();
  const fixtureRun = {
    stack: "dev",
    config: {},
    dryRun: false,
    measure: true,
    programDirectory: fixture,
    runtimeOptions: {
      typescript: true,
      tsconfig: path.join(REPO_ROOT, "tsconfig.pulumi.json"),
    },
    timeoutMs: 300_000,
  };
  const cases: Case[] = [
    { name: "preview, runtime options", until: "start", options: { ...lab, dryRun: true } },
    { name: "update, runtime options", until: "start", options: { ...lab, dryRun: false } },
    {
      name: "preview, type-checking ts-node",
      until: "start",
      options: { ...lab, dryRun: true, ...typeChecking },
    },
    {
      name: "config error at load",
      until: "error",
      options: { ...lab, config: { scenario: "s3-gateway", azCount: "9" }, dryRun: true },
    },
    {
      name: "ConfigError in an apply",
      until: "error",
      options: { ...fixtureRun, env: { BENCH_ERROR: "config" } },
    },
    {
      name: "plain Error in an apply",
      until: "error",
      options: { ...fixtureRun, env: { BENCH_ERROR: "plain" } },
      slow: true,
    },
  ];

  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log(
    `median of ${RUNS} cold runs: to the first resource or error (ms, CPU ms), to exit (ms), peak MB`,
  );
  try {
    for (const c of cases) {
      if (c.slow && !SLOW) continue;
      const runs = c.slow ? 1 : RUNS;
      const until: number[] = [];
      const untilCpu: number[] = [];
      const total: number[] = [];
      const mb: number[] = [];
      for (let i = 0; i < runs; i++) {
        // ts-node 7 keeps what it compiled in a disk cache (TS_NODE_CACHE, on by default) and then
        // neither transpiles nor type-checks again: an empty cache per run measures a cold start.
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "ts-node-cache-"));
        const run = await runLikeTheCli({
          ...c.options,
          env: { ...c.options.env, TS_NODE_CACHE_DIRECTORY: cache },
        }).finally(() => fs.rmSync(cache, { recursive: true, force: true }));
        const [wall, cpu] = check(c, run);
        until.push(wall);
        untilCpu.push(cpu);
        total.push(run.totalMs);
        mb.push(run.peakRssMb ?? NaN);
      }
      console.log(
        [c.name.padEnd(32), median(until), median(untilCpu), median(total), median(mb)]
          .map((v) => String(v).padStart(6))
          .join(" "),
      );
    }
  } finally {
    fs.rmSync(fixture, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
