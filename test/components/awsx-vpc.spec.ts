import { strict as assert } from "assert";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { AwsService } from "../../components/service-catalog";
import { GatewayEndpoint } from "../../components/gateway-endpoint";
import { InterfaceEndpoint } from "../../components/interface-endpoint";
import { routeTableIdsForSubnets } from "../../components/route-tables";
import { VpceBucket } from "../../components/vpce-bucket";
import { runChildProgram } from "../helpers/child-program";
import { AWSX_VPC_TYPE, defineAwsxVpcShape } from "../helpers/awsx-vpc";
import { build, engine, json, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

interface Named {
  id: string;
  tags: Record<string, string>;
}
interface Association {
  subnetId: string;
  routeTableId: string;
}

/** The fake's outputs as plain values (under mocks awsx's resources are plain objects). */
async function layout(vpc: awsx.ec2.Vpc) {
  const plain = <T>(o: pulumi.Output<unknown>) => resolve(o) as Promise<T>;
  return {
    subnets: await plain<(Named & { cidrBlock: string; availabilityZone: string })[]>(vpc.subnets),
    routeTables: await plain<Named[]>(vpc.routeTables),
    associations: await plain<Association[]>(vpc.routeTableAssociations),
    privateSubnetIds: await resolve(vpc.privateSubnetIds),
    publicSubnetIds: await resolve(vpc.publicSubnetIds),
    isolatedSubnetIds: await resolve(vpc.isolatedSubnetIds),
  };
}

/**
 * The platform-team pattern: endpoints and a restricted bucket on a VPC built with awsx.ec2.Vpc,
 * route tables chosen by joining routeTableAssociations with the tier's subnet ids.
 */
function attachEndpoints(vpc: awsx.ec2.Vpc) {
  const privateRouteTableIds = routeTableIdsForSubnets(
    vpc.routeTableAssociations,
    vpc.privateSubnetIds,
  );
  const gateway = new GatewayEndpoint("s3-gateway", {
    vpcId: vpc.vpcId,
    service: AwsService.S3,
    routeTableIds: privateRouteTableIds,
  });
  const endpoint = new InterfaceEndpoint("s3-interface", {
    vpcId: vpc.vpcId,
    service: AwsService.S3,
    subnetIds: vpc.privateSubnetIds,
    vpcCidr: vpc.vpc.apply((v) => v.cidrBlock),
    privateDns: "inbound-resolver-only",
    // Unset flags are AWS's defaults: DNS support on, DNS hostnames off.
    vpcDns: {
      enableDnsSupport: vpc.vpc.apply((v) => v.enableDnsSupport).apply((on) => on !== false),
      enableDnsHostnames: vpc.vpc.apply((v) => v.enableDnsHostnames).apply((on) => on === true),
    },
    gatewayEndpoint: gateway,
  });
  const bucket = new VpceBucket("data", {
    endpointIds: [gateway.endpointId, endpoint.endpointId],
  });
  return { gateway, endpoint, bucket, privateRouteTableIds };
}

describe("components on an awsx.ec2.Vpc", () => {
  useEngine();
  before(() => defineAwsxVpcShape(engine));

  describe("the mock's awsx layout", () => {
    it("is one opaque awsx:ec2:Vpc resource: none of its subnets or tables are registered", async () => {
      await build(() => new awsx.ec2.Vpc("shared", {}));
      assert.deepEqual(
        engine.resources.map((r) => r.type),
        [AWSX_VPC_TYPE],
      );
    });

    it("has, per AZ, public then private subnets, each with its own route table and association", async () => {
      const vpc = new awsx.ec2.Vpc("shared", {});
      await engine.settle();
      const l = await layout(vpc);
      assert.deepEqual(
        l.subnets.map((s) => `${s.tags.Name} ${s.availabilityZone} ${s.cidrBlock}`),
        [
          "shared-public-1 ap-northeast-2a 10.0.16.0/20",
          "shared-private-1 ap-northeast-2a 10.0.0.0/20",
          "shared-public-2 ap-northeast-2b 10.0.80.0/20",
          "shared-private-2 ap-northeast-2b 10.0.64.0/20",
          "shared-public-3 ap-northeast-2c 10.0.144.0/20",
          "shared-private-3 ap-northeast-2c 10.0.128.0/20",
        ],
      );
      assert.deepEqual(
        l.routeTables.map((t) => t.tags.Name),
        l.subnets.map((s) => s.tags.Name),
      );
      assert.deepEqual(
        l.associations.map((a) => [a.subnetId, a.routeTableId]),
        l.subnets.map((s, i) => [s.id, l.routeTables[i].id]),
      );
      assert.deepEqual(
        l.privateSubnetIds,
        l.subnets.filter((s) => s.tags.Name.includes("private")).map((s) => s.id),
      );
      assert.deepEqual(l.isolatedSubnetIds, []);
    });

    it("leaves DNS hostnames off unless asked, as AWS does for a new VPC", async () => {
      const vpc = new awsx.ec2.Vpc("shared", {});
      const withHostnames = new awsx.ec2.Vpc("named", { enableDnsHostnames: true });
      await engine.settle();
      const flags = async (v: awsx.ec2.Vpc) =>
        resolve(v.vpc.apply((x) => [x.enableDnsSupport, x.enableDnsHostnames]));
      assert.deepEqual(await flags(vpc), [true, false]);
      assert.deepEqual(await flags(withHostnames), [true, true]);
    });
  });

  describe("route tables by subnet, never by position", () => {
    it("picks the private subnets' tables, which are not the first entries of routeTables", async () => {
      const vpc = new awsx.ec2.Vpc("shared", {});
      const ids = routeTableIdsForSubnets(vpc.routeTableAssociations, vpc.privateSubnetIds);
      await engine.settle();
      const l = await layout(vpc);
      const privateTables = l.routeTables.filter((t) => t.tags.Name.includes("private"));
      assert.deepEqual(
        await resolve(ids),
        privateTables.map((t) => t.id),
      );
      const byPosition = l.routeTables.slice(0, l.privateSubnetIds.length).map((t) => t.tags.Name);
      assert.deepEqual(byPosition, ["shared-public-1", "shared-private-1", "shared-public-2"]);
    });

    it("joins private and isolated tiers for a gateway endpoint serving both", async () => {
      const vpc = new awsx.ec2.Vpc("shared", {
        numberOfAvailabilityZones: 2,
        subnetSpecs: [{ type: "Public" }, { type: "Private" }, { type: "Isolated", name: "db" }],
      });
      const closedSubnets = pulumi
        .all([vpc.privateSubnetIds, vpc.isolatedSubnetIds])
        .apply(([p, i]) => [...p, ...i]);
      await build(
        () =>
          new GatewayEndpoint("s3", {
            vpcId: vpc.vpcId,
            service: AwsService.S3,
            routeTableIds: routeTableIdsForSubnets(vpc.routeTableAssociations, closedSubnets),
          }),
      );
      const l = await layout(vpc);
      const name = (id: unknown) => l.routeTables.find((t) => t.id === id)?.tags.Name;
      const routeTableIds = engine.get(TYPE.vpcEndpoint, "s3-vpce").inputs
        .routeTableIds as string[];
      assert.deepEqual(routeTableIds.map(name), [
        "shared-private-1",
        "shared-private-2",
        "shared-db-1",
        "shared-db-2",
      ]);
    });
  });

  describe("GatewayEndpoint, InterfaceEndpoint and VpceBucket attached", () => {
    it("puts the gateway endpoint on the private route tables only", async () => {
      const vpc = new awsx.ec2.Vpc("shared", { enableDnsHostnames: true });
      await build(() => attachEndpoints(vpc));
      const l = await layout(vpc);
      const gateway = engine.get(TYPE.vpcEndpoint, "s3-gateway-vpce");
      assert.equal(gateway.inputs.vpcId, await resolve(vpc.vpcId));
      assert.deepEqual(
        gateway.inputs.routeTableIds,
        l.routeTables.filter((t) => t.tags.Name.includes("private")).map((t) => t.id),
      );
    });

    it("puts the interface endpoint in the private subnets, open to the VPC's CIDR, after the gateway", async () => {
      const vpc = new awsx.ec2.Vpc("shared", { enableDnsHostnames: true });
      await build(() => attachEndpoints(vpc));
      const vpce = engine.get(TYPE.vpcEndpoint, "s3-interface-vpce");
      assert.deepEqual(vpce.inputs.subnetIds, await resolve(vpc.privateSubnetIds));
      assert.deepEqual(vpce.inputs.dnsOptions, {
        dnsRecordIpType: "ipv4",
        privateDnsOnlyForInboundResolverEndpoint: true,
      });
      assert.ok(vpce.dependencies.includes(engine.get(TYPE.vpcEndpoint, "s3-gateway-vpce").urn));
      const rule = engine.get(TYPE.securityGroupIngressRule, "s3-interface-in-vpc-443");
      assert.equal(rule.inputs.cidrIpv4, "10.0.0.0/16");
    });

    it("gives the interface endpoint one endpoint-specific name per AZ of the awsx subnets", async () => {
      const vpc = new awsx.ec2.Vpc("shared", { enableDnsHostnames: true });
      let endpoint: InterfaceEndpoint | undefined;
      await build(() => (endpoint = attachEndpoints(vpc).endpoint));
      const names = await resolve(endpoint!.dnsNames);
      assert.deepEqual(
        names.slice(1).map((n) => n.split(".")[0].slice(-15)),
        ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"],
      );
    });

    it("restricts the bucket to both endpoints", async () => {
      const vpc = new awsx.ec2.Vpc("shared", { enableDnsHostnames: true });
      await build(() => attachEndpoints(vpc));
      const policy = json(engine.get(TYPE.bucketPolicy, "data-policy").inputs.policy);
      const statement = (policy.Statement as Record<string, unknown>[])[0];
      assert.deepEqual(statement.Condition, {
        StringNotEquals: {
          "aws:SourceVpce": [
            engine.get(TYPE.vpcEndpoint, "s3-gateway-vpce").id,
            engine.get(TYPE.vpcEndpoint, "s3-interface-vpce").id,
          ],
        },
      });
    });
  });

  it("stops private DNS on an awsx VPC left with DNS hostnames off, before the endpoint exists", () => {
    const run = runChildProgram(`
      const awsx = require("@pulumi/awsx");
      const { defineAwsxVpcShape } = require("./test/helpers/awsx-vpc");
      const { AwsService } = require("./components/service-catalog");
      const { InterfaceEndpoint } = require("./components/interface-endpoint");
      defineAwsxVpcShape(engine);
      const vpc = new awsx.ec2.Vpc("shared", {});
      new InterfaceEndpoint("s3", {
        vpcId: vpc.vpcId,
        service: AwsService.S3,
        subnetIds: vpc.privateSubnetIds,
        vpcCidr: vpc.vpc.apply((v) => v.cidrBlock),
        privateDns: "all",
        vpcDns: {
          enableDnsSupport: vpc.vpc.apply((v) => v.enableDnsSupport),
          enableDnsHostnames: vpc.vpc.apply((v) => v.enableDnsHostnames),
        },
      });
    `);
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /InterfaceEndpoint s3: private DNS needs the VPC's enableDnsHostnames on/,
    );
    assert.ok(
      !run.registered.some((r) => r.startsWith(`${TYPE.vpcEndpoint}::`)),
      run.registered.join(", "),
    );
  });
});
