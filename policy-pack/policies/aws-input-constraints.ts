import { NetworkIndex, indexNetwork, vpcOf } from "./network";
import { Finding, ResourceRule, StackResource, StackRule } from "./rules";
import { PropertyPath, formatPath, isKnownString, isUnknown } from "./unknowns";

/**
 * What the AWS APIs refuse in the inputs a program sends, one row per documented constraint,
 * each with the page that states it. Mocks accept anything; AWS does not, so the offline engine
 * refuses a registration that breaks a row and the pack reports it at preview.
 *
 * A value that is absent or not known yet (preview) is skipped: the row judges only what it can
 * see. Names the provider generates (autonaming) are not inputs and are not judged.
 */

export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const SG_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/** One thing wrong with one property value. */
export interface InputProblem {
  readonly path: PropertyPath;
  readonly value: unknown;
  /** What is wrong with the value, e.g. `contains "'"`. */
  readonly problem: string;
}

export interface InputConstraint {
  /** kebab-case, stating what is constrained. */
  readonly id: string;
  readonly types: readonly string[];
  /** What AWS accepts, as its documentation states it. */
  readonly rule: string;
  /** The AWS (or, for provider-side limits, Pulumi) page the rule comes from. */
  readonly source: string;
  /** `type` tells apart the shapes one property takes (inline rules, rule resources). */
  readonly check: (props: Readonly<Record<string, unknown>>, type: string) => InputProblem[];
}

export interface InputViolation extends InputProblem {
  readonly constraint: InputConstraint;
}

