import { NetworkIndex, VpcRef, displayVpc, indexNetwork, vpcOf, vpcOfSubnet } from "./network";
import {
  Finding,
  ResourceRule,
  StackResource,
  StackRule,
  stringList,
  unknownFinding,
} from "./rules";
import { isKnownString, isUnknown } from "./unknowns";

/**
 * Guardrails for errors AWS only reports when the endpoint is created. Each one is caught here
 * at preview instead, from the resources of the stack.
 */

export const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
export const INSTANCE_CONNECT_ENDPOINT =
  "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint";

/** `com.amazonaws.us-east-1.s3` -> `s3`; names that do not follow the pattern come back whole. */
export function serviceOf(serviceName: string): string {
  const match = /(?:^|\.)amazonaws\.[a-z0-9-]+\.(.+)$/.exec(serviceName);
  return match ? match[1] : serviceName;
}

/** `Gateway` is the provider's default when `vpcEndpointType` is not set. */
function endpointType(r: StackResource): "gateway" | "interface" | "other" | "unknown" {
  const t = r.props.vpcEndpointType;
  if (t === undefined || t === null || t === "") {
    return "gateway";
  }
  if (isUnknown(t)) {
    return "unknown";
  }
  const lower = String(t).toLowerCase();
  return lower === "gateway" || lower === "interface" ? lower : "other";
}

function service(r: StackResource): string | undefined {
  const name = r.props.serviceName;
  return isKnownString(name) ? serviceOf(name) : undefined;
}

function isKnownVpc(ref: VpcRef | undefined): ref is { key: string; vpc?: StackResource } {
  return ref !== undefined && "key" in ref;
}

export const vpcEndpointPrivateDnsRequiresVpcDns: StackRule<Record<string, never>> = {
  kind: "stack",
  name: "vpc-endpoint-private-dns-requires-vpc-dns",
  appliesTo: VPC_ENDPOINT,
  description:
    "Checks that interface VPC endpoints with private DNS are in a VPC with both enableDnsSupport and enableDnsHostnames turned on.",
  enforcementLevel: "advisory",
  settings: () => ({}),
  check: (resources) => {
    const index = indexNetwork(resources);
    const findings: Finding[] = [];
    for (const ep of resources) {
      // `privateDnsEnabled` is computed by the provider when the program leaves it unset, so an
      // unknown value during preview means "not set" (false), not "maybe true".
      if (ep.type !== VPC_ENDPOINT || ep.props.privateDnsEnabled !== true) {
        continue;
      }
      if (endpointType(ep) !== "interface") {
        continue;
      }
      const ref = vpcOf(ep, index);
      if (ref && "unknown" in ref) {
        findings.push(
          unknownFinding(ep, ref.unknown.resource, ref.unknown.path, `VPC endpoint '${ep.name}'`),
        );
        continue;
      }
      if (!isKnownVpc(ref) || !ref.vpc) {
        continue; // a VPC outside this stack: its attributes are not visible here
      }
      const vpc = ref.vpc;
      const support = vpc.props.enableDnsSupport;
      const hostnames = vpc.props.enableDnsHostnames;
      // AWS defaults: DNS support on, DNS hostnames off (for every VPC but the default one).
      const off = [
        ...(support === false ? ["enableDnsSupport"] : []),
        ...(hostnames !== true && !isUnknown(hostnames) ? ["enableDnsHostnames"] : []),
      ];
      const pending = isUnknown(support)
        ? "enableDnsSupport"
        : isUnknown(hostnames)
          ? "enableDnsHostnames"
          : undefined;
      if (!off.length && pending) {
        findings.push(unknownFinding(ep, vpc, [pending], `VPC endpoint '${ep.name}'`));
        continue;
      }
      if (off.length) {
        findings.push({
          urn: ep.urn,
          message:
            `VPC endpoint '${ep.name}' (${ep.props.serviceName}) enables private DNS, but VPC ` +
            `${displayVpc(ref)} does not turn on ${off.join(" and ")}; AWS rejects the endpoint ` +
            "when it is created. Set enableDnsSupport: true and enableDnsHostnames: true on the " +
            "VPC, or set privateDnsEnabled: false and use the endpoint-specific DNS names.",
        });
      }
    }
    return findings;
  },
};

