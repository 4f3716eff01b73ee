/**
 * What a DNS name resolves to for a client, given the VPC's DNS attributes and the interface
 * endpoints in it. Pure; model/network.ts reads the facts from the graph.
 *
 * - A gateway endpoint never changes DNS: the service keeps its public addresses and the route
 *   table does the rest.
 * - Interface endpoint private DNS answers the service's default name with the endpoint's private
 *   addresses, for clients using the VPC's resolver, when the VPC has both enableDnsSupport and
 *   enableDnsHostnames on.
 * - S3's `inbound-resolver-only` keeps public answers for clients in the VPC (they use the
 *   gateway endpoint); only queries through a Route 53 Resolver inbound endpoint get private ones.
 * - Endpoint-specific names (vpce-...) are public records with private addresses: they resolve
 *   the same from anywhere, and the addresses are reachable only from the VPC or networks
 *   connected to it.
 */

/** The resolver a client in a VPC uses. */
export interface VpcDns {
  vpcId: string;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
}

/** An interface endpoint, as far as DNS is concerned. */
export interface EndpointDns {
  id: string;
  vpcId?: string;
  /** Last part of the service name: s3, dynamodb, cloudformation... */
  service: string;
  privateDnsEnabled: boolean;
  /** S3's `dnsOptions.privateDnsOnlyForInboundResolverEndpoint`. */
  inboundResolverOnly: boolean;
}

export type DnsAnswer =
  | { kind: "private"; endpointId: string; detail: string }
  | { kind: "public"; detail: string }
  | { kind: "no-answer"; detail: string };

/**
 * The service's default name (`<service>.<region>.amazonaws.com`, or a bucket's virtual-hosted
 * name) as a client sees it. `client` undefined means a client outside every VPC.
 */
export function resolveDefaultName(
  name: string,
  service: string,
  client: VpcDns | undefined,
  endpoints: readonly EndpointDns[],
): DnsAnswer {
  if (!client) {
    return { kind: "public", detail: `${name} answers public addresses outside the VPC` };
  }
  if (!client.enableDnsSupport) return noResolver(client);
  const candidates = endpoints.filter(
    (e) => e.vpcId === client.vpcId && e.service === service && e.privateDnsEnabled,
  );
  if (candidates.length === 0) {
    return {
      kind: "public",
      detail: `${name} answers public addresses: no ${service} interface endpoint with private DNS in ${client.vpcId}`,
    };
  }
  const endpoint = candidates[0];
  if (!client.enableDnsHostnames) {
    return {
      kind: "public",
      detail: `${name} answers public addresses: private DNS of ${endpoint.id} needs enableDnsHostnames, which ${client.vpcId} has off`,
    };
  }
  if (endpoint.inboundResolverOnly) {
    return {
      kind: "public",
      detail: `${name} answers public addresses in ${client.vpcId}: ${endpoint.id} has private DNS for inbound resolver endpoints only`,
    };
  }
  return {
    kind: "private",
    endpointId: endpoint.id,
    detail: `${name} answers the private addresses of interface endpoint ${endpoint.id} (private DNS)`,
  };
}

/** An endpoint-specific name (vpce-...): private addresses, from anywhere. */
export function resolveEndpointName(
  name: string,
  endpointId: string,
  client: VpcDns | undefined,
): DnsAnswer {
  if (client && !client.enableDnsSupport) return noResolver(client);
  return {
    kind: "private",
    endpointId,
    detail: `${name} answers the private addresses of interface endpoint ${endpointId}`,
  };
}

/** A client whose VPC resolver is off: no name resolves. */
export function noResolver(client: VpcDns): DnsAnswer {
  return {
    kind: "no-answer",
    detail: `${client.vpcId} has enableDnsSupport off: the Amazon-provided resolver does not answer`,
  };
}
