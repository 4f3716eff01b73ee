import * as assert from "assert";
import {
  UNKNOWN,
  assertHasResourceViolation,
  assertNoResourceViolations,
  resource,
  runPolicy,
} from "./helpers";
import { TYPE } from "../../model/type-tokens";

function vpc(name: string, props: Record<string, unknown> = {}) {
  return resource(TYPE.vpc, name, { id: `${name}-id`, cidrBlock: "10.0.0.0/16", ...props });
}

describe("vpc-endpoint-private-dns-requires-vpc-dns", () => {
  const POLICY = "vpc-endpoint-private-dns-requires-vpc-dns";
  const endpoint = (vpcId: unknown, extra: Record<string, unknown> = {}, deps = {}) =>
    resource(
      TYPE.vpcEndpoint,
      "cfn",
      {
        vpcId,
        serviceName: "com.amazonaws.us-east-1.cloudformation",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        ...extra,
      },
      { propertyDependencies: deps },
    );

  it("passes private DNS in a VPC with DNS support and hostnames", () => {
    const v = vpc("lab", { enableDnsSupport: true, enableDnsHostnames: true });
    assertNoResourceViolations(POLICY, [v, endpoint("lab-id")]);
  });

  it("flags private DNS in a VPC that leaves DNS hostnames at AWS's default (off)", () => {
    const v = vpc("lab", { enableDnsSupport: true });
    const ep = endpoint("lab-id");
    assertHasResourceViolation(POLICY, [v, ep], {
      urn: ep.urn,
      enforcementLevel: "advisory",
      message: [
        /VPC endpoint 'cfn' \(com\.amazonaws\.us-east-1\.cloudformation\) enables private DNS/,
        /VPC 'lab' does not turn on enableDnsHostnames;/,
        /Set enableDnsSupport: true and enableDnsHostnames: true/,
      ],
    });
  });

  it("flags a VPC with DNS support off, found through the property dependency", () => {
    const v = vpc("lab", { id: UNKNOWN, enableDnsSupport: false, enableDnsHostnames: true });
    const ep = endpoint(UNKNOWN, {}, { vpcId: [v.urn] });
    assertHasResourceViolation(POLICY, [v, ep], {
      urn: ep.urn,
      message: /does not turn on enableDnsSupport;/,
    });
  });

  it("ignores endpoints without private DNS and gateway endpoints", () => {
    const v = vpc("lab");
    assertNoResourceViolations(POLICY, [v, endpoint("lab-id", { privateDnsEnabled: false })]);
    assertNoResourceViolations(POLICY, [v, endpoint("lab-id", { vpcEndpointType: "Gateway" })]);
  });

  it("cannot judge a VPC outside the stack", () => {
    assertNoResourceViolations(POLICY, [endpoint("vpc-0abc")]);
  });

  it("gives only an advisory when the VPC's DNS hostnames are not known yet", () => {
    const v = vpc("lab", { enableDnsSupport: true, enableDnsHostnames: UNKNOWN });
    const violations = runPolicy(POLICY, [v, endpoint("lab-id")], { [POLICY]: "mandatory" });
    assert.deepStrictEqual(
      violations.map((x) => x.enforcementLevel),
      ["advisory"],
    );
    assert.match(
      violations[0].message,
      /'lab'\.enableDnsHostnames, which is not known until the update/,
    );
  });
});

describe("s3-interface-endpoint-resolver-dns-requires-gateway", () => {
  const POLICY = "s3-interface-endpoint-resolver-dns-requires-gateway";
  const s3Interface = (extra: Partial<Parameters<typeof resource>[3]> = {}) =>
    resource(
      TYPE.vpcEndpoint,
      "s3-interface",
      {
        vpcId: "lab-id",
        serviceName: "com.amazonaws.ap-northeast-2.s3",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        dnsOptions: { privateDnsOnlyForInboundResolverEndpoint: true },
      },
      extra,
    );
  const gateway = resource(TYPE.vpcEndpoint, "s3-gateway", {
    vpcId: "lab-id",
    serviceName: "com.amazonaws.ap-northeast-2.s3",
  });

  it("passes when an S3 gateway endpoint in the same VPC is created first", () => {
    assertNoResourceViolations(POLICY, [
      vpc("lab"),
      gateway,
      s3Interface({ dependencies: [gateway.urn] }),
    ]);
  });

  it("flags an S3 interface endpoint with resolver-only private DNS and no gateway endpoint", () => {
    const ep = s3Interface();
    assertHasResourceViolation(POLICY, [vpc("lab"), ep], {
      urn: ep.urn,
      enforcementLevel: "advisory",
      message: [
        /privateDnsOnlyForInboundResolverEndpoint/,
        /VPC 'lab' has none/,
        /InvalidParameter/,
      ],
    });
  });

  it("flags it when the gateway endpoint is in another VPC", () => {
    const otherGateway = resource(TYPE.vpcEndpoint, "other-gw", {
      vpcId: "other-id",
      serviceName: "com.amazonaws.ap-northeast-2.s3",
    });
    const ep = s3Interface();
    assertHasResourceViolation(POLICY, [vpc("lab"), vpc("other"), otherGateway, ep], {
      urn: ep.urn,
    });
  });

  it("flags an interface endpoint that does not depend on the gateway endpoint", () => {
    const ep = s3Interface({ dependencies: [] });
    assertHasResourceViolation(POLICY, [vpc("lab"), gateway, ep], {
      urn: ep.urn,
      message: /does not depend on the S3 gateway endpoint 's3-gateway'/,
    });
  });

  it("follows dependencies through other resources", () => {
    const between = resource(TYPE.routeTable, "rt", {}, { dependencies: [gateway.urn] });
    assertNoResourceViolations(POLICY, [
      vpc("lab"),
      gateway,
      between,
      s3Interface({ dependencies: [between.urn] }),
    ]);
  });

  it("ignores S3 interface endpoints that keep private DNS for in-VPC clients", () => {
    const ep = resource(TYPE.vpcEndpoint, "s3-interface", {
      vpcId: "lab-id",
      serviceName: "com.amazonaws.ap-northeast-2.s3",
      vpcEndpointType: "Interface",
      privateDnsEnabled: false,
    });
    assertNoResourceViolations(POLICY, [vpc("lab"), ep]);
  });
});