// EC2 free text. CreateSecurityGroup's GroupDescription and GroupName and IpRange/Ipv6Range's
// Description list "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"; UserIdGroupPair and
// PrefixListId's Description list the same set without "&".
const EC2_TEXT = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
const EC2_TEXT_NO_AMP = /^[a-zA-Z0-9. _\-:/()#,@[\]+=;{}!$*]*$/;
const EC2_TEXT_SET = "a-z A-Z 0-9 space and ._-:/()#,@[]+=&;{}!$*";

const SOURCES = {
  createSecurityGroup:
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  ipRange: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html",
  userIdGroupPair:
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UserIdGroupPair.html",
  tag: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Tag.html",
  tagLimits: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions",
  createLoadBalancer:
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
  createTargetGroup:
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
  pulumiLoadBalancer: "https://www.pulumi.com/registry/packages/aws/api-docs/lb/loadbalancer/",
  pulumiTargetGroup: "https://www.pulumi.com/registry/packages/aws/api-docs/lb/targetgroup/",
  iamQuotas: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
  bucketNaming: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  pulumiBucket: "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucket/",
  dynamodbNaming:
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html",
  userData: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html",
  bucketPolicy: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
  endpointPolicy: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
  vpcCidr: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
  subnetSizing: "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html",
  sgRules: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html",
  endpointSubnets:
    "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
} as const;

/** A known string value of `props[key]`, or undefined (absent, unknown, another type). */
function text(props: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = props[key];
  return isKnownString(v) ? v : undefined;
}

/** Length in characters as AWS counts them (code points, not UTF-16 units). */
function chars(value: string): number {
  return [...value].length;
}

function firstOutside(value: string, allowed: RegExp): string | undefined {
  return [...value].find((c) => !allowed.test(c));
}

function freeText(path: PropertyPath, value: string, allowed: RegExp, max: number): InputProblem[] {
  const out: InputProblem[] = [];
  const bad = firstOutside(value, allowed);
  if (bad !== undefined) out.push({ path, value, problem: `contains ${JSON.stringify(bad)}` });
  if (chars(value) > max) {
    out.push({ path, value, problem: `is ${chars(value)} characters long (at most ${max})` });
  }
  return out;
}

/** A name: length bounds, a character class per character, and extra refusals. */
function named(
  props: Readonly<Record<string, unknown>>,
  key: string,
  min: number,
  max: number,
  allowed: RegExp,
  extra: (v: string) => string | undefined = () => undefined,
): InputProblem[] {
  const value = text(props, key);
  if (value === undefined) return [];
  const problems: string[] = [];
  const n = chars(value);
  if (n < min || n > max) problems.push(`is ${n} characters long (${min} to ${max})`);
  const bad = firstOutside(value, allowed);
  if (bad !== undefined) problems.push(`contains ${JSON.stringify(bad)}`);
  const more = extra(value);
  if (more) problems.push(more);
  return problems.map((problem) => ({ path: [key], value, problem }));
}

// ---- security group rules: where descriptions and ports sit, and what the peer is -------------

interface RuleShape {
  readonly base: PropertyPath;
  readonly description: unknown;
  /** A security group or prefix list peer (the stricter character set). */
  readonly referencesGroupOrList: boolean;
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
}

function sgRules(type: string, props: Readonly<Record<string, unknown>>): RuleShape[] {
  if (type === SECURITY_GROUP) {
    const out: RuleShape[] = [];
    for (const key of ["ingress", "egress"]) {
      const list = props[key];
      if (!Array.isArray(list)) continue;
      list.forEach((entry, i) => {
        if (!entry || typeof entry !== "object") return;
        const e = entry as Record<string, unknown>;
        out.push({
          base: [key, i],
          description: e.description,
          // One inline rule sends its description with every peer it names; the group and
          // prefix-list peers bring the stricter set.
          referencesGroupOrList:
            present(e.securityGroups) || e.self === true || present(e.prefixListIds),
          protocol: e.protocol,
          fromPort: e.fromPort,
          toPort: e.toPort,
        });
      });
    }
    return out;
  }
  if (type === SECURITY_GROUP_RULE) {
    return [
      {
        base: [],
        description: props.description,
        referencesGroupOrList:
          present(props.sourceSecurityGroupId) ||
          props.self === true ||
          present(props.prefixListIds),
        protocol: props.protocol,
        fromPort: props.fromPort,
        toPort: props.toPort,
      },
    ];
  }
  if (type === SG_INGRESS_RULE || type === SG_EGRESS_RULE) {
    return [
      {
        base: [],
        description: props.description,
        referencesGroupOrList:
          present(props.referencedSecurityGroupId) || present(props.prefixListId),
        protocol: props.ipProtocol,
        fromPort: props.fromPort,
        toPort: props.toPort,
      },
    ];
  }
  return [];
}

const SG_RULE_TYPES = [SECURITY_GROUP, SECURITY_GROUP_RULE, SG_INGRESS_RULE, SG_EGRESS_RULE];

function ruleDescriptions(referencing: boolean) {
  return (props: Readonly<Record<string, unknown>>, type: string): InputProblem[] =>
    sgRules(type, props)
      .filter((r) => r.referencesGroupOrList === referencing && isKnownString(r.description))
      .flatMap((r) =>
        freeText(
          [...r.base, "description"],
          r.description as string,
          referencing ? EC2_TEXT_NO_AMP : EC2_TEXT,
          255,
        ),
      );
}

/** Ports mean ports only for TCP and UDP; for ICMP they are type and code, for -1 ignored. */
function portRules(props: Readonly<Record<string, unknown>>, type: string): RuleShape[] {
  return sgRules(type, props).filter((r) =>
    ["tcp", "udp", "6", "17"].includes(String(r.protocol ?? "").toLowerCase()),
  );
}

function knownNumber(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

// ---- tags -------------------------------------------------------------------------------------

/** EC2 resources this project creates; their tags go through EC2's CreateTags rules. */
const EC2_TAGGED = [
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/natGateway:NatGateway",
  SECURITY_GROUP,
  SG_INGRESS_RULE,
  SG_EGRESS_RULE,
  "aws:ec2/instance:Instance",
  "aws:ec2/launchTemplate:LaunchTemplate",
  VPC_ENDPOINT,
  "aws:ec2/vpcEndpointService:VpcEndpointService",
  "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint",
];

function tagsOf(props: Readonly<Record<string, unknown>>): [string, unknown][] {
  const tags = props.tags;
  return tags && typeof tags === "object" && !Array.isArray(tags) ? Object.entries(tags) : [];
}

// ---- policy documents -------------------------------------------------------------------------

function base64Bytes(v: string): number {
  return Buffer.from(v, "base64").length;
}

/** IAM counts a policy's size without white space. */
function iamSize(policy: string): number {
  return chars(policy.replace(/\s/g, ""));
}

function sizeLimit(
  key: string,
  max: number,
  measure: (v: string) => number,
  unit: string,
): (props: Readonly<Record<string, unknown>>) => InputProblem[] {
  return (props) => {
    const value = text(props, key);
    if (value === undefined) return [];
    const size = measure(value);
    return size > max
      ? [{ path: [key], value, problem: `is ${size} ${unit} (at most ${max})` }]
      : [];
  };
}

// ---- names ------------------------------------------------------------------------------------

const ELB_NAME = /[a-zA-Z0-9-]/;
const IAM_NAME = /[\w+=,.@-]/;
const IAM_PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
/** The provider appends a 26-character unique suffix to a name prefix. */
const UNIQUE_SUFFIX = 26;

function hyphenEnds(v: string): string | undefined {
  return v.startsWith("-") || v.endsWith("-") ? "begins or ends with a hyphen" : undefined;
}

function iamName(id: string, types: string[], max: number, what: string): InputConstraint {
  return {
    id,
    types,
    rule: `${what} name 1-${max} characters of [A-Za-z0-9_+=,.@-]; namePrefix at most ${max - UNIQUE_SUFFIX}`,
    source: SOURCES.iamQuotas,
    check: (props) => [
      ...named(props, "name", 1, max, IAM_NAME),
      ...named(props, "namePrefix", 1, max - UNIQUE_SUFFIX, IAM_NAME),
    ],
  };
}

// ---- CIDRs ------------------------------------------------------------------------------------

interface Ipv4Cidr {
  readonly base: number;
  readonly prefix: number;
}

function parseIpv4Cidr(value: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: address - (address % size), prefix };
}

function cidrEnd(c: Ipv4Cidr): number {
  return c.base + 2 ** (32 - c.prefix) - 1;
}

function cidrSize(key: string) {
  return (props: Readonly<Record<string, unknown>>): InputProblem[] => {
    const value = text(props, key);
    if (value === undefined) return [];
    const cidr = parseIpv4Cidr(value);
    if (!cidr) return [{ path: [key], value, problem: "is not an IPv4 CIDR block" }];
    return cidr.prefix < 16 || cidr.prefix > 28
      ? [{ path: [key], value, problem: `is a /${cidr.prefix}` }]
      : [];
  };
}

// ---- the table --------------------------------------------------------------------------------

export const INPUT_CONSTRAINTS: readonly InputConstraint[] = [
  {
    id: "ec2-security-group-description",
    types: [SECURITY_GROUP],
    rule: `at most 255 characters of ${EC2_TEXT_SET}`,
    source: SOURCES.createSecurityGroup,
    check: (props) => {
      const value = text(props, "description");
      return value === undefined ? [] : freeText(["description"], value, EC2_TEXT, 255);
    },
  },
  {
    id: "ec2-security-group-name",
    types: [SECURITY_GROUP],
    rule: `at most 255 characters of ${EC2_TEXT_SET}, not starting with "sg-" (namePrefix at most ${255 - UNIQUE_SUFFIX})`,
    source: SOURCES.createSecurityGroup,
    check: (props) => {
      const sg = (v: string) => (v.startsWith("sg-") ? 'starts with "sg-"' : undefined);
      return [
        ...named(props, "name", 0, 255, /[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/, sg),
        ...named(
          props,
          "namePrefix",
          0,
          255 - UNIQUE_SUFFIX,
          /[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/,
          sg,
        ),
      ];
    },
  },
  {
    id: "ec2-security-group-rule-description-cidr",
    types: SG_RULE_TYPES,
    rule: `a rule with a CIDR peer: description at most 255 characters of ${EC2_TEXT_SET}`,
    source: SOURCES.ipRange,
    check: ruleDescriptions(false),
  },
  {
    id: "ec2-security-group-rule-description-reference",
    types: SG_RULE_TYPES,
    rule: "a rule with a security group or prefix list peer: description at most 255 characters of a-z A-Z 0-9 space and ._-:/()#,@[]+=;{}!$* (no &)",
    source: SOURCES.userIdGroupPair,
    check: ruleDescriptions(true),
  },
  {
    id: "ec2-tag-key",
    types: EC2_TAGGED,
    rule: 'tag keys 1-127 characters, not starting with "aws:"',
    source: SOURCES.tag,
    check: (props) =>
      tagsOf(props).flatMap(([key]): InputProblem[] => {
        const path = ["tags", key];
        if (key.toLowerCase().startsWith("aws:")) {
          return [{ path, value: key, problem: 'starts with "aws:", which AWS reserves' }];
        }
        const n = chars(key);
        return n < 1 || n > 127
          ? [{ path, value: key, problem: `is a key of ${n} characters (1 to 127)` }]
          : [];
      }),
  },
  {
    id: "ec2-tag-value",
    types: EC2_TAGGED,
    rule: "tag values at most 256 characters",
    source: SOURCES.tag,
    check: (props) =>
      tagsOf(props).flatMap(([key, value]): InputProblem[] =>
        isKnownString(value) && chars(value) > 256
          ? [{ path: ["tags", key], value, problem: `is ${chars(value)} characters long` }]
          : [],
      ),
  },
  {
    id: "ec2-tag-count",
    types: EC2_TAGGED,
    rule: "at most 50 tags per resource",
    source: SOURCES.tagLimits,
    check: (props) => {
      const tags = tagsOf(props);
      return tags.length > 50
        ? [{ path: ["tags"], value: `${tags.length} tags`, problem: "is more than 50 tags" }]
        : [];
    },
  },
  {
    id: "elbv2-load-balancer-name",
    types: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    rule: 'name 1-32 alphanumerics and hyphens, no hyphen first or last, not starting with "internal-"',
    source: SOURCES.createLoadBalancer,
    check: (props) =>
      named(props, "name", 1, 32, ELB_NAME, (v) =>
        v.startsWith("internal-") ? 'starts with "internal-"' : hyphenEnds(v),
      ),
  },
  {
    id: "elbv2-load-balancer-name-prefix",
    types: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    rule: "namePrefix 1-6 alphanumerics and hyphens, no hyphen first (the provider checks it)",
    source: SOURCES.pulumiLoadBalancer,
    check: (props) =>
      named(props, "namePrefix", 1, 6, ELB_NAME, (v) =>
        v.startsWith("-") ? "begins with a hyphen" : undefined,
      ),
  },
  {
    id: "elbv2-target-group-name",
    types: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    rule: "name 1-32 alphanumerics and hyphens, no hyphen first or last",
    source: SOURCES.createTargetGroup,
    check: (props) => named(props, "name", 1, 32, ELB_NAME, hyphenEnds),
  },
  {
    id: "elbv2-target-group-name-prefix",
    types: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    rule: "namePrefix 1-6 alphanumerics and hyphens, no hyphen first (the provider checks it)",
    source: SOURCES.pulumiTargetGroup,
    check: (props) =>
      named(props, "namePrefix", 1, 6, ELB_NAME, (v) =>
        v.startsWith("-") ? "begins with a hyphen" : undefined,
      ),
  },
  iamName("iam-role-name", ["aws:iam/role:Role"], 64, "role"),
  iamName("iam-user-name", ["aws:iam/user:User"], 64, "user"),
  iamName("iam-group-name", ["aws:iam/group:Group"], 128, "group"),
  iamName(
    "iam-policy-name",
    [
      "aws:iam/policy:Policy",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:iam/userPolicy:UserPolicy",
      "aws:iam/groupPolicy:GroupPolicy",
    ],
    128,
    "policy",
  ),
  iamName(
    "iam-instance-profile-name",
    ["aws:iam/instanceProfile:InstanceProfile"],
    128,
    "instance profile",
  ),
  {
    id: "iam-path",
    types: [
      "aws:iam/role:Role",
      "aws:iam/user:User",
      "aws:iam/group:Group",
      "aws:iam/policy:Policy",
      "aws:iam/instanceProfile:InstanceProfile",
    ],
    rule: 'path 1-512 characters: "/" or "/" + printable ASCII + "/"',
    source: SOURCES.iamQuotas,
    check: (props) => {
      const value = text(props, "path");
      if (value === undefined) return [];
      if (chars(value) > 512) {
        return [{ path: ["path"], value, problem: `is ${chars(value)} characters long` }];
      }
      return IAM_PATH.test(value)
        ? []
        : [{ path: ["path"], value, problem: 'does not begin and end with "/"' }];
    },
  },
  {
    id: "s3-bucket-name",
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    rule:
      "bucket 3-63 characters of a-z 0-9 . -, beginning and ending with a letter or digit, no " +
      '"..", not an IP address, no prefix xn-- sthree- amzn-s3-demo-, no suffix -s3alias --ol-s3 .mrap --x-s3',
    source: SOURCES.bucketNaming,
    check: (props) =>
      named(props, "bucket", 3, 63, /[a-z0-9.-]/, (v) => {
        if (!/^[a-z0-9].*[a-z0-9]$/.test(v)) return "does not begin and end with a letter or digit";
        if (v.includes("..")) return 'contains ".."';
        if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return "is formatted as an IP address";
        const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => v.startsWith(p));
        if (prefix) return `starts with the reserved prefix "${prefix}"`;
        const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3"].find((s) => v.endsWith(s));
        return suffix ? `ends with the reserved suffix "${suffix}"` : undefined;
      }),
  },
  {
    id: "s3-bucket-name-prefix",
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    rule: `bucketPrefix 1-${63 - UNIQUE_SUFFIX} characters of a-z 0-9 . - (the provider appends ${UNIQUE_SUFFIX})`,
    source: SOURCES.pulumiBucket,
    check: (props) => named(props, "bucketPrefix", 1, 63 - UNIQUE_SUFFIX, /[a-z0-9.-]/),
  },
  {
    id: "dynamodb-table-name",
    types: ["aws:dynamodb/table:Table"],
    rule: "name 3-255 characters of a-z A-Z 0-9 _ - .",
    source: SOURCES.dynamodbNaming,
    check: (props) => named(props, "name", 3, 255, /[a-zA-Z0-9_.-]/),
  },
  {
    id: "ec2-user-data-size",
    types: ["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"],
    rule: "user data at most 16 KB (16,384 bytes) in raw form, before base64 encoding",
    source: SOURCES.userData,
    check: (props, type) => {
      // An instance takes raw userData or userDataBase64; a launch template's userData is base64.
      const fields: [string, (v: string) => number][] =
        type === "aws:ec2/launchTemplate:LaunchTemplate"
          ? [["userData", base64Bytes]]
          : [
              ["userData", (v) => Buffer.byteLength(v, "utf8")],
              ["userDataBase64", base64Bytes],
            ];
      return fields.flatMap(([key, measure]) => {
        const value = text(props, key);
        const size = value === undefined ? 0 : measure(value);
        return size > 16384
          ? [{ path: [key], value, problem: `is ${size} bytes before base64` }]
          : [];
      });
    },
  },
  {
    id: "iam-role-inline-policy-size",
    types: ["aws:iam/rolePolicy:RolePolicy", "aws:iam/role:Role"],
    rule: "a role's inline policies at most 10,240 characters in all, white space not counted",
    source: SOURCES.iamQuotas,
    check: (props) => {
      const own = sizeLimit("policy", 10240, iamSize, "characters without white space")(props);
      const inline = props.inlinePolicies;
      if (!Array.isArray(inline)) return own;
      const texts = inline
        .map((p) =>
          p && typeof p === "object" ? (p as Record<string, unknown>).policy : undefined,
        )
        .filter(isKnownString);
      const total = texts.reduce((n, p) => n + iamSize(p), 0);
      return total > 10240
        ? [
            ...own,
            {
              path: ["inlinePolicies"],
              value: `${texts.length} policies`,
              problem: `are ${total} characters without white space`,
            },
          ]
        : own;
    },
  },
  {
    id: "iam-managed-policy-size",
    types: ["aws:iam/policy:Policy"],
    rule: "a managed policy at most 6,144 characters, white space not counted",
    source: SOURCES.iamQuotas,
    check: sizeLimit("policy", 6144, iamSize, "characters without white space"),
  },
  {
    id: "iam-user-inline-policy-size",
    types: ["aws:iam/userPolicy:UserPolicy"],
    rule: "a user's inline policies at most 2,048 characters in all, white space not counted",
    source: SOURCES.iamQuotas,
    check: sizeLimit("policy", 2048, iamSize, "characters without white space"),
  },
  {
    id: "iam-group-inline-policy-size",
    types: ["aws:iam/groupPolicy:GroupPolicy"],
    rule: "a group's inline policies at most 5,120 characters in all, white space not counted",
    source: SOURCES.iamQuotas,
    check: sizeLimit("policy", 5120, iamSize, "characters without white space"),
  },
  {
    id: "s3-bucket-policy-size",
    types: ["aws:s3/bucketPolicy:BucketPolicy"],
    rule: "a bucket policy at most 20 KB (20,480 bytes)",
    source: SOURCES.bucketPolicy,
    check: sizeLimit("policy", 20480, (v) => Buffer.byteLength(v, "utf8"), "bytes"),
  },
  {
    id: "vpc-endpoint-policy-size",
    types: [VPC_ENDPOINT, "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"],
    rule: "an endpoint policy at most 20,480 characters, white space included",
    source: SOURCES.endpointPolicy,
    check: sizeLimit("policy", 20480, chars, "characters"),
  },
  {
    id: "vpc-cidr-size",
    types: ["aws:ec2/vpc:Vpc", "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"],
    rule: "an IPv4 CIDR block between /16 and /28",
    source: SOURCES.vpcCidr,
    check: cidrSize("cidrBlock"),
  },
  {
    id: "subnet-cidr-size",
    types: ["aws:ec2/subnet:Subnet"],
    rule: "an IPv4 CIDR block between /16 and /28",
    source: SOURCES.subnetSizing,
    check: cidrSize("cidrBlock"),
  },
  {
    id: "ec2-security-group-rule-port-range",
    types: SG_RULE_TYPES,
    rule: "TCP and UDP ports 0-65535",
    source: SOURCES.sgRules,
    check: (props, type) =>
      portRules(props, type).flatMap((r) =>
        (["fromPort", "toPort"] as const).flatMap((key): InputProblem[] => {
          const port = knownNumber(r[key]);
          return port !== undefined && (port < 0 || port > 65535 || !Number.isInteger(port))
            ? [{ path: [...r.base, key], value: port, problem: "is not a port (0 to 65535)" }]
            : [];
        }),
      ),
  },
  {
    id: "ec2-security-group-rule-port-order",
    types: SG_RULE_TYPES,
    rule: "TCP and UDP rules: fromPort not above toPort",
    source: SOURCES.sgRules,
    check: (props, type) =>
      portRules(props, type).flatMap((r): InputProblem[] => {
        const from = knownNumber(r.fromPort);
        const to = knownNumber(r.toPort);
        return from !== undefined && to !== undefined && from > to
          ? [{ path: [...r.base, "fromPort"], value: from, problem: `is above toPort ${to}` }]
          : [];
      }),
  },
];

/** Every row the inputs of one resource break. */
export function checkInputs(
  type: string,
  props: Readonly<Record<string, unknown>>,
): InputViolation[] {
  const out: InputViolation[] = [];
  for (const constraint of INPUT_CONSTRAINTS) {
    if (!constraint.types.includes(type)) continue;
    for (const p of constraint.check(props, type)) {
      if (!isUnknown(p.value)) out.push({ ...p, constraint });
    }
  }
  return out;
}

/** One line naming the resource, the property, the value, the rule and its source. */
export function describeViolation(resource: string, v: InputViolation): string {
  const shown =
    typeof v.value === "string" && v.value.length > 80
      ? `${JSON.stringify(v.value.slice(0, 60))}... (${chars(v.value)} characters)`
      : JSON.stringify(v.value);
  return (
    `${resource}: ${formatPath(v.path).replace(/^\./, "")} ${shown} ${v.problem}; ` +
    `AWS accepts ${v.constraint.rule} [${v.constraint.id}] (source: ${v.constraint.source})`
  );
}

const ALL_TYPES = [...new Set(INPUT_CONSTRAINTS.flatMap((c) => c.types))];

export const awsInputConstraints: ResourceRule<Record<string, never>> = {
  kind: "resource",
  name: "aws-input-constraints",
  description:
    "Checks that resource inputs meet the constraints the AWS APIs enforce (names, descriptions, tags, policy sizes, CIDR sizes, ports), so preview reports what the create would refuse.",
  enforcementLevel: "advisory",
  types: ALL_TYPES,
  settings: () => ({}),
  check: (r) =>
    checkInputs(r.type, r.props).map((v): Finding => ({
      urn: r.urn,
      message: describeViolation(`${r.type} '${r.name}'`, v),
    })),
};

// ---- combinations AWS refuses that the pack's guardrails do not already check ----------------

/** The AZ a subnet is in, when its inputs say so (AWS picks one otherwise: unknown here). */
function subnetZone(subnet: StackResource): string | undefined {
  return text(subnet.props, "availabilityZone") ?? text(subnet.props, "availabilityZoneId");
}

/**
 * "For each Availability Zone, you can select one subnet": an interface endpoint given two
 * subnets in one AZ is refused when it is created.
 */
export const interfaceEndpointOneSubnetPerAz: StackRule<Record<string, never>> = {
  kind: "stack",
  name: "vpc-interface-endpoint-one-subnet-per-az",
  appliesTo: VPC_ENDPOINT,
  description:
    "Checks that an interface VPC endpoint names at most one subnet per Availability Zone, as AWS requires.",
  enforcementLevel: "advisory",
  settings: () => ({}),
  check: (resources) => {
    const index: NetworkIndex = indexNetwork(resources);
    const findings: Finding[] = [];
    for (const ep of resources) {
      if (
        ep.type !== VPC_ENDPOINT ||
        String(ep.props.vpcEndpointType).toLowerCase() !== "interface"
      ) {
        continue;
      }
      const ids = Array.isArray(ep.props.subnetIds) ? ep.props.subnetIds : [];
      const seen = new Map<string, string>();
      ids.forEach((id, i) => {
        const urn = isKnownString(id) ? index.subnetUrnById.get(id) : undefined;
        const subnet = urn ? index.subnets.get(urn) : undefined;
        const zone = subnet ? subnetZone(subnet) : undefined;
        if (!subnet || !zone) return;
        const other = seen.get(zone);
        if (other !== undefined) {
          findings.push({
            urn: ep.urn,
            message:
              `VPC endpoint '${ep.name}': subnetIds[${i}] ${JSON.stringify(id)} is in ${zone}, like ` +
              `${JSON.stringify(other)}; AWS accepts one subnet per Availability Zone ` +
              `[vpc-interface-endpoint-one-subnet-per-az] (source: ${SOURCES.endpointSubnets}). ` +
              "Keep one subnet per AZ.",
          });
        } else {
          seen.set(zone, String(id));
        }
      });
    }
    return findings;
  },
};

const SUBNET = "aws:ec2/subnet:Subnet";
const CIDR_ASSOCIATION = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation";

/**
 * A subnet's CIDR must lie within one of its VPC's CIDR blocks and overlap no other subnet of
 * that VPC; AWS refuses the CreateSubnet otherwise (InvalidSubnet.Range, InvalidSubnet.Conflict).
 * The later subnet of an overlapping pair is the one reported, as it is the one AWS refuses.
 */
export const subnetCidrInsideVpc: StackRule<Record<string, never>> = {
  kind: "stack",
  name: "vpc-subnet-cidr-inside-vpc",
  appliesTo: SUBNET,
  description:
    "Checks that each subnet's CIDR block lies within its VPC's CIDR blocks and overlaps no other subnet of the VPC.",
  enforcementLevel: "advisory",
  settings: () => ({}),
  check: (resources) => {
    const index = indexNetwork(resources);
    const vpcBlocks = new Map<string, { text: string; cidr: Ipv4Cidr }[]>();
    const addBlock = (key: string, value: unknown) => {
      const cidr = isKnownString(value) ? parseIpv4Cidr(value) : undefined;
      if (cidr)
        vpcBlocks.set(key, [...(vpcBlocks.get(key) ?? []), { text: value as string, cidr }]);
    };
    for (const [urn, vpc] of index.vpcs) addBlock(urn, vpc.props.cidrBlock);
    for (const r of resources) {
      const ref = r.type === CIDR_ASSOCIATION ? vpcOf(r, index) : undefined;
      if (ref && "key" in ref) addBlock(ref.key, r.props.cidrBlock);
    }
    const placed = new Map<string, { name: string; text: string; cidr: Ipv4Cidr }[]>();
    const findings: Finding[] = [];
    for (const subnet of index.subnets.values()) {
      const text = subnet.props.cidrBlock;
      const cidr = isKnownString(text) ? parseIpv4Cidr(text) : undefined;
      const ref = vpcOf(subnet, index);
      if (!cidr || !ref || !("key" in ref)) continue;
      const what = `Subnet '${subnet.name}': cidrBlock ${JSON.stringify(text)}`;
      const blocks = vpcBlocks.get(ref.key);
      if (
        blocks &&
        !blocks.some((b) => b.cidr.base <= cidr.base && cidrEnd(cidr) <= cidrEnd(b.cidr))
      ) {
        findings.push({
          urn: subnet.urn,
          message:
            `${what} is not within its VPC's CIDR blocks (${blocks.map((b) => b.text).join(", ")}); ` +
            `AWS accepts a subnet only inside its VPC [vpc-subnet-cidr-inside-vpc] (source: ${SOURCES.subnetSizing}).`,
        });
      }
      const siblings = placed.get(ref.key) ?? [];
      const clash = siblings.find(
        (s) => s.cidr.base <= cidrEnd(cidr) && cidr.base <= cidrEnd(s.cidr),
      );
      if (clash) {
        findings.push({
          urn: subnet.urn,
          message:
            `${what} overlaps subnet '${clash.name}' (${clash.text}); AWS refuses overlapping ` +
            `subnets in one VPC [vpc-subnet-cidr-inside-vpc] (source: ${SOURCES.subnetSizing}).`,
        });
      }
      placed.set(ref.key, [...siblings, { name: subnet.name, text: text as string, cidr }]);
    }
    return findings;
  },
};
