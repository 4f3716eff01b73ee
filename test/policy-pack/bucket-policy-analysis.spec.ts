import * as assert from "assert";
import {
  BucketPolicyAnalysis,
  RestrictionPart,
  UNKNOWN,
  VpceRestrictionSettings,
  analyzeBucketPolicy,
  explainBucketPolicyAnalysis,
  globCovers,
  globMatch,
} from "../../policy-pack/policies";
import { globOverlapsPrefix } from "../../policy-pack/policies/glob";

const BUCKET = "lab-bucket";
const B = `arn:aws:s3:::${BUCKET}`;
const O = `${B}/*`;
const E = "vpce-1a2b3c4d";

type Statement = Record<string, unknown>;

/** The Deny that restricts the bucket; each case changes one thing. */
function deny(overrides: Statement = {}): Statement {
  return {
    Sid: "DenyUnlessVpce",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [B, O],
    Condition: { StringNotEquals: { "aws:SourceVpce": E } },
    ...overrides,
  };
}

function without(statement: Statement, key: string): Statement {
  const copy = { ...statement };
  delete copy[key];
  return copy;
}

function doc(...statements: Statement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** The seed lab's policy (seed 000): Allow only, objects only, key spelled aws:sourceVpce. */
function seedAllow(key = "aws:sourceVpce", effect = "Allow"): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Id: "Policy1415115909152",
    Statement: [
      {
        Sid: "Access-to-specific-VPCE-only",
        Effect: effect,
        Principal: "*",
        Action: "s3:*",
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { StringEquals: { [key]: E } },
      },
    ],
  });
}

const PRINCIPAL_KEYS: VpceRestrictionSettings = { exemptionKeys: ["aws:PrincipalArn"] };

/** The restricting Deny with a principal exemption beside the endpoint condition. */
function exempting(operator: string, values: string | string[], key = "aws:PrincipalArn"): string {
  const condition: Record<string, Record<string, unknown>> = {
    StringNotEquals: { "aws:SourceVpce": E },
  };
  condition[operator] = { ...condition[operator], [key]: values };
  return doc(deny({ Condition: condition }));
}

