/**
 * What the connectivity model's parts share: the graph's index and facts for one evaluation,
 * the client of an expectation (a host, or a client outside every VPC), verdicts, and the
 * lookups of what an expectation names.
 */
import type { Outcome, Target } from "./expectations";
import { DnsAnswer, VpcDns } from "./dns";
import { GraphResource } from "./graph";
import { Identity, userIdentity } from "./identities";
import { idOf, Lookup, str } from "./lookup";
import {
  Endpoint,
  findEndpoint,
  findHost,
  findOwned,
  Host,
  regionAndAccount,
  routeTableIdOf,
  sgRulesOf,
  vpcDnsOf,
} from "./network";
import { TYPE } from "./type-tokens";
import { ConnectionEnd, SgRuleFact } from "./security-groups";

/** What the model predicts for one expectation. */
export interface Verdict {
  outcome: Outcome;
  /**
   * Why, in the lab's terms: `via gateway endpoint vpce-... (prefix list pl-... in rtb-...)`,
   * `no route to ... from rtb-...`, `403: bucket policy ... statement ... denies ...`.
   */
  detail: string;
  /** URNs of the resources the verdict rests on, client side first (for diagrams). */
  path?: string[];
}

/** The lab names something the graph does not hold. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelError";
  }
}

export interface Context {
  lk: Lookup;
  region: string;
  account: string;
  rules: SgRuleFact[];
}

export function contextOf(lk: Lookup): Context {
  const { region, account } = regionAndAccount(lk);
  return { lk, region: region ?? "<region>", account: account ?? "", rules: sgRulesOf(lk) };
}

/** A host in the graph, or a client outside every VPC (a laptop with IAM credentials). */
export type Client =
  | { kind: "host"; host: Host }
  | { kind: "outside"; name: string; identity?: Identity; identityNote: string };

export function clientOf(ctx: Context, name: string): Client {
  const host = findHost(ctx.lk, name);
  if (host) return { kind: "host", host };
  let user = findOwned(ctx.lk, name, TYPE.user, ["-user"]);
  if (!user && ctx.lk.named(name).length > 0) {
    const types = [...new Set(ctx.lk.named(name).map((r) => r.type))].join(", ");
    throw new ModelError(
      `"${name}" names ${types} in the graph, but no EC2 instance or IAM user: an expectation's from is a LabInstance name, or a client outside the VPC`,
    );
  }
  // A lab that creates one IAM user creates it for the outside client to use.
  const users = ctx.lk.ofType(TYPE.user);
  user ??= users.length === 1 ? users[0] : undefined;
  if (user) {
    const identity = userIdentity(ctx.lk, user);
    return {
      kind: "outside",
      name,
      identity,
      identityNote: `with the credentials of ${identity.label}`,
    };
  }
  return { kind: "outside", name, identityNote: "with credentials not in the stack" };
}

export function clientLabel(client: Client): string {
  return client.kind === "host" ? hostLabel(client.host) : `${client.name} (outside the VPC)`;
}

export function hostLabel(host: Host): string {
  return `${host.name} (${host.id})`;
}

export function verdict(outcome: Outcome, detail: string, path: (string | undefined)[]): Verdict {
  return { outcome, detail, path: [...new Set(path.filter((p): p is string => !!p))] };
}

export function clientDns(ctx: Context, client: Client): VpcDns | undefined {
  return client.kind === "host" && client.host.vpcId
    ? vpcDnsOf(ctx.lk, client.host.vpcId)
    : undefined;
}

export function fromDns(answer: DnsAnswer, path: (string | undefined)[]): Verdict {
  switch (answer.kind) {
    case "private":
      return verdict("resolves-private", answer.detail, path);
    case "public":
      return verdict("resolves-public", answer.detail, path);
    case "no-answer":
      return verdict("times-out", answer.detail, path);
  }
}

export function tableOf(ctx: Context, host: Host): { id?: string; urn?: string } {
  if (!host.subnetId) return {};
  const id = routeTableIdOf(ctx.lk, host.subnetId, host.vpcId);
  const resource = id
    ? (ctx.lk.byId(TYPE.routeTable, id) ?? ctx.lk.byId(TYPE.defaultRouteTable, id))
    : undefined;
  return { id, urn: resource?.urn };
}

export function hostPeer(host: Host): ConnectionEnd {
  const address = host.privateIp ?? host.subnetCidr;
  return {
    cidrs: address ? [address] : [],
    prefixListIds: [],
    securityGroupIds: host.securityGroupIds,
  };
}

export function groupsOf(host: Host): string {
  const ids = host.securityGroupIds;
  return ids.length === 1
    ? `security group ${ids[0]}`
    : `security groups ${ids.join(", ") || "(none)"}`;
}

export function requireHost(ctx: Context, name: string): Host {
  const host = findHost(ctx.lk, name);
  if (!host) {
    throw new ModelError(
      `no EC2 instance named "${name}" (a LabInstance component, or an instance) in the graph`,
    );
  }
  return host;
}

export function requireOwned(
  ctx: Context,
  name: string,
  types: string[],
  what: string,
  suffixes: string[],
): GraphResource {
  for (const type of types) {
    const found = findOwned(ctx.lk, name, type, suffixes);
    if (found) return found;
  }
  throw new ModelError(
    `"${name}" names no ${what} (a component owning one, or the resource itself) in the graph`,
  );
}

export function interfaceEndpoint(ctx: Context, name: string): Endpoint {
  const endpoint = findEndpoint(ctx.lk, name);
  if (!endpoint) {
    throw new ModelError(
      `"${name}" names no VPC endpoint (an endpoint component, or the endpoint) in the graph`,
    );
  }
  if (endpoint.type !== "Interface") {
    throw new ModelError(
      `"${name}" is a ${endpoint.type.toLowerCase()} endpoint (${endpoint.id}), which has no DNS name to use: leave via out, the route table leads to it`,
    );
  }
  return endpoint;
}

/** The service's default name, or a bucket's virtual-hosted name when the request is about one. */
export function defaultName(ctx: Context, to: Extract<Target, { kind: "aws-service" }>): string {
  if (to.service === "s3" && to.resource) {
    const bucket = findOwned(ctx.lk, to.resource, TYPE.bucket, ["-bucket"]);
    const name = str(bucket, "bucket") ?? (bucket ? idOf(bucket) : undefined);
    if (name) return `${name}.s3.${ctx.region}.amazonaws.com`;
  }
  return `${to.service}.${ctx.region}.amazonaws.com`;
}

/** The endpoint-specific name a client uses (S3's are wildcards: a bucket name fills them). */
export function endpointName(ctx: Context, endpoint: Endpoint, to: Target): string {
  const name = endpoint.dnsNames[0] ?? `${endpoint.id}.<endpoint-specific name>`;
  if (!name.startsWith("*.")) return name;
  const bucket =
    to.kind === "aws-service" && to.resource
      ? findOwned(ctx.lk, to.resource, TYPE.bucket, ["-bucket"])
      : undefined;
  return `${str(bucket, "bucket") ?? "bucket"}${name.slice(1)}`;
}