export const s3InterfaceEndpointResolverDnsRequiresGateway: StackRule<Record<string, never>> = {
  kind: "stack",
  name: "s3-interface-endpoint-resolver-dns-requires-gateway",
  appliesTo: VPC_ENDPOINT,
  description:
    "Checks that an S3 interface endpoint with private DNS only for inbound resolver endpoints has an S3 gateway endpoint in the same VPC, created before it.",
  enforcementLevel: "advisory",
  settings: () => ({}),
  check: (resources) => {
    const index = indexNetwork(resources);
    const gateways = new Map<string, StackResource[]>();
    const gatewaysOutside: StackResource[] = [];
    const resolverOnly: StackResource[] = [];
    for (const ep of resources) {
      if (ep.type !== VPC_ENDPOINT || service(ep) !== "s3") {
        continue;
      }
      const type = endpointType(ep);
      if (type === "gateway") {
        const ref = vpcOf(ep, index);
        if (isKnownVpc(ref)) {
          gateways.set(ref.key, [...(gateways.get(ref.key) ?? []), ep]);
        } else {
          gatewaysOutside.push(ep);
        }
      } else if (type === "interface" && resolverOnlyDns(ep)) {
        resolverOnly.push(ep);
      }
    }
    if (resolverOnly.length === 0) {
      return [];
    }
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const findings: Finding[] = [];
    for (const ep of resolverOnly) {
      const what = `S3 interface endpoint '${ep.name}'`;
      const ref = vpcOf(ep, index);
      if (ref && "unknown" in ref) {
        findings.push(unknownFinding(ep, ref.unknown.resource, ref.unknown.path, what));
        continue;
      }
      if (!isKnownVpc(ref)) {
        continue;
      }
      const sameVpc = gateways.get(ref.key) ?? [];
      if (sameVpc.length === 0) {
        if (gatewaysOutside.length) {
          const g = gatewaysOutside[0];
          findings.push(unknownFinding(ep, g, ["vpcId"], what));
        } else if (ref.vpc) {
          findings.push({
            urn: ep.urn,
            message:
              `${what} sets dnsOptions.privateDnsOnlyForInboundResolverEndpoint, which AWS accepts ` +
              `only when the VPC already has an S3 gateway endpoint; VPC ${displayVpc(ref)} has none ` +
              "in this stack, so the create fails with InvalidParameter. Add an S3 gateway endpoint " +
              "on the VPC's route tables and make this endpoint depend on it.",
          });
        }
        continue;
      }
      if (
        ep.dependencies !== undefined &&
        !dependsOnAny(ep, new Set(sameVpc.map((g) => g.urn)), byUrn)
      ) {
        findings.push({
          urn: ep.urn,
          message:
            `${what} sets dnsOptions.privateDnsOnlyForInboundResolverEndpoint but does not depend on ` +
            `the S3 gateway endpoint '${sameVpc[0].name}', so both may be created at once and AWS ` +
            "rejects the interface endpoint (InvalidParameter). Add " +
            `dependsOn: [${sameVpc[0].name}] to the interface endpoint.`,
        });
      }
    }
    return findings;
  },
};

function resolverOnlyDns(ep: StackResource): boolean {
  // Like `privateDnsEnabled`, `dnsOptions` is computed when left unset: unknown means unset.
  const options = ep.props.dnsOptions;
  if (options === null || typeof options !== "object") {
    return false;
  }
  return (options as Record<string, unknown>).privateDnsOnlyForInboundResolverEndpoint === true;
}

/** Walks dependencies (explicit and through properties) from `start`; visits each URN once. */
function dependsOnAny(
  start: StackResource,
  targets: ReadonlySet<string>,
  byUrn: ReadonlyMap<string, StackResource>,
): boolean {
  const seen = new Set<string>([start.urn]);
  const queue: StackResource[] = [start];
  while (queue.length) {
    const r = queue.pop()!;
    const next = [...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()];
    for (const urn of next) {
      if (targets.has(urn)) {
        return true;
      }
      const dep = byUrn.get(urn);
      if (dep && !seen.has(urn)) {
        seen.add(urn);
        queue.push(dep);
      }
    }
  }
  return false;
}

