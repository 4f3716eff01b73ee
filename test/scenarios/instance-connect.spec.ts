import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../scenarios";
import { engine, json, RecordedResource, resolve, useEngine } from "../helpers/engine";
import { runLab as runScenario } from "../helpers/labs";
import { TYPE } from "../../model/type-tokens";

const SCENARIO = "instance-connect";

const runLab = (config: Record<string, string> = {}) => runScenario(SCENARIO, config);

function hostInstance(): RecordedResource {
  const component = engine.get("vpc-endpoint-labs:compute:LabInstance", "host");
  const found = engine.childrenOf(component.urn).filter((r) => r.type === TYPE.instance);
  assert.equal(found.length, 1);
  return found[0];
}

interface Statement {
  Sid: string;
  Effect: string;
  Action: unknown;
  Resource: unknown;
  Condition?: Record<string, Record<string, string>>;
}

function operatorStatements(): Statement[] {
  return (
    json(engine.get(TYPE.policy, "eice-operator").inputs.policy) as { Statement: Statement[] }
  ).Statement;
}

describe("scenario instance-connect", () => {
  useEngine({ config: { scenario: SCENARIO } });

  it("builds the seed's closed VPC: 10.0.0.0/24, one private subnet, no IGW, NAT, route or endpoint", async () => {
    await runLab();
    assert.equal(engine.get(TYPE.vpc, "closed-vpc").inputs.cidrBlock, "10.0.0.0/24");
    assert.deepEqual(
      engine
        .ofType(TYPE.subnet)
        .map((s) => [s.name, s.inputs.cidrBlock, s.inputs.mapPublicIpOnLaunch]),
      [["closed-private-1", "10.0.0.0/24", false]],
    );
    for (const type of [
      TYPE.internetGateway,
      TYPE.natGateway,
      TYPE.route,
      TYPE.vpcEndpoint,
      TYPE.eip,
    ]) {
      assert.equal(engine.ofType(type).length, 0, type);
    }
  });

  it("puts the closed subnet in the first AZ that offers the host's type, keeping its name", async () => {
    // The engine's account sees us-west-1a as usw1-az2, a zone closed to current instance types.
    await runLab({ "aws:region": "us-west-1" });
    const subnets = engine.ofType("aws:ec2/subnet:Subnet");
    assert.deepEqual(
      subnets.map((s) => [s.name, s.inputs.availabilityZone, s.outputs.availabilityZoneId]),
      [["closed-private-1", "us-west-1b", "usw1-az1"]],
    );
    assert.equal(hostInstance().inputs.subnetId, subnets[0].id);
    assert.equal(
      engine.get(TYPE.instanceConnectEndpoint, "eice-eice").inputs.subnetId,
      subnets[0].id,
    );
  });

  it("runs the host with no key pair and no public address, reachable only from the endpoint on 22", async () => {
    await runLab();
    const instance = hostInstance();
    assert.equal(instance.inputs.keyName, undefined);
    assert.notEqual(instance.inputs.associatePublicIpAddress, true);
    assert.equal(instance.outputs.publicIp, "");
    const hostSg = engine.get(TYPE.securityGroup, "host-sg");
    const eiceSg = engine.get(TYPE.securityGroup, "eice-sg");
    assert.deepEqual(
      engine
        .ofType(TYPE.securityGroupIngressRule)
        .filter((r) => r.inputs.securityGroupId === hostSg.id)
        .map((r) => [
          r.inputs.ipProtocol,
          r.inputs.fromPort,
          r.inputs.referencedSecurityGroupId,
          r.inputs.cidrIpv4,
        ]),
      [["tcp", 22, eiceSg.id, undefined]],
    );
    const eice = engine.get(TYPE.instanceConnectEndpoint, "eice-eice");
    assert.equal(eice.inputs.subnetId, instance.inputs.subnetId);
    assert.equal(eice.inputs.preserveClientIp, false);
  });

  it("lets operators open tunnels only on that endpoint, to port 22, for at most 3600 s", async () => {
    await runLab();
    const eice = engine.get(TYPE.instanceConnectEndpoint, "eice-eice");
    const [openTunnel] = operatorStatements();
    assert.deepEqual(openTunnel, {
      Sid: "OpenSshTunnelThroughEndpoint",
      Effect: "Allow",
      Action: "ec2-instance-connect:OpenTunnel",
      Resource: eice.outputs.arn,
      Condition: {
        NumericEquals: { "ec2-instance-connect:remotePort": "22" },
        NumericLessThanEquals: { "ec2-instance-connect:maxTunnelDuration": "3600" },
      },
    });
    assert.match(
      String(eice.outputs.arn),
      /^arn:aws:ec2:ap-northeast-2:\d{12}:instance-connect-endpoint\/eice-[0-9a-f]+$/,
    );
  });

  it("lets operators push a key for ec2-user to the lab host only, and describe instances and endpoints", async () => {
    await runLab();
    const [, sendKey, describe] = operatorStatements();
    assert.deepEqual(sendKey, {
      Sid: "PushKeyForOsUser",
      Effect: "Allow",
      Action: "ec2-instance-connect:SendSSHPublicKey",
      Resource: hostInstance().outputs.arn,
      Condition: { StringEquals: { "ec2:osuser": "ec2-user" } },
    });
    assert.deepEqual(describe.Action, [
      "ec2:DescribeInstances",
      "ec2:DescribeInstanceConnectEndpoints",
    ]);
    assert.equal(describe.Resource, "*");
    assert.equal(operatorStatements().length, 3);
  });

  it("bounds tunnels by maxTunnelDuration and asks for that duration in the checks", async () => {
    const { checks } = await runLab({ maxTunnelDuration: "900" });
    const [openTunnel] = operatorStatements();
    assert.deepEqual(openTunnel.Condition?.NumericLessThanEquals, {
      "ec2-instance-connect:maxTunnelDuration": "900",
    });
    assert.match(checks[1].connect, /--connection-type eice --eice-options maxTunnelDuration=900 /);
  });

  it("attaches the operator policy to an IAM group by default", async () => {
    const { outputs } = await runLab();
    const group = engine.get(TYPE.group, "operators");
    const attachment = engine.get(TYPE.groupPolicyAttachment, "operators-eice-operator");
    assert.equal(attachment.inputs.group, group.outputs.name);
    assert.equal(attachment.inputs.policyArn, engine.get(TYPE.policy, "eice-operator").outputs.arn);
    assert.equal(attachment.parent, group.urn);
    assert.equal(
      await resolve(outputs.operatorGroupName as pulumi.Output<string>),
      group.outputs.name,
    );
  });

  it("adds the operators named in operatorUsers to the group, so destroy removes them before the group", async () => {
    const { checks } = await runLab({ operatorUsers: "alice, bob.smith@example.com" });
    const group = engine.get("aws:iam/group:Group", "operators");
    const members = engine.get("aws:iam/groupMembership:GroupMembership", "operators-members");
    assert.equal(members.inputs.group, group.outputs.name);
    assert.deepEqual(members.inputs.users, ["alice", "bob.smith@example.com"]);
    assert.equal(members.parent, group.urn);
    // Pulumi deletes dependents first: the members leave before DeleteGroup is called.
    assert.ok(members.dependencies.includes(group.urn));
    assert.ok(checks.every((c) => c.steps.every((s) => !s.run.includes("add-user-to-group"))));
    assert.match(checks[0].connect, /as one of the operators \(alice, bob\.smith@example\.com\)/);
  });

  it("without operatorUsers, prints the hand-made membership with its undo before destroy", async () => {
    const { checks } = await runLab();
    assert.equal(engine.ofType("aws:iam/groupMembership:GroupMembership").length, 0);
    const add = checks[0].steps.find((s) => s.run.includes("aws iam add-user-to-group"));
    assert.equal(
      add?.run,
      "aws iam add-user-to-group --group-name operators --user-name <operator-user>",
    );
    assert.match(
      add?.expect ?? "",
      /before `pulumi destroy`, run aws iam remove-user-from-group --group-name operators --user-name <operator-user>/,
    );
  });

  it("looks up OpenTunnel events as the deployer: the operator policy grants no CloudTrail action", async () => {
    const { checks } = await runLab();
    const actions = operatorStatements().flatMap((s) => [s.Action].flat()) as string[];
    assert.ok(actions.every((a) => !a.startsWith("cloudtrail:")));
    const operator = checks[0];
    assert.ok(operator.steps.every((s) => !s.run.startsWith("aws cloudtrail")));
    const audit = checks.find((c) => c.steps.some((s) => s.run.startsWith("aws cloudtrail")));
    assert.equal(audit?.host, "laptop");
    assert.match(audit?.connect ?? "", /as the deployer/);
    assert.deepEqual(
      audit?.steps.map((s) => s.run),
      [
        "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=OpenTunnel" +
          " --max-results 5 --region ap-northeast-2 --query 'Events[].[EventTime,Username]' --output text",
      ],
    );
  });

  it("creates only the managed policy when operatorGroup is false", async () => {
    const { outputs, checks } = await runLab({ operatorGroup: "false" });
    assert.equal(engine.ofType(TYPE.group).length, 0);
    assert.equal(engine.ofType(TYPE.groupPolicyAttachment).length, 0);
    assert.equal(engine.ofType(TYPE.policy).length, 1);
    assert.ok(!("operatorGroupName" in outputs));
    assert.ok(checks[0].steps.every((s) => !s.run.includes("add-user-to-group")));
  });

  it("expects SSH from the laptop to work and the host to reach neither the internet nor S3", async () => {
    const { expectations } = await runLab();
    assert.deepEqual(
      expectations.map((e) => [e.from, e.to, e.probe, e.outcome]),
      [
        ["laptop", { kind: "instance", host: "host", port: 22 }, "request", "works"],
        [
          "host",
          { kind: "internet", url: "https://checkip.amazonaws.com" },
          "request",
          "times-out",
        ],
        ["host", { kind: "aws-service", service: "s3" }, "request", "times-out"],
      ],
    );
  });

  it("prints the operator's eice SSH, a refused os-user, the CloudTrail OpenTunnel lookup and the host's timeouts", async () => {
    const { checks } = await runLab();
    const id = hostInstance().id;
    assert.deepEqual(
      checks.map((c) => c.host),
      ["laptop", "host", "laptop"],
    );
    const ssh = `aws ec2-instance-connect ssh --instance-id ${id} --connection-type eice --eice-options maxTunnelDuration=3600 --region ap-northeast-2`;
    const [laptop, host, deployer] = checks;
    assert.equal(host.connect, ssh);
    const byRun = new Map(laptop.steps.map((s) => [s.run, s.expect]));
    assert.match(byRun.get(ssh) ?? "", /\[ec2-user@ip-10-0-0-\d+ ~\]\$/);
    const rootRun = [...byRun.keys()].find((r) => r.includes("--os-user root"));
    assert.match(byRun.get(rootRun ?? "") ?? "", /AccessDeniedException.*SendSSHPublicKey/);
    const [trail] = deployer.steps;
    assert.match(
      trail.run,
      /^aws cloudtrail lookup-events .*AttributeKey=EventName,AttributeValue=OpenTunnel/,
    );
    assert.match(trail.expect, /no trail/);

    const s3 = host.steps.find((s) => s.run.includes("aws s3 ls"));
    assert.match(s3?.run ?? "", /^AWS_MAX_ATTEMPTS=1 .*--cli-connect-timeout 5/);
    assert.match(s3?.expect ?? "", /Connect timeout/);
    const curl = host.steps.find((s) => s.run.startsWith("curl"));
    assert.match(curl?.run ?? "", /-m 5 https:\/\/checkip\.amazonaws\.com/);
    assert.match(curl?.expect ?? "", /timed out/);
  });

  describe("refuses bad config before registering anything", () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        "a tunnel of 0 s",
        { maxTunnelDuration: "0" },
        /config "maxTunnelDuration" \(scenario instance-connect\) must be between 1 and 3600; got 0/,
      ],
      [
        "a tunnel over AWS's hour",
        { maxTunnelDuration: "7200" },
        /must be between 1 and 3600; got 7200/,
      ],
      [
        "a duration that is not a number",
        { maxTunnelDuration: "1h" },
        /must be a whole number; got "1h"/,
      ],
      [
        "an operatorGroup that is not a boolean",
        { operatorGroup: "no" },
        /config "operatorGroup" .*must be true or false/,
      ],
      [
        "an operator name IAM refuses",
        { operatorUsers: "alice,bob smith" },
        /config "operatorUsers" \(scenario instance-connect\) lists "bob smith", which is not an IAM user name: 1-64 letters, digits and \+=,\.@_-/,
      ],
      [
        "an operator name over IAM's 64 characters",
        { operatorUsers: "a".repeat(65) },
        /config "operatorUsers" .*lists "a{65}", which is not an IAM user name/,
      ],
      [
        "one operator twice (IAM names are case-insensitive)",
        { operatorUsers: "Alice,alice" },
        /config "operatorUsers" .*lists "alice" twice/,
      ],
      [
        "an empty name between commas",
        { operatorUsers: "alice,,bob" },
        /config "operatorUsers" .*has an empty name/,
      ],
      [
        "operators without the group that would hold them",
        { operatorGroup: "false", operatorUsers: "alice" },
        /config "operatorUsers" .*needs operatorGroup true/,
      ],
    ];
    for (const [title, config, error] of cases) {
      it(title, async () => {
        engine.reset({ config: { scenario: SCENARIO, ...config } });
        assert.throws(() => runProgram(), error);
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });
});
