/**
 * IPv4 blocks as the model compares them. Unlike parseCidr in ./cidr.ts, which validates what a
 * user types, this reads what AWS reports and never throws: an address is a /32, host bits are
 * masked, and anything else is "not an IPv4 block" (undefined).
 */
import { Cidr, contains } from "./cidr";

export type { Cidr };

/** `a.b.c.d/n` or `a.b.c.d`, or undefined when the text is neither. */
export function toCidr(text: unknown): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = match[5] === undefined ? 32 : Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const base = prefix === 0 ? 0 : (address & (~0 << (32 - prefix))) >>> 0;
  return { base, prefix };
}

/** True when `outer` holds every address of `inner`; false when either is not IPv4. */
export function covers(outer: unknown, inner: unknown): boolean {
  const o = toCidr(outer);
  const i = toCidr(inner);
  return o !== undefined && i !== undefined && contains(o, i);
}

/** Prefix length of a block, or -1 when it is not IPv4. */
export function prefixLength(text: unknown): number {
  return toCidr(text)?.prefix ?? -1;
}

/** 0.0.0.0/0: every IPv4 address. */
export const ANYWHERE = "0.0.0.0/0";
