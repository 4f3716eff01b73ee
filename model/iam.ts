/**
 * Is one request allowed? IAM's evaluation for a caller and a resource in the same account:
 * an explicit Deny in any policy wins; a request through a VPC endpoint with an endpoint policy
 * needs that policy's Allow; then an Allow in an identity policy or in the resource policy
 * grants it; otherwise it is implicitly denied.
 *
 * Documents are parsed by the policy pack's normaliser (policy-pack/policies/policy-document.ts)
 * and patterns matched by its glob, so the pack and the model read a policy the same way; what
 * is added here is only the request evaluation the pack does not need.
 */
import { globMatch } from "../policy-pack/policies/glob";
import {
  ConditionClause,
  NormalizedStatement,
  parseOperator,
  parsePolicyDocument,
  PrincipalSpec,
} from "../policy-pack/policies/policy-document";
import { covers } from "./addresses";

/** Who calls. */
export interface Caller {
  /** The IAM ARN policies name: a role's or a user's (for a role session, the role's). */
  arn: string;
  account: string;
}

/** One API request, with the condition keys it carries (names compared ignoring case). */
export interface AuthRequest {
  action: string;
  resource: string;
  caller: Caller;
  /** Condition key -> value; a key that is absent is not in the request. */
  context: Readonly<Record<string, string>>;
}

export type PolicyKind = "identity" | "resource" | "endpoint";

/** A policy document and what to call it in a verdict. */
export interface PolicySource {
  kind: PolicyKind;
  /** E.g. `bucket policy of lab-bucket-1a2b3c4` or `policy dynamodb-via-endpoint`. */
  label: string;
  /** JSON text or an object, as the resource holds it. */
  document: unknown;
}

export interface Decision {
  allowed: boolean;
  /** Why, naming the deciding statement (or the statements that came close). */
  detail: string;
}

/**
 * The decision for `request` under the given policies. `identityKnown` false means the caller's
 * own policies are not in the graph (an operator's credentials): they are taken to allow the
 * request, so only resource and endpoint policies can refuse it.
 */
export function authorize(
  request: AuthRequest,
  policies: readonly PolicySource[],
  identityKnown = true,
): Decision {
  const parsed = policies.map((source) => ({ source, statements: statementsOf(source) }));
  const what = `${request.action} on ${request.resource}`;

  for (const { source, statements } of parsed) {
    for (const statement of statements) {
      if (statement.effect === "Deny" && applies(statement, source, request)) {
        return {
          allowed: false,
          detail: `${source.label} ${label(statement)} denies ${what} (${carries(request)})`,
        };
      }
    }
  }

  const endpoint = parsed.filter((p) => p.source.kind === "endpoint");
  for (const { source, statements } of endpoint) {
    if (!statements.some((s) => s.effect === "Allow" && applies(s, source, request))) {
      return {
        allowed: false,
        detail: `${source.label} allows no ${what}${nearMisses(statements, source, request)}`,
      };
    }
  }

  const granting = parsed.filter((p) => p.source.kind !== "endpoint");
  for (const { source, statements } of granting) {
    const allow = statements.find((s) => s.effect === "Allow" && applies(s, source, request));
    if (allow) return { allowed: true, detail: `${source.label} ${label(allow)} allows ${what}` };
  }
  if (!identityKnown) {
    return {
      allowed: true,
      detail: `the caller's own credentials (not in the stack) are taken to allow ${what}`,
    };
  }
  const misses = granting
    .map(({ source, statements }) => nearMisses(statements, source, request))
    .join("");
  const names = granting.map((p) => p.source.label).join(", ") || "no policy at all";
  return {
    allowed: false,
    detail: `no Allow for ${what} (implicit deny; checked ${names})${misses}`,
  };
}

function statementsOf(source: PolicySource): readonly NormalizedStatement[] {
  const parsed = parsePolicyDocument(source.document, {
    requirePrincipal: source.kind !== "identity",
  });
  // AWS refuses a malformed document when it is attached, so it never decides a request.
  return parsed.kind === "document" ? parsed.statements : [];
}

/** Does the statement apply to the request: action, resource, principal and every condition? */
export function applies(
  statement: NormalizedStatement,
  source: PolicySource,
  request: AuthRequest,
): boolean {
  return scopeMatches(statement, source, request) && conditionsHold(statement, request);
}

/** Action, resource and principal match, whatever the conditions say. */
function scopeMatches(
  statement: NormalizedStatement,
  source: PolicySource,
  request: AuthRequest,
): boolean {
  const action = request.action.toLowerCase();
  const actionMatches = (patterns: readonly string[]) =>
    patterns.some((p) => globMatch(p.toLowerCase(), action));
  if (statement.actions && !actionMatches(statement.actions)) return false;
  if (statement.notActions && actionMatches(statement.notActions)) return false;
  const resourceMatches = (patterns: readonly string[]) =>
    patterns.some((p) => globMatch(p, request.resource));
  if (statement.resources && !resourceMatches(statement.resources)) return false;
  if (statement.notResources && resourceMatches(statement.notResources)) return false;
  if (source.kind === "identity") return true;
  if (statement.principal) return principalMatches(statement.principal, request.caller);
  if (statement.notPrincipal) return !principalMatches(statement.notPrincipal, request.caller);
  return false;
}

