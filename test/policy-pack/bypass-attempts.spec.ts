/**
 * Bypass attempts a platform team's adversary would try, judged with the labs' exemption key
 * (`aws:PrincipalArn`): each must be `restricted` only when IAM would deny every request that does
 * not come through the endpoint, bar a narrow, named exemption.
 */
import { strict as assert } from "assert";
import { analyzeBucketPolicy } from "../../policy-pack/policies/bucket-vpce-analysis";

const RES = ["arn:aws:s3:::lab-bucket", "arn:aws:s3:::lab-bucket/*"];
const V = { StringNotEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } };

/** The restricting Deny with `cond` as its condition and `extra` over its other fields. */
function deny(cond: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "D",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: RES,
        Condition: cond,
        ...extra,
      },
    ],
  };
}

/** The restricting Deny with `fields` over it. */
function deny2(fields: Record<string, unknown>) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "D", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: RES, ...fields },
    ],
  };
}

const CASES: [string, unknown, boolean][] = [
  ["base", deny(V), true],
  [
    "path wildcard deployer",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*/deployer" } }),
    true,
  ],
  [
    "role/*",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*" } }),
    false,
  ],
  [
    "role/*/*",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*/*" } }),
    false,
  ],
  [
    "role/*deployer",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*deployer" } }),
    false,
  ],
  [
    "role/dep?oyer",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/dep?oyer" } }),
    false,
  ],
  [
    "role/a*/deployer path",
    deny({
      ...V,
      ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/a*/deployer" },
    }),
    true,
  ],
  [
    "acct wildcard",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/deployer" } }),
    false,
  ],
  [
    "acct ?",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::11112222333?:role/deployer" } }),
    false,
  ],
  [
    "partition *",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:*:iam::111122223333:role/deployer" } }),
    false,
  ],
  [
    "service *",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:*::111122223333:role/deployer" } }),
    false,
  ],
  ["whole arn *", deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "*" } }), false],
  ["arn:*", deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:*" } }), false],
  [
    "root",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:root" } }),
    true,
  ],
  [
    "assumed-role *",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:sts::111122223333:assumed-role/*" } }),
    false,
  ],
  [
    "assumed-role role/*",
    deny({
      ...V,
      ArnNotLike: { "aws:PrincipalArn": "arn:aws:sts::111122223333:assumed-role/deployer/*" },
    }),
    true,
  ],
  [
    "mixed one broad",
    deny({
      ...V,
      ArnNotLike: {
        "aws:PrincipalArn": [
          "arn:aws:iam::111122223333:role/deployer",
          "arn:aws:iam::111122223333:user/*",
        ],
      },
    }),
    false,
  ],
  [
    "positive ArnLike",
    deny({ ...V, ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/deployer" } }),
    false,
  ],
  ["case key", deny({ ...V, arnnotlike: { "aws:principalarn": "*" } }), false],
  ["key case only", deny({ ...V, ArnNotLike: { "AWS:PRINCIPALARN": "*" } }), false],
  ["extra narrowing cond", deny({ ...V, StringEquals: { "aws:username": "bob" } }), false],
  ["SourceVpce *", deny({ StringNotLike: { "aws:SourceVpce": "*" } }), false],
  ["SourceVpce vpce-*", deny({ StringNotLike: { "aws:SourceVpce": "vpce-*" } }), false],
  [
    "SourceVpce IfExists",
    deny({ StringNotEqualsIfExists: { "aws:SourceVpce": "vpce-0123456789abcdef0" } }),
    true,
  ],
  [
    "sourcevpce lowercase",
    deny({ StringNotEquals: { "aws:sourcevpce": "vpce-0123456789abcdef0" } }),
    true,
  ],
  [
    "Principal acct only",
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Principal: { AWS: "arn:aws:iam::111122223333:root" },
          Action: "s3:*",
          Resource: RES,
          Condition: V,
        },
      ],
    },
    false,
  ],
  [
    "NotPrincipal broad",
    deny(V, { Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" } }),
    false,
  ],
  [
    "NotPrincipal narrow",
    deny(V, {
      Principal: undefined,
      NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/deployer" },
    }),
    true,
  ],
  ["NotAction non-s3", deny(V, { Action: undefined, NotAction: "ec2:*" }), true],
  ["NotAction s3:Get*", deny(V, { Action: undefined, NotAction: "s3:Get*" }), false],
  ["NotAction s*", deny(V, { Action: undefined, NotAction: "s*" }), false],
  ["NotAction *:*", deny(V, { Action: undefined, NotAction: "*3:*" }), false],
  ["NotResource other", deny(V, { Resource: undefined, NotResource: "arn:aws:s3:::other" }), true],
  [
    "NotResource wildcard",
    deny(V, { Resource: undefined, NotResource: "arn:aws:s3:::lab-*" }),
    false,
  ],
  [
    "NotResource obj prefix",
    deny(V, { Resource: undefined, NotResource: "arn:aws:s3:::lab-bucket/public/*" }),
    false,
  ],
  ["Action s3:* case", deny(V, { Action: "S3:*" }), true],
  ["Action s3:Get*", deny(V, { Action: "s3:Get*" }), false],
  ["Resource bucket only", deny(V, { Resource: "arn:aws:s3:::lab-bucket" }), false],
  ["Null cond", deny({ ...V, Null: { "aws:SourceVpce": "false" } }), false],
  [
    "ForAnyValue",
    deny({ "ForAnyValue:StringNotEquals": { "aws:SourceVpce": "vpce-0123456789abcdef0" } }),
    false,
  ],
  [
    "StringNotEqualsIgnoreCase on aws:SourceVpce (AWS writes endpoint ids in lower case)",
    deny({ StringNotEqualsIgnoreCase: { "aws:SourceVpce": "vpce-0123456789abcdef0" } }),
    true,
  ],
  [
    "Deny with SourceIp extra",
    deny({ ...V, NotIpAddress: { "aws:SourceIp": "0.0.0.0/0" } }),
    false,
  ],
  [
    "aws:PrincipalArn under StringNotEquals broad",
    deny({
      ...V,
      StringNotEquals: {
        "aws:SourceVpce": "vpce-0123456789abcdef0",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*",
      },
    }),
    false,
  ],
  [
    "PrincipalAccount exemption (not configured key)",
    deny({
      ...V,
      StringNotEquals: {
        "aws:SourceVpce": "vpce-0123456789abcdef0",
        "aws:PrincipalAccount": "111122223333",
      },
    }),
    false,
  ],
  [
    "user/* path",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:user/*/x" } }),
    true,
  ],
  [
    "federated *",
    deny({
      ...V,
      ArnNotLike: { "aws:PrincipalArn": "arn:aws:sts::111122223333:federated-user/*" },
    }),
    false,
  ],
  [
    "role with trailing *",
    deny({ ...V, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/deployer*" } }),
    false,
  ],
  ["empty value list", deny({ ...V, ArnNotLike: { "aws:PrincipalArn": [] } }), false],
  [
    "aws:PrincipalArn with ${}",
    deny({
      ...V,
      ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/${aws:username}" },
    }),
    false,
  ],
  ["AWS *", deny2({ Principal: { AWS: "*" }, Condition: V }), true],
  ["AWS [*]", deny2({ Principal: { AWS: ["*"] }, Condition: V }), true],
  [
    "both eq and neq",
    deny2({ Condition: { ...V, StringEquals: { "aws:SourceVpce": "vpce-1111111111111111a" } } }),
    false,
  ],
  ["Resource *", deny2({ Resource: "*", Condition: V }), true],
  ["Resource arn:aws:s3:::*", deny2({ Resource: "arn:aws:s3:::*", Condition: V }), true],
  [
    "Resource lab-b*t/*+bucket",
    deny2({ Resource: ["arn:aws:s3:::lab-bucket", "arn:aws:s3:::lab-b*/*"], Condition: V }),
    true,
  ],
  [
    "Resource ? wildcard bucket",
    deny2({ Resource: ["arn:aws:s3:::lab-bucke?", "arn:aws:s3:::lab-bucke?/*"], Condition: V }),
    true,
  ],
  [
    "Resource other partition",
    deny2({
      Resource: ["arn:aws-cn:s3:::lab-bucket", "arn:aws-cn:s3:::lab-bucket/*"],
      Condition: V,
    }),
    false,
  ],
  [
    "Effect deny lowercase",
    {
      Version: "2012-10-17",
      Statement: [{ Effect: "deny", Principal: "*", Action: "s3:*", Resource: RES, Condition: V }],
    },
    false,
  ],
  [
    "Action s3:*Object + s3:*Bucket*",
    deny2({ Action: ["s3:*Object*", "s3:*Bucket*"], Condition: V }),
    false,
  ],
  ["Action * ", deny2({ Action: "*", Condition: V }), true],
  ["Action s?:*", deny2({ Action: "s?:*", Condition: V }), true],
  [
    "SourceVpce wrong id list incl *",
    deny2({ Condition: { StringNotLike: { "aws:SourceVpce": ["vpce-0123456789abcdef0", "*"] } } }),
    false,
  ],
  [
    "SourceVpc instead",
    deny2({ Condition: { StringNotEquals: { "aws:SourceVpc": "vpc-0123456789abcdef0" } } }),
    false,
  ],
  [
    "PrincipalArn exemption with ArnNotEquals name",
    deny2({
      Condition: {
        ...V,
        ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/deployer" },
      },
    }),
    true,
  ],
  [
    "Exemption via aws:userid (not listed)",
    deny2({ Condition: { ...V, StringNotLike: { "aws:userid": "AROA*:*" } } }),
    false,
  ],
  [
    "a Deny on aws:SecureTransport alone",
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: RES,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    },
    false,
  ],
];

describe("s3-bucket-requires-vpce against bypass attempts (exemptionKeys aws:PrincipalArn)", () => {
  for (const [name, policy, restricted] of CASES) {
    it(`${restricted ? "accepts" : "refuses"}: ${name}`, () => {
      const analysis = analyzeBucketPolicy(JSON.stringify(policy), "lab-bucket", {
        exemptionKeys: ["aws:PrincipalArn"],
      });
      assert.equal(
        analysis.restricted,
        restricted,
        JSON.stringify(analysis.problems).slice(0, 400),
      );
      if (!restricted) assert.ok(analysis.problems.length > 0 || analysis.status === "malformed");
    });
  }
});
