import * as pulumi from "@pulumi/pulumi";
import { LabBucket } from "../components/lab-bucket";
import {
  bucketListPutPolicy,
  currentRegion,
  eiceSsh,
  FAIL_FAST,
  hostProbes,
  NO_RETRY_ENV,
  PRIVATE_HOST,
  PUBLIC_HOST,
  reachabilityOutputs,
  twoHostIds,
  twoHostLab,
  twoHostOutputs,
  twoHostProbeNames,
  twoHostVpc,
  TwoHostName,
} from "./common";
import { Check, Expectation, Scenario } from "./scenario";

const BUCKET = "lab";

/** The lab's own config: it has none, so every config expects the same. */
export type PublicVsPrivateOptions = Record<string, never>;

export interface PublicVsPrivateValues {
  region: string;
  bucket: string;
  instanceIds: Record<TwoHostName, string>;
}

/**
 * Why VPC endpoints exist: the same host, the same credentials, the same bucket. From the
 * public subnet the request leaves through the internet gateway and works; from the private
 * subnet there is no route to S3's public addresses and the CLI waits until it gives up.
 */
export const publicVsPrivate: Scenario = {
  name: "public-vs-private",
  title: "Public vs private subnet: the private host cannot reach S3",
  seeds: ["001", "004"],
  summary:
    "One VPC with a public and a private subnet and a host in each, both allowed to use one private bucket. " +
    "The public host reaches S3 through the internet gateway; the private host has no route to S3's public " +
    "addresses, so the same command times out. DNS answers from both: resolving is not reaching.",
  config: [],
  // Two AZs give each tier two subnets on one route table: the verdicts must not change.
  // The "before" picture: a bucket any host with IAM access reaches from anywhere, which is
  // exactly what the pack's bucket rule exists to block.
  flaggedBy: ["s3-bucket-requires-vpce"],
  variants: [{ name: "two-azs", config: { azCount: "2" }, flaggedBy: ["s3-bucket-requires-vpce"] }],
  run(config) {
    const options: PublicVsPrivateOptions = {};
    const instanceType = config.string("instanceType");
    const bucket = new LabBucket(BUCKET);
    const policy = bucketListPutPolicy(bucket.arn);
    const region = currentRegion();
    const expectations = publicVsPrivateExpectations(options);
    const vpc = twoHostVpc({
      vpc: { azCount: config.integer("azCount", { min: 1, max: 4 }) },
      instanceType,
    });
    const names = twoHostProbeNames(vpc, { region, buckets: { [BUCKET]: bucket.bucketName } });
    const probes = (host: TwoHostName) => hostProbes(config.scenario, host, expectations, names);
    const lab = twoHostLab({
      vpc,
      instanceType,
      publicHost: { policy, probes: probes(PUBLIC_HOST) },
      privateHost: { policy, probes: probes(PRIVATE_HOST) },
    });

    const checks = pulumi
      .all([region, bucket.bucketName, twoHostIds(lab)])
      .apply(([r, name, instanceIds]) =>
        publicVsPrivateChecks(options, { region: r, bucket: name, instanceIds }),
      );

    return {
      outputs: {
        region,
        vpcId: lab.vpc.vpcId,
        bucketName: bucket.bucketName,
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

/** The lab's expectations, as data: they hold for every config. */
export function publicVsPrivateExpectations(_options: PublicVsPrivateOptions): Expectation[] {
  return [
    {
      from: PUBLIC_HOST,
      to: { kind: "aws-service", service: "s3", resource: BUCKET },
      probe: "request",
      outcome: "works",
      why: "the public subnet routes 0.0.0.0/0 to the internet gateway and the host has a public IP",
    },
    {
      from: PRIVATE_HOST,
      to: { kind: "aws-service", service: "s3", resource: BUCKET },
      probe: "request",
      outcome: "times-out",
      why: "the private subnet has no route to S3's public addresses (no IGW route, no NAT, no endpoint)",
    },
    {
      from: PRIVATE_HOST,
      to: { kind: "aws-service", service: "s3" },
      probe: "dns",
      outcome: "resolves-public",
      why: "the VPC resolver answers every host; the S3 name maps to public addresses",
    },
  ];
}

/** The commands to run on each host, each with what it should print. */
export function publicVsPrivateChecks(
  _options: PublicVsPrivateOptions,
  v: PublicVsPrivateValues,
): Check[] {
  const { region: r, bucket: name } = v;
  return [
    {
      host: PUBLIC_HOST,
      connect: eiceSsh(v.instanceIds[PUBLIC_HOST], r),
      steps: [
        {
          run: `echo hello > hello.txt && aws s3 cp hello.txt s3://${name}/hello.txt --region ${r}`,
          expect: `upload: ./hello.txt to s3://${name}/hello.txt`,
        },
        {
          run: `aws s3 ls s3://${name} --region ${r}`,
          expect: "a line listing hello.txt",
        },
      ],
    },
    {
      host: PRIVATE_HOST,
      connect: eiceSsh(v.instanceIds[PRIVATE_HOST], r),
      steps: [
        {
          run: `dig +short ${name}.s3.${r}.amazonaws.com`,
          expect: "public addresses (the name resolves; there is just no way to reach them)",
        },
        {
          run: `${NO_RETRY_ENV} aws s3 ls s3://${name} --region ${r} ${FAIL_FAST}`,
          expect: `Connect timeout on endpoint URL: "https://${name}.s3.${r}.amazonaws.com/..."`,
        },
      ],
    },
  ];
}
