/**
 * Which consumer subnets an interface endpoint to an endpoint service may use. Pure: no Pulumi,
 * no AWS.
 *
 * An endpoint service is offered only in the Availability Zones of its load balancer, and a
 * consumer can place endpoint network interfaces only in those zones. Zones are compared by AZ
 * ID (apne2-az1): AZ names (ap-northeast-2a) are shuffled per account, so the same name can be a
 * different zone for the provider and for the consumer.
 */
import { UserError } from "./user-error";

/** A subnet and the AZ ID it lives in. */
export interface ZonedSubnet {
  id: string;
  azId: string;
}

/**
 * The subnets, in the order given, that lie in an AZ the service offers; at most one per AZ (the
 * first), because an interface endpoint takes one subnet per Availability Zone. Throws, listing
 * both sides' AZ IDs, when none qualifies.
 */
export function endpointSubnets(
  subnets: readonly ZonedSubnet[],
  serviceAzIds: readonly string[],
  what: string,
): string[] {
  if (subnets.length === 0) {
    throw new UserError(`${what}: no consumer subnets were given; give at least one per client AZ`);
  }
  if (serviceAzIds.length === 0) {
    throw new UserError(
      `${what}: the endpoint service lists no Availability Zones; its load balancer needs at least one subnet`,
    );
  }
  const offered = new Set(serviceAzIds);
  const taken = new Set<string>();
  const picked: string[] = [];
  for (const subnet of subnets) {
    if (offered.has(subnet.azId) && !taken.has(subnet.azId)) {
      taken.add(subnet.azId);
      picked.push(subnet.id);
    }
  }
  if (picked.length === 0) {
    const consumerZones = [...new Set(subnets.map((s) => s.azId))].join(", ");
    throw new UserError(
      `${what}: no consumer subnet is in an Availability Zone the endpoint service offers ` +
        `(consumer subnets: ${consumerZones}; service: ${[...offered].join(", ")}); ` +
        `add a consumer subnet in one of the service's AZ IDs, or a load balancer subnet in one of the consumer's`,
    );
  }
  return picked;
}

/** The distinct AZ IDs of the subnets, in order; throws when two subnets share one. */
export function oneSubnetPerZone(subnets: readonly ZonedSubnet[], what: string): string[] {
  const seen = new Map<string, string>();
  for (const subnet of subnets) {
    const other = seen.get(subnet.azId);
    if (other !== undefined) {
      throw new UserError(
        `${what}: subnets ${other} and ${subnet.id} are both in ${subnet.azId}; a load balancer takes one subnet per Availability Zone`,
      );
    }
    seen.set(subnet.azId, subnet.id);
  }
  return [...seen.keys()];
}