/** Part 1 of issue #14: exemptions count only when they are narrow. */
function exemptionCases(): Case[] {
  const broad: [string, string, RegExp][] = [
    ["the bare *", "*", /"\*", which matches every principal of every account/],
    ["every principal of every account", "arn:aws:iam::*:*", /has a wildcard in the account field/],
    [
      "any account's role of that name",
      "arn:aws:iam::*:role/break-glass",
      /wildcard in the account field/,
    ],
    [
      "an account field with ?",
      "arn:aws:iam::11112222333?:role/x",
      /wildcard in the account field/,
    ],
    [
      "every principal of one account",
      "arn:aws:iam::111122223333:*",
      /matches every principal of account 111122223333/,
    ],
    [
      "every role of one account",
      "arn:aws:iam::111122223333:role/*",
      /matches every role of account 111122223333/,
    ],
    [
      "every user of one account",
      "arn:aws:iam::111122223333:user/*",
      /matches every user of account 111122223333/,
    ],
    [
      "every role under any path",
      "arn:aws:iam::111122223333:role/*/*",
      /matches every role of account/,
    ],
    [
      "roles by name prefix",
      "arn:aws:iam::111122223333:role/deploy*",
      /whose name matches deploy\*; only the IAM path may hold a wildcard/,
    ],
    ["a wildcard partition", "arn:*:iam::111122223333:role/x", /does not write out the partition/],
    ["not an ARN", "break-glass", /is not a principal ARN/],
  ];
  const cases: Case[] = broad.map(([what, value, detail]) => ({
    name: `ArnNotLike aws:PrincipalArn exempting ${what} (${value})`,
    policy: exempting("ArnNotLike", value),
    settings: PRINCIPAL_KEYS,
    status: "not-restricted",
    missing: ["condition"],
    details: [
      detail,
      /Statement\[0\] \("DenyUnlessVpce"\) exempts aws:PrincipalArn/,
      /e\.g\. arn:aws:iam::\d{12}:role\/break-glass/,
    ],
  }));
  for (const operator of ["ArnLike", "ArnEquals", "StringEquals", "StringLike"]) {
    cases.push({
      name: `aws:PrincipalArn under the positive ${operator} narrows the Deny to those principals`,
      policy: exempting(operator, "arn:aws:iam::111122223333:role/app"),
      settings: PRINCIPAL_KEYS,
      status: "not-restricted",
      missing: ["condition"],
      details: [
        new RegExp(
          `\\(${operator}\\): a positive operator narrows the Deny to the listed principals`,
        ),
      ],
    });
  }
  for (const operator of [
    "ArnNotLike",
    "ArnNotEquals",
    "StringNotLike",
    "StringNotEquals",
    "ArnNotLikeIfExists",
    "StringNotEqualsIfExists",
  ]) {
    cases.push({
      name: `${operator} aws:PrincipalArn naming one role is accepted`,
      policy: exempting(operator, "arn:aws:iam::111122223333:role/break-glass"),
      settings: PRINCIPAL_KEYS,
      status: "restricted",
    });
  }
  cases.push(
    {
      name: "the labs' deployer exemption: one role under any IAM path, and the same role pathless",
      policy: exempting("ArnNotLike", [
        "arn:aws:iam::111122223333:role/Deployer",
        "arn:aws:iam::111122223333:role/*/Deployer",
      ]),
      settings: PRINCIPAL_KEYS,
      status: "restricted",
    },
    {
      name: "a user, the root user, a federated user and one role's sessions are narrow",
      policy: exempting("ArnNotLike", [
        "arn:aws:iam::111122223333:user/lab-operator",
        "arn:aws:iam::111122223333:root",
        "arn:aws-us-gov:sts::111122223333:federated-user/ops",
        "arn:aws:sts::111122223333:assumed-role/Deployer/*",
      ]),
      settings: PRINCIPAL_KEYS,
      status: "restricted",
    },
    {
      name: "ForAnyValue: on the exemption key is refused",
      policy: exempting("ForAnyValue:ArnNotLike", "arn:aws:iam::111122223333:role/x"),
      settings: PRINCIPAL_KEYS,
      status: "not-restricted",
      details: [/deliberately accepts no set operator on an exemption key/],
    },
    {
      name: "a narrow exemption inside allowedExemptions",
      policy: exempting("ArnNotLike", "arn:aws:iam::111122223333:role/*/break-glass"),
      settings: { ...PRINCIPAL_KEYS, allowedExemptions: ["arn:aws:iam::111122223333:role/*"] },
      status: "restricted",
    },
    {
      name: "a narrow exemption outside allowedExemptions",
      policy: exempting("ArnNotLike", "arn:aws:iam::444455556666:role/break-glass"),
      settings: { ...PRINCIPAL_KEYS, allowedExemptions: ["arn:aws:iam::111122223333:role/*"] },
      status: "not-restricted",
      details: [
        /"arn:aws:iam::444455556666:role\/break-glass", which is not inside any of allowedExemptions \(arn:aws:iam::111122223333:role\/\*\)/,
      ],
    },
    {
      name: "an exemption wider than the allowed one (any path vs one path)",
      policy: exempting("ArnNotLike", "arn:aws:iam::111122223333:role/*/break-glass"),
      settings: {
        ...PRINCIPAL_KEYS,
        allowedExemptions: ["arn:aws:iam::111122223333:role/ops/break-glass"],
      },
      status: "not-restricted",
      details: [/not inside any of allowedExemptions/],
    },
    {
      name: "a hostile exemption value is quoted as an excerpt",
      policy: exempting("ArnNotLike", `arn:aws:iam::111122223333:role/${"x".repeat(5000)}*`),
      settings: PRINCIPAL_KEYS,
      status: "not-restricted",
      details: [/\.\.\. \(5,032 characters\)/],
    },
  );
  return cases;
}

interface Case {
  readonly name: string;
  readonly policy: unknown;
  readonly bucket?: string | { name?: string; arn?: string };
  readonly settings?: VpceRestrictionSettings;
  readonly status: BucketPolicyAnalysis["status"];
  readonly missing?: readonly RestrictionPart[];
  readonly details?: readonly RegExp[];
  readonly restricting?: readonly number[];
  readonly exempted?: readonly string[];
  readonly allowOnly?: boolean;
  readonly flip?: boolean;
  readonly error?: RegExp;
  readonly unknownPath?: readonly (string | number)[];
}

