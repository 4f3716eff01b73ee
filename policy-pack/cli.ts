#!/usr/bin/env node
/**
 * Runs every policy of the pack on a `pulumi stack export` file, offline: no Pulumi CLI, no
 * Pulumi organisation, no AWS. The same job as `pulumi policy analyze --file` (Pulumi CLI
 * 3.249+), for users on older CLIs.
 *
 *   node policy-pack/bin/cli.js --file stack.json [--config policy-pack/config/labs.json] [--json]
 *
 * Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 bad input.
 */
import * as fs from "fs";
import { PackConfig, StackResource, Violation, evaluateStack, rules } from "./policies";
import { UNKNOWN } from "./policies/unknowns";

const USAGE =
  "usage: vpc-endpoint-labs-policy --file <stack-export.json> [--config <policy-config.json>] [--json]";

class BadInput extends Error {}

interface Options {
  file: string;
  config?: string;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let file: string | undefined;
  let config: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new BadInput(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === "--file" || arg === "-f") file = value();
    else if (arg === "--config") config = value();
    else if (arg === "--json") json = true;
    else if (arg === "--help" || arg === "-h") throw new BadInput(USAGE);
    else if (!arg.startsWith("-") && file === undefined) file = arg;
    else throw new BadInput(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!file) throw new BadInput(`no stack export given\n${USAGE}`);
  return { file, config, json };
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    throw new BadInput(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadInput(`${what} ${path} is not JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * A stack export's value as a policy sees it: a secret exported with `--show-secrets` carries its
 * value as JSON in `plaintext`; an encrypted one (`ciphertext`) cannot be read and counts as
 * unknown, so it gives an advisory rather than a verdict.
 */
function reveal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reveal);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if (obj[SECRET_SIG] !== undefined) {
    if (typeof obj.plaintext === "string") {
      try {
        return reveal(JSON.parse(obj.plaintext));
      } catch {
        return obj.plaintext;
      }
    }
    return "value" in obj ? reveal(obj.value) : UNKNOWN;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = reveal(v);
  return out;
}

/** The resources of a `pulumi stack export` (version 3 deployments), as AnalyzeStack sends them. */
export function resourcesOfExport(doc: unknown): StackResource[] {
  const deployment = (doc as { deployment?: { resources?: unknown } } | null)?.deployment;
  const list = deployment?.resources;
  if (!Array.isArray(list)) {
    throw new BadInput(
      'not a stack export: expected {"deployment": {"resources": [...]}} (the output of `pulumi stack export`)',
    );
  }
  return list.flatMap((r: Record<string, unknown>, i: number): StackResource[] => {
    if (
      r === null ||
      typeof r !== "object" ||
      typeof r.urn !== "string" ||
      typeof r.type !== "string"
    ) {
      throw new BadInput(`resources[${i}] has no urn or type`);
    }
    if (r.delete === true) return [];
    const outputs = r.outputs && typeof r.outputs === "object" ? r.outputs : undefined;
    const props = (reveal(outputs && Object.keys(outputs).length ? outputs : (r.inputs ?? {})) ??
      {}) as Record<string, unknown>;
    const deps = r.propertyDependencies;
    return [
      {
        type: r.type,
        urn: r.urn,
        name: r.urn.slice(r.urn.lastIndexOf("::") + 2),
        props,
        ...(typeof r.id === "string" && r.id ? { id: r.id } : {}),
        ...(deps && typeof deps === "object"
          ? { propertyDependencies: deps as Record<string, string[]> }
          : {}),
        ...(Array.isArray(r.dependencies) ? { dependencies: r.dependencies as string[] } : {}),
      },
    ];
  });
}

function checkConfig(config: unknown, path: string): PackConfig {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new BadInput(`config ${path} must be an object of policy names`);
  }
  const names = new Set(["all", ...rules.map((r) => r.name)]);
  for (const [name, entry] of Object.entries(config)) {
    if (!names.has(name)) {
      throw new BadInput(`config ${path} names no policy of this pack: ${name}`);
    }
    const level =
      typeof entry === "string"
        ? entry
        : (entry as { enforcementLevel?: unknown })?.enforcementLevel;
    if (
      level !== undefined &&
      !["advisory", "mandatory", "remediate", "disabled"].includes(level as string)
    ) {
      throw new BadInput(`config ${path}: ${name} has enforcement level ${JSON.stringify(level)}`);
    }
  }
  return config as PackConfig;
}

function render(violations: readonly Violation[]): string {
  const lines = violations.map(
    (v) =>
      `${v.enforcementLevel.padEnd(9)} ${v.policyName}\n  ${v.urn ?? "(stack)"}\n  ${v.message}`,
  );
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  lines.push(
    `${violations.length} violation${violations.length === 1 ? "" : "s"}, ${mandatory} mandatory`,
  );
  return lines.join("\n\n");
}

export function main(argv: readonly string[], out = process.stdout, err = process.stderr): number {
  try {
    const options = parseArgs(argv);
    const resources = resourcesOfExport(readJson(options.file, "stack export"));
    const config = options.config
      ? checkConfig(readJson(options.config, "config"), options.config)
      : {};
    const violations = evaluateStack(resources, config);
    const mandatory = violations.some((v) => v.enforcementLevel === "mandatory");
    out.write(
      options.json
        ? `${JSON.stringify({ resources: resources.length, violations }, null, 2)}\n`
        : `${render(violations)}\n`,
    );
    return mandatory ? 1 : 0;
  } catch (e) {
    if (e instanceof BadInput) {
      err.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
