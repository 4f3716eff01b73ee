/**
 * Starts the compiled policy pack the way the Pulumi CLI does and talks to it over gRPC with the
 * stubs that ship in @pulumi/pulumi/proto.
 *
 * What the CLI does (pulumi/pulumi, sdk/go/common/resource/plugin/analyzer_plugin.go,
 * NewPolicyAnalyzer): for a `runtime: nodejs` pack it runs the `pulumi-analyzer-policy` shim with
 * the pack's directory as working directory and the arguments `<engine address> .`; the shim
 * resolves `@pulumi/pulumi/cmd/run-policy-pack` from there and runs it with node. The
 * environment is the CLI's own plus PULUMI_CONFIG (the stack's config as JSON) and
 * PULUMI_{ORGANIZATION,PROJECT,STACK,DRY_RUN} with PULUMI_NODEJS_* twins. The pack prints its
 * port as the first line of stdout. Nothing in the pack dials the engine address.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PACK_DIR = path.join(REPO_ROOT, "policy-pack");

/** The environment the CLI adds for a policy pack, for a `dev` stack of this project. */
export function engineEnvironment(dryRun: boolean): Record<string, string> {
  const env: Record<string, string> = {
    PULUMI_CONFIG: JSON.stringify({ "vpc-endpoint-labs:scenario": "s3-gateway" }),
  };
  for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
    env[`${prefix}ORGANIZATION`] = "organization";
    env[`${prefix}PROJECT`] = "vpc-endpoint-labs";
    env[`${prefix}STACK`] = "dev";
    env[`${prefix}DRY_RUN`] = String(dryRun);
  }
  return env;
}

