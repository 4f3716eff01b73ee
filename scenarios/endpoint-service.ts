import * as pulumi from "@pulumi/pulumi";
import { endpointSubnets } from "../components/az-match";
import { MAX_PREFIX, MIN_PREFIX, overlaps, parseCidr } from "../model/cidr";
import { EndpointService } from "../components/endpoint-service";
import { customService } from "../components/service-catalog";
import { InstanceConnectEndpoint } from "../components/instance-connect-endpoint";
import { InterfaceEndpoint } from "../components/interface-endpoint";
import { LabInstance } from "../components/lab-instance";
import { LabVpc } from "../components/lab-vpc";
import { principalArnProblem, splitList } from "../components/principal-arns";
import {
  currentRegion,
  eiceSsh,
  hostProbes,
  LAPTOP,
  ProbeNamesInput,
  probeNamesOutput,
  reachabilityOutputs,
} from "./common";
import { Check, ConfigError, Expectation, Scenario, ScenarioConfig } from "./scenario";

const NAME = "endpoint-service";
const SERVICE = "web";
const ENDPOINT = "consumer-endpoint";
const CONSUMER_HOST = "consumer-host";
const MAX_WEB_SERVERS = 4;

export interface EndpointServiceOptions {
  webServers: number;
  port: number;
  acceptanceRequired: boolean;
  acceptConnection: boolean;
  allowedPrincipals: string[];
  cidrs: { provider: string; consumer: string };
}

export interface EndpointServiceValues {
  region: string;
  endpointId: string;
  /** The endpoint's regional DNS name. */
  dnsName: string;
  serviceId: string;
  consumerVpcId: string;
  consumerHostId: string;
  consumerHostIp: string;
  /** Web server 1's instance id and address. */
  webId: string;
  webIp: string;
}

/** The page web server `n` answers with. */
export function webPage(n: number): string {
  return `<html><h1>Endpoint Service Lab - Web Server ${n}</h1></html>`;
}

/**
 * User data of web server `n`. The provider VPC has no route to any package repository, so
 * `dnf install httpd` would fail: the page is served by python3's built-in http.server, which
 * Amazon Linux 2023 ships, as a systemd unit. It binds IPv4 explicitly so its log shows plain
 * addresses (the load balancer's), and runs as a throwaway user allowed only to bind the port.
 */
export function webServerUserData(n: number, port: number): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "mkdir -p /srv/lab-web",
    "cat > /srv/lab-web/index.html <<'HTML'",
    webPage(n),
    "HTML",
    "cat > /etc/systemd/system/lab-web.service <<'UNIT'",
    "[Unit]",
    `Description=Endpoint Service Lab - Web Server ${n}`,
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    `ExecStart=/usr/bin/python3 -m http.server ${port} --bind 0.0.0.0 --directory /srv/lab-web`,
    "Environment=PYTHONUNBUFFERED=1",
    "DynamicUser=yes",
    "AmbientCapabilities=CAP_NET_BIND_SERVICE",
    "Restart=on-failure",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now lab-web.service",
    "",
  ].join("\n");
}

/**
 * The consumer subnets for the endpoint: those whose AZ ID the service's load balancer spans, one
 * per AZ. Resolves when the subnets and the service do; fails, naming both sides' AZ IDs, when
 * none matches, before the endpoint is created.
 */
export function consumerEndpointSubnetIds(
  consumerSubnets: { id: pulumi.Input<string>; availabilityZoneId: pulumi.Input<string> }[],
  serviceAzIds: pulumi.Input<string[]>,
): pulumi.Output<string[]> {
  const zoned = pulumi.all(consumerSubnets.map((s) => pulumi.all([s.id, s.availabilityZoneId])));
  return pulumi.all([zoned, serviceAzIds]).apply(([pairs, azIds]) =>
    endpointSubnets(
      pairs.map(([id, azId]) => ({ id, azId })),
      azIds,
      `scenario ${NAME}: consumer endpoint subnets`,
    ),
  );
}

