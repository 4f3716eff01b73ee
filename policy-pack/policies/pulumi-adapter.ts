import type {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { rules } from "./catalog";
import { internalErrorMessage } from "./evaluate";
import { Finding, ResourceRule, Rule, StackResource, StackRule } from "./rules";
import { PropertyPath } from "./unknowns";

/**
 * Turns the pack's rules into @pulumi/policy policies. Only types are imported from the SDK, so
 * this module (and everything under policies/) loads without starting a policy server.
 *
 * The SDK hands a policy its properties wrapped in a proxy that throws on the first unknown value
 * it reads, which would end the policy's run at the first unknown resource. The rules read the
 * underlying plain values instead and decide per resource; when a verdict waits for an unknown
 * value, the adapter reads that value through the proxy *after* reporting every definite
 * violation, so the SDK adds its own advisory ("can't run policy ... during preview") and no
 * mandatory failure comes from a value that is not known yet.
 */

// The key under which the SDK's proxy returns the object it wraps (policy/proxy.js).
const PROXY_TARGET = "__getSpecialProxyTarget";

function plain(props: Record<string, unknown>): Record<string, unknown> {
  const target = props[PROXY_TARGET];
  return target !== null && typeof target === "object"
    ? (target as Record<string, unknown>)
    : props;
}

/** Reads `path` through the SDK's proxy, which throws its unknown-value error at the unknown. */
function readThroughProxy(props: unknown, path: PropertyPath): void {
  let value = props;
  for (const key of path) {
    if (value === null || typeof value !== "object") {
      return;
    }
    value = (value as Record<string | number, unknown>)[key];
  }
}

function isSdkUnknownError(e: unknown): boolean {
  return e instanceof Error && e.constructor.name === "UnknownValueError";
}

function report(
  findings: readonly Finding[],
  reportViolation: ReportViolation,
  propsOf: (urn: string) => unknown,
): void {
  let pending: Finding["unknown"];
  for (const f of findings) {
    if (f.unknown) {
      pending ??= f.unknown;
    } else {
      reportViolation(f.message, f.urn);
    }
  }
  if (pending) {
    readThroughProxy(propsOf(pending.urn), pending.path);
  }
}

function run(
  rule: Rule,
  reportViolation: ReportViolation,
  check: () => Finding[],
  propsOf: (urn: string) => unknown,
) {
  let findings: Finding[];
  try {
    findings = check();
  } catch (e) {
    if (isSdkUnknownError(e)) {
      throw e;
    }
    reportViolation(internalErrorMessage(rule, e));
    return;
  }
  report(findings, reportViolation, propsOf);
}

function resourcePolicy(rule: ResourceRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
    validateResource: (args, reportViolation) => {
      if (!rule.types.includes(args.type)) {
        return;
      }
      const resource: StackResource = {
        type: args.type,
        urn: args.urn,
        name: args.name,
        props: plain(args.props),
      };
      run(
        rule,
        reportViolation,
        () => rule.check(resource, rule.settings(args.getConfig<Record<string, unknown>>())),
        () => args.props,
      );
    },
  };
}

function stackPolicy(rule: StackRule): StackValidationPolicy {
  const validateStack: StackValidationPolicy["validateStack"] = (args, reportViolation) => {
    const resources = args.resources.map(toStackResource);
    run(
      rule,
      reportViolation,
      () => rule.check(resources, rule.settings(args.getConfig<Record<string, unknown>>())),
      (urn) => args.resources.find((r) => r.urn === urn)?.props,
    );
  };
  if (rule.appliesTo) {
    // The SDK's own marker (the one validateStackResourcesOfType sets): with it, the server skips
    // the policy, and decoding every resource for it, when the stack has no resource of the type.
    Object.assign(validateStack, { __pulumiType: rule.appliesTo });
  }
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
    validateStack,
  };
}

function toStackResource(r: PolicyResource): StackResource {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, deps] of Object.entries(r.propertyDependencies)) {
    propertyDependencies[key] = deps.map((d) => d.urn);
  }
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: plain(r.props),
    propertyDependencies,
    dependencies: r.dependencies.map((d) => d.urn),
  };
}

export function toPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  return rule.kind === "resource" ? resourcePolicy(rule) : stackPolicy(rule);
}

/** The pack's policies, ready for `new PolicyPack(...)`. */
export const policies: Policies = rules.map(toPolicy);
