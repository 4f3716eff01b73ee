import * as pulumi from "@pulumi/pulumi";
import { BUCKET_POLICY_MODES, BucketPolicyMode } from "../components/bucket-policy";
import { GatewayEndpoint } from "../components/gateway-endpoint";
import { awsServiceName, AwsService } from "../components/service-catalog";
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
const GATEWAY = "s3-gateway";
const HOSTS: readonly TwoHostName[] = [PRIVATE_HOST, PUBLIC_HOST];

export interface S3GatewayOptions {
  mode: BucketPolicyMode;
  /** The gateway endpoint's route is also in the public subnet's route table. */
  publicRouteTable: boolean;
}

/**
 * Seeds 000, 001 and 004: an S3 gateway endpoint on the private route table, and a bucket whose
 * policy names it in `aws:SourceVpce`. The private host, with no way out, reaches S3 through the
 * endpoint's prefix-list route while the bucket's name still resolves to public addresses; the
 * public host's requests arrive through the internet gateway without `aws:SourceVpce`, so the
 * restricting policy answers 403 even though its role allows the bucket. `bucketPolicyMode`
 * switches to the seed's Allow-only policy (it restricts nobody) or to its Allow->Deny
 * verification flip (the private host gets 403, proving the endpoint is its path).
 *
 * The Deny leaves out whoever deploys the stack (`aws:PrincipalArn`), so that `pulumi up`,
 * `pulumi destroy` and the checks run from a laptop keep working: without that exemption nobody
 * outside the VPC could read or delete the bucket policy, and only the account's root user could
 * remove it. The hosts' roles get no exemption.
 */
