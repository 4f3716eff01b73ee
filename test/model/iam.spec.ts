import { strict as assert } from "assert";
import { authorize, AuthRequest, conditionHolds, PolicySource } from "../../model/iam";

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/host-role`;
const BUCKET = "arn:aws:s3:::lab-bucket";

const request = (context: Record<string, string> = {}, action = "s3:ListBucket"): AuthRequest => ({
  action,
  resource: BUCKET,
  caller: { arn: ROLE, account: ACCOUNT },
  context: { "aws:PrincipalArn": ROLE, ...context },
});

const identity = (
  statements: unknown[],
  label = "inline policy p of role host-role",
): PolicySource => ({
  kind: "identity",
  label,
  document: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
});
const bucketPolicy = (statements: unknown[]): PolicySource => ({
  kind: "resource",
  label: "bucket policy of lab-bucket",
  document: { Version: "2012-10-17", Statement: statements },
});

const LIST = { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET };
const DENY_OUTSIDE = {
  Sid: "DenyOutsideVpcEndpoint",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [BUCKET, `${BUCKET}/*`],
  Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-good" } },
};

describe("model/iam authorize", () => {
  const cases: {
    name: string;
    policies: PolicySource[];
    context?: Record<string, string>;
    action?: string;
    identityKnown?: boolean;
    allowed: boolean;
    detail: RegExp;
  }[] = [
    {
      name: "an identity Allow grants the request",
      policies: [identity([LIST])],
      allowed: true,
      detail: /statement List allows s3:ListBucket on arn:aws:s3:::lab-bucket/,
    },
    {
      name: "no Allow anywhere is an implicit deny",
      policies: [identity([{ ...LIST, Action: "s3:GetObject" }])],
      allowed: false,
      detail: /no Allow for s3:ListBucket .*implicit deny/,
    },
    {
      name: "Deny unless SourceVpce: a request through the named endpoint passes",
      policies: [identity([LIST]), bucketPolicy([DENY_OUTSIDE])],
      context: { "aws:SourceVpce": "vpce-good" },
      allowed: true,
      detail: /allows/,
    },
    {
      name: "Deny unless SourceVpce: a request without aws:SourceVpce is denied (negated operator, key absent)",
      policies: [identity([LIST]), bucketPolicy([DENY_OUTSIDE])],
      allowed: false,
      detail:
        /^bucket policy of lab-bucket statement DenyOutsideVpcEndpoint denies s3:ListBucket on arn:aws:s3:::lab-bucket \(the request carries no aws:SourceVpce\)$/,
    },
    {
      name: "Deny unless SourceVpce: another endpoint is denied",
      policies: [identity([LIST]), bucketPolicy([DENY_OUTSIDE])],
      context: { "aws:SourceVpce": "vpce-other" },
      allowed: false,
      detail: /carries aws:SourceVpce vpce-other/,
    },
    {
      name: "the Deny is exempted by ArnNotLike aws:PrincipalArn for the admin only",
      policies: [
        identity([LIST]),
        bucketPolicy([
          {
            ...DENY_OUTSIDE,
            Condition: {
              ...DENY_OUTSIDE.Condition,
              ArnNotLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/admin` },
            },
          },
        ]),
      ],
      allowed: false,
      detail: /DenyOutsideVpcEndpoint denies/,
    },
    {
      name: "the seed's flip (Deny StringEquals SourceVpce) denies requests through the endpoint",
      policies: [
        identity([LIST]),
        bucketPolicy([
          {
            ...DENY_OUTSIDE,
            Sid: "Flip",
            Condition: { StringEquals: { "aws:SourceVpce": "vpce-good" } },
          },
        ]),
      ],
      context: { "aws:SourceVpce": "vpce-good" },
      allowed: false,
      detail: /statement Flip denies/,
    },
    {
      name: "the seed's flip leaves requests from elsewhere alone",
      policies: [
        identity([LIST]),
        bucketPolicy([
          {
            ...DENY_OUTSIDE,
            Condition: { StringEquals: { "aws:SourceVpce": "vpce-good" } },
          },
        ]),
      ],
      allowed: true,
      detail: /allows/,
    },
    {
      name: "a bucket policy Allow for the role grants without any identity policy",
      policies: [bucketPolicy([{ ...LIST, Principal: { AWS: ROLE } }])],
      allowed: true,
      detail: /bucket policy of lab-bucket statement List allows/,
    },
    {
      name: "a bucket policy Allow for another principal does not",
      policies: [bucketPolicy([{ ...LIST, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/x` } }])],
      allowed: false,
      detail: /implicit deny/,
    },
    {
      name: "an identity Allow conditioned on SourceVpce names the missing condition (DynamoDB seed)",
      policies: [
        identity([
          {
            ...LIST,
            Condition: { StringEquals: { "aws:SourceVpce": "vpce-ddb" } },
          },
        ]),
      ],
      allowed: false,
      detail: /implicit deny.*statement List requires StringEquals aws:SourceVpce vpce-ddb/,
    },
    {
      name: "an endpoint policy must allow the request too",
      policies: [
        identity([LIST]),
        {
          kind: "endpoint",
          label: "endpoint policy of vpce-good",
          document: {
            Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
          },
        },
      ],
      context: { "aws:SourceVpce": "vpce-good" },
      allowed: false,
      detail: /^endpoint policy of vpce-good allows no s3:ListBucket/,
    },
    {
      name: "NotAction: a Deny of everything but GetObject denies ListBucket",
      policies: [
        identity([LIST]),
        bucketPolicy([
          { Effect: "Deny", Principal: "*", NotAction: "s3:GetObject", Resource: "*" },
        ]),
      ],
      allowed: false,
      detail: /Statement\[0\] denies/,
    },
    {
      name: "actions match ignoring case and with wildcards",
      policies: [
        identity([{ Effect: "Allow", Action: "S3:List*", Resource: "arn:aws:s3:::lab-*" }]),
      ],
      allowed: true,
      detail: /allows/,
    },
    {
      name: "credentials outside the stack are taken to allow, but a resource Deny still refuses",
      policies: [bucketPolicy([DENY_OUTSIDE])],
      identityKnown: false,
      allowed: false,
      detail: /DenyOutsideVpcEndpoint denies/,
    },
    {
      name: "credentials outside the stack with no Deny in the way",
      policies: [],
      identityKnown: false,
      allowed: true,
      detail: /credentials \(not in the stack\) are taken to allow/,
    },
    {
      name: "a malformed document decides nothing (AWS would not have accepted it)",
      policies: [identity([LIST]), { kind: "resource", label: "bad", document: "{not json" }],
      allowed: true,
      detail: /allows/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = authorize(request(c.context, c.action), c.policies, c.identityKnown ?? true);
      assert.equal(decision.allowed, c.allowed, decision.detail);
      assert.match(decision.detail, c.detail);
    });
  }
});

describe("model/iam conditionHolds", () => {
  const ctx = {
    "aws:SourceVpce": "vpce-1",
    "aws:SourceIp": "3.36.1.2",
    "ec2-instance-connect:remotePort": "22",
    "aws:SecureTransport": "true",
  };
  const cases: { operator: string; key: string; values: string[]; want: boolean | undefined }[] = [
    { operator: "StringEquals", key: "aws:sourcevpce", values: ["vpce-1"], want: true },
    { operator: "StringEquals", key: "aws:SourceVpce", values: ["vpce-2", "vpce-1"], want: true },
    { operator: "StringEquals", key: "aws:SourceVpce", values: ["VPCE-1"], want: false },
    { operator: "StringEqualsIgnoreCase", key: "aws:SourceVpce", values: ["VPCE-1"], want: true },
    { operator: "StringNotEquals", key: "aws:SourceVpce", values: ["vpce-1"], want: false },
    { operator: "StringNotEquals", key: "aws:SourceVpc", values: ["vpc-1"], want: true },
    { operator: "StringEquals", key: "aws:SourceVpc", values: ["vpc-1"], want: false },
    { operator: "StringEqualsIfExists", key: "aws:SourceVpc", values: ["vpc-1"], want: true },
    { operator: "StringLike", key: "aws:SourceVpce", values: ["vpce-*"], want: true },
    { operator: "StringNotLike", key: "aws:SourceVpce", values: ["vpce-*"], want: false },
    { operator: "ForAnyValue:StringEquals", key: "aws:SourceVpc", values: ["x"], want: false },
    { operator: "ForAllValues:StringEquals", key: "aws:SourceVpc", values: ["x"], want: true },
    { operator: "Null", key: "aws:SourceVpce", values: ["true"], want: false },
    { operator: "Null", key: "aws:SourceVpc", values: ["true"], want: true },
    { operator: "Bool", key: "aws:SecureTransport", values: ["true"], want: true },
    { operator: "IpAddress", key: "aws:SourceIp", values: ["3.36.0.0/16"], want: true },
    { operator: "NotIpAddress", key: "aws:SourceIp", values: ["3.36.0.0/16"], want: false },
    {
      operator: "NumericEquals",
      key: "ec2-instance-connect:remotePort",
      values: ["22"],
      want: true,
    },
    {
      operator: "NumericLessThanEquals",
      key: "ec2-instance-connect:remotePort",
      values: ["21"],
      want: false,
    },
    { operator: "DateLessThan", key: "aws:CurrentTime", values: ["2030-01-01"], want: undefined },
  ];
  for (const c of cases) {
    it(`${c.operator} ${c.key} ${c.values.join("|")} -> ${c.want}`, () => {
      assert.equal(
        conditionHolds({ operator: c.operator, key: c.key, values: c.values }, ctx),
        c.want,
      );
    });
  }

  it("an operator the model cannot evaluate never grants and never hides a Deny", () => {
    const date = { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } };
    const allowWithDate = identity([{ ...LIST, Condition: date }]);
    assert.equal(authorize(request(), [allowWithDate]).allowed, false);
    const denyWithDate = bucketPolicy([{ ...DENY_OUTSIDE, Sid: "Dated", Condition: date }]);
    const decision = authorize(request(), [identity([LIST]), denyWithDate]);
    assert.equal(decision.allowed, false);
    assert.match(decision.detail, /statement Dated denies/);
  });
});
