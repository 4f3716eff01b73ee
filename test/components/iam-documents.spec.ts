import { strict as assert } from "assert";
import {
  cloudFormationListStacksPolicy,
  DYNAMODB_TABLE_ACTIONS,
  dynamodbViaEndpointPolicy,
  instanceConnectOperatorPolicy,
} from "../../components/iam-documents";

const TABLE_ARN = "arn:aws:dynamodb:ap-northeast-2:123456789012:table/ddb_test";
const ENDPOINT_ID = "vpce-0a1b2c3d4e5f60718";
const EICE_ARN =
  "arn:aws:ec2:ap-northeast-2:123456789012:instance-connect-endpoint/eice-0123456789abcdef0";
const INSTANCE_ARN = "arn:aws:ec2:ap-northeast-2:123456789012:instance/i-0123456789abcdef0";

describe("iam-documents", () => {
  describe("dynamodbViaEndpointPolicy", () => {
    const doc = dynamodbViaEndpointPolicy({ tableArn: TABLE_ARN, endpointId: ENDPOINT_ID });

    it("allows the table's item actions on that table only, through the endpoint", () => {
      assert.equal(doc.Version, "2012-10-17");
      assert.deepEqual(doc.Statement[0], {
        Sid: "LabTableThroughEndpoint",
        Effect: "Allow",
        Action: [...DYNAMODB_TABLE_ACTIONS],
        Resource: TABLE_ARN,
        Condition: { StringEquals: { "aws:SourceVpce": ENDPOINT_ID } },
      });
      assert.ok(!DYNAMODB_TABLE_ACTIONS.some((a) => /\*|Create|Delete(Table|Backup)/.test(a)));
    });

    it("allows ListTables on * (it has no resource type), through the endpoint", () => {
      assert.deepEqual(doc.Statement[1], {
        Sid: "ListTablesThroughEndpoint",
        Effect: "Allow",
        Action: "dynamodb:ListTables",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceVpce": ENDPOINT_ID } },
      });
    });

    it("denies the same actions explicitly when the request does not come through the endpoint", () => {
      assert.deepEqual(doc.Statement[2], {
        Sid: "DenyOutsideEndpoint",
        Effect: "Deny",
        Action: [...DYNAMODB_TABLE_ACTIONS, "dynamodb:ListTables"],
        Resource: "*",
        Condition: { StringNotEquals: { "aws:SourceVpce": ENDPOINT_ID } },
      });
      assert.equal(doc.Statement.length, 3);
    });

    it("takes a narrower action list", () => {
      const narrow = dynamodbViaEndpointPolicy({
        tableArn: TABLE_ARN,
        endpointId: ENDPOINT_ID,
        actions: ["dynamodb:GetItem"],
      });
      assert.deepEqual(narrow.Statement[0].Action, ["dynamodb:GetItem"]);
      assert.deepEqual(narrow.Statement[2].Action, ["dynamodb:GetItem", "dynamodb:ListTables"]);
    });

    const refusals: [string, Parameters<typeof dynamodbViaEndpointPolicy>[0], RegExp][] = [
      [
        "an S3 ARN",
        { tableArn: "arn:aws:s3:::bucket", endpointId: ENDPOINT_ID },
        /tableArn "arn:aws:s3:::bucket" is not a DynamoDB table ARN/,
      ],
      [
        "a wildcard table",
        { tableArn: "arn:aws:dynamodb:*:123456789012:*", endpointId: ENDPOINT_ID },
        /is not a DynamoDB table ARN/,
      ],
      [
        "an endpoint service id",
        { tableArn: TABLE_ARN, endpointId: "vpce-svc-0123456789abcdef0" },
        /endpointId "vpce-svc-0123456789abcdef0" is not a VPC endpoint id/,
      ],
      [
        "no actions",
        { tableArn: TABLE_ARN, endpointId: ENDPOINT_ID, actions: [] },
        /actions is empty/,
      ],
      [
        "an S3 action",
        { tableArn: TABLE_ARN, endpointId: ENDPOINT_ID, actions: ["s3:GetObject"] },
        /action "s3:GetObject" is not a DynamoDB action/,
      ],
      [
        "ListTables among the table actions",
        { tableArn: TABLE_ARN, endpointId: ENDPOINT_ID, actions: ["dynamodb:ListTables"] },
        /leave dynamodb:ListTables out of actions; it is not scoped to a table/,
      ],
    ];
    for (const [title, args, error] of refusals) {
      it(`refuses ${title}`, () => assert.throws(() => dynamodbViaEndpointPolicy(args), error));
    }
  });

  describe("instanceConnectOperatorPolicy", () => {
    const args = { endpointArn: EICE_ARN, instanceArn: INSTANCE_ARN };

    it("allows OpenTunnel on that endpoint to port 22 for at most 3600 s by default", () => {
      const doc = instanceConnectOperatorPolicy(args);
      assert.deepEqual(doc.Statement[0], {
        Sid: "OpenSshTunnelThroughEndpoint",
        Effect: "Allow",
        Action: "ec2-instance-connect:OpenTunnel",
        Resource: EICE_ARN,
        Condition: {
          NumericEquals: { "ec2-instance-connect:remotePort": "22" },
          NumericLessThanEquals: { "ec2-instance-connect:maxTunnelDuration": "3600" },
        },
      });
    });

    it("allows pushing a key to that host for ec2-user only", () => {
      const doc = instanceConnectOperatorPolicy(args);
      assert.deepEqual(doc.Statement[1], {
        Sid: "PushKeyForOsUser",
        Effect: "Allow",
        Action: "ec2-instance-connect:SendSSHPublicKey",
        Resource: INSTANCE_ARN,
        Condition: { StringEquals: { "ec2:osuser": "ec2-user" } },
      });
    });

    it("allows the two describe calls on * and nothing else", () => {
      const doc = instanceConnectOperatorPolicy(args);
      assert.deepEqual(doc.Statement[2], {
        Sid: "FindInstanceAndEndpoint",
        Effect: "Allow",
        Action: ["ec2:DescribeInstances", "ec2:DescribeInstanceConnectEndpoints"],
        Resource: "*",
      });
      assert.equal(doc.Statement.length, 3);
      assert.ok(doc.Statement.every((s) => s.Effect === "Allow"));
    });

    const durations: [number, string][] = [
      [1, "1"],
      [900, "900"],
      [3600, "3600"],
    ];
    for (const [seconds, want] of durations) {
      it(`bounds the tunnel at ${seconds} s`, () => {
        const doc = instanceConnectOperatorPolicy({ ...args, maxTunnelDuration: seconds });
        assert.deepEqual(doc.Statement[0].Condition?.NumericLessThanEquals, {
          "ec2-instance-connect:maxTunnelDuration": want,
        });
      });
    }

    it("takes another OS user", () => {
      const doc = instanceConnectOperatorPolicy({ ...args, osUser: "ubuntu" });
      assert.deepEqual(doc.Statement[1].Condition, { StringEquals: { "ec2:osuser": "ubuntu" } });
    });

    const refusals: [string, Parameters<typeof instanceConnectOperatorPolicy>[0], RegExp][] = [
      [
        "a duration of 0",
        { ...args, maxTunnelDuration: 0 },
        /from 1 to 3600 \(AWS's maximum\); got 0/,
      ],
      ["a duration over an hour", { ...args, maxTunnelDuration: 3601 }, /got 3601/],
      ["a fractional duration", { ...args, maxTunnelDuration: 90.5 }, /whole number of seconds/],
      [
        "a VPC endpoint ARN as the endpoint",
        {
          ...args,
          endpointArn: "arn:aws:ec2:ap-northeast-2:123456789012:vpc-endpoint/vpce-1234abcd",
        },
        /endpointArn ".*vpc-endpoint\/vpce-1234abcd" is not an Instance Connect Endpoint ARN/,
      ],
      [
        "a wildcard instance",
        { ...args, instanceArn: "arn:aws:ec2:ap-northeast-2:123456789012:instance/*" },
        /instanceArn ".*instance\/\*" is not an EC2 instance ARN/,
      ],
      ["an empty OS user", { ...args, osUser: "" }, /osUser "" is not a Linux user name/],
    ];
    for (const [title, bad, error] of refusals) {
      it(`refuses ${title}`, () => assert.throws(() => instanceConnectOperatorPolicy(bad), error));
    }
  });

  describe("cloudFormationListStacksPolicy", () => {
    it("allows ListStacks on * and nothing else", () => {
      assert.deepEqual(cloudFormationListStacksPolicy(), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ListStacks",
            Effect: "Allow",
            Action: "cloudformation:ListStacks",
            Resource: "*",
          },
        ],
      });
    });
  });
});