export const s3Gateway: Scenario = {
  name: "s3-gateway",
  title: "S3 gateway endpoint and a bucket policy on aws:SourceVpce",
  seeds: ["000", "001", "004"],
  summary:
    "A public and a private host, an S3 gateway endpoint on the private route table and a bucket whose policy " +
    "denies every request that does not come through that endpoint. The private host reaches S3 through the " +
    "endpoint's prefix-list route while DNS still answers public addresses; the public host, allowed by IAM, " +
    "gets 403. bucketPolicyMode shows the seed's Allow-only policy (restricts nobody) and its Allow->Deny " +
    "verification flip (the private host gets 403 through the endpoint).",
  config: [
    {
      key: "bucketPolicyMode",
      type: "string",
      default: "deny-outside-endpoint",
      allowed: BUCKET_POLICY_MODES,
      description:
        "The lab bucket's policy. deny-outside-endpoint: Deny every S3 action unless aws:SourceVpce is the endpoint " +
        "(the restriction); allow-only: the seed's Allow through the endpoint, which restricts nobody; " +
        "deny-through-endpoint: the seed's verification flip, 403 for requests that come through the endpoint.",
    },
    {
      key: "gatewayOnPublicRouteTable",
      type: "boolean",
      default: false,
      description:
        "Also add the endpoint's route to the public subnet's route table (the CloudNeta exercise selects both): " +
        "the public host's S3 traffic then takes the endpoint instead of the internet gateway.",
    },
  ],
  variants: [
    {
      name: "allow-only",
      config: { bucketPolicyMode: "allow-only" },
      flaggedBy: ["s3-bucket-requires-vpce"],
    },
    {
      name: "deny-through-endpoint",
      config: { bucketPolicyMode: "deny-through-endpoint" },
      flaggedBy: ["s3-bucket-requires-vpce"],
    },
    { name: "gateway-on-public-route-table", config: { gatewayOnPublicRouteTable: "true" } },
  ],
  run(config) {
    const options: S3GatewayOptions = {
      mode: config.string("bucketPolicyMode") as BucketPolicyMode,
      publicRouteTable: config.boolean("gatewayOnPublicRouteTable"),
    };
    const instanceType = config.string("instanceType");
    const vpc = twoHostVpc({
      vpc: { azCount: config.integer("azCount", { min: 1, max: 4 }) },
      instanceType,
    });
    const privateRouteTableId = vpc.tier("private").routeTableId;
    const publicRouteTableId = vpc.tier("public").routeTableId;

    const gateway = new GatewayEndpoint(GATEWAY, {
      vpcId: vpc.vpcId,
      service: AwsService.S3,
      routeTableIds: options.publicRouteTable
        ? [privateRouteTableId, publicRouteTableId]
        : [privateRouteTableId],
    });
    const bucket = new VpceBucket(BUCKET, {
      endpointIds: [gateway.endpointId],
      mode: options.mode,
      adminPrincipalArns: deployerPrincipalArns(),
    });
    const region = currentRegion();
    // The probes name the bucket only: every policy mode and route choice keeps the hosts'
    // user data as it is, so the new outcome shows on the same hosts within a minute.
    const expectations = s3GatewayExpectations(options);
    const names = twoHostProbeNames(vpc, { region, buckets: { [BUCKET]: bucket.bucketName } });
    const lab = twoHostLab({
      vpc,
      instanceType,
      publicHost: { probes: hostProbes(config.scenario, PUBLIC_HOST, expectations, names) },
      privateHost: { probes: hostProbes(config.scenario, PRIVATE_HOST, expectations, names) },
    });
    grantBucket(PRIVATE_HOST, lab.privateHost, bucket.arn);
    grantBucket(PUBLIC_HOST, lab.publicHost, bucket.arn);

    const checks = pulumi
      .all([
        region,
        bucket.bucketName,
        gateway.endpointId,
        gateway.prefixListId,
        privateRouteTableId,
        publicRouteTableId,
        twoHostIds(lab),
      ])
      .apply(([r, name, vpceId, prefixListId, privateRt, publicRt, instanceIds]) =>
        s3GatewayChecks(options, {
          region: r,
          bucket: name,
          vpceId,
          prefixListId,
          privateRouteTableId: privateRt,
          publicRouteTableId: publicRt,
          instanceIds,
        }),
      );

    return {
      outputs: {
        region,
        vpcId: lab.vpc.vpcId,
        bucketName: bucket.bucketName,
        bucketPolicyMode: options.mode,
        bucketPolicy: bucket.policy,
        gatewayEndpointId: gateway.endpointId,
        prefixListId: gateway.prefixListId,
        privateRouteTableId,
        publicRouteTableId,
        gatewayOnPublicRouteTable: options.publicRouteTable,
        ...twoHostOutputs(lab, names),
        ...reachabilityOutputs(config, expectations, {
          hosts: { [PUBLIC_HOST]: lab.publicHost, [PRIVATE_HOST]: lab.privateHost },
        }),
      },
      expectations,
      checks,
    };
  },
};

/** What a request through, or outside, the endpoint meets under each bucket policy mode. */
export function requestOutcome(
  mode: BucketPolicyMode,
  throughEndpoint: boolean,
): { outcome: Outcome; why: string } {
  switch (mode) {
    case "deny-outside-endpoint":
      return throughEndpoint
        ? {
            outcome: "works",
            why: "the request arrives with aws:SourceVpce set to the endpoint, so the Deny does not apply and the role allows it",
          }
        : {
            outcome: "403",
            why: "the request arrives without aws:SourceVpce, so the bucket policy's Deny applies whatever the role allows",
          };
    case "allow-only":
      return {
        outcome: "works",
        why: throughEndpoint
          ? "the role allows it (the Allow through the endpoint adds nothing for a same-account role)"
          : "the role allows it: an Allow on aws:SourceVpce never stops a principal that IAM already lets in",
      };
    case "deny-through-endpoint":
      return throughEndpoint
        ? {
            outcome: "403",
            why: "the verification flip denies requests whose aws:SourceVpce is the endpoint: this one took it",
          }
        : {
            outcome: "works",
            why: "the flip only denies requests through the endpoint; this one arrives through the internet gateway",
          };
  }
}