const cases: Case[] = [
  {
    name: "a Deny of s3:* on the bucket and its objects unless aws:SourceVpce",
    policy: doc(deny()),
    status: "restricted",
    restricting: [0],
    exempted: [E],
  },
  {
    name: "the seed's Allow-only policy (aws:sourceVpce)",
    policy: seedAllow("aws:sourceVpce"),
    status: "not-restricted",
    missing: ["deny"],
    allowOnly: true,
    details: [/only Allows requests through vpce-1a2b3c4d/, /an Allow never stops a principal/],
  },
  {
    name: "the seed's Allow-only policy (aws:SourceVpce)",
    policy: seedAllow("aws:SourceVpce"),
    status: "not-restricted",
    missing: ["deny"],
    allowOnly: true,
    details: [/an Allow never stops a principal that already has access through IAM/],
  },
  {
    name: "the seed's verification flip (Deny when the request comes through the endpoint)",
    policy: seedAllow("aws:sourceVpce", "Deny"),
    status: "not-restricted",
    missing: ["bucket-resource", "condition"],
    flip: true,
    details: [/DO come through vpce-1a2b3c4d \(StringEquals\)/, /verification flip/],
  },
  {
    name: "partial actions",
    policy: doc(deny({ Action: ["s3:GetObject", "s3:PutObject"] })),
    status: "not-restricted",
    missing: ["actions"],
    details: [/denies only s3:GetObject, s3:PutObject/, /"s3:\*"/],
  },
  {
    name: "a prefix action (s3:Get*)",
    policy: doc(deny({ Action: "s3:Get*" })),
    status: "not-restricted",
    missing: ["actions"],
  },
  {
    name: 'Action "*"',
    policy: doc(deny({ Action: "*" })),
    status: "restricted",
  },
  {
    name: "actions compared ignoring case (S3:*)",
    policy: doc(deny({ Action: ["S3:*"] })),
    status: "restricted",
  },
  {
    name: "objects-only resources",
    policy: doc(deny({ Resource: O })),
    status: "not-restricted",
    missing: ["bucket-resource"],
    details: [/no Deny statement covers arn:aws:s3:::lab-bucket \(/],
  },
  {
    name: "bucket-only resources",
    policy: doc(deny({ Resource: B })),
    status: "not-restricted",
    missing: ["object-resource"],
    details: [/no Deny statement covers arn:aws:s3:::lab-bucket\/\*/],
  },
  {
    name: "another bucket's ARN",
    policy: doc(deny({ Resource: ["arn:aws:s3:::other-bucket", "arn:aws:s3:::other-bucket/*"] })),
    status: "not-restricted",
    missing: ["bucket-resource", "object-resource"],
    details: [/names arn:aws:s3:::other-bucket, arn:aws:s3:::other-bucket\/\*/],
  },
  {
    name: "a prefix of the objects only (lab-bucket/private/*)",
    policy: doc(deny({ Resource: [B, `${B}/private/*`] })),
    status: "not-restricted",
    missing: ["object-resource"],
  },
  {
    name: "a one-character object pattern (lab-bucket/?) does not cover every object",
    policy: doc(deny({ Resource: [B, `${B}/?`] })),
    status: "not-restricted",
    missing: ["object-resource"],
  },
  {
    name: "a wildcard resource covering the bucket (arn:aws:s3:::lab-*)",
    policy: doc(deny({ Resource: "arn:aws:s3:::lab-*" })),
    status: "restricted",
  },
  {
    name: 'Resource "*"',
    policy: doc(deny({ Resource: "*" })),
    status: "restricted",
  },
  {
    name: "an extra narrowing condition (aws:SecureTransport)",
    policy: doc(
      deny({
        Condition: {
          StringNotEquals: { "aws:SourceVpce": E },
          Bool: { "aws:SecureTransport": "false" },
        },
      }),
    ),
    status: "not-restricted",
    missing: ["condition"],
    details: [/also requires aws:SecureTransport \(Bool\), which narrows the Deny/],
  },
  {
    name: "an extra condition key listed in exemptionKeys (break-glass role)",
    policy: doc(
      deny({
        Condition: {
          StringNotEquals: { "aws:SourceVpce": E },
          ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/break-glass" },
        },
      }),
    ),
    settings: { exemptionKeys: ["AWS:PrincipalArn"] },
    status: "restricted",
  },
  {
    name: "one principal only",
    policy: doc(deny({ Principal: { AWS: "arn:aws:iam::123456789012:role/app" } })),
    status: "not-restricted",
    missing: ["principals"],
    details: [/applies only to .*role\/app/],
  },
  {
    name: 'Principal {"AWS": "*"}',
    policy: doc(deny({ Principal: { AWS: "*" } })),
    status: "restricted",
  },
  {
    name: "NotAction",
    policy: doc({ ...without(deny(), "Action"), NotAction: "s3:GetObject" }),
    status: "not-restricted",
    missing: ["actions"],
    details: [/uses NotAction/],
  },
  {
    name: "NotResource naming only another bucket's objects covers this bucket (IAM denies everything else)",
    policy: doc({ ...without(deny(), "Resource"), NotResource: "arn:aws:s3:::other/*" }),
    status: "restricted",
    restricting: [0],
  },
  {
    name: "NotResource naming this bucket's objects leaves them out",
    policy: doc({ ...without(deny(), "Resource"), NotResource: `${B}/public/*` }),
    status: "not-restricted",
    missing: ["object-resource"],
    details: [
      /uses NotResource arn:aws:s3:::lab-bucket\/public\/\*, which leaves objects of arn:aws:s3:::lab-bucket out/,
    ],
  },
  {
    name: "NotResource matching the bucket by wildcard leaves it out",
    policy: doc({ ...without(deny(), "Resource"), NotResource: "arn:aws:s3:::lab-*" }),
    status: "not-restricted",
    missing: ["bucket-resource", "object-resource"],
    details: [/uses NotResource arn:aws:s3:::lab-\*/],
  },
  {
    name: "NotAction listing only non-S3 actions covers every S3 action",
    policy: doc({ ...without(deny(), "Action"), NotAction: ["ec2:*", "iam:PassRole"] }),
    status: "restricted",
  },
  {
    name: "NotAction listing an S3 action leaves it out",
    policy: doc({ ...without(deny(), "Action"), NotAction: ["ec2:*", "S3:GetObject"] }),
    status: "not-restricted",
    missing: ["actions"],
    details: [/uses NotAction S3:GetObject, so the Deny leaves out S3 actions/],
  },
  {
    name: "NotAction with a wildcard reaching S3 (s*) leaves S3 out",
    policy: doc({ ...without(deny(), "Action"), NotAction: "s*" }),
    status: "not-restricted",
    missing: ["actions"],
  },
  {
    name: "NotPrincipal without aws:PrincipalArn in exemptionKeys",
    policy: doc({
      ...without(deny(), "Principal"),
      NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/break-glass" },
    }),
    status: "not-restricted",
    missing: ["principals"],
    details: [/uses NotPrincipal, which exempts the principals it names/],
  },
  {
    name: "NotPrincipal naming one role, with aws:PrincipalArn accepted",
    policy: doc({
      ...without(deny(), "Principal"),
      NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/break-glass" },
    }),
    settings: PRINCIPAL_KEYS,
    status: "restricted",
  },
  {
    name: "NotPrincipal naming a whole account (root ARN)",
    policy: doc({
      ...without(deny(), "Principal"),
      NotPrincipal: {
        AWS: ["arn:aws:iam::111122223333:role/break-glass", "arn:aws:iam::111122223333:root"],
      },
    }),
    settings: PRINCIPAL_KEYS,
    status: "not-restricted",
    missing: ["principals"],
    details: [
      /exempts NotPrincipal "arn:aws:iam::111122223333:root", which is account 111122223333's root ARN, which in NotPrincipal stands for every principal/,
    ],
  },
  {
    name: "NotPrincipal naming a bare account id",
    policy: doc({ ...without(deny(), "Principal"), NotPrincipal: { AWS: "111122223333" } }),
    settings: PRINCIPAL_KEYS,
    status: "not-restricted",
    details: [/is account 111122223333, which stands for every principal of that account/],
  },
  {
    name: "NotPrincipal naming a service",
    policy: doc({
      ...without(deny(), "Principal"),
      NotPrincipal: { Service: "cloudtrail.amazonaws.com" },
    }),
    settings: PRINCIPAL_KEYS,
    status: "not-restricted",
    details: [
      /NotPrincipal exempts Service principals \(cloudtrail.amazonaws.com\), which belong to no one account/,
    ],
  },
  ...exemptionCases(),
  {
    name: "condition keys differing only in case: exemptionKeys aws:principalarn vs AWS:PrincipalARN",
    policy: doc(
      deny({
        Condition: {
          StringNotEquals: { "aws:SourceVpce": E },
          ArnNotLike: { "AWS:PrincipalARN": "arn:aws:iam::111122223333:role/break-glass" },
        },
      }),
    ),
    settings: { exemptionKeys: ["aws:principalarn"] },
    status: "restricted",
  },
  ...["aws:SourceVpce", "aws:sourceVpce", "aws:sourcevpce"].map((key): Case => ({
    name: `the key spelled ${key} restricts`,
    policy: doc(deny({ Condition: { StringNotEquals: { [key]: E } } })),
    status: "restricted",
    exempted: [E],
  })),
  {
    name: "a Null test on aws:SourceVpce (true): any endpoint, also another account's, passes",
    policy: doc(deny({ Condition: { Null: { "aws:SourceVpce": "true" } } })),
    status: "not-restricted",
    missing: ["condition"],
    details: [/Null \(true\): "true" denies only requests that come through no endpoint at all/],
  },
  {
    name: "a Null test beside the endpoint condition narrows the Deny",
    policy: doc(
      deny({
        Condition: {
          StringNotEquals: { "aws:SourceVpce": E },
          Null: { "aws:SourceVpce": "false" },
        },
      }),
    ),
    status: "not-restricted",
    missing: ["condition"],
    details: [/tests aws:SourceVpce with Null/],
  },
  {
    name: "ForAllValues: on aws:SourceVpce is refused, saying why",
    policy: doc(deny({ Condition: { "ForAllValues:StringNotEquals": { "aws:SourceVpce": E } } })),
    status: "not-restricted",
    missing: ["condition"],
    details: [/deliberately does not accept set operators .*IAM Access Analyzer warns/],
  },
  {
    name: "a Deny split across statements (bucket, then objects)",
    policy: doc(deny({ Sid: "Bucket", Resource: B }), deny({ Sid: "Objects", Resource: O })),
    status: "restricted",
    restricting: [0, 1],
  },
  {
    name: "a split Deny whose objects statement lacks the condition",
    policy: doc(deny({ Resource: B }), without(deny({ Resource: O }), "Condition")),
    status: "not-restricted",
    missing: ["condition"],
    details: [/Statement\[1\] .*has no condition/],
  },
  {
    name: "StringNotEqualsIfExists",
    policy: doc(deny({ Condition: { StringNotEqualsIfExists: { "aws:SourceVpce": E } } })),
    status: "restricted",
  },
  {
    name: "StringNotEqualsIgnoreCase",
    policy: doc(deny({ Condition: { StringNotEqualsIgnoreCase: { "aws:SourceVpce": E } } })),
    status: "restricted",
  },
  {
    name: "condition keys compared ignoring case (AWS:SOURCEVPCE)",
    policy: doc(deny({ Condition: { StringNotEquals: { "AWS:SOURCEVPCE": E } } })),
    status: "restricted",
    exempted: [E],
  },
  {
    name: "several endpoints",
    policy: doc(
      deny({ Condition: { StringNotEquals: { "aws:SourceVpce": [E, "vpce-0f0f0f0f"] } } }),
    ),
    status: "restricted",
    exempted: [E, "vpce-0f0f0f0f"],
  },
  {
    name: "several endpoints, one of them not approved",
    policy: doc(
      deny({ Condition: { StringNotEquals: { "aws:SourceVpce": [E, "vpce-0f0f0f0f"] } } }),
    ),
    settings: { approvedEndpointIds: [E] },
    status: "not-restricted",
    missing: ["condition"],
    details: [/exempts vpce-0f0f0f0f, which is not an approved endpoint/],
  },
  {
    name: "several endpoints, all approved",
    policy: doc(
      deny({ Condition: { StringNotEquals: { "aws:SourceVpce": [E, "vpce-0f0f0f0f"] } } }),
    ),
    settings: { approvedEndpointIds: ["vpce-0f0f0f0f", E] },
    status: "restricted",
  },
  {
    name: "StringNotLike with a wildcard that matches any endpoint",
    policy: doc(deny({ Condition: { StringNotLike: { "aws:SourceVpce": "vpce-*" } } })),
    status: "not-restricted",
    missing: ["condition"],
    details: [/the pattern vpce-\*/],
  },
  {
    name: "a set operator on aws:SourceVpce",
    policy: doc(deny({ Condition: { "ForAnyValue:StringNotEquals": { "aws:SourceVpce": E } } })),
    status: "not-restricted",
    missing: ["condition"],
    details: [/set operators/],
  },
  {
    name: "a Null test on aws:SourceVpce",
    policy: doc(deny({ Condition: { Null: { "aws:SourceVpce": "true" } } })),
    status: "not-restricted",
    missing: ["condition"],
    details: [/tests aws:SourceVpce with Null/],
  },
  {
    name: "a condition on aws:SourceVpc instead of aws:SourceVpce",
    policy: doc(deny({ Condition: { StringNotEquals: { "aws:SourceVpc": "vpc-1" } } })),
    status: "not-restricted",
    missing: ["condition"],
    details: [/has no aws:SourceVpce condition \(it tests aws:SourceVpc\)/],
  },
  {
    name: "a single Statement object",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: deny() }),
    status: "restricted",
  },
  {
    name: "a policy given as an object",
    policy: { Version: "2012-10-17", Statement: [deny()] },
    status: "restricted",
  },
  {
    name: "an Allow beside the Deny",
    policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: O }, deny()),
    status: "restricted",
    restricting: [1],
  },
  {
    name: "malformed JSON",
    policy: '{"Statement": [',
    status: "malformed",
    error: /is not valid JSON/,
  },
  {
    name: "a JSON list instead of a document",
    policy: "[]",
    status: "malformed",
    error: /must be a JSON object/,
  },
  {
    name: "no Statement",
    policy: JSON.stringify({ Version: "2012-10-17" }),
    status: "malformed",
    error: /has no "Statement"/,
  },
  {
    name: "no statements",
    policy: doc(),
    status: "not-restricted",
    missing: ["deny"],
    details: [/no statements/],
  },
  {
    name: 'a lower-case Effect ("deny")',
    policy: doc(deny({ Effect: "deny" })),
    status: "malformed",
    error: /Statement\[0\]\.Effect must be "Allow" or "Deny"/,
  },
  {
    name: "a Deny without Principal",
    policy: doc(without(deny(), "Principal")),
    status: "malformed",
    error: /Statement\[0\] has no Principal/,
  },
  {
    name: "a number where actions belong",
    policy: doc(deny({ Action: 7 })),
    status: "malformed",
    error: /Statement\[0\]\.Action must be a string or a list of strings/,
  },
  {
    name: "no policy at all",
    policy: undefined,
    status: "absent",
    missing: ["deny"],
  },
  {
    name: "a policy not known yet (preview)",
    policy: UNKNOWN,
    status: "unknown",
    unknownPath: [],
  },
  {
    name: "a Deny whose resource is not known yet",
    policy: { Statement: [deny({ Resource: [UNKNOWN, O] })] },
    status: "unknown",
    unknownPath: ["Statement", 0, "Resource", 0],
  },
  {
    name: "the seed's Allow-only policy with its ARN not known yet is still a violation",
    policy: { Statement: [{ ...JSON.parse(seedAllow()).Statement[0], Resource: UNKNOWN }] },
    status: "not-restricted",
    missing: ["deny"],
    allowOnly: true,
  },
  {
    name: "a bucket whose name is not known yet",
    policy: doc(deny()),
    bucket: UNKNOWN,
    status: "unknown",
  },
  {
    name: "a bucket whose name is not known yet, with a Deny on every bucket",
    policy: doc(deny({ Resource: "arn:aws:s3:::*" })),
    bucket: UNKNOWN,
    status: "restricted",
  },
  {
    name: "a bucket in another partition, named by its ARN",
    policy: doc(deny({ Resource: ["arn:aws-cn:s3:::lab-bucket", "arn:aws-cn:s3:::lab-bucket/*"] })),
    bucket: { name: BUCKET, arn: "arn:aws-cn:s3:::lab-bucket" },
    status: "restricted",
  },
  {
    name: "a policy written for the aws partition on an aws-cn bucket",
    policy: doc(deny()),
    bucket: { name: BUCKET, arn: "arn:aws-cn:s3:::lab-bucket" },
    status: "not-restricted",
    missing: ["bucket-resource", "object-resource"],
  },
];

