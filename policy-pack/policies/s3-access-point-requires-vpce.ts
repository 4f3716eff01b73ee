import { analyzeBucketPolicy, explainBucketPolicyAnalysis } from "./bucket-vpce-analysis";
import { Finding, StackResource, StackRule, stringList, unknownFinding } from "./rules";
import { S3VpceSettings } from "./s3-bucket-requires-vpce";
import { excerpt } from "./text";
import { isKnownString, isUnknown } from "./unknowns";

export const ACCESS_POINT = "aws:s3/accessPoint:AccessPoint";
export const ACCESS_POINT_POLICY = "aws:s3control/accessPointPolicy:AccessPointPolicy";

/**
 * An S3 access point is a second door to its bucket, with its own policy. One created with a
 * `vpcConfiguration` accepts requests only from that VPC (its network origin is VPC); one
 * without it accepts requests from the internet, so its policy must restrict it to endpoints
 * the way a bucket policy does. The access point's resources are its ARN and
 * `<ARN>/object/*` (Amazon S3 User Guide, "Configuring IAM policies for using access points").
 *
 * Not covered, and said so in README: whether the bucket policy delegates access control to
 * access points (`s3:DataAccessPointAccount` / `s3:DataAccessPointArn`), multi-Region access
 * points, Object Lambda access points, and access points of directory buckets.
 */
export const s3AccessPointRequiresVpce: StackRule<S3VpceSettings> = {
  kind: "stack",
  name: "s3-access-point-requires-vpce",
  description:
    "Checks that every S3 access point either accepts requests only from a VPC (vpcConfiguration) or has a policy that denies all access unless the request comes through an approved VPC endpoint.",
  enforcementLevel: "advisory",
  appliesTo: ACCESS_POINT,
  configSchema: {
    properties: {
      approvedEndpointIds: {
        type: "array",
        items: { type: "string" },
        description: "VPC endpoint ids the Deny may exempt (as for s3-bucket-requires-vpce).",
        default: [],
      },
      exemptionKeys: {
        type: "array",
        items: { type: "string" },
        description:
          "Principal-ARN condition keys that may exempt principals (as for s3-bucket-requires-vpce).",
        default: [],
      },
      allowedExemptions: {
        type: "array",
        items: { type: "string" },
        description:
          "Principal ARN patterns an exemption must fall inside (as for s3-bucket-requires-vpce).",
        default: [],
      },
    },
  },
  settings: (config) => ({
    approvedEndpointIds: stringList(config, "approvedEndpointIds"),
    exemptBuckets: [],
    exemptionKeys: stringList(config, "exemptionKeys"),
    allowedExemptions: stringList(config, "allowedExemptions"),
  }),
  check: checkAccessPoints,
};

export function checkAccessPoints(
  resources: readonly StackResource[],
  settings: S3VpceSettings,
): Finding[] {
  const policiesByArn = new Map<string, StackResource[]>();
  for (const r of resources) {
    if (r.type === ACCESS_POINT_POLICY && isKnownString(r.props.accessPointArn)) {
      const list = policiesByArn.get(r.props.accessPointArn) ?? [];
      list.push(r);
      policiesByArn.set(r.props.accessPointArn, list);
    }
  }
  const findings: Finding[] = [];
  for (const ap of resources) {
    if (ap.type !== ACCESS_POINT) {
      continue;
    }
    const subject = `S3 access point '${excerpt(isKnownString(ap.props.name) ? ap.props.name : ap.name, 100)}'`;
    const vpc = ap.props.vpcConfiguration;
    if (isUnknown(vpc)) {
      findings.push(unknownFinding(ap, ap, ["vpcConfiguration"], subject));
      continue;
    }
    if (vpc !== null && typeof vpc === "object" && Object.keys(vpc).length > 0) {
      continue;
    }
    const arn = ap.props.arn;
    if (!isKnownString(arn)) {
      findings.push(unknownFinding(ap, ap, ["arn"], subject));
      continue;
    }
    const sources: { policy: unknown; label: string; resource: StackResource; path: string }[] = [
      ...(policiesByArn.get(arn) ?? []).map((p) => ({
        policy: p.props.policy,
        label: `access point policy '${excerpt(p.name, 100)}'`,
        resource: p,
        path: "policy",
      })),
    ];
    const inline = ap.props.policy;
    if (sources.length === 0 || (inline !== undefined && inline !== null && inline !== "")) {
      sources.push({ policy: inline, label: "its policy", resource: ap, path: "policy" });
    }
    for (const source of sources) {
      const analysis = analyzeBucketPolicy(
        source.policy,
        { arn, objectArn: `${arn}/object/*` },
        settings,
      );
      if (analysis.status === "restricted") {
        continue;
      }
      if (analysis.status === "unknown") {
        findings.push(
          unknownFinding(
            ap,
            source.resource,
            [source.path, ...(analysis.unknownPath ?? [])],
            subject,
          ),
        );
        continue;
      }
      const about = `${subject} (no vpcConfiguration, so it takes requests from the internet; ${source.label})`;
      findings.push({
        urn: ap.urn,
        message: explainBucketPolicyAnalysis(analysis, about, "access point policy"),
      });
    }
  }
  return findings;
}
