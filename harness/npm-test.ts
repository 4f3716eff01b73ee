/**
 * `npm test`: every check, on as many cores as the machine has. The type check and the lint run
 * beside the policy pack's build, and mocha starts once the pack is built (its specs start the
 * compiled pack). Each step is an npm script, run as `npm run` would run it (a shell, with
 * node_modules/.bin on PATH) minus npm's own start-up. A step's output is printed whole when it
 * ends, so two steps never interleave; the command fails if any step failed, after all have ended.
 *
 *   npx tsx harness/npm-test.ts
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

interface Step {
  /** The npm script to run. */
  script: string;
  /** The package whose script it is, relative to the repository root. @default "." */
  workspace?: string;
  /** Steps whose success this one waits for. */
  after?: Step[];
}

const pack: Step = { script: "build", workspace: "policy-pack" };
const STEPS: Step[] = [
  { script: "typecheck" },
  { script: "lint" },
  pack,
  { script: "spec", after: [pack] },
];

interface Outcome {
  ok: boolean;
  output: string;
  seconds: number;
}

function scriptOf(step: Step): string {
  const file = path.join(ROOT, step.workspace ?? ".", "package.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as {
    scripts?: Record<string, string>;
  };
  const script = manifest.scripts?.[step.script];
  if (!script) throw new Error(`${file} has no "${step.script}" script`);
  return script;
}

function run(step: Step): Promise<Outcome> {
  const cwd = path.join(ROOT, step.workspace ?? ".");
  const bins = [cwd, ROOT].map((dir) => path.join(dir, "node_modules", ".bin"));
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(scriptOf(step), {
      cwd,
      shell: true,
      env: { ...process.env, PATH: [...bins, process.env.PATH].join(path.delimiter) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const finish = (ok: boolean, why = "") =>
      resolve({ ok, output: output + why, seconds: (Date.now() - started) / 1000 });
    child.on("error", (err) => finish(false, `\ncould not start: ${err.message}\n`));
    child.on("close", (code, signal) =>
      finish(code === 0, code === 0 ? "" : `\nexited with ${signal ?? `code ${code}`}\n`),
    );
  });
}

function label(step: Step): string {
  return step.workspace ? `${step.script} (${step.workspace})` : step.script;
}

async function main(): Promise<void> {
  const outcomes = new Map<Step, Promise<Outcome>>();
  const start = (step: Step): Promise<Outcome> => {
    let outcome = outcomes.get(step);
    if (!outcome) {
      outcome = Promise.all((step.after ?? []).map(start)).then(async (before) => {
        const failed = before.find((b) => !b.ok);
        const result = failed
          ? { ok: false, output: "not run: a step it needs failed\n", seconds: 0 }
          : await run(step);
        const mark = result.ok ? "ok" : "FAILED";
        process.stdout.write(
          `\n=== ${label(step)}: ${mark} (${result.seconds.toFixed(1)} s)\n${result.output}`,
        );
        return result;
      });
      outcomes.set(step, outcome);
    }
    return outcome;
  };
  const results = await Promise.all(STEPS.map(start));
  const failed = STEPS.filter((_, i) => !results[i].ok).map(label);
  if (failed.length > 0) {
    process.stderr.write(`\nnpm test failed: ${failed.join(", ")}\n`);
    process.exitCode = 1;
  }
}

void main();
