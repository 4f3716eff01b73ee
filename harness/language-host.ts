/**
 * Starts the program the way the Pulumi CLI's nodejs language host does, against a small engine
 * and resource monitor served over gRPC with the stubs that ship in @pulumi/pulumi/proto.
 *
 * What the language host does (pulumi/pulumi, sdk/nodejs/cmd/pulumi-language-nodejs/main.go,
 * `execRuntime` and `constructArguments`): it resolves `@pulumi/pulumi/cmd/run` from the program
 * directory and runs `node <nodeargs> <run> --monitor <addr> --engine <addr> --sync <dir>
 * --organization <o> --project <p> --root-directory <dir> --stack <s> --pwd <dir> [--dry-run]
 * --parallel <n> <entry point>`, the entry point being "." when Pulumi.yaml names no `main`. The
 * environment is the CLI's own plus PULUMI_CONFIG (keys as `<namespace>:config:<name>`),
 * PULUMI_CONFIG_SECRET_KEYS, and from the `runtime.options` of Pulumi.yaml
 * PULUMI_NODEJS_TYPESCRIPT=true (unless `typescript: false`) and PULUMI_NODEJS_TSCONFIG_PATH
 * (`tsconfig`); `nodeargs` is split like a shell line and put before the run path. Errors reach
 * the user through the engine's Log RPC. The `--sync` pipes serve only the deprecated synchronous
 * invokes, which nothing here uses, so they are left out.
 *
 * The monitor answers the way the engine does for new resources: in a preview a registration
 * comes back with its inputs and no id (computed outputs unknown); in an update with the offline
 * engine's realistic outputs. Invokes are the offline engine's, so an unimplemented one fails.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pulumi from "@pulumi/pulumi";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginepb from "@pulumi/pulumi/proto/engine_pb";
import { InvokeResponse } from "@pulumi/pulumi/proto/provider_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourcepb from "@pulumi/pulumi/proto/resource_pb";
import { parse as parseYaml } from "yaml";
import { MockEngine, PROJECT } from "../engine/mock-engine";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** The `runtime.options` of Pulumi.yaml the nodejs language host reads. */
export interface RuntimeOptions {
  typescript?: boolean;
  tsconfig?: string;
  nodeargs?: string;
}

export function projectRuntimeOptions(root = REPO_ROOT): RuntimeOptions {
  const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    runtime: string | { name: string; options?: RuntimeOptions };
  };
  return typeof project.runtime === "string" ? {} : (project.runtime.options ?? {});
}

/** The environment and node arguments the language host derives from the runtime options. */
export function runtimeLaunch(options: RuntimeOptions): {
  env: Record<string, string>;
  nodeArgs: string[];
} {
  const env: Record<string, string> = {};
  if (options.typescript ?? true) {
    env.PULUMI_NODEJS_TYPESCRIPT = "true";
  }
  if (options.tsconfig) {
    env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  }
  const nodeargs = options.nodeargs?.trim() ?? "";
  if (/["'\\]/.test(nodeargs)) {
    throw new Error("runtime.options.nodeargs: quoting is not supported by this harness");
  }
  return { env, nodeArgs: nodeargs === "" ? [] : nodeargs.split(/\s+/) };
}

/** `PULUMI_CONFIG` as the language host builds it: every key as `<namespace>:config:<name>`. */
export function pulumiConfigJson(config: Record<string, string>): string {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const [namespace, name] = key.includes(":") ? key.split(":", 2) : [PROJECT, key];
    out[`${namespace}:config:${name}`] = value;
  }
  return JSON.stringify(out);
}

export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  parent?: string;
}

export interface LogEntry {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  /** Milliseconds from spawn. */
  atMs: number;
}

export interface ProgramRun {
  exitCode: number | null;
  registrations: Registration[];
  logs: LogEntry[];
  /** The stack's outputs, as the program registered them. */
  outputs: Record<string, unknown>;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to the program's first resource (the stack itself comes earlier). */
  startMs?: number;
  /** Milliseconds from spawn to the first error log: the user sees the error. */
  firstErrorMs?: number;
  /** Milliseconds from spawn to exit. */
  totalMs: number;
  /** Peak resident memory of the program's process (VmHWM, sampled), in MB. */
  peakRssMb?: number;
  /** CPU time (user + system) of the program's process at the last sample, in ms: steadier
   * than wall time on a shared machine. */
  cpuMs?: number;
  /** CPU time of the program's process when its first resource arrived, in ms. */
  startCpuMs?: number;
  /** CPU time of the program's process when its first error arrived, in ms. */
  firstErrorCpuMs?: number;
}

