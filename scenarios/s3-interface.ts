import * as pulumi from "@pulumi/pulumi";
import { GatewayEndpoint } from "../components/gateway-endpoint";
import { InterfaceEndpoint } from "../components/interface-endpoint";
import { AwsService, PrivateDnsMode } from "../components/service-catalog";
import { deployerPrincipalArns, VpceBucket } from "../components/vpce-bucket";
import {
  currentRegion,
  DEPLOYER_LAPTOP,
  eiceSsh,
  grantBucket,
  hostProbes,
  LAPTOP,
  PRIVATE_HOST,
  PUBLIC_HOST,
  reachabilityOutputs,
  s3Steps,
  twoHostIds,
  twoHostLab,
  twoHostOutputs,
  twoHostProbeNames,
  twoHostVpc,
  TwoHostName,
} from "./common";
import { Check, Expectation, Outcome, Scenario } from "./scenario";

const BUCKET = "lab";
const INTERFACE = "s3-interface";
const GATEWAY = "s3-gateway";
const HOSTS: readonly TwoHostName[] = [PRIVATE_HOST, PUBLIC_HOST];

export interface S3InterfaceOptions {
  privateDns: PrivateDnsMode;
}

/**
 * Seed 001's second half: an S3 interface endpoint (PrivateLink) in the private subnet. With
 * private DNS off, as the seed had to, S3's default names keep resolving to public addresses
 * (the private host times out), while the endpoint-specific names
 * (`bucket.vpce-...s3.<region>.vpce.amazonaws.com`) resolve to the endpoint's private addresses
 * and work with `--endpoint-url`. Those names are in public DNS, so an on-premises network joined
 * by VPN or Direct Connect resolves and uses them too, with no resolver of its own.
 *
 * Since 2023 S3 interface endpoints also take private DNS: `inbound-resolver-only` (today's
 * pairing) adds an S3 gateway endpoint first and keeps in-VPC traffic on it, free, answering the
 * default names with the interface endpoint only for queries that arrive through a Route 53
 * Resolver inbound endpoint (on-premises clients); `all` answers them with the interface
 * endpoint for every client in the VPC. The bucket denies every request that does not come
 * through the lab's endpoint(s), except from whoever deploys the stack.
 */
