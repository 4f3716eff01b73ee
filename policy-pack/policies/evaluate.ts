import { rules as allRules } from "./catalog";
import { EnforcementLevel, Finding, Rule, StackResource } from "./rules";

/** One policy violation, as `pulumi preview` would list it. */
export interface Violation {
  readonly policyName: string;
  readonly enforcementLevel: "advisory" | "mandatory";
  /** The resource the violation is about. */
  readonly urn?: string;
  readonly message: string;
}

/** A policy's entry in a pack config file: a level, or a level with settings. */
export type PolicyConfigEntry =
  | EnforcementLevel
  | ({ readonly enforcementLevel?: EnforcementLevel } & Readonly<Record<string, unknown>>);

/** Same shape as a `--policy-pack-config` file; `all` sets the level of every policy. */
export type PackConfig = Readonly<Record<string, PolicyConfigEntry>>;

/**
 * Runs every policy of the pack over a list of resources, without Pulumi: the scenario specs and
 * the offline plan use it on mocked resources. Resource policies see each resource's `props`;
 * stack policies see the whole list.
 *
 * Differences from the running pack, both about preview: where a value is unknown, this returns
 * one advisory per affected resource naming the value, while the pack lets the Policy SDK report
 * its own advisory ("can't run policy ... during preview"). And the pack prefixes each message
 * with the policy's description.
 */
export function evaluateStack(
  resources: readonly StackResource[],
  config: PackConfig = {},
  rules: readonly Rule[] = allRules,
): Violation[] {
  const violations: Violation[] = [];
  for (const rule of rules) {
    const { level, settings } = resolveConfig(rule, config);
    if (level === "disabled") {
      continue;
    }
    if (
      rule.kind === "stack" &&
      rule.appliesTo &&
      !resources.some((r) => r.type === rule.appliesTo)
    ) {
      continue;
    }
    let findings: Finding[];
    try {
      findings =
        rule.kind === "stack"
          ? rule.check(resources, settings)
          : resources
              .filter((r) => rule.types.includes(r.type))
              .flatMap((r) => rule.check(r, settings));
    } catch (e) {
      violations.push({
        policyName: rule.name,
        enforcementLevel: level,
        message: internalErrorMessage(rule, e),
      });
      continue;
    }
    for (const f of findings) {
      violations.push({
        policyName: rule.name,
        enforcementLevel: f.unknown ? "advisory" : level,
        urn: f.urn,
        message: f.message,
      });
    }
  }
  return violations;
}

/** The level and settings a rule runs with under `config`. */
export function resolveConfig(
  rule: Rule,
  config: PackConfig,
): { level: "advisory" | "mandatory" | "disabled"; settings: unknown } {
  const entry = config[rule.name];
  const all = config.all;
  const levelOf = (e: PolicyConfigEntry | undefined) =>
    typeof e === "string" ? e : e?.enforcementLevel;
  const level = levelOf(entry) ?? levelOf(all) ?? rule.enforcementLevel;
  const props: Record<string, unknown> = typeof entry === "object" ? { ...entry } : {};
  delete props.enforcementLevel;
  return {
    // Remediation does not apply to these policies; the SDK treats it as mandatory too.
    level: level === "remediate" ? "mandatory" : level,
    settings: rule.settings(props),
  };
}

export function internalErrorMessage(rule: Rule, e: unknown): string {
  const detail = e instanceof Error ? e.message : String(e);
  return `Policy '${rule.name}' could not finish its check (${detail}); treat the resources it covers as unchecked.`;
}