export interface GatewayServiceSettings {
  readonly gatewayServices: readonly string[];
}

export const vpcGatewayEndpointServiceSupported: ResourceRule<GatewayServiceSettings> = {
  kind: "resource",
  name: "vpc-gateway-endpoint-service-supported",
  description:
    "Checks that gateway VPC endpoints are only created for services that offer them (S3 and DynamoDB).",
  enforcementLevel: "advisory",
  types: [VPC_ENDPOINT],
  configSchema: {
    properties: {
      gatewayServices: {
        type: "array",
        items: { type: "string" },
        description:
          "Service suffixes (after com.amazonaws.<region>.) that offer gateway endpoints.",
        default: ["s3", "dynamodb"],
      },
    },
  },
  settings: (config) => ({
    gatewayServices: stringList(config, "gatewayServices", ["s3", "dynamodb"]),
  }),
  check: (ep, settings) => {
    const type = endpointType(ep);
    if (type === "unknown") {
      return [unknownFinding(ep, ep, ["vpcEndpointType"], `VPC endpoint '${ep.name}'`)];
    }
    if (type !== "gateway") {
      return [];
    }
    const name = ep.props.serviceName;
    if (isUnknown(name)) {
      return [unknownFinding(ep, ep, ["serviceName"], `VPC endpoint '${ep.name}'`)];
    }
    if (!isKnownString(name)) {
      return [];
    }
    const svc = serviceOf(name);
    if (settings.gatewayServices.includes(svc)) {
      return [];
    }
    const implicit = ep.props.vpcEndpointType === undefined;
    return [
      {
        urn: ep.urn,
        message:
          `VPC endpoint '${ep.name}' is a gateway endpoint${implicit ? " (the default when vpcEndpointType is not set)" : ""} ` +
          `for ${name}, but only ${settings.gatewayServices.join(" and ")} offer gateway endpoints; ` +
          'AWS rejects it when it is created. Set vpcEndpointType: "Interface" with subnetIds and ' +
          "securityGroupIds (TCP 443 from the clients).",
      },
    ];
  },
};

export const ec2InstanceConnectEndpointOnePerVpc: StackRule<Record<string, never>> = {
  kind: "stack",
  name: "ec2-instance-connect-endpoint-one-per-vpc",
  appliesTo: INSTANCE_CONNECT_ENDPOINT,
  description:
    "Checks that a VPC has at most one EC2 Instance Connect Endpoint, the limit AWS enforces.",
  enforcementLevel: "advisory",
  settings: () => ({}),
  check: (resources) => {
    const endpoints = resources.filter((r) => r.type === INSTANCE_CONNECT_ENDPOINT);
    if (endpoints.length < 2) {
      return [];
    }
    const index: NetworkIndex = indexNetwork(resources);
    const byVpc = new Map<
      string,
      { ref: { key: string; vpc?: StackResource }; eps: StackResource[] }
    >();
    const findings: Finding[] = [];
    for (const ep of endpoints) {
      // `vpcId` is an output; before the endpoint exists its VPC is found through its subnet.
      const direct = vpcOf(ep, index);
      const ref = isKnownVpc(direct) ? direct : (vpcOfSubnet(ep, index) ?? direct);
      if (ref && "unknown" in ref) {
        findings.push(
          unknownFinding(
            ep,
            ref.unknown.resource,
            ref.unknown.path,
            `Instance Connect Endpoint '${ep.name}'`,
          ),
        );
        continue;
      }
      if (!isKnownVpc(ref)) {
        continue;
      }
      const group = byVpc.get(ref.key) ?? { ref, eps: [] };
      group.eps.push(ep);
      byVpc.set(ref.key, group);
    }
    for (const { ref, eps } of byVpc.values()) {
      const [first, ...extra] = eps;
      for (const ep of extra) {
        findings.push({
          urn: ep.urn,
          message:
            `EC2 Instance Connect Endpoint '${ep.name}' is another one in VPC ${displayVpc(ref)}, ` +
            `which already has '${first.name}'; AWS allows one per VPC, so the create fails. Remove ` +
            `it and connect through '${first.name}': one endpoint reaches instances in every subnet ` +
            "of its VPC that its security group can reach.",
        });
      }
    }
    return findings;
  },
};
