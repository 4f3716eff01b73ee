import { excerpt, jsonExcerpt } from "./text";
import { PropertyPath, isUnknown } from "./unknowns";

/**
 * Normalised IAM policy documents. AWS accepts a policy as JSON text, `Statement` as one object or
 * a list, and `Action`/`Resource`/condition values as a string or a list; everything below works
 * on one shape. Unknown values (preview) are dropped from the lists and remembered by path.
 */

/** One `operator -> key -> values` entry of a statement's `Condition` block. */
export interface ConditionClause {
  /** As written, e.g. `StringNotEquals`. */
  readonly operator: string;
  /** As written, e.g. `aws:sourceVpce`; compare lower-cased (condition keys ignore case). */
  readonly key: string;
  readonly values: readonly string[];
}

/** `"*"`, or a map such as `{ AWS: ["arn:aws:iam::123456789012:root"] }`. */
export type PrincipalSpec = "*" | Readonly<Record<string, readonly string[]>>;

export interface NormalizedStatement {
  /** Position in the document's statement list (0 for a single Statement object). */
  readonly index: number;
  readonly sid?: string;
  /** `unknown` only during preview, when the Effect value is not known yet. */
  readonly effect: "Allow" | "Deny" | "unknown";
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  readonly conditions: readonly ConditionClause[];
  /** Path, inside the document, of the first value that is not known yet. */
  readonly unknownPath?: PropertyPath;
}

export type ParsedDocument =
  | { readonly kind: "absent" }
  | { readonly kind: "unknown"; readonly path: PropertyPath }
  | { readonly kind: "malformed"; readonly error: string }
  | { readonly kind: "document"; readonly statements: readonly NormalizedStatement[] };

export interface ParseOptions {
  /** Bucket policies must name a Principal in every statement (identity policies must not). */
  readonly requirePrincipal?: boolean;
  /**
   * Largest document AWS accepts, in characters of compact JSON (whitespace outside strings
   * not counted), with the name of the limit for the message. Larger documents are malformed,
   * and are never analysed: this bounds the analysis of hostile input.
   */
  readonly maxChars?: { readonly chars: number; readonly what: string };
}

class Malformed extends Error {}

/**
 * Parses a policy given as JSON text or as an object. Never throws: a document AWS would reject
 * comes back as `malformed` with the reason.
 */
export function parsePolicyDocument(policy: unknown, options: ParseOptions = {}): ParsedDocument {
  if (policy === undefined || policy === null || policy === "") {
    return { kind: "absent" };
  }
  if (isUnknown(policy)) {
    return { kind: "unknown", path: [] };
  }
  let doc: unknown = policy;
  const limit = options.maxChars;
  if (typeof policy === "string") {
    // Whitespace may at most pad a document AWS accepts to a few times its size.
    if (limit && policy.length > 4 * limit.chars) {
      return { kind: "malformed", error: tooLarge(policy.length, limit) };
    }
    try {
      doc = JSON.parse(policy);
    } catch (e) {
      return {
        kind: "malformed",
        error: `is not valid JSON (${excerpt((e as Error).message, 120)})`,
      };
    }
  }
  if (limit) {
    const size = compactJsonSize(doc, limit.chars);
    if (size > limit.chars) {
      return { kind: "malformed", error: tooLarge(size, limit, true) };
    }
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return {
      kind: "malformed",
      error: `must be a JSON object with a "Statement" list, not ${describeType(doc)}`,
    };
  }
  const raw = (doc as Record<string, unknown>).Statement;
  if (isUnknown(raw)) {
    return { kind: "unknown", path: ["Statement"] };
  }
  if (raw === undefined) {
    return { kind: "malformed", error: 'has no "Statement"' };
  }
  let list: unknown[];
  if (Array.isArray(raw)) {
    list = raw;
  } else if (raw !== null && typeof raw === "object") {
    list = [raw];
  } else {
    return {
      kind: "malformed",
      error: `"Statement" must be an object or a list of objects, not ${describeType(raw)}`,
    };
  }
  const statements: NormalizedStatement[] = [];
  try {
    for (let i = 0; i < list.length; i++) {
      const base: PropertyPath = Array.isArray(raw) ? ["Statement", i] : ["Statement"];
      statements.push(normalizeStatement(list[i], i, base, options));
    }
  } catch (e) {
    if (e instanceof Malformed) {
      return { kind: "malformed", error: `is malformed: ${e.message}` };
    }
    throw e;
  }
  return { kind: "document", statements };
}

