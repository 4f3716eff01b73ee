import { strict as assert } from "assert";
import { runProgram } from "../../scenarios";
import { build, engine, json, resolve, useEngine } from "../helpers/engine";

const ROUTE = "aws:ec2/route:Route";

describe("scenario public-vs-private", () => {
  useEngine({ config: { scenario: "public-vs-private" } });

  it("builds one VPC with a public and a private subnet and no endpoint, NAT or peering", async () => {
    await build(() => runProgram());
    assert.deepEqual(
      engine.ofType("aws:ec2/subnet:Subnet").map((s) => s.name),
      ["lab-public-1", "lab-private-1"],
    );
    assert.equal(engine.ofType("aws:ec2/vpc:Vpc").length, 1);
    for (const type of [
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      "aws:ec2/natGateway:NatGateway",
      "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    ]) {
      assert.equal(engine.ofType(type).length, 0, type);
    }
  });

  it("puts the public host behind an IGW route and the private host behind none", async () => {
    await build(() => runProgram());
    const subnetOf = (host: string) =>
      engine.byId(engine.get("aws:ec2/instance:Instance", `${host}-host-instance`).inputs.subnetId);
    const tableOf = (subnetId: unknown) =>
      engine
        .ofType("aws:ec2/routeTableAssociation:RouteTableAssociation")
        .find((a) => a.inputs.subnetId === subnetId)?.inputs.routeTableId;
    const routesOf = (tableId: unknown) =>
      engine.ofType(ROUTE).filter((r) => r.inputs.routeTableId === tableId);

    const publicRoutes = routesOf(tableOf(subnetOf("public")?.id));
    assert.deepEqual(
      publicRoutes.map((r) => [r.inputs.destinationCidrBlock, r.inputs.gatewayId]),
      [["0.0.0.0/0", engine.get("aws:ec2/internetGateway:InternetGateway", "lab-igw").id]],
    );
    assert.deepEqual(routesOf(tableOf(subnetOf("private")?.id)), []);
    assert.equal(subnetOf("public")?.inputs.mapPublicIpOnLaunch, true);
    assert.equal(subnetOf("private")?.inputs.mapPublicIpOnLaunch, false);
  });

  it("lets both hosts list and use the lab bucket, and nothing else", async () => {
    await build(() => runProgram());
    const bucket = engine.get("aws:s3/bucket:Bucket", "lab-bucket");
    for (const host of ["public-host", "private-host"]) {
      const policy = json(
        engine.get("aws:iam/rolePolicy:RolePolicy", `${host}-policy`).inputs.policy,
      );
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
    assert.equal(
      engine.ofType("aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint").length,
      1,
    );
    const open = engine
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
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
    const bucket = engine.get("aws:s3/bucket:Bucket", "lab-bucket").outputs.bucket as string;
    const privateId = engine.get("aws:ec2/instance:Instance", "private-host-instance").id;
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
