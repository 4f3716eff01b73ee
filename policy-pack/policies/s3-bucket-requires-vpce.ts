import {
  BucketPolicyAnalysis,
  VpceRestrictionSettings,
  analyzeBucketPolicy,
  explainBucketPolicyAnalysis,
} from "./bucket-vpce-analysis";
import { globMatch } from "./glob";
import {
  Finding,
  StackResource,
  StackRule,
  dependencyUrns,
  physicalId,
  stringList,
  unknownFinding,
} from "./rules";
import { excerpt } from "./text";
import { isKnownString, isUnknown } from "./unknowns";

export const BUCKET = "aws:s3/bucket:Bucket";
export const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
export const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
export const NATIVE_BUCKET = "aws-native:s3:Bucket";
export const NATIVE_BUCKET_POLICY = "aws-native:s3:BucketPolicy";

const BUCKET_TYPES: ReadonlySet<string> = new Set([BUCKET, BUCKET_V2, NATIVE_BUCKET]);

/** The policy document of a bucket policy resource: a JSON string (aws) or an object (aws-native). */
function policyOf(r: StackResource): unknown {
  return r.type === NATIVE_BUCKET_POLICY ? r.props.policyDocument : r.props.policy;
}

/** The name of a bucket resource: `bucket` (aws), `bucketName` (aws-native), or its id. */
function bucketNameOf(r: StackResource): unknown {
  return (r.type === NATIVE_BUCKET ? r.props.bucketName : r.props.bucket) ?? physicalId(r);
}

export interface S3VpceSettings extends VpceRestrictionSettings {
  /** Bucket names or patterns (`*`, `?`) that need no restriction, such as a CloudTrail bucket. */
  readonly exemptBuckets: readonly string[];
}

/** Where a bucket's policy text comes from. */
interface PolicySource {
  readonly resource: StackResource;
  readonly label: string;
}

interface BucketEntry {
  readonly resource: StackResource;
  readonly name: unknown;
  readonly sources: PolicySource[];
}

export const s3BucketRequiresVpce: StackRule<S3VpceSettings> = {
  kind: "stack",
  name: "s3-bucket-requires-vpce",
  description:
    "Checks that every S3 bucket has a bucket policy that denies all S3 access unless the request comes through an approved VPC endpoint (aws:SourceVpce).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      approvedEndpointIds: {
        type: "array",
        items: { type: "string" },
        description:
          "VPC endpoint ids the Deny may exempt. When set, a policy that exempts any other endpoint is a violation.",
        default: [],
      },
      exemptBuckets: {
        type: "array",
        items: { type: "string" },
        description:
          "Bucket names or resource names (wildcards * and ? allowed) that need no endpoint restriction, e.g. a CloudTrail log bucket.",
        default: [],
      },
      exemptionKeys: {
        type: "array",
        items: { type: "string" },
        description:
          "Principal-ARN condition keys (e.g. aws:PrincipalArn) under which the Deny may exempt principals: only under a negated operator (ArnNotLike, ...), and only principals of one account, named (a wildcard only in the IAM path). With aws:PrincipalArn listed, NotPrincipal is judged by the same rules.",
        default: [],
      },
      allowedExemptions: {
        type: "array",
        items: { type: "string" },
        description:
          "Principal ARN patterns the organisation accepts as exemptions, e.g. arn:aws:iam::111122223333:role/*. When set, every exempted value must fall inside one of them.",
        default: [],
      },
    },
  },
  settings: (config) => ({
    approvedEndpointIds: stringList(config, "approvedEndpointIds"),
    exemptBuckets: stringList(config, "exemptBuckets"),
    exemptionKeys: stringList(config, "exemptionKeys"),
    allowedExemptions: stringList(config, "allowedExemptions"),
  }),
  check: checkBucketsRequireVpce,
};

/**
 * Links every bucket to the policies that apply to it and analyses each. Linear: buckets are
 * indexed once by name, id and URN, and each bucket policy is looked up there.
 */
