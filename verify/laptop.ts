/**
 * Probes whose client is the laptop (SSH to a bastion, the lab user's S3 or DynamoDB access),
 * measured here by the same agent the hosts run, printing its lines to standard output. It needs
 * python3 and the AWS CLI v2, as the labs' checks do.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AGENT_PY } from "../components/probe-agent-script";
import type { Probe } from "../model/probes";

export interface LaptopRun {
  lab: string;
  client: string;
  probes: Probe[];
  /** Extra environment: the lab user's credentials, when the lab made one for the laptop. */
  env?: Record<string, string>;
}

/** The agent's output: one result line per probe. */
export async function runLaptopProbes(run: LaptopRun): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vel-probe-"));
  const agent = path.join(dir, "vel-probe.py");
  fs.writeFileSync(agent, AGENT_PY, { mode: 0o700 });
  try {
    return await new Promise<string>((resolve, reject) => {
      const child = spawn(
        "python3",
        [agent, "run", "--probes", "-", "--stdout", "--console", "", "--log", ""],
        { env: environment(run.env), stdio: ["pipe", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", (e) =>
        reject(new Error(`cannot run python3 for the laptop's probes: ${e.message}`)),
      );
      child.on("close", (code) =>
        code === 0
          ? resolve(stdout)
          : reject(new Error(`the laptop's probes failed (exit ${code}): ${stderr.trim()}`)),
      );
      child.stdin.end(JSON.stringify({ lab: run.lab, host: run.client, probes: run.probes }));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The laptop's environment; with a key given, no session or profile of the user's overrides it. */
function environment(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (extra?.AWS_ACCESS_KEY_ID) {
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
  }
  return { ...env, ...extra };
}