describe("vpc-gateway-endpoint-service-supported", () => {
  const POLICY = "vpc-gateway-endpoint-service-supported";

  it("passes S3 and DynamoDB gateway endpoints", () => {
    for (const svc of ["s3", "dynamodb"]) {
      assertNoResourceViolations(
        POLICY,
        resource(TYPE.vpcEndpoint, svc, {
          vpcId: "vpc-1",
          serviceName: `com.amazonaws.us-east-1.${svc}`,
          vpcEndpointType: "Gateway",
        }),
      );
    }
  });

  it("flags a gateway endpoint for another service, the default type included", () => {
    const ep = resource(TYPE.vpcEndpoint, "ec2", {
      vpcId: "vpc-1",
      serviceName: "com.amazonaws.us-east-1.ec2",
    });
    assertHasResourceViolation(POLICY, ep, {
      urn: ep.urn,
      enforcementLevel: "advisory",
      message: [
        /'ec2' is a gateway endpoint \(the default when vpcEndpointType is not set\) for com\.amazonaws\.us-east-1\.ec2/,
        /only s3 and dynamodb offer gateway endpoints/,
        /vpcEndpointType: "Interface"/,
      ],
    });
  });

  it("ignores interface endpoints", () => {
    assertNoResourceViolations(
      POLICY,
      resource(TYPE.vpcEndpoint, "ec2", {
        serviceName: "com.amazonaws.us-east-1.ec2",
        vpcEndpointType: "Interface",
      }),
    );
  });

  it("takes the list of gateway services from config", () => {
    const ep = resource(TYPE.vpcEndpoint, "ddb", {
      serviceName: "com.amazonaws.us-east-1.dynamodb",
    });
    assertHasResourceViolation(
      POLICY,
      ep,
      { urn: ep.urn },
      { [POLICY]: { gatewayServices: ["s3"] } },
    );
  });

  it("gives only an advisory when the service name is not known yet", () => {
    const ep = resource(TYPE.vpcEndpoint, "x", { serviceName: UNKNOWN });
    const violations = runPolicy(POLICY, [ep], { [POLICY]: "mandatory" });
    assert.deepStrictEqual(
      violations.map((v) => v.enforcementLevel),
      ["advisory"],
    );
  });
});

describe("ec2-instance-connect-endpoint-one-per-vpc", () => {
  const POLICY = "ec2-instance-connect-endpoint-one-per-vpc";
  const subnet = (name: string, vpcId: string) =>
    resource(TYPE.subnet, name, { id: `${name}-id`, vpcId });
  const ice = (name: string, subnetId: unknown, deps: Record<string, string[]> = {}) =>
    resource(
      TYPE.instanceConnectEndpoint,
      name,
      { subnetId, vpcId: UNKNOWN, preserveClientIp: false },
      { propertyDependencies: deps },
    );

  it("passes one endpoint per VPC", () => {
    const resources = [
      vpc("a"),
      vpc("b"),
      subnet("a1", "a-id"),
      subnet("b1", "b-id"),
      ice("eice-a", "a1-id"),
      ice("eice-b", "b1-id"),
    ];
    assertNoResourceViolations(POLICY, resources);
  });

  it("flags a second endpoint in the same VPC, found through the subnets", () => {
    const s1 = subnet("a1", "a-id");
    const s2 = subnet("a2", "a-id");
    const second = ice("eice-2", UNKNOWN, { subnetId: [s2.urn] });
    assertHasResourceViolation(POLICY, [vpc("a"), s1, s2, ice("eice-1", "a1-id"), second], {
      urn: second.urn,
      enforcementLevel: "advisory",
      message: [/'eice-2' is another one in VPC 'a', which already has 'eice-1'/, /one per VPC/],
    });
  });

  it("flags two endpoints in a VPC outside the stack by their vpcId output", () => {
    const first = resource(TYPE.instanceConnectEndpoint, "e1", {
      subnetId: "subnet-1",
      vpcId: "vpc-0abc",
    });
    const second = resource(TYPE.instanceConnectEndpoint, "e2", {
      subnetId: "subnet-2",
      vpcId: "vpc-0abc",
    });
    assertHasResourceViolation(POLICY, [first, second], {
      urn: second.urn,
      message: /VPC vpc-0abc/,
    });
  });
});

