import {
  allowedExemptionProblem,
  exemptionExample,
  exemptionProblem,
  notPrincipalValues,
} from "./exemptions";
import { globCovers, globMatch, globOverlapsPrefix, hasWildcard } from "./glob";
import {
  ConditionClause,
  NormalizedStatement,
  ParsedDocument,
  parseOperator,
  parsePolicyDocument,
} from "./policy-document";
import { boundMessage, excerpt, jsonExcerpt, listSome } from "./text";
import { PropertyPath, isKnownString, isUnknown } from "./unknowns";

/**
 * Does a bucket policy keep a bucket reachable only through VPC endpoints?
 *
 * The restriction that counts is an explicit Deny: an Allow conditioned on `aws:SourceVpce` (the
 * seed lab's policy) never stops a principal whose identity policy already grants S3 access.
 * The Deny statements together must cover every S3 action, the bucket and its objects, and every
 * principal, with a negated string match on `aws:SourceVpce` and no other narrowing condition.
 */

export interface VpceRestrictionSettings {
  /**
   * Endpoint ids the Deny may exempt. When non-empty, every `aws:SourceVpce` value in a
   * restricting statement must be one of them.
   * @default [] (any endpoint id)
   */
  readonly approvedEndpointIds?: readonly string[];
  /**
   * Condition keys, besides `aws:SourceVpce`, that may narrow the Deny (compared ignoring case),
   * for example `aws:PrincipalArn` for a break-glass role.
   * @default []
   */
  readonly exemptionKeys?: readonly string[];
  /**
   * Principal ARN patterns an organisation accepts as exemptions. When non-empty, every value an
   * exemption names must fall inside one of them (glob inclusion, see `globCovers`).
   * @default [] (any exemption that names principals of one account)
   */
  readonly allowedExemptions?: readonly string[];
}

/** The bucket the policy is attached to. */
export interface BucketTarget {
  /** Bucket name; the engine's unknown sentinel during preview when not known yet. */
  readonly name?: string;
  /** `arn:<partition>:s3:::<name>`; used as is when known (it carries the partition). */
  readonly arn?: string;
  /**
   * The ARN pattern of every object, when the resource is not a bucket (an access point's is
   * `<access point ARN>/object/*`); with it, `arn` is used as given.
   */
  readonly objectArn?: string;
}

/** What a restricting policy needs and this one lacks. */
export type RestrictionPart =
  /** No Deny statement at all. */
  | "deny"
  /** The Deny does not cover every S3 action (`s3:*` or `*`), or uses NotAction. */
  | "actions"
  /** The bucket ARN itself (`arn:aws:s3:::b`: listing, bucket settings) is not covered. */
  | "bucket-resource"
  /** The objects (`arn:aws:s3:::b/*`: get, put, delete) are not covered. */
  | "object-resource"
  /** The Deny does not apply to every principal (`"*"` or `{"AWS": "*"}`), or uses NotPrincipal. */
  | "principals"
  /** The condition is not a negated string match on `aws:SourceVpce` alone (or exempts endpoints that are not approved). */
  | "condition";

export interface RestrictionProblem {
  readonly part: RestrictionPart;
  /** Index of the statement the problem is about; absent for problems of the whole document. */
  readonly statement?: number;
  /** One sentence, naming the statement and what it does. */
  readonly detail: string;
}

export interface StatementVerdict {
  readonly index: number;
  readonly sid?: string;
  readonly effect: "Allow" | "Deny" | "unknown";
  /** Its Resource patterns cover the bucket ARN (whatever else the statement says). */
  readonly coversBucket: boolean;
  /** Its Resource patterns cover every object ARN (`<bucket>/*`). */
  readonly coversObjects: boolean;
  /** Its Resource patterns name the bucket or some of its objects at all. */
  readonly touchesBucket: boolean;
  /** A Deny that meets every requirement for the resources it covers. */
  readonly restricts: boolean;
  /** Why a Deny statement does not restrict (empty for Allow statements). */
  readonly problems: readonly RestrictionProblem[];
  /** `aws:SourceVpce` values its conditions name, whatever the operator. */
  readonly endpointIds: readonly string[];
}

