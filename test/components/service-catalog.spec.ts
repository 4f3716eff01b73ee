import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  assertPrivateDnsMode,
  assertSupports,
  AwsService,
  awsServiceName,
  customService,
  defaultDnsName,
  INSTANCE_CONNECT,
  serviceNameFor,
} from "../../components/service-catalog";
import { resolve } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

describe("service catalog", () => {
  it("offers S3 as gateway and interface, private DNS off by default (the seed), three DNS modes", () => {
    assert.deepEqual(AwsService.S3.types, ["Gateway", "Interface"]);
    assert.equal(AwsService.S3.port, 443);
    assert.equal(AwsService.S3.privateDnsDefault, "off");
    assert.deepEqual(AwsService.S3.privateDnsModes, ["off", "all", "inbound-resolver-only"]);
  });

  it("offers DynamoDB as gateway and interface, never with private DNS", () => {
    assert.deepEqual(AwsService.DYNAMODB.types, ["Gateway", "Interface"]);
    assert.deepEqual(AwsService.DYNAMODB.privateDnsModes, ["off"]);
  });

  it("offers CloudFormation as interface only, private DNS on by default", () => {
    assert.deepEqual(AwsService.CLOUDFORMATION.types, ["Interface"]);
    assert.equal(AwsService.CLOUDFORMATION.privateDnsDefault, "all");
    assert.deepEqual(AwsService.CLOUDFORMATION.privateDnsModes, ["off", "all"]);
  });

  it("names AWS services com.amazonaws.<region>.<key> and their default DNS name", () => {
    assert.equal(
      awsServiceName(AwsService.S3, "ap-northeast-2"),
      "com.amazonaws.ap-northeast-2.s3",
    );
    assert.equal(
      awsServiceName(AwsService.DYNAMODB, "us-east-1"),
      "com.amazonaws.us-east-1.dynamodb",
    );
    assert.equal(
      defaultDnsName(AwsService.CLOUDFORMATION, "ap-northeast-2"),
      "cloudformation.ap-northeast-2.amazonaws.com",
    );
  });

  it("resolves service names for a Region given as an output, and custom names as given", async () => {
    assert.equal(
      await resolve(serviceNameFor(AwsService.S3, pulumi.output("eu-west-1"))),
      "com.amazonaws.eu-west-1.s3",
    );
    const custom = customService({
      title: "lab web service",
      serviceName: pulumi.output("com.amazonaws.vpce.ap-northeast-2.vpce-svc-0123456789abcdef0"),
      port: 8080,
    });
    assert.equal(
      await resolve(serviceNameFor(custom, "us-east-1")),
      "com.amazonaws.vpce.ap-northeast-2.vpce-svc-0123456789abcdef0",
    );
  });

  it("describes a custom service as interface-only on its own port, private DNS off", () => {
    const custom = customService({ title: "web", serviceName: "com.amazonaws.vpce.x", port: 80 });
    assert.deepEqual(
      [custom.kind, custom.types, custom.port, custom.privateDnsDefault, custom.privateDnsModes],
      ["custom", ["Interface"], 80, "off", ["off"]],
    );
  });

  it("knows Instance Connect is SSH through its own endpoint, not a VPC endpoint", () => {
    assert.equal(INSTANCE_CONNECT.port, 22);
    assert.equal(INSTANCE_CONNECT.resourceType, TYPE.instanceConnectEndpoint);
    assert.equal(
      INSTANCE_CONNECT.apiHost("ap-northeast-2"),
      "ec2-instance-connect.ap-northeast-2.amazonaws.com",
    );
  });

  describe("assertSupports", () => {
    it("accepts the types a service has", () => {
      assertSupports(AwsService.S3, "Gateway", "x");
      assertSupports(AwsService.S3, "Interface", "x");
      assertSupports(AwsService.CLOUDFORMATION, "Interface", "x");
    });

    it("refuses a gateway endpoint for CloudFormation, naming what it supports", () => {
      assert.throws(
        () => assertSupports(AwsService.CLOUDFORMATION, "Gateway", "GatewayEndpoint cfn"),
        /^UserError: GatewayEndpoint cfn: AWS CloudFormation has no gateway endpoint; it supports interface$/,
      );
    });

    it("refuses a gateway endpoint for a custom service", () => {
      const custom = customService({ title: "web", serviceName: "svc", port: 80 });
      assert.throws(() => assertSupports(custom, "Gateway", "x"), /web has no gateway endpoint/);
    });
  });

  describe("assertPrivateDnsMode", () => {
    it("accepts every S3 mode", () => {
      for (const mode of AwsService.S3.privateDnsModes)
        assertPrivateDnsMode(AwsService.S3, mode, "x");
    });

    const cases: [string, Parameters<typeof assertPrivateDnsMode>, RegExp][] = [
      [
        "private DNS for DynamoDB",
        [AwsService.DYNAMODB, "all", "InterfaceEndpoint ddb"],
        /InterfaceEndpoint ddb: private DNS "all" is not available for Amazon DynamoDB; use off$/,
      ],
      [
        "inbound-resolver-only for CloudFormation",
        [AwsService.CLOUDFORMATION, "inbound-resolver-only", "x"],
        /"inbound-resolver-only" is not available for AWS CloudFormation; use off or all/,
      ],
      [
        "private DNS for a custom service",
        [customService({ title: "web", serviceName: "svc", port: 80 }), "all", "x"],
        /not available for web; use off/,
      ],
    ];
    for (const [title, args, error] of cases) {
      it(`refuses ${title}`, () => {
        assert.throws(() => assertPrivateDnsMode(...args), error);
      });
    }
  });
});
