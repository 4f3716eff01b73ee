import { strict as assert } from "assert";
import { awsServiceOf, decodeServiceName, ServiceName } from "../../model/service-name";

describe("model/service-name decodeServiceName", () => {
  const cases: [string, ServiceName][] = [
    [
      "com.amazonaws.ap-northeast-2.s3",
      { kind: "aws-service", service: "s3", region: "ap-northeast-2" },
    ],
    [
      "com.amazonaws.us-east-1.dynamodb",
      { kind: "aws-service", service: "dynamodb", region: "us-east-1" },
    ],
    // A service key with a dot stays whole: `dkr` alone would name nothing.
    [
      "com.amazonaws.eu-west-1.ecr.dkr",
      { kind: "aws-service", service: "ecr.dkr", region: "eu-west-1" },
    ],
    [
      "com.amazonaws.us-gov-west-1.sts",
      { kind: "aws-service", service: "sts", region: "us-gov-west-1" },
    ],
    [
      "aws.api.us-east-1.qbusiness",
      { kind: "aws-service", service: "qbusiness", region: "us-east-1" },
    ],
    [
      "aws.sagemaker.us-east-1.notebook",
      { kind: "aws-service", service: "notebook", region: "us-east-1" },
    ],
    // An endpoint service's last label is its id, never a service key.
    [
      "com.amazonaws.vpce.ap-northeast-2.vpce-svc-0123456789abcdef0",
      { kind: "endpoint-service", region: "ap-northeast-2", id: "vpce-svc-0123456789abcdef0" },
    ],
    ["", { kind: "unknown" }],
    ["my-service", { kind: "unknown" }],
    ["com.amazonaws.s3", { kind: "unknown" }],
  ];
  for (const [name, want] of cases) {
    it(`${JSON.stringify(name)} -> ${want.kind}`, () => {
      assert.deepEqual(decodeServiceName(name), want);
    });
  }

  it("gives the AWS service key only for AWS services", () => {
    assert.equal(awsServiceOf("com.amazonaws.ap-northeast-2.cloudformation"), "cloudformation");
    assert.equal(
      awsServiceOf("com.amazonaws.vpce.ap-northeast-2.vpce-svc-0123456789abcdef0"),
      undefined,
    );
    assert.equal(awsServiceOf("not-a-service-name"), undefined);
  });
});