function normalizeStatement(
  value: unknown,
  index: number,
  base: PropertyPath,
  options: ParseOptions,
): NormalizedStatement {
  const where = `Statement[${index}]`;
  if (isUnknown(value)) {
    return { index, effect: "unknown", conditions: [], unknownPath: base };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Malformed(`${where} must be an object, not ${describeType(value)}`);
  }
  const s = value as Record<string, unknown>;
  const unknowns: PropertyPath[] = [];

  let effect: NormalizedStatement["effect"];
  if (isUnknown(s.Effect)) {
    effect = "unknown";
    unknowns.push([...base, "Effect"]);
  } else if (s.Effect === "Allow" || s.Effect === "Deny") {
    effect = s.Effect;
  } else {
    throw new Malformed(
      `${where}.Effect must be "Allow" or "Deny", not ${jsonExcerpt(s.Effect ?? null, 60)}`,
    );
  }

  const strings = (key: string): string[] | undefined => {
    const v = s[key];
    if (v === undefined) {
      return undefined;
    }
    if (isUnknown(v)) {
      unknowns.push([...base, key]);
      return [];
    }
    const items = Array.isArray(v) ? v : [v];
    const out: string[] = [];
    items.forEach((item, i) => {
      if (isUnknown(item)) {
        unknowns.push([...base, key, i]);
      } else if (typeof item === "string") {
        out.push(item);
      } else {
        throw new Malformed(`${where}.${key} must be a string or a list of strings`);
      }
    });
    return out;
  };

  const actions = strings("Action");
  const notActions = strings("NotAction");
  const resources = strings("Resource");
  const notResources = strings("NotResource");
  if (actions && notActions) {
    throw new Malformed(`${where} has both Action and NotAction`);
  }
  if (!actions && !notActions) {
    throw new Malformed(`${where} has neither Action nor NotAction`);
  }
  if (resources && notResources) {
    throw new Malformed(`${where} has both Resource and NotResource`);
  }
  if (!resources && !notResources) {
    throw new Malformed(`${where} has neither Resource nor NotResource`);
  }

  const principal =
    s.Principal === "*"
      ? "*"
      : normalizePrincipal(s.Principal, `${where}.Principal`, [...base, "Principal"], unknowns);
  const notPrincipal =
    s.NotPrincipal === undefined
      ? undefined
      : normalizePrincipal(
          s.NotPrincipal,
          `${where}.NotPrincipal`,
          [...base, "NotPrincipal"],
          unknowns,
        );
  if (principal && notPrincipal) {
    throw new Malformed(`${where} has both Principal and NotPrincipal`);
  }
  if (options.requirePrincipal && !principal && !notPrincipal && !unknowns.length) {
    throw new Malformed(`${where} has no Principal (every bucket policy statement needs one)`);
  }

  const conditions =
    s.Condition === undefined
      ? []
      : normalizeConditions(s.Condition, where, [...base, "Condition"], unknowns);
  // Built field by field rather than with spreads: this runs once per statement of every bucket
  // policy in the stack.
  const out: { -readonly [K in keyof NormalizedStatement]: NormalizedStatement[K] } = {
    index,
    effect,
    conditions,
  };
  if (typeof s.Sid === "string") {
    out.sid = s.Sid;
  }
  if (actions) {
    out.actions = actions;
  }
  if (notActions) {
    out.notActions = notActions;
  }
  if (resources) {
    out.resources = resources;
  }
  if (notResources) {
    out.notResources = notResources;
  }
  if (principal) {
    out.principal = principal;
  }
  if (notPrincipal) {
    out.notPrincipal = notPrincipal;
  }
  if (unknowns.length) {
    out.unknownPath = unknowns[0];
  }
  return out;
}

