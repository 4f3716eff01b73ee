/**
 * The spec side of the mock engine: install it once per spec file, reset it per test, and
 * resolve outputs so that an error inside an `apply` fails the spec instead of hanging it.
 */
import * as pulumi from "@pulumi/pulumi";
import { engine, EngineOptions, RecordedResource } from "../../engine/mock-engine";

export { engine };
export type { RecordedResource };

/** Installs the engine for the enclosing `describe` and resets it before every test. */
export function useEngine(options: EngineOptions = {}): void {
  before(async () => engine.install(options));
  beforeEach(() => engine.reset(options));
}

/**
 * The value of an output. Rejects when the output failed (an `apply` threw, an invoke was
 * refused); resolves `undefined` when the value is unknown, as in a preview.
 */
export function resolve<T>(value: pulumi.Input<T>): Promise<T> {
  const output = pulumi.output(value) as unknown as { promise(): Promise<T> };
  return output.promise();
}

/** The recorded resources as the policy pack's rules see them (inputs as properties). */
export function stackResources() {
  return engine.resources.map((r) => ({
    type: r.type,
    urn: r.urn,
    name: r.name,
    id: r.id,
    props: r.inputs,
    propertyDependencies: r.propertyDependencies,
    dependencies: r.dependencies,
  }));
}

/** Parses a JSON property (a policy document, say) recorded as text. */
export function json(value: unknown): Record<string, unknown> {
  if (typeof value !== "string") {
    throw new Error(`expected JSON text, got ${typeof value}: ${JSON.stringify(value)}`);
  }
  return JSON.parse(value) as Record<string, unknown>;
}

/** Runs `build`, waits for every registration, and returns what was recorded. */
export async function build(buildFn: () => unknown): Promise<RecordedResource[]> {
  const result = buildFn();
  await resolveDeep(result);
  return engine.settle();
}

/**
 * Registers what the engine refuses and returns the refusal. A refused registration rejects the
 * resource's outputs; nothing in a spec awaits them, so Node reports each as an unhandled
 * rejection, which mocha would pin on whatever test runs then: those carrying the engine's
 * refusal are caught while this waits, any other is rethrown.
 */
export async function refused(create: () => unknown): Promise<string> {
  const stray: unknown[] = [];
  const trap = (reason: unknown) => {
    if (!(reason instanceof Error && /AWS would refuse /.test(reason.message))) stray.push(reason);
  };
  process.on("unhandledRejection", trap);
  try {
    create();
    const error = await engine.settle().then(
      () => undefined,
      (e: Error) => e,
    );
    // Unhandled rejections are reported once the microtask queue drains.
    await new Promise((done) => setImmediate(done));
    if (stray.length) throw stray[0];
    if (!error) throw new Error("the engine accepted the registration");
    return error.message;
  } finally {
    process.off("unhandledRejection", trap);
  }
}

async function resolveDeep(value: unknown): Promise<void> {
  if (pulumi.Output.isInstance(value)) {
    await resolve(value);
  } else if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    await Promise.all(Object.values(value).map(resolveDeep));
  }
}
