/**
 * The resource graph the connectivity model reads, from either source: the offline engine's
 * record of a scenario (`fromRecorded`) or the `deployment.resources` of `pulumi stack export`
 * (`fromStackExport`), so the same model checks a lab before and after it is deployed.
 * Pure: no Pulumi runtime.
 */

/** One resource as the model sees it. */
export interface GraphResource {
  /** Type token, e.g. `aws:ec2/vpcEndpoint:VpcEndpoint`. */
  type: string;
  urn: string;
  /** Logical (Pulumi) name, the last part of the URN. */
  name: string;
  /** Physical id; components have none. */
  id?: string;
  /** URN of the parent resource. */
  parent?: string;
  /** URNs this resource depends on. */
  dependencies: string[];
  /** For each input property, the URNs its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** Outputs merged over inputs: what the provider reported, else what the program asked for. */
  props: Record<string, unknown>;
}

/**
 * One registered resource, as the offline engine (`engine/`) records it. Declared here, at the
 * bottom, so that the engine builds on the model's shape and the model depends on nothing above.
 */
export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** Physical id; components have none. */
  id?: string;
  /** True for resources a provider manages, false for components. */
  custom: boolean;
  /** URN of the parent resource, when one was given. */
  parent?: string;
  /** URNs this resource depends on (explicit and through its inputs). */
  dependencies: string[];
  /** For each input property, the URNs its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** The inputs, with unknowns left out and secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** The outputs the engine answered with (inputs plus computed fields). */
  outputs: Record<string, unknown>;
}

/** The engine's record of a scenario run, as a graph. */
export function fromRecorded(resources: readonly RecordedResource[]): GraphResource[] {
  return resources.map((r) => ({
    type: r.type,
    urn: r.urn,
    name: r.name,
    ...(r.custom && r.id ? { id: r.id } : {}),
    ...(r.parent ? { parent: r.parent } : {}),
    dependencies: [...r.dependencies],
    propertyDependencies: { ...r.propertyDependencies },
    props: { ...r.inputs, ...r.outputs },
  }));
}

/** Stack export schema versions whose `deployment.resources` have the shape read here. */
const SUPPORTED_VERSIONS = [3, 4];
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/**
 * The resources of a `pulumi stack export` document (JSON text or parsed), without the stack
 * itself, its providers and resources pending deletion. Secrets exported with `--show-secrets`
 * are unwrapped; encrypted ones are left out, as if unknown. Throws, naming the offending path,
 * when the document is not a stack export.
 */
export function fromStackExport(exported: unknown): GraphResource[] {
  const resources = exportedResources(exported);
  const graph: GraphResource[] = [];
  resources.forEach((raw, i) => {
    const at = `deployment.resources[${i}]`;
    if (!isObject(raw)) throw new ExportError(`${at} must be an object; got ${kind(raw)}`);
    const urn = requireString(raw, "urn", at);
    const type = requireString(raw, "type", at);
    if (type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:")) return;
    if (raw.delete === true) return;
    const id = optionalString(raw, "id", at);
    const parent = optionalString(raw, "parent", at);
    graph.push({
      type,
      urn,
      name: nameOf(urn),
      ...(id ? { id } : {}),
      ...(parent ? { parent } : {}),
      dependencies: stringList(raw.dependencies, `${at}.dependencies`),
      propertyDependencies: dependencyMap(raw.propertyDependencies, `${at}.propertyDependencies`),
      props: {
        ...propertyBag(raw.inputs, `${at}.inputs`),
        ...propertyBag(raw.outputs, `${at}.outputs`),
      },
    });
  });
  return graph;
}

/**
 * The outputs of the exported stack itself (for a lab stack: its `expectations` and `checks`),
 * secrets unwrapped as in `fromStackExport`; empty when the export has no stack resource.
 */
export function stackOutputs(exported: unknown): Record<string, unknown> {
  const stack = exportedResources(exported).find(
    (r) => isObject(r) && r.type === "pulumi:pulumi:Stack",
  ) as Record<string, unknown> | undefined;
  return stack ? propertyBag(stack.outputs, "the stack's outputs") : {};
}

/** The document's `deployment.resources`, after checking the document is a stack export. */
function exportedResources(exported: unknown): unknown[] {
  let doc = exported;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch (e) {
      throw new ExportError(`is not JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(doc)) {
    throw new ExportError(`must be an object with "version" and "deployment"; got ${kind(doc)}`);
  }
  if (doc.version !== undefined && !SUPPORTED_VERSIONS.includes(doc.version as number)) {
    throw new ExportError(
      `has version ${JSON.stringify(doc.version)}; this reader supports versions ${SUPPORTED_VERSIONS.join(" and ")} (\`pulumi stack export\` of Pulumi CLI 3.x)`,
    );
  }
  const deployment = doc.deployment;
  if (!isObject(deployment)) {
    throw new ExportError(
      `has no "deployment" object; export a stack with \`pulumi stack export --file <file>\`, not its outputs`,
    );
  }
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources)) {
    throw new ExportError(`deployment.resources must be a list; got ${kind(resources)}`);
  }
  return resources;
}

/**
 * The logical name in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). Names may
 * themselves contain `::`, so everything after the type is the name.
 */
export function nameOf(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) {
    throw new Error(`"${urn}" is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)`);
  }
  return parts.slice(3).join("::");
}

/** Thrown for a document that is not a usable stack export. */
export class ExportError extends Error {
  constructor(problem: string) {
    super(`stack export ${problem}`);
    this.name = "ExportError";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function requireString(raw: Record<string, unknown>, key: string, at: string): string {
  const value = raw[key];
  if (typeof value !== "string" || value === "") {
    throw new ExportError(`${at}.${key} must be a non-empty string; got ${kind(value)}`);
  }
  return value;
}

function optionalString(raw: Record<string, unknown>, key: string, at: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") {
    throw new ExportError(`${at}.${key} must be a string; got ${kind(value)}`);
  }
  return value;
}

function stringList(value: unknown, at: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new ExportError(`${at} must be a list of URNs`);
  }
  return [...(value as string[])];
}

function dependencyMap(value: unknown, at: string): Record<string, string[]> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new ExportError(`${at} must be an object of URN lists`);
  const out: Record<string, string[]> = {};
  for (const [key, urns] of Object.entries(value)) out[key] = stringList(urns, `${at}.${key}`);
  return out;
}

function propertyBag(value: unknown, at: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new ExportError(`${at} must be an object; got ${kind(value)}`);
  return unwrapSecrets(value) as Record<string, unknown>;
}

/** Plaintext secrets (`--show-secrets`) become their value; encrypted ones become undefined. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (!isObject(value)) return value;
  if (value[SECRET_SIG] === SECRET_VALUE) {
    if (typeof value.plaintext !== "string") return undefined;
    try {
      return unwrapSecrets(JSON.parse(value.plaintext));
    } catch {
      return value.plaintext;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = unwrapSecrets(v);
  return out;
}
