import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../scenarios";
import { engine, json, resolve, useEngine } from "../helpers/engine";
import { runLab as runScenario, instanceOf } from "../helpers/labs";
import { TYPE } from "../../model/type-tokens";

const SCENARIO = "dynamodb-bastion";
const ADMIN = "203.0.113.10/32";

/** Runs the lab with the admin CIDR set, plus `config`. */
const runLab = (config: Record<string, string> = {}) =>
  runScenario(SCENARIO, { adminCidr: ADMIN, ...config });

const rulesOf = (type: string, groupId: unknown) =>
  engine.ofType(type).filter((r) => r.inputs.securityGroupId === groupId);

describe("scenario dynamodb-bastion", () => {
  useEngine({ config: { scenario: SCENARIO, adminCidr: ADMIN } });

  describe("gateway endpoint (default)", () => {
    it("routes DynamoDB's prefix list from the bastion subnet's route table to a gateway endpoint", async () => {
      await runLab();
      const endpoint = engine.get(TYPE.vpcEndpoint, "dynamodb-vpce");
      const publicRt = engine.get(TYPE.routeTable, "lab-public-rt");
      assert.equal(endpoint.inputs.vpcEndpointType, "Gateway");
      assert.equal(endpoint.inputs.serviceName, "com.amazonaws.ap-northeast-2.dynamodb");
      assert.deepEqual(endpoint.inputs.routeTableIds, [publicRt.id]);
      assert.match(String(endpoint.outputs.prefixListId), /^pl-[0-9a-f]{8}$/);

      const bastionSubnet = instanceOf("bastion").inputs.subnetId;
      const association = engine
        .ofType(TYPE.routeTableAssociation)
        .find((a) => a.inputs.subnetId === bastionSubnet);
      assert.equal(association?.inputs.routeTableId, publicRt.id);
      assert.equal(
        engine.ofType(TYPE.routeTable).length,
        1,
        "one public route table, no private tier",
      );
      const igwRoute = engine.get(TYPE.route, "lab-public-default");
      assert.equal(igwRoute.inputs.routeTableId, publicRt.id);
      assert.equal(igwRoute.inputs.destinationCidrBlock, "0.0.0.0/0");
    });

    it("lets the bastion out only on TCP 443 to the endpoint's prefix list (the seed's pl- rule)", async () => {
      await runLab();
      const sg = engine.get(TYPE.securityGroup, "bastion-sg");
      const prefixListId = engine.get(TYPE.vpcEndpoint, "dynamodb-vpce").outputs.prefixListId;
      assert.deepEqual(
        rulesOf(TYPE.securityGroupEgressRule, sg.id).map((r) => ({
          name: r.name,
          protocol: r.inputs.ipProtocol,
          from: r.inputs.fromPort,
          to: r.inputs.toPort,
          prefixListId: r.inputs.prefixListId,
          cidr: r.inputs.cidrIpv4,
          group: r.inputs.referencedSecurityGroupId,
        })),
        [
          {
            name: "bastion-out-https-dynamodb",
            protocol: "tcp",
            from: 443,
            to: 443,
            prefixListId,
            cidr: undefined,
            group: undefined,
          },
        ],
      );
    });

    it("admits SSH to the bastion only from adminCidr, and nothing from the whole internet", async () => {
      await runLab({ adminCidr: " 198.51.100.7/32 " });
      const sg = engine.get(TYPE.securityGroup, "bastion-sg");
      assert.deepEqual(
        rulesOf(TYPE.securityGroupIngressRule, sg.id).map((r) => [
          r.inputs.ipProtocol,
          r.inputs.fromPort,
          r.inputs.toPort,
          r.inputs.cidrIpv4,
        ]),
        [["tcp", 22, 22, "198.51.100.7/32"]],
      );
      const open = engine
        .ofType(TYPE.securityGroupIngressRule)
        .filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
      assert.deepEqual(open, []);
    });

    it("gives the bastion a public address in the public subnet, no key pair and no Instance Connect Endpoint", async () => {
      await runLab();
      const instance = instanceOf("bastion");
      assert.equal(instance.inputs.keyName, undefined);
      assert.equal(instance.inputs.associatePublicIpAddress, true);
      assert.equal(engine.byId(instance.inputs.subnetId)?.name, "lab-public-1");
      assert.equal(engine.ofType(TYPE.instanceConnectEndpoint).length, 0);
    });

    it("creates the on-demand table ddb_test, or the configured name", async () => {
      await runLab();
      const table = engine.get(TYPE.table, "lab-table");
      assert.equal(table.inputs.name, "ddb_test");
      assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
      await runLab({ tableName: "orders.lab" });
      assert.equal(engine.get(TYPE.table, "lab-table").inputs.name, "orders.lab");
    });

    it("attaches to the bastion's role a managed policy that honours the table only through the endpoint", async () => {
      await runLab();
      const table = engine.get(TYPE.table, "lab-table");
      const endpoint = engine.get(TYPE.vpcEndpoint, "dynamodb-vpce");
      const policy = engine.get(TYPE.policy, "dynamodb-via-endpoint");
      const doc = json(policy.inputs.policy) as {
        Statement: { Sid: string; Effect: string; Resource: unknown; Condition: unknown }[];
      };
      assert.deepEqual(
        doc.Statement.map((s) => [s.Sid, s.Effect, s.Resource, s.Condition]),
        [
          [
            "LabTableThroughEndpoint",
            "Allow",
            table.outputs.arn,
            { StringEquals: { "aws:SourceVpce": endpoint.id } },
          ],
          [
            "ListTablesThroughEndpoint",
            "Allow",
            "*",
            { StringEquals: { "aws:SourceVpce": endpoint.id } },
          ],
          [
            "DenyOutsideEndpoint",
            "Deny",
            "*",
            { StringNotEquals: { "aws:SourceVpce": endpoint.id } },
          ],
        ],
      );
      const role = engine.get(TYPE.role, "bastion-role");
      const attachments = engine
        .ofType(TYPE.rolePolicyAttachment)
        .map((a) => [a.inputs.role, a.inputs.policyArn]);
      assert.deepEqual(attachments, [[role.outputs.name, policy.outputs.arn]]);
      assert.equal(engine.ofType(TYPE.rolePolicy).length, 0);
    });

    it("creates no IAM user or access key unless createLabUser is on", async () => {
      const { outputs } = await runLab();
      assert.equal(engine.ofType(TYPE.user).length, 0);
      assert.equal(engine.ofType(TYPE.accessKey).length, 0);
      assert.ok(!("labUserSecretAccessKey" in outputs));
    });

    it("expects DynamoDB to work from the bastion, DNS to stay public and STS to time out", async () => {
      const { expectations } = await runLab();
      assert.deepEqual(
        expectations.map((e) => `${e.from} ${JSON.stringify(e.to)} ${e.probe} ${e.outcome}`),
        [
          `bastion {"kind":"aws-service","service":"dynamodb","resource":"lab"} request works`,
          `bastion {"kind":"aws-service","service":"dynamodb"} dns resolves-public`,
          `laptop {"kind":"instance","host":"bastion","port":22} request works`,
          `bastion {"kind":"aws-service","service":"sts"} request times-out`,
        ],
      );
    });

    it("prints the bastion's checks: Instance Connect from adminCidr, DynamoDB works, STS times out", async () => {
      const { checks } = await runLab();
      const bastionId = instanceOf("bastion").id;
      assert.deepEqual(
        checks.map((c) => c.host),
        ["bastion"],
      );
      const [bastion] = checks;
      assert.match(
        bastion.connect,
        new RegExp(
          `^aws ec2-instance-connect ssh --instance-id ${bastionId} --connection-type direct --region ap-northeast-2`,
        ),
      );
      const runs = bastion.steps.map((s) => s.run);
      assert.ok(runs.includes("aws dynamodb list-tables --region ap-northeast-2"));
      assert.ok(runs.every((r) => !r.includes("--endpoint-url")));
      const sts = bastion.steps.find((s) => s.run.includes("sts get-caller-identity"));
      assert.ok(sts?.run.startsWith("AWS_MAX_ATTEMPTS=1 "), "fails fast");
      assert.match(sts?.run ?? "", /--cli-connect-timeout 5/);
      assert.match(
        sts?.expect ?? "",
        /Connect timeout on endpoint URL: "https:\/\/sts\.ap-northeast-2\.amazonaws\.com\/"/,
      );
      const list = bastion.steps.find((s) => s.run.startsWith("aws dynamodb list-tables"));
      assert.match(list?.expect ?? "", /"ddb_test"/);
    });
  });

  describe("interface endpoint", () => {
    it("puts a DynamoDB interface endpoint without private DNS in the bastion's subnet, and no route", async () => {
      await runLab({ endpointType: "interface" });
      const endpoint = engine.get(TYPE.vpcEndpoint, "dynamodb-vpce");
      assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
      assert.equal(endpoint.inputs.serviceName, "com.amazonaws.ap-northeast-2.dynamodb");
      assert.deepEqual(endpoint.inputs.subnetIds, [engine.get(TYPE.subnet, "lab-public-1").id]);
      assert.equal(endpoint.inputs.privateDnsEnabled, false);
      assert.equal(endpoint.inputs.routeTableIds, undefined);
      assert.equal(endpoint.outputs.prefixListId, undefined);
    });

    it("lets the bastion out only on TCP 443 to the endpoint's security group", async () => {
      await runLab({ endpointType: "interface" });
      const endpointSg = engine.get(TYPE.securityGroup, "dynamodb-sg");
      const endpoint = engine.get(TYPE.vpcEndpoint, "dynamodb-vpce");
      assert.deepEqual(endpoint.inputs.securityGroupIds, [endpointSg.id]);
      const egress = rulesOf(
        TYPE.securityGroupEgressRule,
        engine.get(TYPE.securityGroup, "bastion-sg").id,
      );
      assert.deepEqual(
        egress.map((r) => [
          r.inputs.ipProtocol,
          r.inputs.fromPort,
          r.inputs.referencedSecurityGroupId,
          r.inputs.prefixListId,
          r.inputs.cidrIpv4,
        ]),
        [["tcp", 443, endpointSg.id, undefined, undefined]],
      );
    });

    it("conditions the policy on the interface endpoint's id", async () => {
      await runLab({ endpointType: "interface" });
      const endpoint = engine.get(TYPE.vpcEndpoint, "dynamodb-vpce");
      const doc = json(engine.get(TYPE.policy, "dynamodb-via-endpoint").inputs.policy) as {
        Statement: { Condition: Record<string, Record<string, string>> }[];
      };
      assert.equal(doc.Statement[0].Condition.StringEquals["aws:SourceVpce"], endpoint.id);
      assert.equal(doc.Statement[2].Condition.StringNotEquals["aws:SourceVpce"], endpoint.id);
    });

    it("checks DynamoDB with --endpoint-url and the endpoint-specific name, and expects the default name to time out", async () => {
      const { checks, expectations, outputs } = await runLab({ endpointType: "interface" });
      const endpoint = engine.get(TYPE.vpcEndpoint, "dynamodb-vpce");
      const names = (await resolve(
        outputs.endpointDnsNames as pulumi.Output<string[]>,
      )) as string[];
      const regional = names[0];
      assert.match(
        regional,
        new RegExp(
          `^${endpoint.id}-[0-9a-f]+\\.dynamodb\\.ap-northeast-2\\.vpce\\.amazonaws\\.com$`,
        ),
      );
      const runs = checks[0].steps.map((s) => s.run);
      assert.ok(
        runs.includes(
          `aws dynamodb list-tables --region ap-northeast-2 --endpoint-url https://${regional}`,
        ),
      );
      const plain = checks[0].steps.find(
        (s) => s.run.includes("aws dynamodb list-tables") && !s.run.includes("--endpoint-url"),
      );
      assert.match(plain?.run ?? "", /^AWS_MAX_ATTEMPTS=1 .*--cli-connect-timeout 5/);
      assert.deepEqual(
        expectations.map(
          (e) =>
            `${e.from} ${e.to.kind === "aws-service" ? (e.to.via ?? "-") : ""} ${e.probe} ${e.outcome}`,
        ),
        [
          "bastion dynamodb request works",
          "bastion dynamodb dns resolves-private",
          "bastion - request times-out",
          "laptop  request works",
          "bastion - request times-out",
        ],
      );
    });
  });

  describe("createLabUser", () => {
    it("creates a user holding the same policy, with its key as stack secrets", async () => {
      const { outputs } = await runLab({ createLabUser: "true" });
      const policy = engine.get(TYPE.policy, "dynamodb-via-endpoint");
      const user = engine.get(TYPE.user, "lab-user-user");
      assert.deepEqual(
        engine.ofType(TYPE.userPolicyAttachment).map((a) => [a.inputs.user, a.inputs.policyArn]),
        [[user.outputs.name, policy.outputs.arn]],
      );
      const key = engine.get(TYPE.accessKey, "lab-user-key");
      const secret = outputs.labUserSecretAccessKey as pulumi.Output<string>;
      const keyId = outputs.labUserAccessKeyId as pulumi.Output<string>;
      assert.equal(await pulumi.isSecret(secret), true);
      assert.equal(await pulumi.isSecret(keyId), true);
      assert.equal(await resolve(keyId), key.id);
    });

    it("adds the laptop's contrast: get-caller-identity names the user, list-tables is explicitly denied", async () => {
      const { checks, expectations } = await runLab({ createLabUser: "true" });
      const userArn = engine.get(TYPE.user, "lab-user-user").outputs.arn;
      assert.deepEqual(
        checks.map((c) => c.host),
        ["laptop", "bastion"],
      );
      const laptop = checks[0];
      const whoami = laptop.steps.find(
        (s) => s.run === "aws sts get-caller-identity --profile ddb-lab",
      );
      assert.equal(whoami?.expect, `"Arn": "${userArn}"`);
      const denied = laptop.steps.find(
        (s) => s.run === "aws dynamodb list-tables --profile ddb-lab",
      );
      assert.match(
        denied?.expect ?? "",
        /AccessDeniedException.*with an explicit deny in an identity-based policy/,
      );
      assert.ok(
        checks[1].steps.some((s) => s.run === "aws dynamodb list-tables --profile ddb-lab"),
        "the same profile on the bastion",
      );
      assert.deepEqual(
        expectations
          .filter((e) => e.from === "laptop")
          .map((e) => `${e.to.kind === "aws-service" ? e.to.service : ""} ${e.outcome}`),
        [" works", "sts works", "dynamodb 403"],
      );
    });
  });

  describe("refuses bad config before registering anything", () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        "a missing adminCidr",
        { scenario: SCENARIO },
        /config "adminCidr" \(scenario dynamodb-bastion\) is required: .*`pulumi config set adminCidr \$\(curl -s https:\/\/checkip\.amazonaws\.com\)\/32`/,
      ],
      [
        "an empty adminCidr (Pulumi.yaml's default)",
        { scenario: SCENARIO, adminCidr: "" },
        /config "adminCidr" \(scenario dynamodb-bastion\) is required/,
      ],
      [
        "adminCidr 0.0.0.0/0",
        { scenario: SCENARIO, adminCidr: "0.0.0.0/0" },
        /config "adminCidr" .* would open SSH on the bastion to the whole internet.*EC2 Instance Connect Endpoint/,
      ],
      [
        "adminCidr ::/0",
        { scenario: SCENARIO, adminCidr: "::/0" },
        /config "adminCidr" .*"::\/0" \(::\/0\) would open SSH .*whole internet/,
      ],
      [
        "an IPv6 adminCidr",
        { scenario: SCENARIO, adminCidr: "2001:db8::/48" },
        /config "adminCidr" .*IPv4 only/,
      ],
      [
        "a malformed adminCidr",
        { scenario: SCENARIO, adminCidr: "203.0.113/32" },
        /config "adminCidr" .*is not an IPv4 CIDR block/,
      ],
      [
        "an unknown endpointType",
        { scenario: SCENARIO, adminCidr: ADMIN, endpointType: "Gateway" },
        /config "endpointType" \(scenario dynamodb-bastion\) must be one of gateway, interface; got "Gateway"/,
      ],
      [
        "a bad table name",
        { scenario: SCENARIO, adminCidr: ADMIN, tableName: "ddb test" },
        /tableName "ddb test" is not a DynamoDB table name/,
      ],
      [
        "a createLabUser that is not a boolean",
        { scenario: SCENARIO, adminCidr: ADMIN, createLabUser: "yes" },
        /config "createLabUser" .* must be true or false/,
      ],
    ];
    for (const [title, config, error] of cases) {
      it(title, async () => {
        engine.reset({ config });
        assert.throws(() => runProgram(), error);
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });
});