export function checkBucketsRequireVpce(
  resources: readonly StackResource[],
  settings: S3VpceSettings,
): Finding[] {
  const byName = new Map<string, BucketEntry[]>();
  const byUrn = new Map<string, BucketEntry>();
  const buckets: BucketEntry[] = [];
  for (const r of resources) {
    if (!BUCKET_TYPES.has(r.type)) {
      continue;
    }
    const entry: BucketEntry = { resource: r, name: bucketNameOf(r), sources: [] };
    buckets.push(entry);
    byUrn.set(r.urn, entry);
    for (const key of new Set([bucketNameOf(r), physicalId(r)])) {
      if (isKnownString(key)) {
        const list = byName.get(key) ?? [];
        list.push(entry);
        byName.set(key, list);
      }
    }
  }

  // Policies whose bucket is not known yet and cannot be placed through property dependencies.
  const unplaced: StackResource[] = [];
  // Policies of buckets this stack does not create (existing buckets): judged on their own.
  const external: StackResource[] = [];
  for (const r of resources) {
    if (r.type !== BUCKET_POLICY && r.type !== NATIVE_BUCKET_POLICY) {
      continue;
    }
    const target = r.props.bucket;
    const linked = new Set<BucketEntry>(isKnownString(target) ? (byName.get(target) ?? []) : []);
    if (linked.size === 0) {
      for (const urn of dependencyUrns(r, "bucket")) {
        const entry = byUrn.get(urn);
        if (entry) {
          linked.add(entry);
        }
      }
    }
    if (linked.size === 0) {
      (isKnownString(target) ? external : unplaced).push(r);
    }
    for (const entry of linked) {
      entry.sources.push({ resource: r, label: `bucket policy '${r.name}'` });
    }
  }

  const findings: Finding[] = [];
  for (const entry of buckets) {
    const bucket = entry.resource;
    if (isExempt(entry, settings.exemptBuckets)) {
      continue;
    }
    const inline = bucket.props.policy;
    const inlineKnown =
      inline !== undefined && inline !== null && inline !== "" && !isUnknown(inline);
    if (inlineKnown) {
      entry.sources.push({ resource: bucket, label: "its inline policy" });
    }
    const subject = `S3 bucket '${displayName(entry)}'`;

    if (entry.sources.length === 0) {
      // The deprecated inline `policy` output is unknown for a new bucket during preview, and an
      // unplaced bucket policy may turn out to be this bucket's: neither is a verdict yet.
      if (isUnknown(inline)) {
        findings.push(unknownFinding(bucket, bucket, ["policy"], subject));
      } else if (unplaced.length) {
        findings.push(unknownFinding(bucket, unplaced[0], ["bucket"], subject));
      } else {
        const analysis = analyzeBucketPolicy(undefined, target(entry), settings);
        findings.push({ urn: bucket.urn, message: explainBucketPolicyAnalysis(analysis, subject) });
      }
      continue;
    }

    let pending: Finding | undefined;
    for (const source of entry.sources) {
      const analysis = analyzeBucketPolicy(policyOf(source.resource), target(entry), settings);
      if (analysis.status === "restricted") {
        continue;
      }
      if (analysis.status === "unknown") {
        pending ??= unknownOf(analysis, entry, source, subject);
        continue;
      }
      const about = `${subject} (${source.label})`;
      findings.push({ urn: bucket.urn, message: explainBucketPolicyAnalysis(analysis, about) });
    }
    if (pending && !findings.some((f) => f.urn === bucket.urn)) {
      findings.push(pending);
    }
  }

  for (const r of external) {
    const name = r.props.bucket as string;
    if (settings.exemptBuckets.some((p) => globMatch(p, name) || globMatch(p, r.name))) {
      continue;
    }
    const subject = `S3 bucket '${excerpt(name, 100)}' (not created by this stack; bucket policy '${excerpt(r.name, 100)}')`;
    const analysis = analyzeBucketPolicy(policyOf(r), { name }, settings);
    if (analysis.status === "restricted") {
      continue;
    }
    if (analysis.status === "unknown") {
      findings.push(unknownFinding(r, r, policyPath(r, analysis), subject));
      continue;
    }
    findings.push({ urn: r.urn, message: explainBucketPolicyAnalysis(analysis, subject) });
  }
  return findings;
}

function policyPath(r: StackResource, analysis: BucketPolicyAnalysis) {
  const property = r.type === NATIVE_BUCKET_POLICY ? "policyDocument" : "policy";
  return [property, ...(analysis.unknownPath ?? [])];
}

function unknownOf(
  analysis: BucketPolicyAnalysis,
  entry: BucketEntry,
  source: PolicySource,
  subject: string,
): Finding {
  if (analysis.unknownPath) {
    return unknownFinding(
      entry.resource,
      source.resource,
      policyPath(source.resource, analysis),
      subject,
    );
  }
  return unknownFinding(entry.resource, entry.resource, ["bucket"], subject);
}

function target(entry: BucketEntry): { name?: string; arn?: string } {
  const arn = entry.resource.props.arn;
  return {
    ...(typeof entry.name === "string" ? { name: entry.name } : {}),
    ...(typeof arn === "string" ? { arn } : {}),
  };
}

function displayName(entry: BucketEntry): string {
  return excerpt(isKnownString(entry.name) ? entry.name : entry.resource.name, 100);
}

function isExempt(entry: BucketEntry, patterns: readonly string[]): boolean {
  if (patterns.length === 0) {
    return false;
  }
  const names = [entry.resource.name, ...(isKnownString(entry.name) ? [entry.name] : [])];
  return patterns.some((p) => names.some((n) => globMatch(p, n)));
}