/** Reads and checks the two VPC blocks: valid, VPC-sized, and apart. */
function readCidrs(config: ScenarioConfig): { provider: string; consumer: string } {
  const blocks = {
    provider: config.string("providerCidr"),
    consumer: config.string("consumerCidr"),
  };
  const parsed = {
    provider: parseCidr(blocks.provider, `config "providerCidr"`),
    consumer: parseCidr(blocks.consumer, `config "consumerCidr"`),
  };
  for (const side of ["provider", "consumer"] as const) {
    const prefix = parsed[side].prefix;
    if (prefix < MIN_PREFIX || prefix > MAX_PREFIX) {
      throw new ConfigError(
        NAME,
        `${side}Cidr`,
        `must be a VPC block from /${MIN_PREFIX} to /${MAX_PREFIX}; got ${blocks[side]}`,
      );
    }
  }
  if (overlaps(parsed.provider, parsed.consumer)) {
    throw new ConfigError(
      NAME,
      "consumerCidr",
      `overlaps providerCidr: ${blocks.consumer} and ${blocks.provider} share addresses. PrivateLink itself would work, ` +
        "but this lab's checks tell the two VPCs apart by address; pick blocks that do not overlap, " +
        "such as 10.0.0.0/16 and 10.1.0.0/16",
    );
  }
  return blocks;
}

function readPrincipals(text: string | undefined): string[] {
  const arns = splitList(text ?? "");
  for (const arn of arns) {
    const problem = principalArnProblem(arn);
    if (problem) throw new ConfigError(NAME, "allowedPrincipals", problem);
  }
  return arns;
}

/** The lab's own keys, checked: each mistake names its key before anything is created. */
function readOptions(config: ScenarioConfig): EndpointServiceOptions {
  const webServers = config.integer("webServers", { min: 1, max: MAX_WEB_SERVERS });
  const port = config.integer("servicePort", { min: 1, max: 65535 });
  if (port === 22) {
    throw new ConfigError(
      NAME,
      "servicePort",
      "is 22, the port Instance Connect uses to reach the web servers; pick another, such as 80",
    );
  }
  const acceptanceRequired = config.boolean("acceptanceRequired");
  const acceptConnection = config.boolean("acceptConnection");
  if (!acceptanceRequired && !acceptConnection) {
    throw new ConfigError(
      NAME,
      "acceptConnection",
      "is false but acceptanceRequired is false too: AWS accepts the endpoint at once, so there is nothing to " +
        "hold back; set acceptanceRequired true to see pendingAcceptance",
    );
  }
  const allowedPrincipals = readPrincipals(config.optionalString("allowedPrincipals"));
  const cidrs = readCidrs(config);
  return { webServers, port, acceptanceRequired, acceptConnection, allowedPrincipals, cidrs };
}

/** Traffic flows: the provider accepted the endpoint, or the service needs no acceptance. */
function isAccepted(options: EndpointServiceOptions): boolean {
  return !options.acceptanceRequired || options.acceptConnection;
}

/**
 * Seed 004's last exercise: your own service over PrivateLink. A provider VPC holds web servers
 * behind an internal Network Load Balancer, published as an endpoint service that requires
 * acceptance; a consumer VPC with no route, peering or gateway to it gets an interface endpoint
 * in the AZs the load balancer serves; the provider accepts; the consumer host then reaches the
 * page by the endpoint's DNS name, and only that port of that service.
 */