function principalMatches(spec: PrincipalSpec, caller: Caller): boolean {
  if (spec === "*") return true;
  return (spec.AWS ?? []).some(
    (p) =>
      p === "*" ||
      p === caller.account ||
      p === `arn:aws:iam::${caller.account}:root` ||
      p === caller.arn,
  );
}

/**
 * Every clause holds. A clause the model cannot evaluate (an operator it does not know) holds
 * for a Deny and fails for an Allow: the model errs towards refusing, never towards granting.
 */
function conditionsHold(statement: NormalizedStatement, request: AuthRequest): boolean {
  return statement.conditions.every((c) => {
    const holds = conditionHolds(c, request.context);
    return holds === undefined ? statement.effect === "Deny" : holds;
  });
}

/**
 * One condition clause against the request's keys: true, false, or undefined for an operator
 * the model does not evaluate (Date*, Binary...).
 */
export function conditionHolds(
  clause: ConditionClause,
  context: Readonly<Record<string, string>>,
): boolean | undefined {
  const { base: operator, set: setOperator, ifExists } = parseOperator(clause.operator);

  const value = valueOf(context, clause.key);
  if (operator === "null") {
    const wantsAbsent = clause.values.some((v) => v.toLowerCase() === "true");
    return wantsAbsent === (value === undefined);
  }
  if (value === undefined) {
    if (ifExists || setOperator === "all") return true;
    if (setOperator === "any") return false;
    // A negated operator holds for a key the request does not carry: this is how a Deny with
    // StringNotEquals aws:SourceVpce catches every request that did not come through the endpoint.
    return NEGATED.has(operator) ? true : OPERATORS.has(operator) ? false : undefined;
  }
  const test = OPERATORS.get(operator);
  if (!test) return undefined;
  return test(clause.values, value);
}

type Test = (values: readonly string[], value: string) => boolean;

const equals: Test = (values, value) => values.includes(value);
const equalsIgnoreCase: Test = (values, value) =>
  values.some((v) => v.toLowerCase() === value.toLowerCase());
const like: Test = (values, value) => values.some((v) => globMatch(v, value));
const numeric =
  (compare: (a: number, b: number) => boolean): Test =>
  (values, value) =>
    values.some((v) => compare(Number(value), Number(v)));
const inBlock: Test = (values, value) => values.some((v) => covers(v, value));
const not =
  (test: Test): Test =>
  (values, value) =>
    !test(values, value);

const OPERATORS = new Map<string, Test>([
  ["stringequals", equals],
  ["stringnotequals", not(equals)],
  ["stringequalsignorecase", equalsIgnoreCase],
  ["stringnotequalsignorecase", not(equalsIgnoreCase)],
  ["stringlike", like],
  ["stringnotlike", not(like)],
  ["arnequals", like],
  ["arnlike", like],
  ["arnnotequals", not(like)],
  ["arnnotlike", not(like)],
  ["bool", equalsIgnoreCase],
  ["numericequals", numeric((a, b) => a === b)],
  ["numericnotequals", numeric((a, b) => a !== b)],
  ["numericlessthan", numeric((a, b) => a < b)],
  ["numericlessthanequals", numeric((a, b) => a <= b)],
  ["numericgreaterthan", numeric((a, b) => a > b)],
  ["numericgreaterthanequals", numeric((a, b) => a >= b)],
  ["ipaddress", inBlock],
  ["notipaddress", not(inBlock)],
]);

const NEGATED = new Set([
  "stringnotequals",
  "stringnotequalsignorecase",
  "stringnotlike",
  "arnnotequals",
  "arnnotlike",
  "numericnotequals",
  "notipaddress",
]);

function valueOf(context: Readonly<Record<string, string>>, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Allow statements that would grant the request but for their conditions, as a sentence. */
function nearMisses(
  statements: readonly NormalizedStatement[],
  source: PolicySource,
  request: AuthRequest,
): string {
  const close = statements.filter(
    (s) => s.effect === "Allow" && scopeMatches(s, source, request) && !conditionsHold(s, request),
  );
  return close
    .map((s) => {
      const failing = s.conditions
        .map((c) => ({ c, holds: conditionHolds(c, request.context) }))
        .filter(({ holds }) => holds !== true)
        .map(
          ({ c, holds }) =>
            `${c.operator} ${c.key} ${c.values.join("|")}${holds === undefined ? " (not evaluated by the model)" : ""}`,
        );
      return `; ${source.label} ${label(s)} requires ${failing.join(" and ")}`;
    })
    .join("");
}

function label(statement: NormalizedStatement): string {
  return statement.sid ? `statement ${statement.sid}` : `Statement[${statement.index}]`;
}

function carries(request: AuthRequest): string {
  const vpce = valueOf(request.context, "aws:SourceVpce");
  return vpce
    ? `the request carries aws:SourceVpce ${vpce}`
    : "the request carries no aws:SourceVpce";
}
