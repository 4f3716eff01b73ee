import * as pulumi from "@pulumi/pulumi";
import { cloudFormationListStacksPolicy } from "../components/iam-documents";
import { InterfaceEndpoint } from "../components/interface-endpoint";
import { AwsService, defaultDnsName, PrivateDnsMode } from "../components/service-catalog";
import {
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

const HOSTS: readonly TwoHostName[] = [PUBLIC_HOST, PRIVATE_HOST];
const ENDPOINT = "cloudformation";

export interface CloudFormationPrivateDnsOptions {
  privateDns: PrivateDnsMode;
}

export interface CloudFormationPrivateDnsValues {
  region: string;
  /** The endpoint-specific (vpce-) name. */
  vpceName: string;
  endpointCidrs: string[];
  instanceIds: Record<TwoHostName, string>;
}

/**
 * An interface endpoint and what private DNS changes. With it on, the service's own name
 * (cloudformation.<region>.amazonaws.com) answers the endpoint's private addresses for every
 * host in the VPC, so even the private host with no route out can call the API. With it off,
 * that name keeps answering public addresses (the private host times out) and only the
 * endpoint-specific vpce- names lead to the endpoint.
 *
 * The endpoint's interfaces live in the private tier, one per AZ. The seed selected both its
 * subnets because they sat in two AZs; AWS accepts one subnet per AZ per endpoint, and an
 * interface answers the whole VPC, so with the labs' single AZ one interface serves both hosts
 * (and costs one AZ-hour rate, not two). Set azCount 2 to get one per AZ as in the seed.
 */
export const cloudformationPrivateDns: Scenario = {
  name: "cloudformation-private-dns",
  title: "CloudFormation interface endpoint: private DNS on and off",
  seeds: ["004"],
  summary:
    "A public and a private host and a CloudFormation interface endpoint in the private subnet. With privateDns " +
    "all (on), cloudformation.<region>.amazonaws.com resolves to the endpoint's private addresses from both hosts and " +
    "the private host can list stacks; with it off, the name resolves to public addresses (the private host times " +
    "out) while the endpoint-specific vpce- name still resolves to the endpoint.",
  config: [
    {
      key: "privateDns",
      type: "string",
      default: "all",
      allowed: AwsService.CLOUDFORMATION.privateDnsModes,
      description:
        "Private DNS of the lab's interface endpoint, in the modes the S3 lab uses too. all: the service's default " +
        "name resolves to the endpoint for every host in the VPC. off: the seed's 'private DNS off' variant, where " +
        "only the vpce- names do.",
    },
  ],
  variants: [{ name: "private-dns-off", config: { privateDns: "off" } }],
  run(config) {
    const instanceType = config.string("instanceType");
    const azCount = config.integer("azCount", { min: 1, max: 4 });
    const options: CloudFormationPrivateDnsOptions = {
      privateDns: config.string("privateDns") as PrivateDnsMode,
    };

    const policy = JSON.stringify(cloudFormationListStacksPolicy());
    const vpc = twoHostVpc({
      vpc: { azCount, interfaceServices: [AwsService.CLOUDFORMATION] },
      instanceType,
    });
    const privateTier = vpc.tier("private");
    const endpoint = new InterfaceEndpoint(ENDPOINT, {
      vpcId: vpc.vpcId,
      service: AwsService.CLOUDFORMATION,
      subnetIds: privateTier.subnets.map((s) => s.id),
      vpcCidr: vpc.cidr,
      privateDns: options.privateDns,
      // Read back from the VPC, so a change to LabVpc's flags stops the endpoint, not AWS.
      // Unset flags mean AWS's defaults: DNS support on, DNS hostnames off.
      vpcDns: {
        enableDnsSupport: vpc.vpc.enableDnsSupport.apply((on) => on !== false),
        enableDnsHostnames: vpc.vpc.enableDnsHostnames.apply((on) => on === true),
      },
    });
    const region = currentRegion();
    const expectations = cloudformationPrivateDnsExpectations(options);
    const names = twoHostProbeNames(vpc, {
      region,
      endpoints: { [ENDPOINT]: endpoint.dnsNames.apply((n) => n[0]) },
    });
    const probes = (host: TwoHostName) => hostProbes(config.scenario, host, expectations, names);
    const lab = twoHostLab({
      vpc,
      instanceType,
      publicHost: { policy, probes: probes(PUBLIC_HOST) },
      privateHost: { policy, probes: probes(PRIVATE_HOST) },
    });
    const endpointSubnetCidrs = pulumi.all(privateTier.subnets.map((s) => s.cidrBlock));

    const checks = pulumi
      .all([region, endpoint.dnsNames, endpointSubnetCidrs, twoHostIds(lab)])
      .apply(([r, dnsNames, cidrs, instanceIds]) =>
        cloudformationPrivateDnsChecks(options, {
          region: r,
          vpceName: dnsNames[0],
          endpointCidrs: cidrs,
          instanceIds,
        }),
      );

    return {
      outputs: {
        region,
        vpcId: vpc.vpcId,
        endpointId: endpoint.endpointId,
        privateDns: options.privateDns,
        defaultDnsName: region.apply((r) => defaultDnsName(AwsService.CLOUDFORMATION, r)),
        endpointDnsNames: endpoint.dnsNames,
        endpointSubnetCidrs,
        ...twoHostOutputs(lab, names),
        ...reachabilityOutputs(config, expectations, {
          hosts: { [PUBLIC_HOST]: lab.publicHost, [PRIVATE_HOST]: lab.privateHost },
          endpoints: { [ENDPOINT]: endpoint.endpointId },
        }),
      },
      expectations,
      checks,
    };
  },
};

/** The lab's expectations for one private DNS mode, as data. */
export function cloudformationPrivateDnsExpectations(
  options: CloudFormationPrivateDnsOptions,
): Expectation[] {
  const privateDns = options.privateDns === "all";
  const service = { kind: "aws-service", service: "cloudformation" } as const;
  const viaEndpoint = { ...service, via: ENDPOINT };
  const expectations: Expectation[] = [];
  for (const host of HOSTS) {
    expectations.push({
      from: host,
      to: service,
      probe: "dns",
      outcome: privateDns ? "resolves-private" : "resolves-public",
      why: privateDns
        ? "private DNS makes the VPC resolver answer the default name with the endpoint's addresses, for every subnet"
        : "without private DNS the default name keeps its public addresses",
    });
    expectations.push({
      from: host,
      to: viaEndpoint,
      probe: "dns",
      outcome: "resolves-private",
      why: "the endpoint-specific vpce- name always resolves to the endpoint's interfaces",
    });
  }
  expectations.push(
    {
      from: PRIVATE_HOST,
      to: service,
      probe: "request",
      outcome: privateDns ? "works" : "times-out",
      why: privateDns
        ? "the default name leads to the endpoint, whose group admits 443 from the VPC"
        : "the default name leads to public addresses and the private subnet has no route out",
    },
    {
      from: PRIVATE_HOST,
      to: viaEndpoint,
      probe: "request",
      outcome: "works",
      why: "--endpoint-url with the vpce- name reaches the endpoint whatever the private DNS setting",
    },
    {
      from: PUBLIC_HOST,
      to: service,
      probe: "request",
      outcome: "works",
      why: privateDns
        ? "the default name leads to the endpoint, inside the VPC"
        : "the default name leads to public addresses, reached through the internet gateway",
    },
  );
  return expectations;
}

/** The commands to run on each host, each with what it should print. */
export function cloudformationPrivateDnsChecks(
  options: CloudFormationPrivateDnsOptions,
  v: CloudFormationPrivateDnsValues,
): Check[] {
  return HOSTS.map((host) => hostCheck(host, options.privateDns === "all", v));
}

function hostCheck(
  host: TwoHostName,
  privateDns: boolean,
  v: CloudFormationPrivateDnsValues,
): Check {
  const { region: r, vpceName } = v;
  const inside = `private addresses inside ${v.endpointCidrs.join(", ")} (one per endpoint subnet)`;
  const listStacks = `aws cloudformation list-stacks --region ${r} --max-items 5`;
  const works = `{"StackSummaries": [...]} (an empty list when the account has no stacks in ${r})`;
  const steps: Check["steps"] = [
    {
      run: `dig +short ${defaultDnsName(AwsService.CLOUDFORMATION, r)}`,
      expect: privateDns
        ? `${inside}: private DNS answers the default name`
        : "public addresses: without private DNS the default name is unchanged",
    },
    { run: `dig +short ${vpceName}`, expect: `${inside}: the endpoint-specific name` },
  ];
  if (host === PRIVATE_HOST && !privateDns) {
    steps.push({
      run: `${NO_RETRY_ENV} ${listStacks} ${FAIL_FAST}`,
      expect: `Connect timeout on endpoint URL: "https://cloudformation.${r}.amazonaws.com/": no route to public addresses`,
    });
  } else {
    steps.push({
      run: listStacks,
      expect: `${works}, ${privateDns ? "through the endpoint" : "through the internet gateway"}`,
    });
  }
  steps.push({
    run: `${listStacks} --endpoint-url https://${vpceName}`,
    expect: `${works}, through the endpoint`,
  });
  return { host, connect: eiceSsh(v.instanceIds[host], r), steps };
}
