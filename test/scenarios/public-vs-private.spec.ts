import { strict as assert } from "assert";
import { runProgram } from "../../scenarios";
import { build, engine, json, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

describe("scenario public-vs-private", () => {
  useEngine({ config: { scenario: "public-vs-private" } });

  it("builds one VPC with a public and a private subnet and no endpoint, NAT or peering", async () => {
    await build(() => runProgram());
    assert.deepEqual(
      engine.ofType(TYPE.subnet).map((s) => s.name),
      ["lab-public-1", "lab-private-1"],
    );
    assert.equal(engine.ofType(TYPE.vpc).length, 1);
    for (const type of [TYPE.vpcEndpoint, TYPE.natGateway, TYPE.vpcPeeringConnection]) {
      assert.equal(engine.ofType(type).length, 0, type);
    }
  });

  it("puts the public host behind an IGW route and the private host behind none", async () => {
    await build(() => runProgram());
    const subnetOf = (host: string) =>
      engine.byId(engine.get(TYPE.instance, `${host}-host-instance`).inputs.subnetId);
    const tableOf = (subnetId: unknown) =>
      engine.ofType(TYPE.routeTableAssociation).find((a) => a.inputs.subnetId === subnetId)?.inputs
        .routeTableId;
    const routesOf = (tableId: unknown) =>
      engine.ofType(TYPE.route).filter((r) => r.inputs.routeTableId === tableId);

    const publicRoutes = routesOf(tableOf(subnetOf("public")?.id));
    assert.deepEqual(
      publicRoutes.map((r) => [r.inputs.destinationCidrBlock, r.inputs.gatewayId]),
      [["0.0.0.0/0", engine.get(TYPE.internetGateway, "lab-igw").id]],
    );
    assert.deepEqual(routesOf(tableOf(subnetOf("private")?.id)), []);
    assert.equal(subnetOf("public")?.inputs.mapPublicIpOnLaunch, true);
    assert.equal(subnetOf("private")?.inputs.mapPublicIpOnLaunch, false);
  });

  it("lets both hosts list and use the lab bucket, and nothing else", async () => {
    await build(() => runProgram());
    const bucket = engine.get(TYPE.bucket, "lab-bucket");
    for (const host of ["public-host", "private-host"]) {
      const policy = json(engine.get(TYPE.rolePolicy, `${host}-policy`).inputs.policy);
      assert.deepEqual(policy.Statement, [
        {
          Sid: "ListLabBucket",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: bucket.outputs.arn,
        },
        {
          Sid: "ReadWriteLabObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: `${bucket.outputs.arn}/*`,
        },
      ]);
    }
  });

  it("reaches both hosts through one Instance Connect Endpoint, never SSH from the internet", async () => {
    await build(() => runProgram());
    assert.equal(engine.ofType(TYPE.instanceConnectEndpoint).length, 1);
    const open = engine
      .ofType(TYPE.securityGroupIngressRule)
      .filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
    assert.deepEqual(open, []);
  });

  it("expects the public host to reach S3 and the private host to time out", () => {
    engine.reset({ config: { scenario: "public-vs-private" } });
    const { expectations } = runProgram() as {
      expectations: { from: string; probe: string; outcome: string }[];
    };
    assert.deepEqual(
      expectations.map((e) => `${e.from} ${e.probe} ${e.outcome}`),
      [
        "public-host request works",
        "private-host request times-out",
        "private-host dns resolves-public",
      ],
    );
  });

  it("prints, per host, the Instance Connect command and the exact S3 commands", async () => {
    const outputs = runProgram();
    const checks = (await resolve(outputs.checks as never)) as {
      host: string;
      connect: string;
      steps: { run: string; expect: string }[];
    }[];
    await engine.settle();
    const bucket = engine.get(TYPE.bucket, "lab-bucket").outputs.bucket as string;
    const privateId = engine.get(TYPE.instance, "private-host-instance").id;
    assert.deepEqual(
      checks.map((c) => c.host),
      ["public-host", "private-host"],
    );
    const privateCheck = checks[1];
    assert.equal(
      privateCheck.connect,
      `aws ec2-instance-connect ssh --instance-id ${privateId} --connection-type eice --region ap-northeast-2`,
    );
    assert.ok(
      privateCheck.steps.some(
        (s) =>
          s.run.includes(`aws s3 ls s3://${bucket} --region ap-northeast-2`) &&
          /timeout/i.test(s.expect),
      ),
    );
    assert.ok(
      checks[0].steps.some((s) => s.run === `aws s3 ls s3://${bucket} --region ap-northeast-2`),
    );
  });
});