export interface BucketPolicyAnalysis {
  /**
   * - `restricted`: every request that does not come through an exempted endpoint is denied;
   * - `not-restricted`: the policy is valid but does not restrict (see `missing`, `problems`);
   * - `malformed`: AWS would reject the policy (see `error`);
   * - `unknown`: values not known before the update decide the outcome (see `unknownPath`);
   * - `absent`: there is no policy text.
   */
  readonly status: "restricted" | "not-restricted" | "malformed" | "unknown" | "absent";
  /** Shorthand for `status === "restricted"`. */
  readonly restricted: boolean;
  /** The bucket's ARN, or undefined while its name is unknown. */
  readonly bucketArn?: string;
  /** `<bucketArn>/*`, or undefined while the bucket name is unknown. */
  readonly objectArn?: string;
  /** Distinct parts of `problems`, in a stable order. Empty when restricted. */
  readonly missing: readonly RestrictionPart[];
  /** Why the policy does not restrict, one entry per statement and part. */
  readonly problems: readonly RestrictionProblem[];
  /** One verdict per statement, in document order. */
  readonly statements: readonly StatementVerdict[];
  /** Indexes of the Deny statements that meet every requirement. */
  readonly restrictingStatements: readonly number[];
  /**
   * Endpoint ids (or `StringNotLike` patterns) a request may come through and still pass every
   * restricting statement. A connectivity model decides a request as: through one of these, the
   * bucket policy does not deny it; through any other path (internet, NAT, another endpoint),
   * S3 answers 403 whatever IAM allows. Empty unless restricted.
   */
  readonly exemptedEndpointIds: readonly string[];
  /**
   * Endpoint ids a Deny applies to *because* the request comes through them (`StringEquals`):
   * the seed's verification flip. Requests through these get 403; other paths are not denied.
   */
  readonly deniedEndpointIds: readonly string[];
  /** No Deny at all, but an Allow conditioned on `aws:SourceVpce` (the seed's policy). */
  readonly allowOnly: boolean;
  /** A Deny matches requests that do come through an endpoint (the seed's Allow->Deny flip). */
  readonly verificationFlip: boolean;
  /** Why AWS would reject the document (`malformed` only). */
  readonly error?: string;
  /**
   * Path, inside the policy document, of the first unknown value that matters (`unknown` only);
   * absent when what is unknown is the bucket's own name.
   */
  readonly unknownPath?: PropertyPath;
  /** The Deny statement that would restrict the bucket, as a policy statement object. */
  readonly suggestedStatement: Readonly<Record<string, unknown>>;
}

const SOURCE_VPCE = "aws:sourcevpce";
const PRINCIPAL_ARN = "aws:principalarn";
const NEGATED = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike"]);
const POSITIVE = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);
/** Operators under which an exemption key exempts what it names. */
const NEGATED_EXEMPTION = new Set([...NEGATED, "arnnotlike", "arnnotequals"]);
/** Operators under which an exemption key narrows the Deny to what it names. */
const POSITIVE_EXEMPTION = new Set([...POSITIVE, "arnlike", "arnequals"]);
/** S3 refuses bucket policies over 20 KB (Amazon S3 User Guide, "Bucket policies"). */
const BUCKET_POLICY_LIMIT = { chars: 20 * 1024, what: "a bucket policy" };
const ENDPOINT_ID = /^vpce-[\w-]{1,40}$/;
/** Offending values listed per condition clause before the rest is counted. */
const MAX_VALUE_PROBLEMS = 5;
const PART_ORDER: readonly RestrictionPart[] = [
  "deny",
  "actions",
  "bucket-resource",
  "object-resource",
  "principals",
  "condition",
];

/**
 * Analyses one bucket policy (JSON text or object) for one bucket. Pure and total: malformed
 * input is reported in the result, never thrown.
 */
