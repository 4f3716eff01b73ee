/**
 * The address block a bastion accepts SSH from. Pure: no Pulumi, no AWS.
 */
import { contains, formatCidr, parseCidr } from "../model/cidr";

/** How a person finds the value to set: their public IPv4 address as a /32. */
export const ADMIN_CIDR_HINT =
  "pulumi config set adminCidr $(curl -s https://checkip.amazonaws.com)/32";

export type AdminCidrCheck = { ok: true; cidr: string } | { ok: false; problem: string };

/**
 * Accepts one IPv4 block that is not the whole internet and returns it normalised; otherwise
 * says what is wrong and how to fix it, in words that complete `adminCidr ...`.
 *
 * IPv6 is refused: the lab VPC and its hosts are IPv4 only, so an IPv6 source could never reach
 * the bastion. `::/0` gets the same explanation as `0.0.0.0/0`, since that is what it would mean.
 */
export function checkAdminCidr(text: string): AdminCidrCheck {
  const value = text.trim();
  if (value === "") {
    return { ok: false, problem: `is empty; set it with \`${ADMIN_CIDR_HINT}\`` };
  }
  const ipv6 = value.includes(":");
  if (/\/0+$/.test(value)) {
    return { ok: false, problem: worldOpen(value, ipv6 ? "::/0" : "0.0.0.0/0") };
  }
  if (ipv6) {
    return {
      ok: false,
      problem: `"${value}" is an IPv6 block, but the lab VPC and the bastion are IPv4 only, so SSH from it could never arrive; use your public IPv4 address as a /32: \`${ADMIN_CIDR_HINT}\``,
    };
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
    return {
      ok: false,
      problem: `"${value}" is an address, not a CIDR block; did you mean ${value}/32?`,
    };
  }
  let cidr;
  try {
    cidr = parseCidr(value, "adminCidr");
  } catch (err) {
    const reason = (err as Error).message.replace(/^adminCidr: /, "");
    return { ok: false, problem: `${reason}; set your own address with \`${ADMIN_CIDR_HINT}\`` };
  }
  const range = NOT_ON_THE_INTERNET.find((r) => contains(parseCidr(r, "range"), cidr));
  if (range !== undefined) {
    return {
      ok: false,
      problem:
        `"${value}" lies in ${range}, a range that never appears on the internet, but the bastion ` +
        `is reached over the internet, where SSH arrives from public addresses; give your public ` +
        `IPv4 address as a /32: \`${ADMIN_CIDR_HINT}\``,
    };
  }
  return { ok: true, cidr: formatCidr(cidr) };
}

/**
 * Private (RFC 1918), shared (RFC 6598), loopback and link-local blocks: a rule admitting only
 * them lets nobody reach a bastion that sits behind an internet gateway.
 */
const NOT_ON_THE_INTERNET = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
];

function worldOpen(value: string, meaning: string): string {
  return (
    `"${value}" (${meaning}) would open SSH on the bastion to the whole internet, where scanners ` +
    `find an open port 22 within minutes. Admit only your own address: \`${ADMIN_CIDR_HINT}\`. ` +
    `If your address changes too often for that, reach hosts through an EC2 Instance Connect ` +
    `Endpoint instead (the instance-connect lab), which needs no inbound rule from the internet`
  );
}