export const s3Interface: Scenario = {
  name: "s3-interface",
  title: "S3 interface endpoint: endpoint-specific names, and private DNS today",
  seeds: ["001"],
  summary:
    "A public and a private host and an S3 interface endpoint in the private subnet; the bucket accepts only " +
    "requests through the lab's endpoints. With privateDns off (the seed), S3's default name resolves to public " +
    "addresses and the private host times out, while the endpoint-specific bucket.vpce-... name resolves to the " +
    "endpoint and works from both hosts. inbound-resolver-only pairs it with a gateway endpoint that carries " +
    "in-VPC traffic; all makes the default name resolve to the endpoint for every host.",
  config: [
    {
      key: "privateDns",
      type: "string",
      default: "off",
      allowed: AwsService.S3.privateDnsModes,
      description:
        "Private DNS of the S3 interface endpoint. off: only the vpce- names reach it (the seed); inbound-resolver-only: " +
        "adds an S3 gateway endpoint for in-VPC traffic and answers the default names with the interface endpoint " +
        "only for on-premises queries through a Route 53 Resolver inbound endpoint; all: the default names resolve " +
        "to the interface endpoint for every client in the VPC.",
    },
  ],
  variants: [
    { name: "private-dns-all", config: { privateDns: "all" } },
    { name: "inbound-resolver-only", config: { privateDns: "inbound-resolver-only" } },
  ],
  run(config) {
    const options: S3InterfaceOptions = {
      privateDns: config.string("privateDns") as PrivateDnsMode,
    };
    const { privateDns } = options;
    const instanceType = config.string("instanceType");
    const vpc = twoHostVpc({
      vpc: {
        azCount: config.integer("azCount", { min: 1, max: 4 }),
        interfaceServices: [AwsService.S3],
      },
      instanceType,
    });
    const privateTier = vpc.tier("private");

    // AWS refuses inbound-resolver-only without an S3 gateway endpoint in the VPC.
    const gateway =
      privateDns === "inbound-resolver-only"
        ? new GatewayEndpoint(GATEWAY, {
            vpcId: vpc.vpcId,
            service: AwsService.S3,
            routeTableIds: [privateTier.routeTableId],
          })
        : undefined;
    const endpoint = new InterfaceEndpoint(INTERFACE, {
      vpcId: vpc.vpcId,
      service: AwsService.S3,
      subnetIds: privateTier.subnets.map((s) => s.id),
      vpcCidr: vpc.cidr,
      privateDns,
      // Read back from the VPC so private DNS is refused, not failed by AWS, if LabVpc changes.
      vpcDns: {
        enableDnsSupport: vpc.vpc.enableDnsSupport.apply((on) => on !== false),
        enableDnsHostnames: vpc.vpc.enableDnsHostnames.apply((on) => on === true),
      },
      gatewayEndpoint: gateway,
    });
    const bucket = new VpceBucket(BUCKET, {
      endpointIds: gateway ? [gateway.endpointId, endpoint.endpointId] : [endpoint.endpointId],
      adminPrincipalArns: deployerPrincipalArns(),
    });
    const region = currentRegion();
    // A privateDns change replaces the endpoint (dnsOptions), and its vpce- name with it: the
    // hosts' user data then changes in place (LabInstance), keeping the hosts.
    const expectations = s3InterfaceExpectations(options);
    const names = twoHostProbeNames(vpc, {
      region,
      buckets: { [BUCKET]: bucket.bucketName },
      endpoints: { [INTERFACE]: endpoint.dnsNames.apply((n) => n[0]) },
    });
    const lab = twoHostLab({
      vpc,
      instanceType,
      publicHost: { probes: hostProbes(config.scenario, PUBLIC_HOST, expectations, names) },
      privateHost: { probes: hostProbes(config.scenario, PRIVATE_HOST, expectations, names) },
    });
    grantBucket(PRIVATE_HOST, lab.privateHost, bucket.arn);
    grantBucket(PUBLIC_HOST, lab.publicHost, bucket.arn);

    const endpointSubnetCidrs = pulumi.all(privateTier.subnets.map((s) => s.cidrBlock));
    const endpointHost = endpoint.dnsNames.apply((names) => bucketEndpointHost(names[0]));

    const checks = pulumi
      .all([
        region,
        bucket.bucketName,
        endpoint.endpointId,
        endpointHost,
        endpointSubnetCidrs,
        pulumi.all([gateway?.endpointId, gateway?.prefixListId]),
        privateTier.routeTableId,
        twoHostIds(lab),
      ])
      .apply(
        ([r, name, interfaceId, host, cidrs, [gatewayId, prefixListId], privateRt, instanceIds]) =>
          s3InterfaceChecks(options, {
            region: r,
            bucket: name,
            interfaceEndpointId: interfaceId,
            endpointHost: host,
            endpointSubnetCidrs: cidrs,
            gateway: gatewayId && prefixListId ? { id: gatewayId, prefixListId } : undefined,
            privateRouteTableId: privateRt,
            instanceIds,
          }),
      );

    return {
      outputs: {
        region,
        vpcId: vpc.vpcId,
        privateDns,
        bucketName: bucket.bucketName,
        bucketPolicy: bucket.policy,
        interfaceEndpointId: endpoint.endpointId,
        interfaceEndpointDnsNames: endpoint.dnsNames,
        interfaceEndpointSecurityGroupId: endpoint.securityGroupId,
        endpointUrl: pulumi.interpolate`https://${endpointHost}`,
        endpointSubnetCidrs,
        gatewayEndpointId: gateway?.endpointId,
        ...twoHostOutputs(lab, names),
        ...reachabilityOutputs(config, expectations, {
          hosts: { [PUBLIC_HOST]: lab.publicHost, [PRIVATE_HOST]: lab.privateHost },
          endpoints: { [INTERFACE]: endpoint.endpointId },
        }),
      },
      expectations,
      checks,
    };
  },
};

/**
 * The host name to put in `--endpoint-url` for bucket operations: AWS lists S3's
 * endpoint-specific names as wildcards (`*.vpce-...`), and bucket requests use `bucket.`.
 */
export function bucketEndpointHost(dnsName: string): string {
  return `bucket.${dnsName.replace(/^\*\./, "")}`;
}

/** A request with S3's default name, from a host, under a private DNS mode. */
export function defaultNameRequest(
  mode: PrivateDnsMode,
  host: TwoHostName,
): { outcome: Outcome; why: string } {
  if (mode === "all") {
    return {
      outcome: "works",
      why: "private DNS answers S3's default names with the interface endpoint for every client in the VPC, and the bucket accepts it",
    };
  }
  if (host === PUBLIC_HOST) {
    return {
      outcome: "403",
      why: "the default name resolves to public addresses and the request arrives through the internet gateway without aws:SourceVpce, so the bucket's Deny applies",
    };
  }
  return mode === "inbound-resolver-only"
    ? {
        outcome: "works",
        why: "in-VPC clients still get public addresses and the gateway endpoint's route carries the request; the bucket accepts the gateway endpoint too",
      }
    : {
        outcome: "times-out",
        why: "without private DNS the default name resolves to public addresses, and the private subnet has no route to them",
      };
}

