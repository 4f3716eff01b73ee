import * as assert from "assert";
import {
  UNKNOWN,
  assertHasResourceViolation,
  assertNoResourceViolations,
  E,
  resource,
  restricting,
  runPolicy,
} from "./helpers";
import { TYPE } from "../../model/type-tokens";

const POLICY = "s3-bucket-requires-vpce";

function allowOnly(bucketName: string): string {
  return JSON.stringify({
    Statement: [
      {
        Effect: "Allow",
        Principal: "*",
        Action: "s3:*",
        Resource: `arn:aws:s3:::${bucketName}/*`,
        Condition: { StringEquals: { "aws:sourceVpce": E } },
      },
    ],
  });
}

function bucket(name: string, props: Record<string, unknown> = {}, type: string = TYPE.bucket) {
  return resource(type, name, { bucket: name, ...props });
}

describe(POLICY, () => {
  it("passes a bucket whose bucket policy (linked by name) denies access outside the endpoint", () => {
    const b = bucket("lab-data");
    const p = resource(TYPE.bucketPolicy, "lab-data-policy", {
      bucket: "lab-data",
      policy: restricting("lab-data"),
    });
    assertNoResourceViolations(POLICY, [b, p]);
  });

  it("links a bucket policy by the bucket's id output as well as its name", () => {
    const b = resource(TYPE.bucket, "data", { bucket: "lab-data-3f2a1c", id: "lab-data-3f2a1c" });
    const p = resource(TYPE.bucketPolicy, "data-policy", {
      bucket: "lab-data-3f2a1c",
      policy: restricting("lab-data-3f2a1c"),
    });
    assertNoResourceViolations(POLICY, [b, p]);
  });

  it("links a bucket policy through its property dependency when the bucket is not known yet", () => {
    const b = bucket("lab-data");
    const p = resource(
      TYPE.bucketPolicy,
      "lab-data-policy",
      { bucket: UNKNOWN, policy: allowOnly("lab-data") },
      { propertyDependencies: { bucket: [b.urn] } },
    );
    assertHasResourceViolation(POLICY, [b, p], {
      urn: b.urn,
      enforcementLevel: "mandatory",
      message: [/S3 bucket 'lab-data' \(bucket policy 'lab-data-policy'\)/, /an Allow never stops/],
    });
  });

  it("links a mocked bucket by the id the caller gives", () => {
    const b = resource(TYPE.bucket, "data", {}, { id: "data-id" });
    const p = resource(TYPE.bucketPolicy, "data-policy", {
      bucket: "data-id",
      policy: restricting("data-id"),
    });
    assertNoResourceViolations(POLICY, [b, p]);
  });

  it("with two buckets and one policy, flags only the bucket the policy is not attached to", () => {
    const a = bucket("lab-a");
    const b = bucket("lab-b");
    const p = resource(TYPE.bucketPolicy, "lab-a-policy", {
      bucket: "lab-a",
      policy: restricting("lab-a"),
    });
    const violations = runPolicy(POLICY, [a, b, p]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [b.urn],
    );
    assert.match(violations[0].message, /S3 bucket 'lab-b' has no bucket policy/);
    assert.match(violations[0].message, /Missing: a Deny statement/);
    assert.match(
      violations[0].message,
      /"Resource":\["arn:aws:s3:::lab-b","arn:aws:s3:::lab-b\/\*"\]/,
    );
  });

  it("judges a policy against the bucket it is attached to, not the buckets it names", () => {
    const a = bucket("lab-a");
    const b = bucket("lab-b");
    // One document naming both buckets, attached to lab-a only.
    const both = JSON.stringify({
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [
            "arn:aws:s3:::lab-a",
            "arn:aws:s3:::lab-a/*",
            "arn:aws:s3:::lab-b",
            "arn:aws:s3:::lab-b/*",
          ],
          Condition: { StringNotEquals: { "aws:SourceVpce": E } },
        },
      ],
    });
    const p = resource(TYPE.bucketPolicy, "shared", { bucket: "lab-a", policy: both });
    assertNoResourceViolations(POLICY, [a, b, p], { urn: a.urn });
    assertHasResourceViolation(POLICY, [a, b, p], {
      urn: b.urn,
      message: /S3 bucket 'lab-b' has no bucket policy/,
    });
  });

  it("flags the seed's Allow-only policy as mandatory, explaining why and showing the Deny", () => {
    const b = bucket("upload-test-bucket");
    const p = resource(TYPE.bucketPolicy, "seed", {
      bucket: "upload-test-bucket",
      policy: allowOnly("upload-test-bucket"),
    });
    assertHasResourceViolation(POLICY, [b, p], {
      urn: b.urn,
      enforcementLevel: "mandatory",
      message: [
        /S3 bucket 'upload-test-bucket'/,
        /Missing: a Deny statement/,
        /an Allow never stops a principal that already has access through IAM/,
        /Fix: add this statement to the bucket policy: \{"Sid":"DenyUnlessThroughVpcEndpoint","Effect":"Deny"/,
      ],
    });
  });

  it("flags the seed's verification flip", () => {
    const b = bucket("upload-test-bucket");
    const flip = allowOnly("upload-test-bucket").replace('"Allow"', '"Deny"');
    const p = resource(TYPE.bucketPolicy, "flip", { bucket: "upload-test-bucket", policy: flip });
    assertHasResourceViolation(POLICY, [b, p], {
      urn: b.urn,
      enforcementLevel: "mandatory",
      message: [/Missing: .*condition/, /verification flip/],
    });
  });

  it("reports a malformed policy as a violation that says what is wrong", () => {
    const b = bucket("lab-data");
    const p = resource(TYPE.bucketPolicy, "broken", {
      bucket: "lab-data",
      policy: '{"Statement": [}',
    });
    assertHasResourceViolation(POLICY, [b, p], {
      urn: b.urn,
      enforcementLevel: "mandatory",
      message: /its bucket policy is not valid JSON/,
    });
  });

  it("checks the deprecated BucketV2 type and a bucket's inline policy", () => {
    const good = bucket("lab-v2", { policy: restricting("lab-v2") }, TYPE.bucketV2);
    const bad = bucket("lab-inline", { policy: allowOnly("lab-inline") });
    assertNoResourceViolations(POLICY, [good]);
    assertHasResourceViolation(POLICY, [bad], { urn: bad.urn, message: /\(its inline policy\)/ });
  });

  it("flags every policy of a bucket that has two, when one of them does not restrict", () => {
    const b = bucket("lab-data", { policy: allowOnly("lab-data") });
    const p = resource(TYPE.bucketPolicy, "good", {
      bucket: "lab-data",
      policy: restricting("lab-data"),
    });
    assertHasResourceViolation(POLICY, [b, p], { urn: b.urn, message: /\(its inline policy\)/ });
  });

  it("skips buckets listed in exemptBuckets, by name or pattern", () => {
    const trail = bucket("org-cloudtrail-logs-1234");
    const other = bucket("lab-data");
    const config = { [POLICY]: { exemptBuckets: ["org-cloudtrail-*"] } };
    const violations = runPolicy(POLICY, [trail, other], config);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [other.urn],
    );
  });

  it("applies approvedEndpointIds from config", () => {
    const b = bucket("lab-data");
    const p = resource(TYPE.bucketPolicy, "p", {
      bucket: "lab-data",
      policy: restricting("lab-data", ["vpce-other"]),
    });
    assertNoResourceViolations(POLICY, [b, p]);
    assertHasResourceViolation(
      POLICY,
      [b, p],
      {
        urn: b.urn,
        message:
          /exempts vpce-other, which is not an approved endpoint \(approvedEndpointIds: vpce-1a2b3c4d\)/,
      },
      { [POLICY]: { approvedEndpointIds: [E] } },
    );
  });

  it("follows the configured enforcement level", () => {
    const b = bucket("lab-data");
    assertHasResourceViolation(
      POLICY,
      [b],
      { enforcementLevel: "advisory" },
      { [POLICY]: "advisory" },
    );
    assertNoResourceViolations(POLICY, [b], {
      config: { [POLICY]: { enforcementLevel: "disabled" } },
    });
  });

  describe("aws-native and buckets the stack does not create", () => {
    const NATIVE_BUCKET = "aws-native:s3:Bucket";
    const NATIVE_POLICY = "aws-native:s3:BucketPolicy";

    it("links an aws-native BucketPolicy (policyDocument as an object) to an aws-native Bucket", () => {
      const b = resource(NATIVE_BUCKET, "data", {
        bucketName: "lab-native",
        arn: "arn:aws:s3:::lab-native",
      });
      const good = resource(NATIVE_POLICY, "data-policy", {
        bucket: "lab-native",
        policyDocument: JSON.parse(restricting("lab-native")),
      });
      assertNoResourceViolations(POLICY, [b, good]);
      const bad = resource(NATIVE_POLICY, "data-policy", {
        bucket: "lab-native",
        policyDocument: JSON.parse(allowOnly("lab-native")),
      });
      assertHasResourceViolation(POLICY, [b, bad], {
        urn: b.urn,
        enforcementLevel: "mandatory",
        message: [/S3 bucket 'lab-native' \(bucket policy 'data-policy'\)/, /an Allow never stops/],
      });
    });

    it("flags an aws-native Bucket with no policy", () => {
      const b = resource(NATIVE_BUCKET, "data", { bucketName: "lab-native" });
      assertHasResourceViolation(POLICY, [b], { urn: b.urn, message: /has no bucket policy/ });
    });

    it("judges a policy for an existing bucket on its own, on the policy's URN", () => {
      const good = resource(TYPE.bucketPolicy, "existing-ok", {
        bucket: "org-existing",
        policy: restricting("org-existing"),
      });
      const bad = resource(NATIVE_POLICY, "existing-bad", {
        bucket: "org-legacy",
        policyDocument: JSON.parse(allowOnly("org-legacy")),
      });
      const violations = runPolicy(POLICY, [good, bad]);
      assert.deepStrictEqual(
        violations.map((v) => [v.urn, v.enforcementLevel]),
        [[bad.urn, "mandatory"]],
      );
      assert.match(
        violations[0].message,
        /S3 bucket 'org-legacy' \(not created by this stack; bucket policy 'existing-bad'\) is not restricted/,
      );
    });

    it("exempts an existing bucket listed in exemptBuckets", () => {
      const p = resource(TYPE.bucketPolicy, "trail", {
        bucket: "org-cloudtrail-1",
        policy: allowOnly("x"),
      });
      assertNoResourceViolations(POLICY, [p], {
        config: { [POLICY]: { exemptBuckets: ["org-cloudtrail-*"] } },
      });
    });
  });

  describe("s3-access-point-requires-vpce", () => {
    const AP_POLICY = "s3-access-point-requires-vpce";
    const AP = "aws:s3/accessPoint:AccessPoint";
    const arn = "arn:aws:s3:us-east-1:111122223333:accesspoint/lab-ap";
    const apPolicy = (effect: string, resources: string[]) =>
      JSON.stringify({
        Statement: [
          {
            Effect: effect,
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { StringNotEquals: { "aws:SourceVpce": E } },
          },
        ],
      });

    it("passes an access point that takes requests only from a VPC", () => {
      const ap = resource(AP, "lab-ap", {
        name: "lab-ap",
        arn,
        vpcConfiguration: { vpcId: "vpc-1" },
      });
      assertNoResourceViolations(AP_POLICY, [ap]);
    });

    it("passes an internet access point whose policy denies access outside the endpoint", () => {
      const ap = resource(AP, "lab-ap", {
        name: "lab-ap",
        arn,
        policy: apPolicy("Deny", [arn, `${arn}/object/*`]),
      });
      assertNoResourceViolations(AP_POLICY, [ap]);
    });

    it("flags, as advisory, an internet access point without a restricting policy", () => {
      const none = resource(AP, "open", { name: "open", arn });
      const objectsOnly = resource(AP, "half", {
        name: "half",
        arn,
        policy: apPolicy("Deny", [`${arn}/object/*`]),
      });
      assertHasResourceViolation(AP_POLICY, [none], {
        urn: none.urn,
        enforcementLevel: "advisory",
        message: [
          /S3 access point 'open' \(no vpcConfiguration, so it takes requests from the internet/,
          /has no bucket policy|Missing: a Deny/,
        ],
      });
      assertHasResourceViolation(AP_POLICY, [objectsOnly], {
        urn: objectsOnly.urn,
        message: [
          /No Deny statement covers arn:aws:s3:us-east-1:111122223333:accesspoint\/lab-ap \(/,
          /Fix: add this statement to the access point policy: .*accesspoint\/lab-ap\/object\/\*"\]/,
        ],
      });
    });
  });

  describe("during preview", () => {
    it("gives only an advisory when the policy text is not known yet", () => {
      const b = bucket("lab-data");
      const p = resource(
        TYPE.bucketPolicy,
        "lab-data-policy",
        { bucket: UNKNOWN, policy: UNKNOWN },
        { propertyDependencies: { bucket: [b.urn] } },
      );
      const violations = runPolicy(POLICY, [b, p]);
      assert.deepStrictEqual(
        violations.map((v) => [v.urn, v.enforcementLevel]),
        [[b.urn, "advisory"]],
      );
      assert.match(
        violations[0].message,
        /'lab-data-policy'\.policy, which is not known until the update/,
      );
    });

    it("gives only an advisory for a new bucket whose inline policy output is not known", () => {
      const b = bucket("lab-data", { policy: UNKNOWN, arn: UNKNOWN, id: UNKNOWN });
      const violations = runPolicy(POLICY, [b]);
      assert.deepStrictEqual(
        violations.map((v) => v.enforcementLevel),
        ["advisory"],
      );
    });

    it("gives only an advisory when a bucket policy cannot be placed yet", () => {
      const b = bucket("lab-data");
      const p = resource(TYPE.bucketPolicy, "somewhere", {
        bucket: UNKNOWN,
        policy: restricting("lab-data"),
      });
      const violations = runPolicy(POLICY, [b, p]);
      assert.deepStrictEqual(
        violations.map((v) => v.enforcementLevel),
        ["advisory"],
      );
    });

    it("still fails a definite violation beside an unknown one", () => {
      const known = bucket("lab-known");
      const pending = bucket("lab-pending");
      const p1 = resource(TYPE.bucketPolicy, "p1", {
        bucket: "lab-known",
        policy: allowOnly("lab-known"),
      });
      const p2 = resource(
        TYPE.bucketPolicy,
        "p2",
        { bucket: UNKNOWN, policy: UNKNOWN },
        { propertyDependencies: { bucket: [pending.urn] } },
      );
      const violations = runPolicy(POLICY, [known, pending, p1, p2]);
      assert.deepStrictEqual(
        violations.map((v) => [v.urn, v.enforcementLevel]),
        [
          [known.urn, "mandatory"],
          [pending.urn, "advisory"],
        ],
      );
    });
  });
});
