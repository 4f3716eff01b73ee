/**
 * Values that the Pulumi engine does not know yet (during `pulumi preview`, every output of a
 * resource that is still to be created) reach a policy pack as sentinel strings. The engine's
 * marshaller always sends the string sentinel; the SDK knows a few more, one per value type.
 * The analysis works on plain data and treats every sentinel as "not known yet".
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (the one the engine sends)
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The sentinel the engine uses for every unknown value. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A path into a resource's properties, e.g. `["policy"]` or `["ingress", 0, "cidrBlocks"]`. */
export type PropertyPath = readonly (string | number)[];

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** A value that is neither unknown nor absent. */
export function isKnownString(value: unknown): value is string {
  return typeof value === "string" && !UNKNOWN_SENTINELS.has(value);
}

/**
 * Returns the path of the first unknown value inside `value` (depth first), or undefined when
 * everything is known.
 */
export function findUnknown(value: unknown, base: PropertyPath = []): PropertyPath | undefined {
  if (isUnknown(value)) {
    return base;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnknown(value[i], [...base, i]);
      if (found) {
        return found;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      const found = findUnknown(child, [...base, key]);
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}

export function formatPath(path: PropertyPath): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}