function sourcesOf(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourcesOf(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

/**
 * Compiles the pack when its JavaScript is missing or older than a source file, as
 * `npm run build --workspace policy-pack` does; a failed build names that command.
 */
export function ensurePackBuilt(): void {
  const sources = [
    path.join(PACK_DIR, "index.ts"),
    path.join(PACK_DIR, "cli.ts"),
    path.join(PACK_DIR, "fast-start.ts"),
    ...sourcesOf(path.join(PACK_DIR, "policies")),
  ];
  const stale = sources.some((src) => {
    const out = path.join(PACK_DIR, "bin", path.relative(PACK_DIR, src).replace(/\.ts$/, ".js"));
    return !fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs;
  });
  if (!stale) {
    return;
  }
  try {
    execFileSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc"), "-p", path.join(PACK_DIR, "tsconfig.json")],
      { cwd: REPO_ROOT, stdio: "pipe" },
    );
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? String(e);
    throw new Error(
      `policy-pack/bin is missing or stale and building it failed; run \`npm run build --workspace policy-pack\`:\n${out}`,
      { cause: e },
    );
  }
}

/** A TCP listener standing in for the engine; it counts connections so a spec can show none. */
export interface FakeEngine {
  readonly address: string;
  connections(): number;
  close(): Promise<void>;
}

export async function startFakeEngine(): Promise<FakeEngine> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface RunningPack {
  readonly port: number;
  readonly client: AnalyzerClient;
  /** Milliseconds from spawn to the port line on stdout. */
  readonly startupMs: number;
  readonly engine: FakeEngine;
  stderr(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly dryRun?: boolean;
  readonly timeoutMs?: number;
}

export async function startPack(options: StartOptions = {}): Promise<RunningPack> {
  ensurePackBuilt();
  const engine = await startFakeEngine();
  const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", {
    paths: [PACK_DIR],
  });
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [runPolicyPack, engine.address, "."], {
    cwd: PACK_DIR,
    env: { ...process.env, ...engineEnvironment(options.dryRun ?? true) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));

  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(
      () =>
        reject(
          new Error(`the pack printed no port within ${options.timeoutMs ?? 15000} ms:\n${stderr}`),
        ),
      options.timeoutMs ?? 15000,
    );
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      const newline = stdout.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        const first = stdout.slice(0, newline).trim();
        if (/^\d+$/.test(first)) {
          resolve(Number(first));
        } else {
          reject(new Error(`first stdout line is not a port: ${JSON.stringify(first)}\n${stderr}`));
        }
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the pack exited with code ${code} before printing its port:\n${stderr}`));
    });
  });
  const startupMs = Date.now() - started;
  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  return {
    port,
    client,
    startupMs,
    engine,
    stderr: () => stderr,
    stop: async () => {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        await exited;
      }
      await engine.close();
    },
  };
}

/** Promisified unary call. */
export function unary<Req, Res>(
  fn: (req: Req, callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
  client: AnalyzerClient,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn.call(client, request, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

export const empty = () => new Empty();

export interface ResourceSpec {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly propertyDependencies?: Record<string, string[]>;
  readonly dependencies?: string[];
  readonly parent?: string;
}

export function analyzerResource(spec: ResourceSpec): analyzer.AnalyzerResource {
  const r = new analyzer.AnalyzerResource();
  r.setType(spec.type);
  r.setUrn(spec.urn);
  r.setName(spec.name);
  r.setProperties(Struct.fromJavaScript(spec.props as Parameters<typeof Struct.fromJavaScript>[0]));
  r.setOptions(new analyzer.AnalyzerResourceOptions());
  r.setDependenciesList(spec.dependencies ?? []);
  if (spec.parent) {
    r.setParent(spec.parent);
  }
  const deps = r.getPropertydependenciesMap();
  for (const [key, urns] of Object.entries(spec.propertyDependencies ?? {})) {
    const d = new analyzer.AnalyzerPropertyDependencies();
    d.setUrnsList(urns);
    deps.set(key, d);
  }
  return r;
}

export function analyzeStackRequest(specs: readonly ResourceSpec[]): analyzer.AnalyzeStackRequest {
  const req = new analyzer.AnalyzeStackRequest();
  req.setResourcesList(specs.map(analyzerResource));
  return req;
}

export function analyzeRequest(spec: ResourceSpec): analyzer.AnalyzeRequest {
  const req = new analyzer.AnalyzeRequest();
  req.setType(spec.type);
  req.setUrn(spec.urn);
  req.setName(spec.name);
  req.setProperties(
    Struct.fromJavaScript(spec.props as Parameters<typeof Struct.fromJavaScript>[0]),
  );
  req.setOptions(new analyzer.AnalyzerResourceOptions());
  return req;
}

const LEVELS: Record<number, string> = {
  [analyzer.EnforcementLevel.ADVISORY]: "advisory",
  [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzer.EnforcementLevel.DISABLED]: "disabled",
  [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};

export function levelName(level: analyzer.EnforcementLevel): string {
  return LEVELS[level] ?? `unknown(${level})`;
}

export function levelValue(level: string): analyzer.EnforcementLevel {
  const found = Object.entries(LEVELS).find(([, name]) => name === level);
  if (!found) {
    throw new Error(`no enforcement level ${level}`);
  }
  return Number(found[0]) as analyzer.EnforcementLevel;
}

export interface Diagnostic {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly enforcementLevel: string;
  readonly urn: string;
  readonly message: string;
}

export function diagnosticsOf(res: analyzer.AnalyzeResponse): Diagnostic[] {
  return res.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    enforcementLevel: levelName(d.getEnforcementlevel()),
    urn: d.getUrn(),
    message: d.getMessage(),
  }));
}

/** A Configure request as the CLI sends it: every policy with its level and properties. */
export function configureRequest(
  config: Record<string, { enforcementLevel: string } & Record<string, unknown>>,
): analyzer.ConfigureAnalyzerRequest {
  const req = new analyzer.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const [name, { enforcementLevel, ...props }] of Object.entries(config)) {
    const c = new analyzer.PolicyConfig();
    c.setEnforcementlevel(levelValue(enforcementLevel));
    c.setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]));
    map.set(name, c);
  }
  return req;
}
