import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AwsService } from "../../components/service-catalog";
import { GatewayEndpoint } from "../../components/gateway-endpoint";
import { prefixListFor } from "../../engine/mock-engine";
import { runChildProgram } from "../helpers/child-program";
import { build, engine, json, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";
const COMPONENT = "vpc-endpoint-labs:endpoints:GatewayEndpoint";
const RTB_A = "rtb-0a1b2c3d4e5f60718";
const RTB_B = "rtb-0f1e2d3c4b5a69788";

describe("GatewayEndpoint", () => {
  useEngine();

  it("creates one Gateway VpcEndpoint for S3 in the Region, on exactly the route tables given", async () => {
    await build(
      () =>
        new GatewayEndpoint("s3", {
          vpcId: "vpc-0123456789abcdef0",
          service: AwsService.S3,
          routeTableIds: [RTB_A, RTB_B],
        }),
    );
    const vpce = engine.get(TYPE.vpcEndpoint, "s3-vpce");
    assert.deepEqual(
      {
        vpcId: vpce.inputs.vpcId,
        vpcEndpointType: vpce.inputs.vpcEndpointType,
        serviceName: vpce.inputs.serviceName,
        routeTableIds: vpce.inputs.routeTableIds,
        tags: vpce.inputs.tags,
      },
      {
        vpcId: "vpc-0123456789abcdef0",
        vpcEndpointType: "Gateway",
        serviceName: "com.amazonaws.ap-northeast-2.s3",
        routeTableIds: [RTB_A, RTB_B],
        tags: { Name: "s3" },
      },
    );
    assert.equal(vpce.parent, engine.get(COMPONENT, "s3").urn);
    assert.equal(engine.ofType(TYPE.vpcEndpoint).length, 1);
  });

  it("leaves the endpoint policy to AWS's default (full access) unless one is given", async () => {
    await build(
      () =>
        new GatewayEndpoint("s3", {
          vpcId: "vpc-1",
          service: AwsService.S3,
          routeTableIds: [RTB_A],
        }),
    );
    assert.equal(engine.get(TYPE.vpcEndpoint, "s3-vpce").inputs.policy, undefined);
  });

  it("passes an endpoint policy through", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
    });
    await build(
      () =>
        new GatewayEndpoint("s3", {
          vpcId: "vpc-1",
          service: AwsService.S3,
          routeTableIds: [RTB_A],
          policy,
        }),
    );
    assert.deepEqual(json(engine.get(TYPE.vpcEndpoint, "s3-vpce").inputs.policy), json(policy));
  });

  it("uses the Region of the stack's config", async () => {
    engine.reset({ config: { "aws:region": "us-east-1" } });
    await build(
      () =>
        new GatewayEndpoint("ddb", {
          vpcId: "vpc-1",
          service: AwsService.DYNAMODB,
          routeTableIds: [RTB_A],
        }),
    );
    assert.equal(
      engine.get(TYPE.vpcEndpoint, "ddb-vpce").inputs.serviceName,
      "com.amazonaws.us-east-1.dynamodb",
    );
  });

  it("exposes its id and the service's prefix list (pl-...) for security group rules", async () => {
    const gw = new GatewayEndpoint("s3", {
      vpcId: "vpc-1",
      service: AwsService.S3,
      routeTableIds: [RTB_A],
    });
    await engine.settle();
    const vpce = engine.get(TYPE.vpcEndpoint, "s3-vpce");
    assert.match(await resolve(gw.endpointId), /^vpce-[0-9a-f]{17}$/);
    assert.equal(await resolve(gw.endpointId), vpce.id);
    assert.equal(
      await resolve(gw.prefixListId),
      prefixListFor("com.amazonaws.ap-northeast-2.s3").id,
    );
    assert.equal(gw.service, AwsService.S3);
  });

  it("takes route table ids that are outputs", async () => {
    await build(
      () =>
        new GatewayEndpoint("s3", {
          vpcId: "vpc-1",
          service: AwsService.S3,
          routeTableIds: pulumi.output([RTB_B]),
        }),
    );
    assert.deepEqual(engine.get(TYPE.vpcEndpoint, "s3-vpce").inputs.routeTableIds, [RTB_B]);
  });

  describe("refuses before creating anything", () => {
    const cases: [string, () => unknown, RegExp][] = [
      [
        "a service with no gateway endpoint (CloudFormation)",
        () =>
          new GatewayEndpoint("cfn", {
            vpcId: "vpc-1",
            service: AwsService.CLOUDFORMATION,
            routeTableIds: [RTB_A],
          }),
        /GatewayEndpoint cfn: AWS CloudFormation has no gateway endpoint; it supports interface/,
      ],
      [
        "an empty route table list",
        () =>
          new GatewayEndpoint("s3", { vpcId: "vpc-1", service: AwsService.S3, routeTableIds: [] }),
        /GatewayEndpoint s3: routeTableIds is empty; name the route tables whose subnets should reach Amazon S3 privately/,
      ],
    ];
    for (const [title, create, error] of cases) {
      it(title, async () => {
        assert.throws(create, error);
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });

  it("fails the program, without a VpcEndpoint, when route table ids resolve to an empty list", () => {
    const run = runChildProgram(`
      const { AwsService } = require("./components/service-catalog");
      const { GatewayEndpoint } = require("./components/gateway-endpoint");
      new GatewayEndpoint("s3", { vpcId: "vpc-1", service: AwsService.S3, routeTableIds: pulumi.output([]) });
    `);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /GatewayEndpoint s3: routeTableIds resolved to an empty list/);
    assert.deepEqual(run.registered, [`${COMPONENT}::s3`]);
  });
});
