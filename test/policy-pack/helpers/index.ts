/**
 * awsguard-style helpers: run one policy of the pack over plain resources and assert on its
 * violations by policy name, level, URN and message.
 */
import * as assert from "assert";
import {
  PackConfig,
  StackResource,
  Violation,
  evaluateStack,
  rules,
} from "../../../policy-pack/policies";

export const STACK = "dev";
export const PROJECT = "vpc-endpoint-labs";

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

export function resource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<Pick<StackResource, "propertyDependencies" | "dependencies" | "id">> = {},
): StackResource {
  return { type, urn: urnOf(type, name), name, props, ...extra };
}

function ruleNamed(policyName: string) {
  const rule = rules.find((r) => r.name === policyName);
  if (!rule) {
    throw new Error(`the pack has no policy named ${policyName}`);
  }
  return rule;
}

/** Violations of one policy over `resources` (a resource policy sees each resource in turn). */
export function runPolicy(
  policyName: string,
  resources: readonly StackResource[],
  config: PackConfig = {},
): Violation[] {
  return evaluateStack(resources, config, [ruleNamed(policyName)]);
}

export interface ExpectedViolation {
  readonly urn?: string;
  readonly enforcementLevel?: "advisory" | "mandatory";
  /** Every pattern must match the message. */
  readonly message?: RegExp | readonly RegExp[];
}

function describe(violations: readonly Violation[]): string {
  return violations.length
    ? violations
        .map((v) => `  [${v.enforcementLevel}] ${v.policyName} ${v.urn}: ${v.message}`)
        .join("\n")
    : "  (none)";
}

/** Asserts that `policyName` reports a violation matching `expected` over `resources`. */
export function assertHasResourceViolation(
  policyName: string,
  resources: StackResource | readonly StackResource[],
  expected: ExpectedViolation = {},
  config: PackConfig = {},
): Violation {
  const list = Array.isArray(resources) ? resources : [resources as StackResource];
  const violations = runPolicy(policyName, list, config);
  const patterns = expected.message
    ? Array.isArray(expected.message)
      ? expected.message
      : [expected.message]
    : [];
  const match = violations.find(
    (v) =>
      v.policyName === policyName &&
      (expected.urn === undefined || v.urn === expected.urn) &&
      (expected.enforcementLevel === undefined ||
        v.enforcementLevel === expected.enforcementLevel) &&
      (patterns as RegExp[]).every((re) => re.test(v.message)),
  );
  assert.ok(
    match,
    `expected a ${policyName} violation ${JSON.stringify({
      urn: expected.urn,
      enforcementLevel: expected.enforcementLevel,
      message: patterns.map(String),
    })}, got:\n${describe(violations)}`,
  );
  return match!;
}

/** Asserts that `policyName` reports nothing (for `urn`, when given) over `resources`. */
export function assertNoResourceViolations(
  policyName: string,
  resources: StackResource | readonly StackResource[],
  options: { urn?: string; config?: PackConfig } = {},
): void {
  const list = Array.isArray(resources) ? resources : [resources as StackResource];
  const violations = runPolicy(policyName, list, options.config).filter(
    (v) => options.urn === undefined || v.urn === options.urn,
  );
  assert.deepStrictEqual(
    violations,
    [],
    `expected no ${policyName} violations, got:\n${describe(violations)}`,
  );
}

export { UNKNOWN } from "../../../policy-pack/policies";

/** An endpoint id the specs restrict buckets to. */
export const E = "vpce-1a2b3c4d";

/** A bucket policy that restricts the bucket to the endpoints: the Deny the pack asks for. */
export function restricting(bucketName: string, endpoints: string[] = [E]): string {
  const arn = `arn:aws:s3:::${bucketName}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { StringNotEquals: { "aws:SourceVpce": endpoints } },
      },
    ],
  });
}
