import { strict as assert } from "assert";
import {
  BucketPolicyMode,
  principalArnPatterns,
  vpceBucketPolicy,
  VpceBucketPolicyInput,
} from "../../components/bucket-policy";
import { analyzeBucketPolicy } from "../../policy-pack/policies/bucket-vpce-analysis";

const BUCKET = "arn:aws:s3:::lab-bucket-1a2b3c4";
const OBJECTS = `${BUCKET}/*`;
const GW = "vpce-0a1b2c3d4e5f60718";
const IF = "vpce-1122334455667788a";
const ADMIN = "arn:aws:iam::123456789012:role/LabAdmin";

describe("vpceBucketPolicy", () => {
  describe("writes one statement per mode, on the bucket and its objects, for every principal", () => {
    const cases: [string, VpceBucketPolicyInput, Record<string, unknown>][] = [
      [
        "deny-outside-endpoint, one endpoint: Deny unless aws:SourceVpce is it",
        { mode: "deny-outside-endpoint", bucketArn: BUCKET, endpointIds: [GW] },
        {
          Sid: "DenyOutsideVpcEndpoint",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, OBJECTS],
          Condition: { StringNotEquals: { "aws:SourceVpce": [GW] } },
        },
      ],
      [
        "deny-outside-endpoint, two endpoints: either one passes",
        { mode: "deny-outside-endpoint", bucketArn: BUCKET, endpointIds: [GW, IF] },
        {
          Sid: "DenyOutsideVpcEndpoint",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, OBJECTS],
          Condition: { StringNotEquals: { "aws:SourceVpce": [GW, IF] } },
        },
      ],
      [
        "deny-outside-endpoint with an admin: ArnNotLike in the same Condition",
        {
          mode: "deny-outside-endpoint",
          bucketArn: BUCKET,
          endpointIds: [GW, IF],
          adminPrincipalArns: [ADMIN, `arn:aws:iam::123456789012:role/*/LabAdmin`],
        },
        {
          Sid: "DenyOutsideVpcEndpoint",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, OBJECTS],
          Condition: {
            StringNotEquals: { "aws:SourceVpce": [GW, IF] },
            ArnNotLike: {
              "aws:PrincipalArn": [ADMIN, "arn:aws:iam::123456789012:role/*/LabAdmin"],
            },
          },
        },
      ],
      [
        "allow-only: the seed's Allow through the endpoint",
        { mode: "allow-only", bucketArn: BUCKET, endpointIds: [GW] },
        {
          Sid: "AllowThroughVpcEndpoint",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, OBJECTS],
          Condition: { StringEquals: { "aws:SourceVpce": [GW] } },
        },
      ],
      [
        "allow-only ignores admins (it never denies anyone)",
        {
          mode: "allow-only",
          bucketArn: BUCKET,
          endpointIds: [GW, IF],
          adminPrincipalArns: [ADMIN],
        },
        {
          Sid: "AllowThroughVpcEndpoint",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, OBJECTS],
          Condition: { StringEquals: { "aws:SourceVpce": [GW, IF] } },
        },
      ],
      [
        "deny-through-endpoint: the seed's flip, Deny when aws:SourceVpce IS the endpoint",
        {
          mode: "deny-through-endpoint",
          bucketArn: BUCKET,
          endpointIds: [GW, IF],
          adminPrincipalArns: [ADMIN],
        },
        {
          Sid: "DenyThroughVpcEndpoint",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, OBJECTS],
          Condition: { StringEquals: { "aws:SourceVpce": [GW, IF] } },
        },
      ],
      [
        "a repeated endpoint is named once",
        { mode: "deny-outside-endpoint", bucketArn: BUCKET, endpointIds: [GW, GW] },
        {
          Sid: "DenyOutsideVpcEndpoint",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET, OBJECTS],
          Condition: { StringNotEquals: { "aws:SourceVpce": [GW] } },
        },
      ],
      [
        "another partition keeps its ARNs",
        {
          mode: "deny-outside-endpoint",
          bucketArn: "arn:aws-cn:s3:::lab",
          endpointIds: [GW],
        },
        {
          Sid: "DenyOutsideVpcEndpoint",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: ["arn:aws-cn:s3:::lab", "arn:aws-cn:s3:::lab/*"],
          Condition: { StringNotEquals: { "aws:SourceVpce": [GW] } },
        },
      ],
    ];
    for (const [title, input, statement] of cases) {
      it(title, () => {
        assert.deepEqual(vpceBucketPolicy(input), {
          Version: "2012-10-17",
          Statement: [statement],
        });
      });
    }
  });

  describe("refuses what AWS would reject or what would not do what the mode says", () => {
    const base: VpceBucketPolicyInput = {
      mode: "deny-outside-endpoint",
      bucketArn: BUCKET,
      endpointIds: [GW],
    };
    const cases: [string, Partial<VpceBucketPolicyInput>, RegExp][] = [
      ["no endpoint", { endpointIds: [] }, /lab: endpointIds is empty/],
      [
        "a service name instead of an endpoint id",
        { endpointIds: ["com.amazonaws.ap-northeast-2.s3"] },
        /endpointIds has "com.amazonaws.ap-northeast-2.s3", which is not a VPC endpoint id/,
      ],
      [
        "an endpoint ARN instead of its id",
        { endpointIds: [`arn:aws:ec2:ap-northeast-2:123456789012:vpc-endpoint/${GW}`] },
        /not a VPC endpoint id \(vpce-\.\.\.\); pass the endpoint's id/,
      ],
      ["a bucket name instead of its ARN", { bucketArn: "lab-bucket" }, /bucketArn "lab-bucket"/],
      ["an object ARN", { bucketArn: OBJECTS }, /is not a bucket ARN/],
      ["an unknown mode", { mode: "deny" as BucketPolicyMode }, /mode "deny" is not one of/],
      [
        "an empty admin list",
        { adminPrincipalArns: [] },
        /adminPrincipalArns is empty; leave it out/,
      ],
      ["an admin of '*'", { adminPrincipalArns: ["*"] }, /"\*", which is not an IAM principal ARN/],
      [
        "every role of the account as admin",
        { adminPrincipalArns: ["arn:aws:iam::123456789012:role/*"] },
        /exempts every principal of that kind/,
      ],
    ];
    for (const [title, change, error] of cases) {
      it(title, () => {
        assert.throws(() => vpceBucketPolicy({ ...base, ...change }, "VpceBucket lab"), error);
      });
    }
  });

  describe("against the policy pack's analysis (rule s3-bucket-requires-vpce)", () => {
    const policy = (input: Partial<VpceBucketPolicyInput>) =>
      JSON.stringify(
        vpceBucketPolicy({
          mode: "deny-outside-endpoint",
          bucketArn: BUCKET,
          endpointIds: [GW, IF],
          ...input,
        }),
      );

    it("deny-outside-endpoint restricts the bucket to exactly its endpoints", () => {
      const analysis = analyzeBucketPolicy(policy({}), "lab-bucket-1a2b3c4");
      assert.equal(analysis.status, "restricted");
      assert.deepEqual(analysis.exemptedEndpointIds, [GW, IF]);
    });

    it("the admin exemption passes only with aws:PrincipalArn in exemptionKeys", () => {
      const withAdmin = policy({ adminPrincipalArns: [ADMIN] });
      assert.deepEqual(analyzeBucketPolicy(withAdmin, "lab-bucket-1a2b3c4").missing, ["condition"]);
      const allowed = analyzeBucketPolicy(withAdmin, "lab-bucket-1a2b3c4", {
        exemptionKeys: ["aws:PrincipalArn"],
      });
      assert.equal(allowed.status, "restricted");
    });

    it("allow-only and deny-through-endpoint are flagged as not restricting", () => {
      const allowOnly = analyzeBucketPolicy(policy({ mode: "allow-only" }), "lab-bucket-1a2b3c4");
      assert.equal(allowOnly.status, "not-restricted");
      assert.equal(allowOnly.allowOnly, true);
      const flip = analyzeBucketPolicy(
        policy({ mode: "deny-through-endpoint" }),
        "lab-bucket-1a2b3c4",
      );
      assert.equal(flip.status, "not-restricted");
      assert.deepEqual(flip.deniedEndpointIds, [GW, IF]);
    });
  });
});