describe("analyzeBucketPolicy", () => {
  it("has at least 25 table cases", () => {
    assert.ok(cases.length >= 25, `${cases.length} cases`);
  });

  for (const c of cases) {
    it(`${c.status}: ${c.name}`, () => {
      const a = analyzeBucketPolicy(c.policy, c.bucket ?? BUCKET, c.settings);
      const summary = JSON.stringify({
        status: a.status,
        missing: a.missing,
        problems: a.problems,
        error: a.error,
      });
      assert.strictEqual(a.status, c.status, summary);
      assert.strictEqual(a.restricted, c.status === "restricted");
      if (c.missing) {
        assert.deepStrictEqual(a.missing, c.missing, summary);
      }
      for (const re of c.details ?? []) {
        assert.ok(
          a.problems.some((p) => re.test(p.detail)),
          `no problem matches ${re}: ${summary}`,
        );
      }
      if (c.restricting) {
        assert.deepStrictEqual(a.restrictingStatements, c.restricting);
      }
      if (c.exempted) {
        assert.deepStrictEqual([...a.exemptedEndpointIds].sort(), [...c.exempted].sort());
      }
      assert.strictEqual(a.allowOnly, c.allowOnly ?? false, "allowOnly");
      assert.strictEqual(a.verificationFlip, c.flip ?? false, "verificationFlip");
      if (c.error) {
        assert.match(a.error ?? "", c.error);
      }
      if (c.unknownPath) {
        assert.deepStrictEqual(a.unknownPath, c.unknownPath);
      }
      if (c.status !== "restricted") {
        assert.deepStrictEqual(a.exemptedEndpointIds, []);
      }
    });
  }

  it("reports the flip's endpoints as denied, so a connectivity model answers 403 through them", () => {
    const a = analyzeBucketPolicy(seedAllow("aws:sourceVpce", "Deny"), BUCKET);
    assert.deepStrictEqual(a.deniedEndpointIds, [E]);
    assert.deepStrictEqual(a.exemptedEndpointIds, []);
  });

  it("exempts only the endpoints every restricting statement exempts", () => {
    const a = analyzeBucketPolicy(
      doc(
        deny({ Resource: B, Condition: { StringNotEquals: { "aws:SourceVpce": [E, "vpce-2"] } } }),
        deny({ Resource: O, Condition: { StringNotEquals: { "aws:SourceVpce": [E] } } }),
      ),
      BUCKET,
    );
    assert.strictEqual(a.status, "restricted");
    assert.deepStrictEqual(a.exemptedEndpointIds, [E]);
  });

  it("gives per-statement verdicts", () => {
    const a = analyzeBucketPolicy(
      doc(deny({ Action: "s3:GetObject" }), deny({ Resource: "arn:aws:s3:::x/*" })),
      BUCKET,
    );
    assert.deepStrictEqual(
      a.statements.map((s) => [
        s.index,
        s.sid,
        s.coversBucket,
        s.coversObjects,
        s.touchesBucket,
        s.restricts,
      ]),
      [
        [0, "DenyUnlessVpce", true, true, true, false],
        [1, "DenyUnlessVpce", false, false, false, true],
      ],
    );
    assert.deepStrictEqual(a.statements[0].endpointIds, [E]);
  });

  it("suggests a Deny with the endpoints the policy already names", () => {
    const a = analyzeBucketPolicy(seedAllow(), BUCKET);
    assert.deepStrictEqual(a.suggestedStatement, {
      Sid: "DenyUnlessThroughVpcEndpoint",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [B, O],
      Condition: { StringNotEquals: { "aws:SourceVpce": [E] } },
    });
  });

  it("suggests the approved endpoints when they are configured", () => {
    const a = analyzeBucketPolicy(seedAllow(), BUCKET, { approvedEndpointIds: ["vpce-9"] });
    assert.deepStrictEqual(
      (a.suggestedStatement.Condition as Record<string, Record<string, unknown>>).StringNotEquals,
      { "aws:SourceVpce": ["vpce-9"] },
    );
  });
});