export interface RunOptions {
  stack: string;
  /** Stack config as `pulumi config set` stores it; keys without a namespace are the project's. */
  config: Record<string, string>;
  dryRun: boolean;
  /** @default the runtime options of the repository's Pulumi.yaml */
  runtimeOptions?: RuntimeOptions;
  /** Extra environment, e.g. PULUMI_NODEJS_TRANSPILE_ONLY. */
  env?: Record<string, string>;
  /** @default the repository root */
  programDirectory?: string;
  /** @default 60000 */
  timeoutMs?: number;
  /** Sample the child's peak memory and CPU time (a /proc read every 25 ms). @default false */
  measure?: boolean;
}

const SEVERITIES: Record<number, LogEntry["severity"]> = {
  [enginepb.LogSeverity.DEBUG]: "debug",
  [enginepb.LogSeverity.INFO]: "info",
  [enginepb.LogSeverity.WARNING]: "warning",
  [enginepb.LogSeverity.ERROR]: "error",
};

/** Features the monitor reports. Resource references and output values stay off, so inputs
 * arrive as plain values the offline engine's shapers read. */
const FEATURES = new Set(["secrets", "deletedWith", "aliasSpecs"]);

function plain(struct: Struct | undefined): Record<string, unknown> {
  return pulumi.runtime.deserializeProperties(struct ?? new Struct()) as Record<string, unknown>;
}

/** CPU time (user + system) a live process has used, in ms; undefined once it has exited. */
function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name, in ticks of
    // 1/100 s (USER_HZ).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

type Unary<Req, Res> = (call: { request: Req }, callback: grpc.sendUnaryData<Res>) => void;

