/**
 * `npm test`: every check, on every core. The policy pack's build and then mocha, the longest
 * chain, run at normal priority; the type check and the lint run beside them at a lower one
 * (nice 10), in the CPU time mocha leaves while its specs wait on child processes. Each step is an
 * npm script, run as `npm run` runs it (sh, with node_modules/.bin on PATH) without npm's own
 * start-up. A step's output is printed whole when it ends, so two steps never interleave; the
 * command fails if any step failed, once all have ended.
 *
 *   npx tsx harness/npm-test.ts
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Step {
  /** The npm script to run. */
  script: string;
  /** The package whose script it is, relative to the root. @default "." */
  workspace?: string;
  /** Steps that must succeed before this one starts. */
  after?: Step[];
  /** Run at a lower CPU priority, in the time the other steps leave. @default false */
  background?: boolean;
}

export interface Outcome {
  ok: boolean;
  output: string;
  seconds: number;
}

const pack: Step = { script: "build", workspace: "policy-pack" };

export const NPM_TEST: Step[] = [
  { script: "typecheck", background: true },
  { script: "lint", background: true },
  pack,
  { script: "spec", after: [pack] },
];

export function label(step: Step): string {
  return step.workspace ? `${step.script} (${step.workspace})` : step.script;
}

function scriptOf(root: string, step: Step): string {
  const file = path.join(root, step.workspace ?? ".", "package.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as {
    scripts?: Record<string, string>;
  };
  const script = manifest.scripts?.[step.script];
  if (!script) throw new Error(`${file} has no "${step.script}" script`);
  return script;
}

function run(root: string, step: Step): Promise<Outcome> {
  const cwd = path.join(root, step.workspace ?? ".");
  const bins = [cwd, root].map((dir) => path.join(dir, "node_modules", ".bin"));
  const shell = ["sh", "-c", scriptOf(root, step)];
  const [command, ...args] = step.background ? ["nice", "-n", "10", ...shell] : shell;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, PATH: [...bins, process.env.PATH].join(path.delimiter) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const finish = (ok: boolean, why = "") =>
      resolve({ ok, output: output + why, seconds: (Date.now() - started) / 1000 });
    child.on("error", (err) => finish(false, `could not start: ${err.message}\n`));
    child.on("close", (code, signal) =>
      finish(code === 0, code === 0 ? "" : `exited with ${signal ?? `code ${code}`}\n`),
    );
  });
}

/**
 * Runs the steps of `root`'s package.json, each as soon as the steps it comes after have
 * succeeded, writes each one's output when it ends, and returns the labels of those that failed.
 */
export async function runSteps(
  steps: Step[],
  root: string,
  write: (text: string) => void,
): Promise<string[]> {
  const outcomes = new Map<Step, Promise<Outcome>>();
  const start = (step: Step): Promise<Outcome> => {
    let outcome = outcomes.get(step);
    if (!outcome) {
      outcome = Promise.all((step.after ?? []).map(start)).then(async (before) => {
        const result = before.every((b) => b.ok)
          ? await run(root, step)
          : { ok: false, output: "not run: a step it comes after failed\n", seconds: 0 };
        const mark = result.ok ? "ok" : "FAILED";
        write(`\n=== ${label(step)}: ${mark} (${result.seconds.toFixed(1)} s)\n${result.output}`);
        return result;
      });
      outcomes.set(step, outcome);
    }
    return outcome;
  };
  const results = await Promise.all(steps.map(start));
  return steps.filter((_, i) => !results[i].ok).map(label);
}

if (require.main === module) {
  void runSteps(NPM_TEST, path.resolve(__dirname, ".."), (t) => process.stdout.write(t)).then(
    (failed) => {
      if (failed.length > 0) {
        process.stderr.write(`\nnpm test failed: ${failed.join(", ")}\n`);
        process.exitCode = 1;
      }
    },
  );
}