/** The lab's expectations for one private DNS mode, as data. */
export function s3InterfaceExpectations(options: S3InterfaceOptions): Expectation[] {
  const mode = options.privateDns;
  const s3 = { kind: "aws-service", service: "s3", resource: BUCKET } as const;
  const viaEndpoint = { ...s3, via: INTERFACE };
  const expectations: Expectation[] = [];
  for (const host of HOSTS) {
    expectations.push(
      {
        from: host,
        to: s3,
        probe: "dns",
        outcome: mode === "all" ? "resolves-private" : "resolves-public",
        why:
          mode === "all"
            ? "private DNS answers S3's default names with the endpoint's addresses, for every subnet"
            : mode === "inbound-resolver-only"
              ? "private DNS only answers queries that come through a Route 53 Resolver inbound endpoint; in-VPC clients keep the public answer"
              : "without private DNS S3's default names keep their public addresses",
      },
      { from: host, to: s3, probe: "request", ...defaultNameRequest(mode, host) },
      {
        from: host,
        to: viaEndpoint,
        probe: "dns",
        outcome: "resolves-private",
        why: "the endpoint-specific name always resolves to the endpoint's interfaces, whatever private DNS says",
      },
      {
        from: host,
        to: viaEndpoint,
        probe: "request",
        outcome: "works",
        why: "--endpoint-url with the bucket.vpce- name reaches the endpoint (its group admits 443 from the VPC), and the request carries the interface endpoint in aws:SourceVpce",
      },
    );
  }
  return expectations;
}

export interface S3InterfaceValues {
  region: string;
  bucket: string;
  interfaceEndpointId: string;
  /** `bucket.vpce-....s3.<region>.vpce.amazonaws.com` */
  endpointHost: string;
  endpointSubnetCidrs: string[];
  /** The S3 gateway endpoint, in inbound-resolver-only mode. */
  gateway?: { id: string; prefixListId: string };
  privateRouteTableId: string;
  instanceIds: Record<TwoHostName, string>;
}

/** The commands to run, per host and from the laptop, each with what it should print. */
export function s3InterfaceChecks(options: S3InterfaceOptions, v: S3InterfaceValues): Check[] {
  const mode = options.privateDns;
  const r = v.region;
  const inside = `private addresses inside ${v.endpointSubnetCidrs.join(", ")} (the endpoint's interfaces)`;
  const endpointUrl = `https://${v.endpointHost}`;
  const hosts = HOSTS.map((host): Check => {
    const request = defaultNameRequest(mode, host);
    return {
      host,
      connect: eiceSsh(v.instanceIds[host], r),
      steps: [
        { run: `dig +short ${v.endpointHost}`, expect: `${inside}: the endpoint-specific name` },
        {
          run: `dig +short ${v.bucket}.s3.${r}.amazonaws.com`,
          expect:
            mode === "all"
              ? `${inside}: private DNS answers the default name`
              : "public addresses: in-VPC clients get S3's public answer",
        },
        ...s3Steps({ host, bucket: v.bucket, region: r, outcome: "works", endpointUrl }),
        ...s3Steps({
          host,
          bucket: v.bucket,
          region: r,
          outcome: request.outcome,
          listOnly: true,
        }),
      ],
    };
  });

  const endpoint = `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${v.interfaceEndpointId} --region ${r}`;
  const laptop: Check = {
    host: LAPTOP,
    connect: DEPLOYER_LAPTOP,
    steps: [
      {
        run: `${endpoint} --query "VpcEndpoints[0].{privateDns: PrivateDnsEnabled, inboundResolverOnly: DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint}"`,
        expect: {
          off: `"privateDns": false (inboundResolverOnly null or false): the seed's setting`,
          "inbound-resolver-only": `"privateDns": true, "inboundResolverOnly": true`,
          all: `"privateDns": true, "inboundResolverOnly": false`,
        }[mode],
      },
      {
        run: `${endpoint} --query "VpcEndpoints[0].DnsEntries[].DnsName"`,
        expect:
          `"*.vpce-...s3.${r}.vpce.amazonaws.com" and one "*.vpce-...-<az>.s3..." per AZ` +
          (mode === "off"
            ? ""
            : `, then "s3.${r}.amazonaws.com" and "*.s3.${r}.amazonaws.com" (private DNS)`),
      },
      {
        run: `dig +short ${v.endpointHost}`,
        expect: `${inside}: the name is in public DNS, so a network joined by VPN or Direct Connect resolves and reaches it; from the internet the addresses are unreachable`,
      },
      ...(v.gateway
        ? [
            {
              run:
                `aws ec2 describe-route-tables --route-table-ids ${v.privateRouteTableId} --region ${r} ` +
                `--query "RouteTables[0].Routes[?GatewayId=='${v.gateway.id}'].[DestinationPrefixListId,GatewayId,State]" --output text`,
              expect: `${v.gateway.prefixListId}  ${v.gateway.id}  active: the gateway endpoint carries the private subnet's S3 traffic`,
            },
          ]
        : []),
      {
        run: `aws s3api get-bucket-policy --bucket ${v.bucket} --region ${r} --query Policy --output text`,
        expect: `Sid "DenyOutsideVpcEndpoint": Deny unless aws:SourceVpce is ${[v.gateway?.id, v.interfaceEndpointId].filter(Boolean).join(" or ")}, except you (aws:PrincipalArn)`,
      },
    ],
  };
  return [...hosts, laptop];
}