describe("principalArnPatterns", () => {
  const cases: [string, string, string[]][] = [
    [
      "an IAM user is its own principal",
      "arn:aws:iam::123456789012:user/lab-operator",
      ["arn:aws:iam::123456789012:user/lab-operator"],
    ],
    [
      "a role session becomes its role, with and without a path",
      "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/kim@example.com",
      [
        "arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_0123456789abcdef",
        "arn:aws:iam::123456789012:role/*/AWSReservedSSO_Admin_0123456789abcdef",
      ],
    ],
    [
      "a role session in another partition keeps it",
      "arn:aws-us-gov:sts::123456789012:assumed-role/Deployer/ci",
      [
        "arn:aws-us-gov:iam::123456789012:role/Deployer",
        "arn:aws-us-gov:iam::123456789012:role/*/Deployer",
      ],
    ],
    ["the root user", "arn:aws:iam::123456789012:root", ["arn:aws:iam::123456789012:root"]],
    [
      "a federated user",
      "arn:aws:sts::123456789012:federated-user/kim",
      ["arn:aws:sts::123456789012:federated-user/kim"],
    ],
  ];
  for (const [title, caller, patterns] of cases) {
    it(title, () => {
      assert.deepEqual(principalArnPatterns(caller), patterns);
    });
  }

  it("refuses something that is not a caller ARN", () => {
    assert.throws(
      () => principalArnPatterns("123456789012"),
      /caller ARN "123456789012" is not an IAM user, role session/,
    );
  });

  it("its patterns are accepted as adminPrincipalArns", () => {
    const patterns = principalArnPatterns("arn:aws:sts::123456789012:assumed-role/Deployer/ci");
    const doc = vpceBucketPolicy({
      mode: "deny-outside-endpoint",
      bucketArn: BUCKET,
      endpointIds: [GW],
      adminPrincipalArns: patterns,
    });
    assert.deepEqual(doc.Statement[0].Condition.ArnNotLike, { "aws:PrincipalArn": patterns });
  });
});