function unimplemented(name: string): Unary<unknown, unknown> {
  return (_call, callback) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not served by the harness` });
}

/** Runs the program once, as `pulumi preview` (dryRun) or `pulumi up` would, and reports. */
export async function runLikeTheCli(options: RunOptions): Promise<ProgramRun> {
  const root = options.programDirectory ?? REPO_ROOT;
  const stack = options.stack;
  const engine = new MockEngine();
  const mocks = engine.mocks();
  const registrations: Registration[] = [];
  const logs: LogEntry[] = [];
  let outputs: Record<string, unknown> = {};
  let stackUrn: string | undefined;
  let started = 0;
  let startMs: number | undefined;
  let startCpuMs: number | undefined;
  let firstErrorCpuMs: number | undefined;
  // Set once the program is spawned; the handlers read it.
  const program: { pid?: number } = {};

  const urnOf = (parent: string, type: string, name: string): string => {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && !parentType.endsWith("pulumi:Stack") ? `${parentType}$` : "";
    return `urn:pulumi:${stack}::${PROJECT}::${qualified}${type}::${name}`;
  };

  const server = new grpc.Server();
  server.addService(ResourceMonitorService, {
    supportsFeature: ((call, callback) => {
      const res = new resourcepb.SupportsFeatureResponse();
      res.setHassupport(FEATURES.has(call.request.getId()));
      callback(null, res);
    }) as Unary<resourcepb.SupportsFeatureRequest, resourcepb.SupportsFeatureResponse>,
    registerResource: ((call, callback) => {
      const req = call.request;
      const urn = urnOf(req.getParent(), req.getType(), req.getName());
      if (req.getType() !== "pulumi:pulumi:Stack") {
        if (startMs === undefined) {
          startMs = Date.now() - started;
          startCpuMs = options.measure ? cpuMsOf(program.pid) : undefined;
        }
      }
      registrations.push({
        type: req.getType(),
        name: req.getName(),
        urn,
        custom: req.getCustom(),
        parent: req.getParent() || undefined,
      });
      if (req.getType() === "pulumi:pulumi:Stack") {
        stackUrn = urn;
      }
      const res = new resourcepb.RegisterResourceResponse();
      res.setUrn(urn);
      if (options.dryRun || !req.getCustom()) {
        res.setObject(req.getObject() ?? new Struct());
        callback(null, res);
        return;
      }
      const inputs = plain(req.getObject());
      Promise.resolve(
        mocks.newResource({
          type: req.getType(),
          name: req.getName(),
          inputs,
          provider: req.getProvider(),
          custom: true,
          id: req.getImportid(),
        }),
      )
        .then(async (shaped) => {
          res.setId(shaped.id ?? "");
          res.setObject(
            Struct.fromJavaScript(await pulumi.runtime.serializeProperties("", shaped.state)),
          );
          callback(null, res);
        })
        .catch((e: Error) => callback({ code: grpc.status.UNKNOWN, details: e.message }));
    }) as Unary<resourcepb.RegisterResourceRequest, resourcepb.RegisterResourceResponse>,
    registerResourceOutputs: ((call, callback) => {
      if (call.request.getUrn() === stackUrn) {
        outputs = plain(call.request.getOutputs());
      }
      callback(null, new Empty());
    }) as Unary<resourcepb.RegisterResourceOutputsRequest, Empty>,
    invoke: ((call, callback) => {
      const req = call.request;
      Promise.resolve(
        mocks.call({
          token: req.getTok(),
          inputs: plain(req.getArgs()),
          provider: req.getProvider(),
        }),
      )
        .then(async (result) => {
          const res = new InvokeResponse();
          res.setReturn(
            Struct.fromJavaScript(await pulumi.runtime.serializeProperties("", result)),
          );
          callback(null, res);
        })
        .catch((e: Error) => callback({ code: grpc.status.UNKNOWN, details: e.message }));
    }) as Unary<resourcepb.ResourceInvokeRequest, InvokeResponse>,
    signalAndWaitForShutdown: ((_call, callback) => callback(null, new Empty())) as Unary<
      Empty,
      Empty
    >,
    getDeploymentInfo: unimplemented("GetDeploymentInfo"),
    call: unimplemented("Call"),
    readResource: unimplemented("ReadResource"),
    registerStackTransform: unimplemented("RegisterStackTransform"),
    registerStackInvokeTransform: unimplemented("RegisterStackInvokeTransform"),
    registerResourceHook: unimplemented("RegisterResourceHook"),
    registerErrorHook: unimplemented("RegisterErrorHook"),
    registerPackage: unimplemented("RegisterPackage"),
  });
  server.addService(EngineService, {
    log: ((call, callback) => {
      if (call.request.getSeverity() === enginepb.LogSeverity.ERROR && options.measure) {
        firstErrorCpuMs ??= cpuMsOf(program.pid);
      }
      logs.push({
        severity: SEVERITIES[call.request.getSeverity()] ?? "error",
        message: call.request.getMessage(),
        atMs: Date.now() - started,
      });
      callback(null, new Empty());
    }) as Unary<enginepb.LogRequest, Empty>,
    getRootResource: ((_call, callback) => {
      const res = new enginepb.GetRootResourceResponse();
      res.setUrn(stackUrn ?? "");
      callback(null, res);
    }) as Unary<enginepb.GetRootResourceRequest, enginepb.GetRootResourceResponse>,
    setRootResource: ((call, callback) => {
      stackUrn = call.request.getUrn();
      callback(null, new enginepb.SetRootResourceResponse());
    }) as Unary<enginepb.SetRootResourceRequest, enginepb.SetRootResourceResponse>,
    startDebugging: unimplemented("StartDebugging"),
    requirePulumiVersion: unimplemented("RequirePulumiVersion"),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const address = `127.0.0.1:${port}`;

  const launch = runtimeLaunch(options.runtimeOptions ?? projectRuntimeOptions(root));
  const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [root] });
  const args = [
    ...launch.nodeArgs,
    runPath,
    ...["--monitor", address, "--engine", address, "--organization", "organization"],
    ...["--project", PROJECT, "--root-directory", root, "--stack", stack, "--pwd", root],
    ...(options.dryRun ? ["--dry-run"] : []),
    ...["--parallel", "48", "."],
  ];
  started = Date.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      PULUMI_CONFIG: pulumiConfigJson(options.config),
      PULUMI_CONFIG_SECRET_KEYS: "[]",
      ...launch.env,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));

  program.pid = child.pid;
  let peakKb = 0;
  let cpuMs: number | undefined;
  const sampler = options.measure
    ? setInterval(() => {
        try {
          const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
          peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
          cpuMs = cpuMsOf(child.pid) ?? cpuMs;
        } catch {
          // The process has exited between samples; the last sample stands.
        }
      }, 25)
    : undefined;

  const timeoutMs = options.timeoutMs ?? 60_000;
  const exitCode = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const totalMs = Date.now() - started;
  if (sampler) clearInterval(sampler);
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));

  return {
    exitCode,
    registrations,
    logs,
    outputs,
    stdout,
    stderr,
    startMs,
    firstErrorMs: logs.find((l) => l.severity === "error")?.atMs,
    totalMs,
    peakRssMb: options.measure ? Math.round(peakKb / 1024) : undefined,
    cpuMs,
    startCpuMs,
    firstErrorCpuMs,
  };
}