/** The lab's expectations for one configuration, as data. */
export function s3GatewayExpectations(options: S3GatewayOptions): Expectation[] {
  const s3 = { kind: "aws-service", service: "s3", resource: BUCKET } as const;
  const expectations: Expectation[] = [];
  for (const host of HOSTS) {
    const throughEndpoint = host === PRIVATE_HOST || options.publicRouteTable;
    expectations.push(
      {
        from: host,
        to: s3,
        probe: "dns",
        outcome: "resolves-public",
        why: "a gateway endpoint works by route (the S3 prefix list), not by DNS: the bucket's name keeps its public addresses",
      },
      {
        from: host,
        to: s3,
        probe: "request",
        ...requestOutcome(options.mode, throughEndpoint),
      },
    );
  }
  return expectations;
}

export interface S3GatewayValues {
  region: string;
  bucket: string;
  vpceId: string;
  prefixListId: string;
  privateRouteTableId: string;
  publicRouteTableId: string;
  instanceIds: Record<TwoHostName, string>;
}

/** The commands to run, per host and from the laptop, each with what it should print. */
export function s3GatewayChecks(options: S3GatewayOptions, v: S3GatewayValues): Check[] {
  const r = v.region;
  const endpointRoute = (routeTableId: string) =>
    `aws ec2 describe-route-tables --route-table-ids ${routeTableId} --region ${r} ` +
    `--query "RouteTables[0].Routes[?GatewayId=='${v.vpceId}'].[DestinationPrefixListId,GatewayId,State]" --output text`;
  const routeLine = `${v.prefixListId}  ${v.vpceId}  active`;
  const laptop: Check = {
    host: LAPTOP,
    connect: DEPLOYER_LAPTOP,
    steps: [
      {
        run: endpointRoute(v.privateRouteTableId),
        expect: `${routeLine}: the private route table sends S3's prefix list to the endpoint`,
      },
      {
        run: endpointRoute(v.publicRouteTableId),
        expect: options.publicRouteTable
          ? `${routeLine}: the public route table has the endpoint's route too, more specific than 0.0.0.0/0`
          : "nothing: the public route table sends S3 traffic to the internet gateway",
      },
      {
        run: `aws ec2 describe-managed-prefix-lists --prefix-list-ids ${v.prefixListId} --region ${r} --query "PrefixLists[0].PrefixListName" --output text`,
        expect: `${awsServiceName(AwsService.S3, r)}: S3's address ranges in ${r}, managed by AWS`,
      },
      {
        run: `aws s3api get-bucket-policy --bucket ${v.bucket} --region ${r} --query Policy --output text`,
        expect: `the ${options.mode} policy: ${POLICY_SUMMARY[options.mode]}`,
      },
    ],
  };
  const hosts = HOSTS.map((host): Check => ({
    host,
    connect: eiceSsh(v.instanceIds[host], r),
    steps: [
      {
        run: `dig +short ${v.bucket}.s3.${r}.amazonaws.com`,
        expect: "public addresses: the gateway endpoint does not change DNS",
      },
      ...s3Steps({
        host,
        bucket: v.bucket,
        region: r,
        outcome: requestOutcome(options.mode, host === PRIVATE_HOST || options.publicRouteTable)
          .outcome,
      }),
    ],
  }));
  return [...hosts, laptop];
}

const POLICY_SUMMARY: Record<BucketPolicyMode, string> = {
  "deny-outside-endpoint":
    'Sid "DenyOutsideVpcEndpoint", Effect Deny, StringNotEquals aws:SourceVpce, ArnNotLike aws:PrincipalArn (you)',
  "allow-only": 'Sid "AllowThroughVpcEndpoint", Effect Allow, StringEquals aws:SourceVpce',
  "deny-through-endpoint": 'Sid "DenyThroughVpcEndpoint", Effect Deny, StringEquals aws:SourceVpce',
};