export const endpointService: Scenario = {
  name: NAME,
  title: "Endpoint service: your own web service over PrivateLink, accepted by the provider",
  seeds: ["004"],
  summary:
    "Two VPCs with no peering and no routes between them. In the provider VPC (10.1.0.0/16) web servers stand " +
    "behind an internal Network Load Balancer published as a VPC endpoint service that requires acceptance. In " +
    "the consumer VPC (10.0.0.0/16) an interface endpoint to that service sits in the AZs (by AZ ID) the load " +
    "balancer serves; the provider accepts the connection. From the consumer host the endpoint's DNS name " +
    "resolves to a consumer-VPC address and curl gets the page; the web servers see the load balancer's address; " +
    "the provider VPC itself stays unreachable.",
  config: [
    {
      key: "webServers",
      type: "integer",
      default: 1,
      description: `How many web servers stand behind the load balancer (1-${MAX_WEB_SERVERS}); each page names its server.`,
    },
    {
      key: "servicePort",
      type: "integer",
      default: 80,
      description:
        "TCP port of the service: the load balancer listener, the web servers and the interface endpoint use it (not 22).",
    },
    {
      key: "acceptanceRequired",
      type: "boolean",
      default: true,
      description:
        "The provider must accept each endpoint connection, as in the seed; false lets AWS accept at once.",
    },
    {
      key: "acceptConnection",
      type: "boolean",
      default: true,
      description:
        "Accept the consumer endpoint's connection in this stack. Deploy with false first to see pendingAcceptance, " +
        "then set true and update (needs acceptanceRequired).",
    },
    {
      key: "allowedPrincipals",
      type: "string",
      default: "",
      description:
        "Comma-separated IAM ARNs (account root, role or user) allowed to connect to the service besides this " +
        "account's root, e.g. arn:aws:iam::111122223333:root.",
    },
    {
      key: "providerCidr",
      type: "string",
      default: "10.1.0.0/16",
      description:
        "IPv4 block of the provider VPC (the web servers and the load balancer); must not overlap consumerCidr.",
    },
    {
      key: "consumerCidr",
      type: "string",
      default: "10.0.0.0/16",
      description:
        "IPv4 block of the consumer VPC (the consumer host and the interface endpoint); must not overlap providerCidr.",
    },
  ],
  variants: [
    { name: "pending-acceptance", config: { acceptConnection: "false" } },
    { name: "no-acceptance", config: { acceptanceRequired: "false" } },
    { name: "two-servers-two-azs", config: { webServers: "2", azCount: "2" } },
  ],
  run(config) {
    const instanceType = config.string("instanceType");
    const azCount = config.integer("azCount", { min: 1, max: 4 });
    const options = readOptions(config);
    const region = currentRegion();
    const expectations = endpointServiceExpectations(options);
    const provider = buildProvider(options, instanceType, azCount);
    const consumer = buildConsumer(
      options,
      instanceType,
      azCount,
      provider.service,
      expectations,
      (endpoint) => ({
        region,
        hosts: {
          [CONSUMER_HOST]: { vpcCidrs: [options.cidrs.consumer] },
          ...Object.fromEntries(
            provider.servers.map((s, i) => [
              `web-server-${i + 1}`,
              { vpcCidrs: [options.cidrs.provider], privateIp: s.privateIp },
            ]),
          ),
        },
        endpoints: { [ENDPOINT]: endpoint.dnsNames.apply((names) => names[0]) },
      }),
    );
    const checks = pulumi
      .all([
        region,
        consumer.endpoint.endpointId,
        // The regional name: InterfaceEndpoint lists it before the per-AZ ones.
        consumer.endpoint.dnsNames.apply((names) => names[0]),
        provider.service.serviceId,
        consumer.vpc.vpcId,
        consumer.host.instanceId,
        consumer.host.privateIp,
        provider.servers[0].instanceId,
        provider.servers[0].privateIp,
      ])
      .apply(([r, endpointId, dnsName, serviceId, consumerVpcId, hostId, hostIp, webId, webIp]) =>
        endpointServiceChecks(options, {
          region: r,
          endpointId,
          dnsName,
          serviceId,
          consumerVpcId,
          consumerHostId: hostId,
          consumerHostIp: hostIp,
          webId,
          webIp,
        }),
      );

    return {
      outputs: {
        region,
        providerVpcId: provider.vpc.vpcId,
        consumerVpcId: consumer.vpc.vpcId,
        serviceName: provider.service.serviceName,
        serviceId: provider.service.serviceId,
        loadBalancerDnsName: provider.service.loadBalancerDnsName,
        serviceAvailabilityZones: provider.service.availabilityZones,
        serviceAvailabilityZoneIds: provider.service.availabilityZoneIds,
        allowedPrincipals: provider.service.allowedPrincipalArns,
        endpointId: consumer.endpoint.endpointId,
        endpointDnsNames: consumer.endpoint.dnsNames,
        endpointSubnetIds: consumer.endpointSubnetIds,
        endpointState: consumer.endpointState,
        consumerHostId: consumer.host.instanceId,
        consumerHostPrivateIp: consumer.host.privateIp,
        probeNames: probeNamesOutput(consumer.names, { [CONSUMER_HOST]: consumer.host }),
        ...reachabilityOutputs(config, expectations, {
          hosts: {
            [CONSUMER_HOST]: consumer.host,
            ...Object.fromEntries(provider.servers.map((s, i) => [`web-server-${i + 1}`, s])),
          },
          endpoints: { [ENDPOINT]: consumer.endpoint.endpointId },
        }),
        webServerIds: provider.servers.map((s) => s.instanceId),
        webServerPrivateIps: provider.servers.map((s) => s.privateIp),
        providerInstanceConnectEndpointId: provider.eice.endpointId,
        consumerInstanceConnectEndpointId: consumer.eice.endpointId,
      },
      expectations,
      checks,
    };
  },
};

