import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AwsService, customService } from "../../components/service-catalog";
import { GatewayEndpoint } from "../../components/gateway-endpoint";
import {
  endpointSpecificNames,
  InterfaceEndpoint,
  InterfaceEndpointArgs,
} from "../../components/interface-endpoint";
import { LabVpc } from "../../components/lab-vpc";
import { runChildProgram } from "../helpers/child-program";
import { build, engine, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";
const COMPONENT = "vpc-endpoint-labs:endpoints:InterfaceEndpoint";
const VPC_ID = "vpc-0123456789abcdef0";
const SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"];

const s3Args = (extra: Partial<InterfaceEndpointArgs> = {}): InterfaceEndpointArgs => ({
  vpcId: VPC_ID,
  service: AwsService.S3,
  subnetIds: SUBNETS,
  vpcCidr: "10.0.0.0/16",
  ...extra,
});

describe("InterfaceEndpoint", () => {
  useEngine();

  describe("defaults", () => {
    it("creates an Interface VpcEndpoint for the service in the given subnets, S3 private DNS off (the seed)", async () => {
      await build(() => new InterfaceEndpoint("s3", s3Args()));
      const vpce = engine.get(TYPE.vpcEndpoint, "s3-vpce");
      assert.deepEqual(
        {
          vpcId: vpce.inputs.vpcId,
          vpcEndpointType: vpce.inputs.vpcEndpointType,
          serviceName: vpce.inputs.serviceName,
          subnetIds: vpce.inputs.subnetIds,
          privateDnsEnabled: vpce.inputs.privateDnsEnabled,
          dnsOptions: vpce.inputs.dnsOptions,
          tags: vpce.inputs.tags,
        },
        {
          vpcId: VPC_ID,
          vpcEndpointType: "Interface",
          serviceName: "com.amazonaws.ap-northeast-2.s3",
          subnetIds: SUBNETS,
          privateDnsEnabled: false,
          dnsOptions: undefined,
          tags: { Name: "s3" },
        },
      );
      assert.equal(vpce.parent, engine.get(COMPONENT, "s3").urn);
    });

    it("creates its own security group admitting the service port from the VPC CIDR, nothing else", async () => {
      await build(() => new InterfaceEndpoint("s3", s3Args()));
      const sg = engine.get(TYPE.securityGroup, "s3-sg");
      assert.equal(sg.inputs.vpcId, VPC_ID);
      assert.equal(sg.parent, engine.get(COMPONENT, "s3").urn);
      const rules = engine.ofType(TYPE.securityGroupIngressRule);
      assert.deepEqual(
        rules.map((r) => ({
          name: r.name,
          parent: r.parent,
          sg: r.inputs.securityGroupId,
          proto: r.inputs.ipProtocol,
          ports: [r.inputs.fromPort, r.inputs.toPort],
          cidr: r.inputs.cidrIpv4,
        })),
        [
          {
            name: "s3-in-vpc-443",
            parent: sg.urn,
            sg: sg.id,
            proto: "tcp",
            ports: [443, 443],
            cidr: "10.0.0.0/16",
          },
        ],
      );
      assert.deepEqual(engine.ofType(TYPE.securityGroupEgressRule), []);
      assert.deepEqual(engine.get(TYPE.vpcEndpoint, "s3-vpce").inputs.securityGroupIds, [sg.id]);
    });

    it("turns private DNS on for CloudFormation (its catalog default), without S3's dnsOptions", async () => {
      await build(
        () =>
          new InterfaceEndpoint("cfn", {
            ...s3Args(),
            service: AwsService.CLOUDFORMATION,
          }),
      );
      const vpce = engine.get(TYPE.vpcEndpoint, "cfn-vpce");
      assert.equal(vpce.inputs.serviceName, "com.amazonaws.ap-northeast-2.cloudformation");
      assert.equal(vpce.inputs.privateDnsEnabled, true);
      assert.equal(vpce.inputs.dnsOptions, undefined);
    });

    it("uses the given security groups instead of creating one (vpcCidr not needed)", async () => {
      const ep = new InterfaceEndpoint("s3", {
        vpcId: VPC_ID,
        service: AwsService.S3,
        subnetIds: SUBNETS,
        securityGroupIds: ["sg-0123456789abcdef0"],
      });
      await engine.settle();
      assert.deepEqual(engine.ofType(TYPE.securityGroup), []);
      assert.deepEqual(engine.ofType(TYPE.securityGroupIngressRule), []);
      assert.deepEqual(engine.get(TYPE.vpcEndpoint, "s3-vpce").inputs.securityGroupIds, [
        "sg-0123456789abcdef0",
      ]);
      assert.equal(await resolve(ep.securityGroupId), undefined);
      assert.deepEqual(await resolve(ep.securityGroupIds), ["sg-0123456789abcdef0"]);
    });

    it("opens a custom service's own port and uses its service name", async () => {
      await build(
        () =>
          new InterfaceEndpoint("web", {
            vpcId: VPC_ID,
            service: customService({
              title: "lab web service",
              serviceName: "com.amazonaws.vpce.ap-northeast-2.vpce-svc-0123456789abcdef0",
              port: 8080,
            }),
            subnetIds: SUBNETS,
            vpcCidr: "10.1.0.0/16",
          }),
      );
      const vpce = engine.get(TYPE.vpcEndpoint, "web-vpce");
      assert.equal(
        vpce.inputs.serviceName,
        "com.amazonaws.vpce.ap-northeast-2.vpce-svc-0123456789abcdef0",
      );
      assert.equal(vpce.inputs.privateDnsEnabled, false);
      const rule = engine.get(TYPE.securityGroupIngressRule, "web-in-vpc-8080");
      assert.deepEqual(
        [rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrIpv4],
        [8080, 8080, "10.1.0.0/16"],
      );
    });

    it("accepts private DNS off in a VPC without DNS hostnames", async () => {
      await build(
        () =>
          new InterfaceEndpoint(
            "s3",
            s3Args({ vpcDns: { enableDnsSupport: true, enableDnsHostnames: false } }),
          ),
      );
      assert.equal(engine.get(TYPE.vpcEndpoint, "s3-vpce").inputs.privateDnsEnabled, false);
    });
  });

  describe("S3 private DNS modes", () => {
    it("all: private DNS for every client, dnsOptions say so", async () => {
      await build(() => new InterfaceEndpoint("s3", s3Args({ privateDns: "all" })));
      const vpce = engine.get(TYPE.vpcEndpoint, "s3-vpce");
      assert.equal(vpce.inputs.privateDnsEnabled, true);
      assert.deepEqual(vpce.inputs.dnsOptions, {
        dnsRecordIpType: "ipv4",
        privateDnsOnlyForInboundResolverEndpoint: false,
      });
      assert.deepEqual(
        vpce.dependencies.filter((u) => u.includes("GatewayEndpoint")),
        [],
      );
    });

    it("inbound-resolver-only: private DNS for on-premises resolvers only, created after the S3 gateway endpoint", async () => {
      await build(() => {
        const gateway = new GatewayEndpoint("s3-gw", {
          vpcId: VPC_ID,
          service: AwsService.S3,
          routeTableIds: ["rtb-0a1b2c3d4e5f60718"],
        });
        return new InterfaceEndpoint(
          "s3",
          s3Args({ privateDns: "inbound-resolver-only", gatewayEndpoint: gateway }),
        );
      });
      const vpce = engine.get(TYPE.vpcEndpoint, "s3-vpce");
      assert.equal(vpce.inputs.privateDnsEnabled, true);
      assert.deepEqual(vpce.inputs.dnsOptions, {
        dnsRecordIpType: "ipv4",
        privateDnsOnlyForInboundResolverEndpoint: true,
      });
      assert.ok(
        vpce.dependencies.includes(engine.get(TYPE.vpcEndpoint, "s3-gw-vpce").urn),
        `dependencies: ${vpce.dependencies.join(", ")}`,
      );
    });
  });

  it("replaces itself delete-first when dnsOptions change (one private DNS zone per service per VPC)", async () => {
    const seen: pulumi.ResourceTransformationArgs[] = [];
    const record = (a: pulumi.ResourceTransformationArgs) => {
      seen.push(a);
      return undefined;
    };
    await build(
      () =>
        new InterfaceEndpoint("s3", s3Args({ privateDns: "all" }), { transformations: [record] }),
    );
    const vpce = seen.find((a) => a.type === TYPE.vpcEndpoint);
    assert.deepEqual(vpce?.opts.replaceOnChanges, ["dnsOptions"]);
    assert.equal((vpce?.opts as pulumi.CustomResourceOptions).deleteBeforeReplace, true);
  });

  describe("outputs", () => {
    it("lists the endpoint-specific names (regional, then one per AZ), not the private DNS names", async () => {
      const net = new LabVpc("net", { azCount: 2 });
      const ep = new InterfaceEndpoint("s3", {
        vpcId: net.vpcId,
        service: AwsService.S3,
        subnetIds: net.tier("private").subnets.map((s) => s.id),
        vpcCidr: net.cidr,
        privateDns: "all",
      });
      await engine.settle();
      const id = engine.get(TYPE.vpcEndpoint, "s3-vpce").id!;
      const names = await resolve(ep.dnsNames);
      assert.equal(names.length, 3);
      assert.match(
        names[0],
        new RegExp(`^${id}-[0-9a-f]{8}\\.s3\\.ap-northeast-2\\.vpce\\.amazonaws\\.com$`),
      );
      assert.match(names[1], /-ap-northeast-2a\.s3\.ap-northeast-2\.vpce\.amazonaws\.com$/);
      assert.match(names[2], /-ap-northeast-2b\.s3\.ap-northeast-2\.vpce\.amazonaws\.com$/);
      const all = (await resolve(ep.dnsEntries)).map((e) => e.dnsName);
      assert.ok(all.includes("s3.ap-northeast-2.amazonaws.com"));
      assert.equal(await resolve(ep.endpointId), id);
      assert.equal((await resolve(ep.networkInterfaceIds)).length, 2);
      assert.equal(await resolve(ep.securityGroupId), engine.get(TYPE.securityGroup, "s3-sg").id);
    });
  });

  describe("endpointSpecificNames", () => {
    const cases: [string, string[], string[]][] = [
      [
        "S3's wildcard names, as AWS reports them",
        [
          "*.vpce-0a1b2c3d4e5f60718-abcdefgh.s3.ap-northeast-2.vpce.amazonaws.com",
          "*.vpce-0a1b2c3d4e5f60718-abcdefgh-ap-northeast-2a.s3.ap-northeast-2.vpce.amazonaws.com",
          "s3.ap-northeast-2.amazonaws.com",
          "*.s3.ap-northeast-2.amazonaws.com",
        ],
        [
          "*.vpce-0a1b2c3d4e5f60718-abcdefgh.s3.ap-northeast-2.vpce.amazonaws.com",
          "*.vpce-0a1b2c3d4e5f60718-abcdefgh-ap-northeast-2a.s3.ap-northeast-2.vpce.amazonaws.com",
        ],
      ],
      [
        "other services' plain names",
        [
          "vpce-0a1b2c3d4e5f60718-abcdefgh.cloudformation.ap-northeast-2.vpce.amazonaws.com",
          "cloudformation.ap-northeast-2.amazonaws.com",
        ],
        ["vpce-0a1b2c3d4e5f60718-abcdefgh.cloudformation.ap-northeast-2.vpce.amazonaws.com"],
      ],
      ["no entries", [], []],
    ];
    for (const [title, names, expected] of cases) {
      it(title, () => {
        assert.deepEqual(endpointSpecificNames(names.map((dnsName) => ({ dnsName }))), expected);
      });
    }
  });

  describe("refuses before creating anything", () => {
    const cases: [string, InterfaceEndpointArgs, RegExp][] = [
      [
        "private DNS for DynamoDB",
        s3Args({ service: AwsService.DYNAMODB, privateDns: "all" }),
        /InterfaceEndpoint ep: private DNS "all" is not available for Amazon DynamoDB; use off/,
      ],
      [
        "a service without an interface endpoint",
        s3Args({ service: { ...AwsService.S3, title: "gateway-only", types: ["Gateway"] } }),
        /InterfaceEndpoint ep: gateway-only has no interface endpoint; it supports gateway/,
      ],
      [
        "no subnets",
        s3Args({ subnetIds: [] }),
        /InterfaceEndpoint ep: subnetIds is empty; give one subnet per AZ/,
      ],
      [
        "no vpcCidr for the default security group",
        s3Args({ vpcCidr: undefined }),
        /InterfaceEndpoint ep: give vpcCidr \(for the default security group that admits port 443 from the VPC\) or securityGroupIds/,
      ],
      [
        "S3 inbound-resolver-only without a gateway endpoint",
        s3Args({ privateDns: "inbound-resolver-only" }),
        /private DNS "inbound-resolver-only" needs an S3 gateway endpoint in the same VPC \(AWS rejects it otherwise\); pass gatewayEndpoint/,
      ],
      [
        "private DNS in a VPC without DNS hostnames",
        s3Args({
          privateDns: "all",
          vpcDns: { enableDnsSupport: true, enableDnsHostnames: false },
        }),
        /InterfaceEndpoint ep: private DNS needs the VPC's enableDnsHostnames on; turn it on or set privateDns "off"/,
      ],
      [
        "private DNS in a VPC without DNS support or hostnames",
        {
          ...s3Args(),
          service: AwsService.CLOUDFORMATION,
          vpcDns: { enableDnsSupport: false, enableDnsHostnames: false },
        },
        /needs the VPC's enableDnsSupport and enableDnsHostnames on; turn them on/,
      ],
    ];
    for (const [title, args, error] of cases) {
      it(title, async () => {
        assert.throws(() => new InterfaceEndpoint("ep", args), error);
        assert.deepEqual(await engine.settle(), []);
      });
    }

    it("S3 inbound-resolver-only with a DynamoDB gateway endpoint", async () => {
      const gateway = new GatewayEndpoint("ddb", {
        vpcId: VPC_ID,
        service: AwsService.DYNAMODB,
        routeTableIds: ["rtb-0a1b2c3d4e5f60718"],
      });
      assert.throws(
        () =>
          new InterfaceEndpoint(
            "ep",
            s3Args({ privateDns: "inbound-resolver-only", gatewayEndpoint: gateway }),
          ),
        /InterfaceEndpoint ep: gatewayEndpoint is for Amazon DynamoDB; "inbound-resolver-only" needs the S3 gateway endpoint/,
      );
      const registered = (await engine.settle()).map((r) => r.name);
      assert.deepEqual(registered.sort(), ["ddb", "ddb-vpce"]);
    });
  });

  it("fails the program, without a VpcEndpoint, when the VPC's DNS flags resolve to off", () => {
    const run = runChildProgram(`
      const { AwsService } = require("./components/service-catalog");
      const { InterfaceEndpoint } = require("./components/interface-endpoint");
      new InterfaceEndpoint("s3", {
        vpcId: "vpc-1",
        service: AwsService.S3,
        subnetIds: ["subnet-1"],
        vpcCidr: "10.0.0.0/16",
        privateDns: "all",
        vpcDns: { enableDnsSupport: pulumi.output(true), enableDnsHostnames: pulumi.output(false) },
      });
    `);
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /InterfaceEndpoint s3: private DNS needs the VPC's enableDnsHostnames on; turn it on or set privateDns "off"/,
    );
    assert.ok(
      !run.registered.some((r) => r.startsWith(`${TYPE.vpcEndpoint}::`)),
      run.registered.join(", "),
    );
    assert.ok(run.registered.includes(`${COMPONENT}::s3`));
  });
});