export function analyzeBucketPolicy(
  policy: unknown,
  bucket: string | BucketTarget,
  settings: VpceRestrictionSettings = {},
): BucketPolicyAnalysis {
  const target = resolveTarget(typeof bucket === "string" ? { name: bucket } : bucket);
  const parsed = parsePolicyDocument(policy, {
    requirePrincipal: true,
    maxChars: BUCKET_POLICY_LIMIT,
  });
  return analyzeParsed(parsed, target, settings);
}

interface ResolvedTarget {
  readonly bucketArn?: string;
  readonly objectArn?: string;
}

function resolveTarget(bucket: BucketTarget): ResolvedTarget {
  if (isKnownString(bucket.arn) && isKnownString(bucket.objectArn)) {
    return { bucketArn: bucket.arn, objectArn: bucket.objectArn };
  }
  if (isKnownString(bucket.arn) && /^arn:[^:]+:s3:::[^/]+$/.test(bucket.arn)) {
    return { bucketArn: bucket.arn, objectArn: `${bucket.arn}/*` };
  }
  if (isKnownString(bucket.name) && bucket.name !== "") {
    const arn = `arn:aws:s3:::${bucket.name}`;
    return { bucketArn: arn, objectArn: `${arn}/*` };
  }
  return {};
}

interface PreparedSettings {
  readonly approved: ReadonlySet<string>;
  readonly exemptKeys: ReadonlySet<string>;
  readonly allowedExemptions: readonly string[];
}

const preparedSettings = new WeakMap<VpceRestrictionSettings, PreparedSettings>();

/** Lower-cased settings, computed once per settings object (a stack check reuses one). */
function prepared(settings: VpceRestrictionSettings): PreparedSettings {
  let p = preparedSettings.get(settings);
  if (!p) {
    p = {
      approved: new Set((settings.approvedEndpointIds ?? []).map((id) => id.toLowerCase())),
      exemptKeys: new Set((settings.exemptionKeys ?? []).map((k) => k.toLowerCase())),
      allowedExemptions: settings.allowedExemptions ?? [],
    };
    preparedSettings.set(settings, p);
  }
  return p;
}