function normalizePrincipal(
  value: unknown,
  where: string,
  path: PropertyPath,
  unknowns: PropertyPath[],
): PrincipalSpec | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (isUnknown(value)) {
    unknowns.push(path);
    return {};
  }
  if (value === "*") {
    return "*";
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Malformed(`${where} must be "*" or an object such as {"AWS": "*"}`);
  }
  const out: Record<string, string[]> = {};
  for (const [kind, v] of Object.entries(value)) {
    if (isUnknown(v)) {
      unknowns.push([...path, kind]);
      out[kind] = [];
      continue;
    }
    const items = Array.isArray(v) ? v : [v];
    out[kind] = [];
    items.forEach((item, i) => {
      if (isUnknown(item)) {
        unknowns.push([...path, kind, i]);
      } else if (typeof item === "string") {
        out[kind].push(item);
      } else {
        throw new Malformed(`${where}.${excerpt(kind, 60)} must be a string or a list of strings`);
      }
    });
  }
  return out;
}

function normalizeConditions(
  value: unknown,
  where: string,
  path: PropertyPath,
  unknowns: PropertyPath[],
): ConditionClause[] {
  if (value === undefined) {
    return [];
  }
  if (isUnknown(value)) {
    unknowns.push(path);
    return [];
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Malformed(`${where}.Condition must be an object of operators`);
  }
  const out: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (isUnknown(block)) {
      unknowns.push([...path, operator]);
      continue;
    }
    if (block === null || typeof block !== "object" || Array.isArray(block)) {
      throw new Malformed(
        `${where}.Condition.${excerpt(operator, 60)} must be an object of condition keys`,
      );
    }
    for (const [key, raw] of Object.entries(block)) {
      const items = Array.isArray(raw) ? raw : [raw];
      const values: string[] = [];
      items.forEach((item, i) => {
        if (isUnknown(item)) {
          unknowns.push([...path, operator, key, ...(Array.isArray(raw) ? [i] : [])]);
        } else if (
          typeof item === "string" ||
          typeof item === "number" ||
          typeof item === "boolean"
        ) {
          values.push(String(item));
        } else {
          throw new Malformed(
            `${where}.Condition.${excerpt(operator, 60)}.${excerpt(key, 60)} must be a string or a list of strings`,
          );
        }
      });
      out.push({ operator, key, values });
    }
  }
  return out;
}

function tooLarge(size: number, limit: { chars: number; what: string }, atLeast = false): string {
  return (
    `is ${atLeast ? "over " : ""}${(atLeast ? limit.chars : size).toLocaleString("en-US")} characters, ` +
    `more than AWS accepts for ${limit.what} (${limit.chars.toLocaleString("en-US")})`
  );
}

/**
 * Characters of `value` as compact JSON, counting only up to just past `limit` (a larger value
 * is not walked further), without recursion, so neither size nor depth of hostile input matters.
 */
export function compactJsonSize(value: unknown, limit: number): number {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length && size <= limit) {
    const v = stack.pop();
    if (typeof v === "string") {
      size += v.length + 2;
    } else if (Array.isArray(v)) {
      size += 2 + Math.max(0, v.length - 1);
      if (v.length > limit) {
        return limit + 1;
      }
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      size += 2 + Math.max(0, keys.length - 1);
      if (keys.length > limit) {
        return limit + 1;
      }
      for (const k of keys) {
        size += k.length + 3;
        stack.push((v as Record<string, unknown>)[k]);
      }
    } else {
      size += String(v).length;
    }
  }
  return size;
}

function describeType(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "a list";
  }
  return `a ${typeof value}`;
}

/** A condition operator taken apart: `ForAnyValue:StringNotLikeIfExists` -> set any, base, ifExists. */
export interface ParsedOperator {
  /** Lower-cased operator without its set prefix and IfExists suffix: `stringnotlike`. */
  base: string;
  /** `ForAnyValue:` or `ForAllValues:`, when present. */
  set?: "any" | "all";
  ifExists: boolean;
}

/** Condition operators are case-insensitive; the pack and the connectivity model read them here. */
export function parseOperator(operator: string): ParsedOperator {
  let base = operator.toLowerCase();
  let set: ParsedOperator["set"];
  if (base.startsWith("foranyvalue:")) {
    set = "any";
    base = base.slice("foranyvalue:".length);
  } else if (base.startsWith("forallvalues:")) {
    set = "all";
    base = base.slice("forallvalues:".length);
  }
  const ifExists = base.endsWith("ifexists");
  if (ifExists) base = base.slice(0, -"ifexists".length);
  return { base, set, ifExists };
}