describe("explainBucketPolicyAnalysis", () => {
  it("names the bucket, what is missing, why, and the Deny to add", () => {
    const a = analyzeBucketPolicy(
      doc(deny({ Action: "s3:GetObject", Principal: { AWS: "arn:aws:iam::1:root" } })),
      BUCKET,
    );
    const message = explainBucketPolicyAnalysis(a, "S3 bucket 'lab-bucket'");
    assert.match(message, /^S3 bucket 'lab-bucket' is not restricted to VPC endpoints\./);
    assert.match(
      message,
      /Missing: actions \(every S3 action, "s3:\*"\); principals \(every principal, "\*"\)\./,
    );
    assert.match(message, /denies only s3:GetObject/);
    assert.match(
      message,
      /Fix: add this statement to the bucket policy: \{"Sid":"DenyUnlessThroughVpcEndpoint","Effect":"Deny"/,
    );
  });

  it("explains the Allow-only policy and shows the Deny to add", () => {
    const message = explainBucketPolicyAnalysis(
      analyzeBucketPolicy(seedAllow(), BUCKET),
      "S3 bucket 'lab-bucket'",
    );
    assert.match(message, /Missing: a Deny statement/);
    assert.match(message, /an Allow never stops a principal that already has access through IAM/);
    assert.match(
      message,
      /"Condition":\{"StringNotEquals":\{"aws:SourceVpce":\["vpce-1a2b3c4d"\]\}\}/,
    );
  });

  it("says what is wrong with a malformed policy", () => {
    const message = explainBucketPolicyAnalysis(
      analyzeBucketPolicy("{", BUCKET),
      "S3 bucket 'lab-bucket'",
    );
    assert.match(
      message,
      /S3 bucket 'lab-bucket' is not restricted to VPC endpoints: its bucket policy is not valid JSON/,
    );
  });
});

describe("glob matching", () => {
  const table: [string, string, boolean][] = [
    ["s3:*", "s3:getobject", true],
    ["s3:get*", "s3:getobject", true],
    ["s3:get?bject", "s3:getobject", true],
    ["s3:put*", "s3:getobject", false],
    ["*", "", true],
    ["a*b*c", "axxbyyc", true],
    ["a*b*c", "axxbyy", false],
  ];
  for (const [pattern, text, expected] of table) {
    it(`globMatch(${pattern}, ${text}) is ${expected}`, () => {
      assert.strictEqual(globMatch(pattern, text), expected);
    });
  }

  const covers: [string, string, boolean][] = [
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b/*", true],
    ["arn:aws:s3:::b*", "arn:aws:s3:::b/*", true],
    ["arn:aws:s3:::*", "arn:aws:s3:::b/*", true],
    ["arn:aws:s3:::b/?", "arn:aws:s3:::b/*", false],
    ["arn:aws:s3:::b/a*", "arn:aws:s3:::b/*", false],
    ["s3:*", "s3:*", true],
    ["s3*", "s3:*", true],
    ["s3:get*", "s3:*", false],
  ];
  for (const [pattern, target, expected] of covers) {
    it(`globCovers(${pattern}, ${target}) is ${expected}`, () => {
      assert.strictEqual(globCovers(pattern, target), expected);
    });
  }

  // Inclusion of one pattern's language in another's, as allowedExemptions uses it.
  const subsumes: [string, string, boolean][] = [
    ["arn:aws:iam::1:role/*", "arn:aws:iam::1:role/*/x", true],
    ["arn:aws:iam::1:role/*/x", "arn:aws:iam::1:role/*", false],
    ["arn:aws:iam::1:role/a?c", "arn:aws:iam::1:role/a?c", true],
    ["arn:aws:iam::1:role/a*", "arn:aws:iam::1:role/a?c", true],
    ["arn:aws:iam::1:role/abc", "arn:aws:iam::1:role/a?c", false],
    ["*x*", "a*x*b", true],
    ["*x*y", "*y*x*y", true],
    ["a*b", "a*c", false],
    // Sound but incomplete: equal languages that need a star matched against a ?.
    ["*?", "?*", false],
  ];
  for (const [pattern, target, expected] of subsumes) {
    it(`globCovers(${pattern}, ${target}) is ${expected}`, () => {
      assert.strictEqual(globCovers(pattern, target), expected);
    });
  }

  it("takes linear time on *a*a*a... patterns that make backtracking matchers blow up", () => {
    const pattern = "*a".repeat(20_000) + "*b";
    const text = "a".repeat(40_000);
    // CPU time, not wall time: npm test runs other steps beside this one on the same cores.
    const started = process.cpuUsage();
    assert.strictEqual(globMatch(pattern, text), false);
    assert.strictEqual(globMatch(`${"*a".repeat(20_000)}*`, text), true);
    assert.strictEqual(globCovers(pattern, `${text}*`), false);
    assert.strictEqual(globOverlapsPrefix(pattern, text), true);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    assert.ok(ms < 50, `${ms.toFixed(1)} ms of CPU`);
  });

  const overlaps: [string, string, boolean][] = [
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b/", true],
    ["arn:aws:s3:::b", "arn:aws:s3:::b/", false],
    ["arn:aws:s3:::c*", "arn:aws:s3:::b/", false],
    ["arn:aws:s3:::?/x", "arn:aws:s3:::b/", true],
    ["s*", "s3:", true],
    ["ec2:*", "s3:", false],
    ["*", "s3:", true],
  ];
  for (const [pattern, prefix, expected] of overlaps) {
    it(`globOverlapsPrefix(${pattern}, ${prefix}) is ${expected}`, () => {
      assert.strictEqual(globOverlapsPrefix(pattern, prefix), expected);
    });
  }
});