function analyzeParsed(
  parsed: ParsedDocument,
  target: ResolvedTarget,
  settings: VpceRestrictionSettings,
): BucketPolicyAnalysis {
  const p = prepared(settings);
  const base = {
    bucketArn: target.bucketArn,
    objectArn: target.objectArn,
    restrictingStatements: [] as number[],
    exemptedEndpointIds: [] as string[],
    deniedEndpointIds: [] as string[],
    allowOnly: false,
    verificationFlip: false,
  };
  if (parsed.kind !== "document") {
    const suggestedStatement = suggestDeny(target, settings.approvedEndpointIds ?? []);
    const common = { ...base, restricted: false, statements: [], suggestedStatement };
    switch (parsed.kind) {
      case "absent":
        return {
          ...common,
          status: "absent",
          missing: ["deny"],
          problems: [{ part: "deny", detail: "there is no bucket policy" }],
        };
      case "unknown":
        return {
          ...common,
          status: "unknown",
          missing: [],
          problems: [],
          unknownPath: parsed.path,
        };
      case "malformed":
        return {
          ...common,
          status: "malformed",
          missing: [],
          problems: [],
          error: `bucket policy ${parsed.error}`,
        };
    }
  }

  // One pass over the statements; this runs for every bucket policy of the stack.
  const statements = parsed.statements;
  const verdicts: StatementVerdict[] = new Array(statements.length);
  const knownDenies: { s: NormalizedStatement; v: StatementVerdict }[] = [];
  const restrictingStatements: number[] = [];
  const restrictingEndpoints: (readonly string[])[] = [];
  const endpointValues = new Set<string>();
  const denied = new Set<string>();
  let bucketCovered = false;
  let objectsCovered = false;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    const v = judgeStatement(s, target, p);
    verdicts[i] = v;
    for (const id of v.endpointIds) {
      endpointValues.add(id);
    }
    if (s.effect !== "Deny" || s.unknownPath) {
      continue;
    }
    knownDenies.push({ s, v });
    for (const id of flipValuesOf(s)) {
      denied.add(id);
    }
    if (v.restricts) {
      restrictingStatements.push(v.index);
      restrictingEndpoints.push(v.endpointIds);
      bucketCovered ||= v.coversBucket;
      objectsCovered ||= v.coversObjects;
    }
  }
  const allEndpointValues = [...endpointValues];
  const suggestedStatement = suggestDeny(
    target,
    p.approved.size ? (settings.approvedEndpointIds ?? []) : allEndpointValues,
  );
  const deniedEndpointIds = [...denied];
  const verificationFlip = deniedEndpointIds.length > 0;

  if (bucketCovered && objectsCovered) {
    return {
      ...base,
      status: "restricted",
      restricted: true,
      missing: [],
      problems: [],
      statements: verdicts,
      restrictingStatements,
      exemptedEndpointIds: intersection(restrictingEndpoints),
      deniedEndpointIds,
      verificationFlip,
      suggestedStatement,
    };
  }

  // Statements still waiting for preview values may turn out to restrict.
  const pending = parsed.statements.find(
    (s) => (s.effect !== "Allow" && s.unknownPath) || (s.effect === "Deny" && !target.bucketArn),
  );
  if (pending) {
    return {
      ...base,
      status: "unknown",
      restricted: false,
      missing: [],
      problems: [],
      statements: verdicts,
      ...(pending.unknownPath ? { unknownPath: pending.unknownPath } : {}),
      suggestedStatement,
    };
  }

  const problems: RestrictionProblem[] = [];
  const seen = new Set<string>();
  const add = (p: RestrictionProblem) => {
    const key = `${p.statement ?? "-"}|${p.part}|${p.detail}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  const allowOnly =
    knownDenies.length === 0 &&
    parsed.statements.some(
      (s) => s.effect === "Allow" && s.conditions.some((c) => c.key.toLowerCase() === SOURCE_VPCE),
    );

  if (knownDenies.length === 0) {
    if (parsed.statements.length === 0) {
      add({ part: "deny", detail: "the policy has no statements" });
    } else if (allowOnly) {
      const allows = parsed.statements.filter(
        (s) =>
          s.effect === "Allow" && s.conditions.some((c) => c.key.toLowerCase() === SOURCE_VPCE),
      );
      add({
        part: "deny",
        detail:
          `${allows.map(label).join(", ")} only Allow${allows.length === 1 ? "s" : ""} requests through ` +
          `${listOr(allEndpointValues)}; an Allow never stops a principal that already has access ` +
          "through IAM (a role with s3:* in its identity policy reaches the bucket from anywhere), " +
          "only an explicit Deny does",
      });
    } else {
      add({ part: "deny", detail: "the policy has no Deny statement" });
    }
  } else {
    const targets: {
      part: RestrictionPart;
      arn: string;
      covered: boolean;
      key: "coversBucket" | "coversObjects";
    }[] = [
      {
        part: "bucket-resource",
        arn: target.bucketArn!,
        covered: bucketCovered,
        key: "coversBucket",
      },
      {
        part: "object-resource",
        arn: target.objectArn!,
        covered: objectsCovered,
        key: "coversObjects",
      },
    ];
    for (const t of targets) {
      if (t.covered) {
        continue;
      }
      const candidates = knownDenies.filter(({ v }) => v[t.key]);
      if (candidates.length) {
        for (const { v } of candidates) {
          v.problems.forEach(add);
        }
        continue;
      }
      const hints: string[] = [];
      for (const { s, v } of knownDenies) {
        if (s.notResources) {
          v.problems
            .filter((p) => p.part === "bucket-resource" || p.part === "object-resource")
            .forEach(add);
        } else if (s.resources && s.resources.length) {
          hints.push(`${label(s)} names ${listSome(s.resources)}`);
        }
      }
      add({
        part: t.part,
        detail: `no Deny statement covers ${t.arn}${hints.length ? ` (${hints.join("; ")})` : ""}`,
      });
    }
  }

  const missing = PART_ORDER.filter((part) => problems.some((p) => p.part === part));
  return {
    ...base,
    status: "not-restricted",
    restricted: false,
    missing,
    problems,
    statements: verdicts,
    deniedEndpointIds,
    allowOnly,
    verificationFlip,
    suggestedStatement,
  };
}

/** A resource pattern that covers every bucket and object, whatever the bucket's name. */
function universal(pattern: string): boolean {
  return globCovers(pattern, "arn:*:s3:::*") || globCovers(pattern, "arn:aws:s3:::*");
}

function judgeStatement(
  s: NormalizedStatement,
  target: ResolvedTarget,
  p: PreparedSettings,
): StatementVerdict {
  const { coversBucket, coversObjects, touchesBucket } = coverage(s, target);
  const endpointIds = unique(
    s.conditions.filter((c) => c.key.toLowerCase() === SOURCE_VPCE).flatMap((c) => c.values),
  );
  const common = { index: s.index, ...(s.sid ? { sid: s.sid } : {}), effect: s.effect };
  if (s.effect !== "Deny") {
    return {
      ...common,
      coversBucket,
      coversObjects,
      touchesBucket,
      restricts: false,
      problems: [],
      endpointIds,
    };
  }

  const problems: RestrictionProblem[] = [];
  const at = (part: RestrictionPart, detail: string) =>
    problems.push({ part, statement: s.index, detail: `${label(s)} ${detail}` });

  if (s.notActions) {
    // NotAction denies every action it does not list: it covers S3 when it lists no S3 action.
    const excluded = s.notActions.filter((a) => globOverlapsPrefix(a.toLowerCase(), "s3:"));
    if (excluded.length) {
      at(
        "actions",
        `uses NotAction ${listSome(excluded)}, so the Deny leaves out S3 actions it matches; ` +
          'list only non-S3 actions there, or use "Action": "s3:*"',
      );
    }
  } else if (!(s.actions ?? []).some((a) => globCovers(a.toLowerCase(), "s3:*"))) {
    at(
      "actions",
      `denies only ${listSome(s.actions ?? []) || "no action"}; it must deny every S3 action ("s3:*")`,
    );
  }

  if (s.notResources && target.bucketArn && !(coversBucket && coversObjects)) {
    const arn = target.bucketArn;
    const hit = s.notResources.filter((r) => globMatch(r, arn) || globOverlapsPrefix(r, `${arn}/`));
    const left = coversBucket
      ? `objects of ${arn}`
      : coversObjects
        ? arn
        : `${arn} and objects in it`;
    at(
      coversBucket ? "object-resource" : "bucket-resource",
      `uses NotResource ${listSome(hit)}, which leaves ${left} out of the Deny`,
    );
  }

  if (s.notPrincipal) {
    judgeNotPrincipal(s.notPrincipal, p).forEach((d) => at("principals", d));
  } else if (!isEveryone(s.principal)) {
    at(
      "principals",
      `applies only to ${jsonExcerpt(s.principal)}; it must apply to every principal ("*")`,
    );
  }

  judgeConditions(s, p).forEach((d) => at("condition", d));

  return {
    ...common,
    coversBucket,
    coversObjects,
    touchesBucket,
    restricts: problems.length === 0,
    problems,
    endpointIds,
  };
}

/**
 * Which of the bucket's resources a statement applies to, with IAM's set semantics: `Resource`
 * applies to what its patterns match, `NotResource` to everything its patterns do not match.
 * `coversObjects` means every object (`<bucket>/*`), not some.
 */
function coverage(
  s: NormalizedStatement,
  target: ResolvedTarget,
): { coversBucket: boolean; coversObjects: boolean; touchesBucket: boolean } {
  if (s.notResources) {
    const nr = s.notResources;
    if (!target.bucketArn) {
      // Bucket not known yet: the statement covers it for sure only when it leaves out no S3 ARN.
      const all = !nr.some((r) => globOverlapsPrefix(r, "arn:"));
      return { coversBucket: all, coversObjects: all, touchesBucket: true };
    }
    const objectsPrefix = `${target.bucketArn}/`;
    const coversBucket = !nr.some((r) => globMatch(r, target.bucketArn!));
    const coversObjects = !nr.some((r) => globOverlapsPrefix(r, objectsPrefix));
    const touchesBucket =
      coversBucket || !nr.some((r) => globCovers(r, target.objectArn!)) || coversObjects;
    return { coversBucket, coversObjects, touchesBucket };
  }
  const resources = s.resources ?? [];
  const coversBucket = target.bucketArn
    ? resources.some((r) => globCovers(r, target.bucketArn!))
    : resources.some(universal);
  const coversObjects = target.objectArn
    ? resources.some((r) => globCovers(r, target.objectArn!))
    : resources.some(universal);
  const touchesBucket =
    !target.bucketArn ||
    resources.some(
      (r) => globMatch(r, target.bucketArn!) || globOverlapsPrefix(r, `${target.bucketArn}/`),
    );
  return { coversBucket, coversObjects, touchesBucket };
}

/** NotPrincipal in a Deny: every principal it names is exempted, so each must be narrow. */
function judgeNotPrincipal(
  notPrincipal: NonNullable<NormalizedStatement["notPrincipal"]>,
  p: PreparedSettings,
): string[] {
  if (!p.exemptKeys.has(PRINCIPAL_ARN)) {
    return [
      "uses NotPrincipal, which exempts the principals it names; exemptions by principal are " +
        "accepted only when exemptionKeys lists aws:PrincipalArn (AWS recommends " +
        '"ArnNotLike": {"aws:PrincipalArn": [...]} instead of NotPrincipal)',
    ];
  }
  const { values, problems } = notPrincipalValues(notPrincipal);
  const out = problems.map((d) => `uses ${d}; ${acceptable()}`);
  out.push(...judgeExemptedValues(values, "NotPrincipal", "NotPrincipal", p));
  return out;
}

function acceptable(account?: string): string {
  return `an acceptable exemption names principals of one account, e.g. ${exemptionExample(account)}`;
}

/** Problems of the values one exemption exempts, at most a few per clause. */
function judgeExemptedValues(
  values: readonly string[],
  what: string,
  where: "condition" | "NotPrincipal",
  p: PreparedSettings,
): string[] {
  const out: string[] = [];
  let more = 0;
  for (const value of values) {
    const problem =
      exemptionProblem(value, where) ?? allowedExemptionProblem(value, p.allowedExemptions);
    if (!problem) {
      continue;
    }
    if (out.length >= MAX_VALUE_PROBLEMS) {
      more++;
      continue;
    }
    const account = /^arn:[^:]*:[^:]*::(\d{12}):/.exec(value)?.[1];
    out.push(`exempts ${what} "${excerpt(value)}", which ${problem}; ${acceptable(account)}`);
  }
  if (more) {
    out.push(`exempts ${more} more ${what} value${more === 1 ? "" : "s"} that are too broad`);
  }
  return out;
}

function judgeConditions(s: NormalizedStatement, p: PreparedSettings): string[] {
  const { approved, exemptKeys } = p;
  const out: string[] = [];
  const vpce = s.conditions.filter((c) => c.key.toLowerCase() === SOURCE_VPCE);
  if (s.conditions.length === 0) {
    out.push(
      "has no condition, so it denies every request, also those through the endpoint; " +
        'it needs "StringNotEquals": {"aws:SourceVpce": [...]}',
    );
    return out;
  }
  if (vpce.length === 0) {
    out.push(
      `has no aws:SourceVpce condition (it tests ${listSome(s.conditions.map((c) => c.key))}); ` +
        'it needs "StringNotEquals": {"aws:SourceVpce": [...]}',
    );
  }
  for (const c of vpce) {
    const op = parseOperator(c.operator);
    const operator = excerpt(c.operator, 60);
    if (op.set) {
      out.push(
        `tests aws:SourceVpce with ${operator}. The pack deliberately does not accept set ` +
          "operators on this single-valued key (IAM Access Analyzer warns about them): " +
          "ForAnyValue: is false for a request without the key, so it never denies requests " +
          "from outside every endpoint, and ForAllValues: denies them only because an empty set " +
          "satisfies it; use StringNotEquals",
      );
    } else if (op.base === "null") {
      out.push(
        `tests aws:SourceVpce with Null (${listSome(c.values)}): "true" denies only requests ` +
          "that come through no endpoint at all, so any VPC endpoint, also one in another " +
          'account, passes, and "false" denies the endpoint path itself; use StringNotEquals ' +
          "naming your endpoint ids",
      );
    } else if (POSITIVE.has(op.base)) {
      out.push(
        `denies requests that DO come through ${listOr(c.values)} (${operator}): this is the lab's ` +
          "verification flip, which blocks the endpoint and lets every other path in; use StringNotEquals",
      );
    } else if (!NEGATED.has(op.base)) {
      out.push(
        `tests aws:SourceVpce with ${operator}; only StringNotEquals or StringNotLike restrict to endpoints`,
      );
    } else if (c.values.length === 0) {
      out.push("names no endpoint in its aws:SourceVpce condition");
    } else {
      let reported = 0;
      for (const value of c.values) {
        if (reported >= MAX_VALUE_PROBLEMS) {
          break;
        }
        if (approved.size && !approved.has(value.toLowerCase())) {
          reported++;
          out.push(
            `exempts ${excerpt(value)}, which is not an approved endpoint (approvedEndpointIds: ${listSome([...approved], 10)})`,
          );
        } else if (!approved.size && op.base === "stringnotlike" && hasWildcard(value)) {
          reported++;
          out.push(
            `exempts the pattern ${excerpt(value)}, which matches endpoints in other accounts too; name the endpoint ids`,
          );
        }
      }
    }
  }
  for (const c of s.conditions) {
    const key = c.key.toLowerCase();
    if (key === SOURCE_VPCE) {
      continue;
    }
    const shownKey = excerpt(c.key, 80);
    const operator = excerpt(c.operator, 60);
    if (!exemptKeys.has(key)) {
      out.push(
        `also requires ${shownKey} (${operator}), which narrows the Deny: a request from outside the ` +
          `endpoint that does not match it is not denied (add the key to exemptionKeys if this is intended)`,
      );
      continue;
    }
    const op = parseOperator(c.operator);
    if (op.set) {
      out.push(
        `tests ${shownKey} with ${operator}; the pack deliberately accepts no set operator on an ` +
          "exemption key (it is single-valued, and IAM Access Analyzer warns about set operators " +
          `on such keys); use ArnNotLike. ${capitalize(acceptable())}`,
      );
    } else if (POSITIVE_EXEMPTION.has(op.base)) {
      out.push(
        `applies only to principals whose ${shownKey} matches ${listSome(c.values)} (${operator}): ` +
          "a positive operator narrows the Deny to the listed principals, so every other " +
          "principal is let in from anywhere; exempt principals with a negated operator " +
          `(ArnNotLike). ${capitalize(acceptable())}`,
      );
    } else if (!NEGATED_EXEMPTION.has(op.base)) {
      out.push(
        `tests ${shownKey} with ${operator}; an exemption needs a negated operator ` +
          `(ArnNotLike, ArnNotEquals, StringNotLike, StringNotEquals). ${capitalize(acceptable())}`,
      );
    } else if (c.values.length === 0) {
      out.push(`names no principal in its ${shownKey} exemption`);
    } else {
      out.push(...judgeExemptedValues(c.values, shownKey, "condition", p));
    }
  }
  return out;
}

function flipValuesOf(s: NormalizedStatement): string[] {
  if (s.effect !== "Deny") {
    return [];
  }
  return s.conditions
    .filter((c: ConditionClause) => c.key.toLowerCase() === SOURCE_VPCE)
    .filter((c) => {
      const op = parseOperator(c.operator);
      return !op.set && POSITIVE.has(op.base);
    })
    .flatMap((c) => c.values);
}

function isEveryone(principal: NormalizedStatement["principal"]): boolean {
  if (principal === "*") {
    return true;
  }
  const aws = principal?.AWS;
  return Array.isArray(aws) && aws.includes("*");
}

function label(s: NormalizedStatement): string {
  return `Statement[${s.index}]${s.sid ? ` ("${s.sid}")` : ""}`;
}

function suggestDeny(
  target: ResolvedTarget,
  endpointIds: readonly string[],
): Record<string, unknown> {
  const bucketArn = excerpt(target.bucketArn ?? "arn:aws:s3:::<bucket>");
  // Only what looks like endpoint ids, and a few: the suggestion is quoted in every message.
  const ids = endpointIds.filter((id) => !isUnknown(id) && ENDPOINT_ID.test(id)).slice(0, 10);
  return {
    Sid: "DenyUnlessThroughVpcEndpoint",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, excerpt(target.objectArn ?? `${bucketArn}/*`)],
    Condition: { StringNotEquals: { "aws:SourceVpce": ids.length ? ids : ["<vpce-id>"] } },
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function intersection(lists: readonly (readonly string[])[]): string[] {
  if (lists.length === 0) {
    return [];
  }
  return unique(lists[0]).filter((v) => lists.every((l) => l.includes(v)));
}

function listOr(values: readonly string[]): string {
  return values.length ? listSome(values) : "a VPC endpoint";
}

/** Human words for each part, for messages. */
export function describePart(part: RestrictionPart, analysis: BucketPolicyAnalysis): string {
  switch (part) {
    case "deny":
      return "a Deny statement";
    case "actions":
      return 'actions (every S3 action, "s3:*")';
    case "bucket-resource":
      return `resource ${analysis.bucketArn ?? "the bucket ARN"}`;
    case "object-resource":
      return `resource ${analysis.objectArn ?? "the object ARNs"}`;
    case "principals":
      return 'principals (every principal, "*")';
    case "condition":
      return "condition (a negated match on aws:SourceVpce alone)";
  }
}

/**
 * A message for a policy that does not restrict its bucket: what is missing, why, and the
 * statement to add. `subject` names the bucket and the policy, e.g. `S3 bucket 'logs'`.
 */
export function explainBucketPolicyAnalysis(
  analysis: BucketPolicyAnalysis,
  subject: string,
  policyNoun = "bucket policy",
): string {
  const fix = `Fix: add this statement to the ${policyNoun}: ${JSON.stringify(analysis.suggestedStatement)}`;
  switch (analysis.status) {
    case "restricted":
      return `${subject} is reachable only through ${listOr(analysis.exemptedEndpointIds)}.`;
    case "unknown":
      return `${subject}: the bucket policy depends on values that are not known until the update; it is checked then.`;
    case "malformed":
      return boundMessage(
        `${subject} is not restricted to VPC endpoints: its ${analysis.error}.`,
        fix,
      );
    case "absent":
      return boundMessage(
        `${subject} has no bucket policy, so any principal with IAM access reaches it from anywhere. ` +
          `Missing: ${describePart("deny", analysis)}.`,
        fix,
      );
    case "not-restricted": {
      const missing = analysis.missing.map((p) => describePart(p, analysis)).join("; ");
      const shown = analysis.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => p.detail);
      const rest = analysis.problems.length - shown.length;
      const why =
        shown.join(". ") + (rest > 0 ? `. And ${rest} more problem${rest === 1 ? "" : "s"}` : "");
      return boundMessage(
        `${subject} is not restricted to VPC endpoints. Missing: ${missing}. ${capitalize(why)}.`,
        fix,
      );
    }
  }
}

/** Problems a message spells out; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 8;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