describe("ec2-security-group-no-public-ssh", () => {
  const POLICY = "ec2-security-group-no-public-ssh";

  it("passes SSH from the VPC and HTTPS from anywhere", () => {
    assertNoResourceViolations(
      POLICY,
      resource(TYPE.securityGroup, "web", {
        ingress: [
          { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] },
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        ],
      }),
    );
    assertNoResourceViolations(
      POLICY,
      resource(TYPE.securityGroupIngressRule, "ssh-from-eice", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        referencedSecurityGroupId: "sg-1",
      }),
    );
  });

  it("flags an inline ingress rule opening TCP 22 to 0.0.0.0/0 (mandatory)", () => {
    const sg = resource(TYPE.securityGroup, "bastion", {
      ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
    });
    assertHasResourceViolation(POLICY, sg, {
      urn: sg.urn,
      enforcementLevel: "mandatory",
      message: [
        /'bastion' \(ingress\[0\]\) opens TCP 22 to 0\.0\.0\.0\/0/,
        /EC2 Instance Connect Endpoint/,
      ],
    });
  });

  it("flags a SecurityGroupRule opening a port range with 22 to ::/0", () => {
    const rule = resource(TYPE.securityGroupRule, "wide", {
      type: "ingress",
      protocol: "6",
      fromPort: 0,
      toPort: 1024,
      ipv6CidrBlocks: ["::/0"],
      securityGroupId: "sg-1",
    });
    assertHasResourceViolation(POLICY, rule, { urn: rule.urn, message: /opens TCP 22 to ::\/0/ });
    assertNoResourceViolations(
      POLICY,
      resource(TYPE.securityGroupRule, "egress", { ...rule.props, type: "egress" }),
    );
  });

  it("flags a vpc.SecurityGroupIngressRule with every protocol from anywhere", () => {
    const rule = resource(TYPE.securityGroupIngressRule, "all", {
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
      securityGroupId: "sg-1",
    });
    assertHasResourceViolation(POLICY, rule, {
      urn: rule.urn,
      message: /opens TCP 22 to 0\.0\.0\.0\/0/,
    });
  });

  it("checks the ports from config (RDP)", () => {
    const rule = resource(TYPE.securityGroupIngressRule, "rdp", {
      ipProtocol: "tcp",
      fromPort: 3389,
      toPort: 3389,
      cidrIpv4: "0.0.0.0/0",
    });
    assertNoResourceViolations(POLICY, rule);
    assertHasResourceViolation(
      POLICY,
      rule,
      { message: /opens TCP 3389/ },
      { [POLICY]: { ports: [22, 3389] } },
    );
  });

  it("gives only an advisory when the source CIDR is not known yet", () => {
    const rule = resource(TYPE.securityGroupIngressRule, "pending", {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: UNKNOWN,
    });
    const violations = runPolicy(POLICY, [rule]);
    assert.deepStrictEqual(
      violations.map((v) => v.enforcementLevel),
      ["advisory"],
    );
    assert.match(violations[0].message, /'pending'\.cidrIpv4, which is not known until the update/);
  });
});

describe("ec2-instance-imdsv2-required", () => {
  const POLICY = "ec2-instance-imdsv2-required";

  it("passes instances and launch templates that require IMDSv2", () => {
    assertNoResourceViolations(
      POLICY,
      resource(TYPE.instance, "host", { metadataOptions: { httpTokens: "required" } }),
    );
    assertNoResourceViolations(
      POLICY,
      resource(TYPE.launchTemplate, "lt", { metadataOptions: { httpTokens: "required" } }),
    );
    assertNoResourceViolations(
      POLICY,
      resource(TYPE.instance, "no-imds", { metadataOptions: { httpEndpoint: "disabled" } }),
    );
  });

  it("flags an instance that leaves httpTokens unset", () => {
    const host = resource(TYPE.instance, "host", { instanceType: "t4g.nano" });
    assertHasResourceViolation(POLICY, host, {
      urn: host.urn,
      enforcementLevel: "advisory",
      message: [
        /EC2 instance 'host' does not require IMDSv2 \(metadataOptions\.httpTokens is not set\)/,
        /httpTokens: "required"/,
      ],
    });
  });

  it('flags a launch template with httpTokens "optional"', () => {
    const lt = resource(TYPE.launchTemplate, "lt", { metadataOptions: { httpTokens: "optional" } });
    assertHasResourceViolation(POLICY, lt, {
      urn: lt.urn,
      message: /Launch template 'lt' .*is "optional"/,
    });
  });

  it("leaves an instance launched from a template to the template's check", () => {
    assertNoResourceViolations(
      POLICY,
      resource(TYPE.instance, "from-lt", { launchTemplate: { id: "lt-1" } }),
    );
  });
});
