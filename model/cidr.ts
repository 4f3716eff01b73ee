/**
 * IPv4 CIDR arithmetic: parsing what a user types (with errors that name the argument), and
 * comparing blocks. Pure, at the bottom of the tree: the model, the components and the labs
 * all use it.
 */

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

/** AWS accepts VPC and subnet blocks from /16 to /28. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}

export function formatCidr(c: Cidr): string {
  return `${formatAddress(c.base)}/${c.prefix}`;
}

/**
 * Parses `a.b.c.d/n`. `what` names the argument in the error, so the caller's user knows which
 * value to fix.
 */
export function parseCidr(text: string, what: string): Cidr {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) {
    throw new Error(`${what}: "${text}" is not an IPv4 CIDR block such as 10.0.0.0/16`);
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) {
    throw new Error(`${what}: "${text}" is not an IPv4 CIDR block such as 10.0.0.0/16`);
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const base = prefix === 0 ? 0 : (address & (~0 << (32 - prefix))) >>> 0;
  if (base !== address) {
    throw new Error(
      `${what}: "${text}" has host bits set; did you mean ${formatCidr({ base, prefix })}?`,
    );
  }
  return { base, prefix };
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

/** The `index`-th block of length `prefix` inside `within`. */
export function nthSubnet(within: Cidr, prefix: number, index: number): Cidr {
  return { base: within.base + index * 2 ** (32 - prefix), prefix };
}
