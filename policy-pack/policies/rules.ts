import type { PolicyConfigSchema } from "@pulumi/policy";
import { PropertyPath, isUnknown } from "./unknowns";

/**
 * The pack's policies are written as plain rules over plain data, so that the analysis runs the
 * same way inside the policy pack (see `pulumi-adapter.ts`) and offline (see `evaluate.ts`).
 */

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** One resource as a rule sees it: what AnalyzeStack sends, or a mocked resource. */
export interface StackResource {
  /** Type token, e.g. `aws:s3/bucket:Bucket`. */
  readonly type: string;
  readonly urn: string;
  /** Logical (Pulumi) name. */
  readonly name: string;
  /** Inputs (Analyze) or outputs (AnalyzeStack); unknown values are the engine's sentinel. */
  readonly props: Readonly<Record<string, unknown>>;
  /** Physical id when the caller holds it apart from `props` (mocked resources do). */
  readonly id?: string;
  /** Property name -> URNs of the resources that property's value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** URNs of every resource this one depends on. */
  readonly dependencies?: readonly string[];
}

/**
 * A rule's verdict about one resource. A finding with `unknown` is not a violation: the value at
 * `unknown.path` of resource `unknown.urn` decides the outcome and is not known before the update.
 */
export interface Finding {
  readonly urn: string;
  readonly message: string;
  readonly unknown?: { readonly urn: string; readonly path: PropertyPath };
}

interface RuleBase<S> {
  /** kebab-case, stating the check. */
  readonly name: string;
  /** "Checks that ..." */
  readonly description: string;
  readonly enforcementLevel: "advisory" | "mandatory";
  readonly configSchema?: PolicyConfigSchema;
  /** Reads this rule's settings from a policy config object, defaults applied; never throws. */
  readonly settings: (config: Readonly<Record<string, unknown>>) => S;
}

export interface ResourceRule<S = unknown> extends RuleBase<S> {
  readonly kind: "resource";
  /** The resource types this rule looks at. */
  readonly types: readonly string[];
  readonly check: (resource: StackResource, settings: S) => Finding[];
}

export interface StackRule<S = unknown> extends RuleBase<S> {
  readonly kind: "stack";
  /**
   * A type without which the check has nothing to look at: a stack with no resource of this type
   * skips the rule (and the pack skips decoding the stack for it).
   */
  readonly appliesTo?: string;
  readonly check: (resources: readonly StackResource[], settings: S) => Finding[];
}

// Rules with different settings types live in one list; each rule only ever receives what its
// own `settings` function returned.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Rule = ResourceRule<any> | StackRule<any>;

/** A finding saying that `path` of `resource` decides the verdict but is not known yet. */
export function unknownFinding(
  subject: StackResource,
  about: StackResource,
  path: PropertyPath,
  what: string,
): Finding {
  return {
    urn: subject.urn,
    message: `${what} depends on ${describeProperty(about, path)}, which is not known until the update; it is checked then.`,
    unknown: { urn: about.urn, path },
  };
}

export function describeProperty(resource: StackResource, path: PropertyPath): string {
  const dotted = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
  return `'${resource.name}'${dotted || " (the whole value)"}`;
}

/** A list of strings from config, or the default when absent or not a list of strings. */
export function stringList(
  config: Readonly<Record<string, unknown>>,
  key: string,
  fallback: readonly string[] = [],
): string[] {
  const value = config[key];
  if (!Array.isArray(value)) {
    return [...fallback];
  }
  return value.filter((v): v is string => typeof v === "string" && v !== "");
}

/** A list of integers from config, or the default when absent or not a list of numbers. */
export function numberList(
  config: Readonly<Record<string, unknown>>,
  key: string,
  fallback: readonly number[],
): number[] {
  const value = config[key];
  if (!Array.isArray(value)) {
    return [...fallback];
  }
  return value.filter((v): v is number => typeof v === "number" && Number.isInteger(v));
}

/** Physical id of a resource: its `id` output, or the id the caller gave. */
export function physicalId(resource: StackResource): string | undefined {
  const id = resource.props.id;
  if (typeof id === "string" && id !== "" && !isUnknown(id)) {
    return id;
  }
  return resource.id;
}

/** Property-dependency URNs of one property. */
export function dependencyUrns(resource: StackResource, property: string): readonly string[] {
  return resource.propertyDependencies?.[property] ?? [];
}
