/**
 * The lab VPC's subnet plan. Pure logic (no resources, no AWS); its refusals are UserErrors.
 */
import {
  Cidr,
  formatCidr,
  MAX_PREFIX,
  MIN_PREFIX,
  nthSubnet,
  overlaps,
  contains,
  parseCidr,
} from "../model/cidr";
import { UserError } from "./user-error";

export type Tier = "public" | "private";
export const TIERS: readonly Tier[] = ["public", "private"];

export interface SubnetPlanInput {
  /** The VPC block. */
  vpcCidr: string;
  /** Tiers in the VPC, each getting one subnet per AZ. */
  tiers: readonly Tier[];
  azCount: number;
  /** Subnet prefix length; by default /24 when it fits, else the largest equal split. */
  subnetPrefix?: number;
  /** Explicit blocks per tier (one per AZ), instead of the computed plan. */
  subnetCidrs?: Partial<Record<Tier, readonly string[]>>;
}

export interface PlannedSubnet {
  tier: Tier;
  /** 0-based index of the AZ among the Region's available AZs. */
  azIndex: number;
  cidr: string;
}

export const MAX_AZ_COUNT = 4;

/**
 * Lays out one subnet per tier per AZ. Blocks are allocated AZ by AZ (`public-1`, `private-1`,
 * `public-2`, ...), so adding an AZ never moves an existing subnet, and with a /16 and one AZ the
 * plan is the labs' familiar 10.0.0.0/24 public, 10.0.1.0/24 private.
 */
export function planSubnets(input: SubnetPlanInput): PlannedSubnet[] {
  const vpc = parseCidr(input.vpcCidr, "cidr");
  if (vpc.prefix < MIN_PREFIX || vpc.prefix > MAX_PREFIX) {
    throw new UserError(
      `cidr: "${input.vpcCidr}" must be between /${MIN_PREFIX} and /${MAX_PREFIX} (AWS VPC limits)`,
    );
  }
  if (!Number.isInteger(input.azCount) || input.azCount < 1 || input.azCount > MAX_AZ_COUNT) {
    throw new UserError(
      `azCount: must be a whole number from 1 to ${MAX_AZ_COUNT}; got ${input.azCount}`,
    );
  }
  if (input.tiers.length === 0) {
    throw new UserError("tiers: name at least one of public, private");
  }
  if (new Set(input.tiers).size !== input.tiers.length) {
    throw new UserError(`tiers: each tier may appear once; got ${input.tiers.join(", ")}`);
  }
  const planned = input.subnetCidrs
    ? explicitPlan(vpc, input)
    : computedPlan(vpc, input.tiers, input.azCount, input.subnetPrefix);
  assertNoOverlap(planned);
  return planned;
}

function computedPlan(
  vpc: Cidr,
  tiers: readonly Tier[],
  azCount: number,
  subnetPrefix: number | undefined,
): PlannedSubnet[] {
  const needed = tiers.length * azCount;
  const bitsNeeded = Math.ceil(Math.log2(needed));
  const smallestFitting = vpc.prefix + bitsNeeded;
  const prefix = subnetPrefix ?? Math.max(24, smallestFitting);
  if (prefix > MAX_PREFIX || smallestFitting > MAX_PREFIX) {
    throw new UserError(
      `cidr: ${formatCidr(vpc)} is too small for ${needed} subnets (${tiers.length} tiers x ${azCount} AZs) of at least /${MAX_PREFIX}; use a larger block or fewer AZs`,
    );
  }
  if (prefix < vpc.prefix || prefix > MAX_PREFIX) {
    throw new UserError(
      `subnetPrefix: /${prefix} must lie between the VPC's /${vpc.prefix} and /${MAX_PREFIX}`,
    );
  }
  if (needed > 2 ** (prefix - vpc.prefix)) {
    throw new UserError(
      `subnetPrefix: ${needed} subnets of /${prefix} do not fit in ${formatCidr(vpc)}; use /${smallestFitting} or longer`,
    );
  }
  const plan: PlannedSubnet[] = [];
  for (let azIndex = 0; azIndex < azCount; azIndex++) {
    tiers.forEach((tier, tierIndex) => {
      const cidr = nthSubnet(vpc, prefix, azIndex * tiers.length + tierIndex);
      plan.push({ tier, azIndex, cidr: formatCidr(cidr) });
    });
  }
  return plan;
}

function explicitPlan(vpc: Cidr, input: SubnetPlanInput): PlannedSubnet[] {
  const given = input.subnetCidrs ?? {};
  for (const tier of Object.keys(given)) {
    if (!input.tiers.includes(tier as Tier)) {
      throw new UserError(
        `subnetCidrs.${tier}: the VPC has no ${tier} tier (tiers: ${input.tiers.join(", ")})`,
      );
    }
  }
  const plan: PlannedSubnet[] = [];
  for (const tier of input.tiers) {
    const blocks = given[tier];
    if (!blocks || blocks.length !== input.azCount) {
      throw new UserError(
        `subnetCidrs.${tier}: give one block per AZ (${input.azCount}); got ${blocks?.length ?? 0}`,
      );
    }
    blocks.forEach((text, azIndex) => {
      const block = parseCidr(text, `subnetCidrs.${tier}[${azIndex}]`);
      if (block.prefix > MAX_PREFIX) {
        throw new UserError(
          `subnetCidrs.${tier}[${azIndex}]: "${text}" is smaller than /${MAX_PREFIX}`,
        );
      }
      if (!contains(vpc, block)) {
        throw new UserError(
          `subnetCidrs.${tier}[${azIndex}]: "${text}" lies outside the VPC block ${formatCidr(vpc)}`,
        );
      }
      plan.push({ tier, azIndex, cidr: formatCidr(block) });
    });
  }
  return plan;
}

function assertNoOverlap(plan: readonly PlannedSubnet[]): void {
  for (let i = 0; i < plan.length; i++) {
    for (let j = i + 1; j < plan.length; j++) {
      const a = parseCidr(plan[i].cidr, "subnet");
      const b = parseCidr(plan[j].cidr, "subnet");
      if (overlaps(a, b)) {
        throw new UserError(
          `subnetCidrs: ${plan[i].tier} ${plan[i].cidr} overlaps ${plan[j].tier} ${plan[j].cidr}; subnets of one VPC must not overlap`,
        );
      }
    }
  }
}