/** The provider side: a closed VPC, the web servers, and the endpoint service in front of them. */
function buildProvider(options: EndpointServiceOptions, instanceType: string, azCount: number) {
  const { port, cidrs } = options;
  const vpc = new LabVpc("provider", {
    cidr: cidrs.provider,
    tiers: ["private"],
    azCount,
    instanceType,
  });
  const subnets = vpc.tier("private").subnets;
  const servers = Array.from({ length: options.webServers }, (_, i) => {
    const n = i + 1;
    return new LabInstance(`web-server-${n}`, {
      vpcId: vpc.vpcId,
      subnetId: subnets[i % subnets.length].id,
      instanceType,
      userData: webServerUserData(n, port),
      ingress: [
        {
          name: `service-${port}`,
          protocol: "tcp",
          fromPort: port,
          // PrivateLink traffic and health checks come from the load balancer's own
          // addresses, which lie in the provider VPC; no other address needs the port.
          peer: { cidr: cidrs.provider },
          description: `Port ${port} from the load balancer (provider VPC addresses)`,
        },
      ],
    });
  });
  const eice = new InstanceConnectEndpoint("provider-eice", {
    vpcId: vpc.vpcId,
    subnetId: subnets[0].id,
    targets: servers.map((s, i) => ({
      name: `web-server-${i + 1}`,
      securityGroupId: s.securityGroupId,
    })),
  });
  const service = new EndpointService(SERVICE, {
    vpcId: vpc.vpcId,
    subnets,
    targets: servers.map((s, i) => ({ name: `web-server-${i + 1}`, instanceId: s.instanceId })),
    port,
    acceptanceRequired: options.acceptanceRequired,
    allowedPrincipals: options.allowedPrincipals,
  });
  return { vpc, servers, eice, service };
}

/**
 * The consumer side: a closed VPC, a host, the interface endpoint in the service's AZs, and the
 * provider's acceptance of it when the lab accepts.
 */
function buildConsumer(
  options: EndpointServiceOptions,
  instanceType: string,
  azCount: number,
  service: EndpointService,
  expectations: Expectation[],
  namesOf: (endpoint: InterfaceEndpoint) => ProbeNamesInput,
) {
  const vpc = new LabVpc("consumer", {
    cidr: options.cidrs.consumer,
    tiers: ["private"],
    azCount,
    instanceType,
  });
  const subnets = vpc.tier("private").subnets;
  const endpointSubnetIds = consumerEndpointSubnetIds(subnets, service.availabilityZoneIds);
  const endpoint = new InterfaceEndpoint(ENDPOINT, {
    vpcId: vpc.vpcId,
    service: customService({
      title: "Endpoint Service Lab web",
      serviceName: service.serviceName,
      port: options.port,
    }),
    subnetIds: endpointSubnetIds,
    vpcCidr: options.cidrs.consumer,
    privateDns: "off",
  });
  // After the endpoint and the web servers, whose name and addresses the host's probes use.
  const names = namesOf(endpoint);
  const host = new LabInstance(CONSUMER_HOST, {
    vpcId: vpc.vpcId,
    subnetId: subnets[0].id,
    instanceType,
    probes: hostProbes(NAME, CONSUMER_HOST, expectations, names),
  });
  const eice = new InstanceConnectEndpoint("consumer-eice", {
    vpcId: vpc.vpcId,
    subnetId: subnets[0].id,
    targets: [{ name: CONSUMER_HOST, securityGroupId: host.securityGroupId }],
  });
  const accepter =
    options.acceptanceRequired && options.acceptConnection
      ? service.acceptConnection(ENDPOINT, endpoint.endpointId)
      : undefined;
  const endpointState = accepter ? accepter.vpcEndpointState : endpoint.endpoint.state;
  return { vpc, host, eice, endpoint, endpointSubnetIds, endpointState, names };
}

