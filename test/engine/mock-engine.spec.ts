import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LabVpc } from "../../components/lab-vpc";
import { build, engine, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

describe("the mock engine", () => {
  useEngine();

  it("records type, name, URN, parent, dependencies, inputs and outputs of each resource", async () => {
    await build(() => new LabVpc("net"));
    const vpc = engine.get(TYPE.vpc, "net-vpc");
    const component = engine.get("vpc-endpoint-labs:network:LabVpc", "net");
    const subnet = engine.get(TYPE.subnet, "net-private-1");
    assert.equal(vpc.parent, component.urn);
    assert.equal(subnet.parent, vpc.urn);
    assert.ok(subnet.dependencies.includes(vpc.urn));
    assert.deepEqual(subnet.propertyDependencies.vpcId, [vpc.urn]);
    assert.equal(subnet.inputs.vpcId, vpc.id);
    assert.match(String(vpc.id), /^vpc-[0-9a-f]{17}$/);
    assert.match(String(subnet.outputs.arn), /^arn:aws:ec2:ap-northeast-2:123456789012:subnet\//);
    assert.equal(subnet.outputs.availabilityZoneId, "apne2-az1");
    assert.equal(component.custom, false);
    assert.equal(vpc.custom, true);
  });

  it("forms URNs as the Pulumi engine does: a nested type carries the whole chain of parent types", async () => {
    await build(() => new LabVpc("lab"));
    const component = engine.get("vpc-endpoint-labs:network:LabVpc", "lab");
    const vpc = engine.get("aws:ec2/vpc:Vpc", "lab-vpc");
    const igw = engine.get("aws:ec2/internetGateway:InternetGateway", "lab-igw");
    assert.equal(igw.parent, vpc.urn);
    assert.equal(vpc.parent, component.urn);
    assert.equal(
      component.urn,
      "urn:pulumi:dev::vpc-endpoint-labs::vpc-endpoint-labs:network:LabVpc::lab",
    );
    assert.equal(
      igw.urn,
      "urn:pulumi:dev::vpc-endpoint-labs::vpc-endpoint-labs:network:LabVpc$aws:ec2/vpc:Vpc$aws:ec2/internetGateway:InternetGateway::lab-igw",
    );
  });

  it("gives the same resource the same id in every run", async () => {
    await build(() => new LabVpc("net"));
    const first = engine.get(TYPE.vpc, "net-vpc").id;
    engine.reset();
    await build(() => new LabVpc("net"));
    assert.equal(engine.get(TYPE.vpc, "net-vpc").id, first);
  });

  it("answers the invokes the labs use with realistic values", async () => {
    const region = await resolve(aws.getRegionOutput().region);
    const account = await resolve(aws.getCallerIdentityOutput().accountId);
    const zones = await resolve(aws.getAvailabilityZonesOutput().zoneIds);
    const s3 = await resolve(
      aws.ec2.getPrefixListOutput({ name: "com.amazonaws.ap-northeast-2.s3" }),
    );
    assert.deepEqual(
      [region, account, zones[0], s3.name],
      ["ap-northeast-2", "123456789012", "apne2-az1", "com.amazonaws.ap-northeast-2.s3"],
    );
    assert.match(s3.id, /^pl-[0-9a-f]{8}$/);
  });

  it("takes the Region from config aws:region", async () => {
    engine.reset({ config: { "aws:region": "us-east-1" } });
    assert.equal(await resolve(aws.getRegionOutput().region), "us-east-1");
    assert.deepEqual((await resolve(aws.getAvailabilityZonesOutput().zoneIds)).slice(0, 2), [
      "use1-az1",
      "use1-az2",
    ]);
  });

  it("refuses an invoke it does not implement, naming it, and resolve() rejects instead of hanging", async () => {
    await assert.rejects(
      resolve(aws.ec2.getVpcOutput({ default: true })),
      /mock engine: invoke aws:ec2\/getVpc:getVpc is not implemented/,
    );
  });

  it("lets resolve() reject when an apply throws", async () => {
    const failing = pulumi.output(1).apply(() => {
      throw new Error("boom in apply");
    });
    await assert.rejects(resolve(failing), /boom in apply/);
  });
});
