/**
 * Runs a short program under the mock engine in a child process, for refusals that happen when
 * an output resolves (an `apply` that throws). The Pulumi runtime keeps such a registration's RPC
 * open and fails the program through an unhandled rejection, as `pulumi up` would; in the spec
 * process that open RPC would make every later `engine.settle()` wait forever.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const MARK = "@@registered ";

export interface ChildProgramResult {
  /** Exit code: 1 when the program failed. */
  status: number | null;
  stderr: string;
  /** `<type>::<name>` of every resource registered before the process ended. */
  registered: string[];
}

/**
 * `body` is CommonJS run after the engine is installed, with `pulumi` and `engine` in scope and
 * `require` resolving from the repository root (`require("./components/...")`).
 */
export function runChildProgram(
  body: string,
  config: Record<string, string> = {},
): ChildProgramResult {
  const script = `
const pulumi = require("@pulumi/pulumi");
const { engine } = require("./engine/mock-engine");
process.on("exit", () => {
  process.stdout.write("\\n${MARK}" + JSON.stringify(engine.resources.map((r) => r.type + "::" + r.name)) + "\\n");
});
(async () => {
  await engine.install({ config: ${JSON.stringify(config)} });
  ${body}
})();
`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 30_000,
  });
  const line = run.stdout.split("\n").find((l) => l.startsWith(MARK));
  return {
    status: run.status,
    stderr: run.stderr,
    registered: line ? (JSON.parse(line.slice(MARK.length)) as string[]) : [],
  };
}