/** The lab's expectations for one configuration, as data. */
export function endpointServiceExpectations(options: EndpointServiceOptions): Expectation[] {
  const serviceTarget = { kind: "endpoint-service", via: ENDPOINT, port: options.port } as const;
  const throughEndpoint: Expectation[] = [
    {
      from: CONSUMER_HOST,
      to: serviceTarget,
      probe: "dns",
      outcome: "resolves-private",
      why: "the endpoint-specific name maps to the endpoint's network interfaces in the consumer subnets",
    },
    {
      from: CONSUMER_HOST,
      to: serviceTarget,
      probe: "request",
      outcome: "works",
      why: `the endpoint carries TCP ${options.port} over PrivateLink to the provider's load balancer, which forwards it to a web server`,
    },
  ];
  const pending: Expectation = {
    from: CONSUMER_HOST,
    to: serviceTarget,
    probe: "request",
    outcome: "times-out",
    why: "the endpoint is pendingAcceptance: no traffic flows until the provider accepts it",
  };
  return [
    ...(isAccepted(options) ? throughEndpoint : [pending]),
    ...Array.from({ length: options.webServers }, (_, i): Expectation => ({
      from: CONSUMER_HOST,
      to: { kind: "instance", host: `web-server-${i + 1}`, port: options.port },
      probe: "request",
      outcome: "times-out",
      why: `no peering, gateway or route joins the VPCs: the consumer's route tables know only ${options.cidrs.consumer}`,
    })),
  ];
}

/** The commands to run from the laptop, the consumer host and a web server, with what they print. */
export function endpointServiceChecks(
  options: EndpointServiceOptions,
  v: EndpointServiceValues,
): Check[] {
  const { cidrs } = options;
  const accepted = isAccepted(options);
  const r = v.region;
  const portSuffix = options.port === 80 ? "" : `:${options.port}`;
  const pageExpect =
    options.webServers === 1
      ? webPage(1)
      : `${webPage(1)} (or another server's number: the load balancer spreads new connections)`;
  const state = accepted ? "available" : "pendingAcceptance";
  const laptopSteps = [
    {
      run: `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${v.endpointId} --region ${r} --query "VpcEndpoints[0].State" --output text`,
      expect: state,
    },
    {
      run: `aws ec2 describe-vpc-endpoint-connections --filters Name=service-id,Values=${v.serviceId} --region ${r} --query "VpcEndpointConnections[].[VpcEndpointId,VpcEndpointState]" --output text`,
      expect: `${v.endpointId}\t${state}`,
    },
    {
      run: `aws ec2 describe-route-tables --filters Name=vpc-id,Values=${v.consumerVpcId} --region ${r} --query "RouteTables[].Routes[].DestinationCidrBlock" --output text`,
      expect: `only ${cidrs.consumer} (each table's local route): nothing leads to ${cidrs.provider}`,
    },
  ];
  if (!accepted) {
    laptopSteps.push({
      run: "pulumi config set acceptConnection true && pulumi up",
      expect: `creates ${SERVICE}-accept-${ENDPOINT}; the two commands above then print available, and the consumer-host checks get the page`,
    });
  }
  const noRoute = {
    run: `curl -sS --connect-timeout 5 http://${v.webIp}${portSuffix}/`,
    expect: `curl: (28) ... timed out after about 5000 ms: nothing routes the consumer VPC to ${cidrs.provider}`,
  };
  const consumerSteps = accepted
    ? [
        {
          run: `dig +short ${v.dnsName}`,
          expect: `one address per endpoint subnet, inside ${cidrs.consumer} (the endpoint's network interfaces)`,
        },
        { run: `curl -sS http://${v.dnsName}${portSuffix}/`, expect: pageExpect },
        noRoute,
      ]
    : [
        {
          run: `curl -sS --connect-timeout 5 http://${v.dnsName}${portSuffix}/`,
          expect:
            "no page (curl times out, or the name does not resolve yet): the provider has not accepted the connection",
        },
        noRoute,
      ];
  const checks: Check[] = [
    {
      host: LAPTOP,
      connect: "a terminal on your own machine (AWS CLI v2), with the credentials `pulumi up` used",
      steps: laptopSteps,
    },
    { host: CONSUMER_HOST, connect: eiceSsh(v.consumerHostId, r), steps: consumerSteps },
  ];
  if (accepted) {
    checks.push({
      host: "web-server-1",
      connect: eiceSsh(v.webId, r),
      steps: [
        {
          run: "sudo journalctl -u lab-web --no-pager | grep '\"GET ' | tail -n 5",
          expect: `requests from addresses inside ${cidrs.provider} (the load balancer's), never the consumer host's ${v.consumerHostIp}; Proxy Protocol is off`,
        },
        { run: `curl -sS http://localhost${portSuffix}/`, expect: webPage(1) },
      ],
    });
  }
  return checks;
}
