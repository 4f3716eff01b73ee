/**
 * Which Availability Zones a lab VPC spans. Pure: no Pulumi, no AWS.
 *
 * Not every zone of a Region offers every instance type or every endpoint service: a zone AWS
 * closed to new capacity keeps only older instance families, and RunInstances or
 * CreateVpcEndpoint then fail with "... is not supported in your requested Availability Zone".
 * So zones are taken in the Region's order, skipping those that lack something the lab needs.
 * In the usual Region every zone qualifies and the choice is the first `azCount`, as before.
 */
import { UserError } from "./user-error";

/** The Region's zones as `getAvailabilityZones` lists them: names and AZ IDs, in one order. */
export interface RegionZones {
  region: string;
  names: readonly string[];
  zoneIds: readonly string[];
}

/** Something the lab needs in each of its zones, and the zone names that offer it. */
export interface ZoneRequirement {
  /** How the requirement reads in an error, naming the argument: `instanceType "t4g.nano"`. */
  label: string;
  offeredIn: readonly string[];
}

/**
 * The first `azCount` zones that meet every requirement, in the Region's order. Throws naming
 * azCount and the requirements, and the zones that do fit, when there are too few.
 */
export function chooseZones(
  zones: RegionZones,
  requirements: readonly ZoneRequirement[],
  azCount: number,
  what: string,
): { names: string[]; zoneIds: string[] } {
  const sets = requirements.map((r) => new Set(r.offeredIn));
  const fitting = zones.names
    .map((name, i) => ({ name, zoneId: zones.zoneIds[i] }))
    .filter((z) => sets.every((s) => s.has(z.name)));
  if (fitting.length < azCount) {
    const needs = requirements.map((r) => r.label).join(" and ");
    const fits = fitting.map((z) => `${z.name} (${z.zoneId})`).join(", ");
    throw new UserError(
      requirements.length === 0
        ? `${what}: azCount ${azCount} exceeds the ${zones.names.length} available Availability Zones of ${zones.region}; lower azCount`
        : `${what}: azCount ${azCount} needs ${azCount} Availability Zone${azCount === 1 ? "" : "s"} offering ${needs}, but ` +
            `${fitting.length === 0 ? "none" : `only ${fits}`} of ${zones.region}'s ${zones.names.length} ` +
            `${fitting.length === 1 ? "does" : "do"}; lower azCount, or pick an instanceType ` +
            `(or a Region) offered in more zones`,
    );
  }
  const chosen = fitting.slice(0, azCount);
  return { names: chosen.map((z) => z.name), zoneIds: chosen.map((z) => z.zoneId) };
}
