/**
 * The connectivity model: for a lab's expectation (a client, a target, a DNS lookup or a
 * request), what the resource graph says will happen, with the reason in the lab's terms. It
 * answers in order, as the packet would meet them: name resolution, the route out of the
 * client's subnet, security groups at both ends, the endpoint connection, and for S3 and
 * DynamoDB the policies that decide with the `aws:SourceVpce` the request carries.
 *
 * Pure: it reads a graph (model/graph.ts) and never calls AWS or Pulumi.
 */
import type { Expectation, Outcome, Target } from "../scenarios/scenario";
import { ANYWHERE, covers } from "./addresses";
import { DnsAnswer, noResolver, resolveDefaultName, resolveEndpointName, VpcDns } from "./dns";
import { GraphResource } from "./graph";
import { authorize, AuthRequest, PolicySource } from "./iam";
import { idOf, Lookup, lookupOf, str, strs } from "./lookup";
import {
  Endpoint,
  endpointDns,
  endpointsOf,
  findEndpoint,
  findHost,
  findOwned,
  Host,
  hostIdentity,
  hostOf,
  Identity,
  prefixListBlocks,
  regionAndAccount,
  routesOf,
  routeTableIdOf,
  sgRulesOf,
  T,
  userIdentity,
  vpcDnsOf,
  vpcIdOf,
} from "./network";
import { describeRoute, Destination, selectRoute } from "./routing";
import { allowingRule, describeRule, Peer, SgRule } from "./security-groups";

export type { Outcome };

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

export interface ExpectationCheck {
  expectation: Expectation;
  verdict: Verdict;
  /** The model's outcome is the one the lab expects. */
  ok: boolean;
}

/**
 * The verdict for one expectation. Throws when the expectation names something the graph does
 * not hold (a host, a bucket, an endpoint), since the lab, not the network, is then wrong.
 */
export function evaluate(graph: readonly GraphResource[], expectation: Expectation): Verdict {
  const ctx = contextOf(lookupOf(graph));
  try {
    const client = clientOf(ctx, expectation.from);
    return expectation.probe === "dns"
      ? lookup(ctx, client, expectation.to)
      : request(ctx, client, expectation.to);
  } catch (e) {
    if (e instanceof ModelError) {
      throw new ModelError(
        `expectation ${expectation.from} -> ${targetLabel(expectation.to)}: ${e.message}`,
      );
    }
    throw e;
  }
}

/** Every expectation's verdict, and whether it matches what the lab expects. */
export function checkExpectations(
  graph: readonly GraphResource[],
  expectations: readonly Expectation[],
): ExpectationCheck[] {
  return expectations.map((expectation) => {
    const verdict = evaluate(graph, expectation);
    return { expectation, verdict, ok: verdict.outcome === expectation.outcome };
  });
}

/** The lab names something the graph does not hold. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelError";
  }
}

interface Context {
  lk: Lookup;
  region: string;
  account: string;
  rules: SgRule[];
}

function contextOf(lk: Lookup): Context {
  const { region, account } = regionAndAccount(lk);
  return { lk, region: region ?? "<region>", account: account ?? "", rules: sgRulesOf(lk) };
}

/** A host in the graph, or a client outside every VPC (a laptop with IAM credentials). */
type Client =
  | { kind: "host"; host: Host }
  | { kind: "outside"; name: string; identity?: Identity; identityNote: string };

function clientOf(ctx: Context, name: string): Client {
  const host = findHost(ctx.lk, name);
  if (host) return { kind: "host", host };
  let user = findOwned(ctx.lk, name, T.user, ["-user"]);
  if (!user && ctx.lk.named(name).length > 0) {
    const types = [...new Set(ctx.lk.named(name).map((r) => r.type))].join(", ");
    throw new ModelError(
      `"${name}" names ${types} in the graph, but no EC2 instance or IAM user: an expectation's from is a LabInstance name, or a client outside the VPC`,
    );
  }
  // A lab that creates one IAM user creates it for the outside client to use.
  const users = ctx.lk.ofType(T.user);
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

function clientLabel(client: Client): string {
  return client.kind === "host" ? hostLabel(client.host) : `${client.name} (outside the VPC)`;
}

function hostLabel(host: Host): string {
  return `${host.name} (${host.id})`;
}

function targetLabel(to: Target): string {
  switch (to.kind) {
    case "aws-service":
      return `${to.service}${to.resource ? ` ${to.resource}` : ""}${to.via ? ` via ${to.via}` : ""}`;
    case "instance":
      return `${to.host}:${to.port}`;
    case "endpoint-service":
      return `endpoint service via ${to.via}:${to.port}`;
    case "internet":
      return to.url;
  }
}

function verdict(outcome: Outcome, detail: string, path: (string | undefined)[]): Verdict {
  return { outcome, detail, path: [...new Set(path.filter((p): p is string => !!p))] };
}

function clientDns(ctx: Context, client: Client): VpcDns | undefined {
  return client.kind === "host" && client.host.vpcId
    ? vpcDnsOf(ctx.lk, client.host.vpcId)
    : undefined;
}

function fromDns(answer: DnsAnswer, path: (string | undefined)[]): Verdict {
  switch (answer.kind) {
    case "private":
      return verdict("resolves-private", answer.detail, path);
    case "public":
      return verdict("resolves-public", answer.detail, path);
    case "no-answer":
      return verdict("times-out", answer.detail, path);
  }
}

// ---------------------------------------------------------------------------------------------
// DNS probes

function lookup(ctx: Context, client: Client, to: Target): Verdict {
  const dns = clientDns(ctx, client);
  const start = client.kind === "host" ? client.host.instance.urn : undefined;
  switch (to.kind) {
    case "aws-service": {
      if (to.via) {
        const endpoint = interfaceEndpoint(ctx, to.via);
        const name = endpointName(ctx, endpoint, to);
        return fromDns(resolveEndpointName(name, endpoint.id, dns), [start, endpoint.resource.urn]);
      }
      const name = defaultName(ctx, to);
      const answer = resolveDefaultName(name, to.service, dns, endpointDns(ctx.lk));
      const endpoint =
        answer.kind === "private"
          ? endpointsOf(ctx.lk).find((e) => e.id === answer.endpointId)
          : undefined;
      return fromDns(answer, [start, endpoint?.resource.urn]);
    }
    case "endpoint-service": {
      const endpoint = interfaceEndpoint(ctx, to.via);
      const name = endpointName(ctx, endpoint, to);
      return fromDns(resolveEndpointName(name, endpoint.id, dns), [start, endpoint.resource.urn]);
    }
    case "instance": {
      const target = requireHost(ctx, to.host);
      if (dns && !dns.enableDnsSupport) {
        return fromDns(noResolver(dns), [start]);
      }
      if (client.kind === "host" && client.host.vpcId === target.vpcId) {
        return verdict(
          "resolves-private",
          `${hostLabel(target)}'s private DNS name answers ${target.privateIp ?? "its private address"} inside ${target.vpcId}`,
          [start, target.instance.urn],
        );
      }
      return target.publicIp
        ? verdict(
            "resolves-public",
            `${hostLabel(target)}'s public DNS name answers ${target.publicIp}`,
            [start, target.instance.urn],
          )
        : verdict(
            "times-out",
            `${hostLabel(target)} has no public address, and its private DNS name is answered only inside ${target.vpcId}`,
            [start, target.instance.urn],
          );
    }
    case "internet": {
      if (dns && !dns.enableDnsSupport) return fromDns(noResolver(dns), [start]);
      return verdict("resolves-public", `${urlHost(to.url)} answers public addresses`, [start]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

function request(ctx: Context, client: Client, to: Target): Verdict {
  switch (to.kind) {
    case "aws-service":
      return serviceRequest(ctx, client, to);
    case "instance":
      return instanceRequest(ctx, client, to);
    case "endpoint-service":
      return endpointServiceRequest(ctx, client, to);
    case "internet":
      return internetRequest(ctx, client, to);
  }
}

const HTTPS = 443;

/** How a request got to the service, or why it did not. */
type Reach =
  | {
      ok: true;
      via: string;
      path: (string | undefined)[];
      /** The endpoint the request came through (its id becomes aws:SourceVpce). */
      endpoint?: Endpoint;
      /** The public address the service sees, on an internet path. */
      sourceIp?: string;
    }
  | { ok: false; why: string; path: (string | undefined)[] };

function serviceRequest(
  ctx: Context,
  client: Client,
  to: Extract<Target, { kind: "aws-service" }>,
): Verdict {
  const dns = clientDns(ctx, client);
  const start = client.kind === "host" ? client.host.instance.urn : undefined;
  let answer: DnsAnswer;
  if (to.via) {
    const endpoint = interfaceEndpoint(ctx, to.via);
    answer = resolveEndpointName(endpointName(ctx, endpoint, to), endpoint.id, dns);
  } else {
    answer = resolveDefaultName(defaultName(ctx, to), to.service, dns, endpointDns(ctx.lk));
  }
  if (answer.kind === "no-answer") return verdict("times-out", answer.detail, [start]);

  let reach: Reach;
  if (answer.kind === "private") {
    const endpoint = endpointsOf(ctx.lk).find((e) => e.id === answer.endpointId)!;
    reach = reachInterfaceEndpoint(ctx, client, endpoint, HTTPS, answer.detail);
  } else if (client.kind === "outside") {
    reach = { ok: true, via: `the internet to ${to.service}'s public endpoint`, path: [] };
  } else {
    const target = serviceDestination(ctx, to.service);
    reach = reachPublic(ctx, client.host, target, HTTPS);
  }
  if (!reach.ok) return verdict("times-out", reach.why, [start, ...reach.path]);

  const auth = authorizeServiceRequest(ctx, client, to, reach);
  if (auth && !auth.decision.allowed) {
    return verdict("403", `403: ${auth.decision.detail}`, [start, ...reach.path, ...auth.path]);
  }
  const via = `via ${reach.via}`;
  return verdict("works", auth ? `${via}; ${auth.decision.detail}` : via, [
    start,
    ...reach.path,
    ...(auth?.path ?? []),
  ]);
}

/**
 * Addresses of an AWS service's public endpoints: the blocks of its managed prefix list when a
 * gateway endpoint in the graph reports them, otherwise only "some public address", which only
 * routes and rules for all of IPv4 (0.0.0.0/0) are sure to cover.
 */
function serviceDestination(ctx: Context, service: string): Destination & { label: string } {
  const gateway = endpointsOf(ctx.lk).find(
    (e) => e.type === "Gateway" && e.service === service && e.prefixListId,
  );
  if (gateway?.prefixListId) {
    const blocks = prefixListBlocks(ctx.lk).get(gateway.prefixListId) ?? [];
    return {
      cidrs: blocks.length ? blocks : [ANYWHERE],
      prefixListIds: [gateway.prefixListId],
      label: `${service}'s public addresses (${gateway.prefixListId}${blocks.length ? `: ${blocks.join(", ")}` : ""})`,
    };
  }
  return { cidrs: [ANYWHERE], prefixListIds: [], label: `${service}'s public addresses` };
}

/**
 * From a host to public addresses: the route its subnet's table picks (a gateway endpoint's
 * prefix list, an internet gateway with the host's public IP, a NAT gateway), then the host's
 * egress rules for that path.
 */
function reachPublic(
  ctx: Context,
  host: Host,
  target: Destination & { label: string },
  port: number,
): Reach {
  const start = host.instance.urn;
  const table = tableOf(ctx, host);
  if (!table.id) {
    return {
      ok: false,
      why: `${hostLabel(host)} has no subnet or route table in the graph`,
      path: [start],
    };
  }
  const routes = routesOf(ctx.lk, table.id, host.vpcId);
  const route = selectRoute(routes, target);
  if (!route) {
    return {
      ok: false,
      why: `no route to ${target.label} from ${table.id} (${routes.map(describeRoute).join(", ") || "no routes"})`,
      path: [start, table.urn],
    };
  }
  const path = [start, table.urn, route.origin];
  const hop = route.target;
  const inTable = `${describeRoute(route)} in ${table.id}`;
  let via: string;
  let peer: Peer = {
    cidrs: target.cidrs,
    prefixListIds: target.prefixListIds,
    securityGroupIds: [],
  };
  let endpoint: Endpoint | undefined;
  let sourceIp: string | undefined;
  switch (hop.kind) {
    case "gateway-endpoint": {
      endpoint = endpointsOf(ctx.lk).find((e) => e.id === hop.id);
      const pl = endpoint?.prefixListId ?? hop.id;
      via = `gateway endpoint ${hop.id} (prefix list ${pl} in ${table.id})`;
      peer = { ...peer, prefixListIds: [...new Set([...peer.prefixListIds, pl])] };
      break;
    }
    case "internet-gateway":
      if (!host.publicIp) {
        return {
          ok: false,
          why: `${inTable} leads to internet gateway ${hop.id}, but ${hostLabel(host)} has no public IP`,
          path,
        };
      }
      via = `internet gateway ${hop.id} (${inTable}, public IP ${host.publicIp})`;
      sourceIp = host.publicIp;
      break;
    case "nat-gateway": {
      const nat = natToInternet(ctx, hop.id);
      if (!nat.ok)
        return {
          ok: false,
          why: `${inTable} leads to NAT gateway ${hop.id}, ${nat.why}`,
          path: [...path, nat.urn],
        };
      via = `NAT gateway ${hop.id} (${inTable}; ${nat.via})`;
      sourceIp = nat.publicIp;
      path.push(nat.urn);
      break;
    }
    default:
      return {
        ok: false,
        why: `${inTable} sends ${target.label} to ${hop.kind === "local" ? "the VPC itself" : `${hop.kind} ${hop.id}`}, which does not lead to them`,
        path,
      };
  }
  const egress = allowingRule(ctx.rules, "egress", host.securityGroupIds, peer, port);
  if (!egress) {
    return {
      ok: false,
      why: `${groupsOf(host)} of ${hostLabel(host)} has no egress rule for TCP ${port} to ${target.label}`,
      path,
    };
  }
  return {
    ok: true,
    via,
    path: [...path, egress.origin, endpoint?.resource.urn],
    endpoint,
    sourceIp,
  };
}

function tableOf(ctx: Context, host: Host): { id?: string; urn?: string } {
  if (!host.subnetId) return {};
  const id = routeTableIdOf(ctx.lk, host.subnetId, host.vpcId);
  const resource = id
    ? (ctx.lk.byId(T.routeTable, id) ?? ctx.lk.byId(T.defaultRouteTable, id))
    : undefined;
  return { id, urn: resource?.urn };
}

/** A public NAT gateway whose own subnet routes 0.0.0.0/0 to an internet gateway. */
function natToInternet(
  ctx: Context,
  natId: string,
):
  | { ok: true; via: string; publicIp?: string; urn?: string }
  | { ok: false; why: string; urn?: string } {
  const nat = ctx.lk.byId(T.natGateway, natId);
  if (!nat) return { ok: true, via: "NAT gateway outside the graph, taken to reach the internet" };
  if (nat.props.connectivityType === "private") {
    return {
      ok: false,
      why: "a private NAT gateway, which does not reach the internet",
      urn: nat.urn,
    };
  }
  const subnet = ctx.lk.ref(nat, "subnetId", T.subnet);
  const subnetId = subnet ? idOf(subnet) : str(nat, "subnetId");
  const vpcId = subnet ? vpcIdOf(ctx.lk, subnet) : undefined;
  const table = subnetId ? routeTableIdOf(ctx.lk, subnetId, vpcId) : undefined;
  const route = table
    ? selectRoute(routesOf(ctx.lk, table, vpcId), { cidrs: [ANYWHERE], prefixListIds: [] })
    : undefined;
  if (route?.target.kind !== "internet-gateway") {
    return {
      ok: false,
      why: `whose subnet ${subnetId ?? "?"} has no route to an internet gateway`,
      urn: nat.urn,
    };
  }
  const eip = ctx.lk.byId(T.eip, nat.props.allocationId);
  return {
    ok: true,
    via: `${subnetId} routes to ${route.target.id}`,
    publicIp: str(nat, "publicIp") ?? str(eip, "publicIp"),
    urn: nat.urn,
  };
}

/**
 * From a client to an interface endpoint's network interfaces: only from inside its VPC (or a
 * VPC routed to it), through the client's egress rules and the endpoint's ingress rules.
 */
function reachInterfaceEndpoint(
  ctx: Context,
  client: Client,
  endpoint: Endpoint,
  port: number,
  resolved: string,
): Reach {
  const at = endpoint.resource.urn;
  if (client.kind === "outside") {
    return {
      ok: false,
      why: `${resolved}; those are reachable only from ${endpoint.vpcId ?? "its VPC"} or networks connected to it, not from ${clientLabel(client)}`,
      path: [at],
    };
  }
  const host = client.host;
  const path: (string | undefined)[] = [at];
  let through = `in ${endpoint.vpcId}`;
  if (host.vpcId !== endpoint.vpcId) {
    const table = tableOf(ctx, host);
    const route = table.id
      ? selectRoute(routesOf(ctx.lk, table.id, host.vpcId), {
          cidrs: endpoint.subnetCidrs,
          prefixListIds: [],
        })
      : undefined;
    if (!route || (route.target.kind !== "peering" && route.target.kind !== "transit-gateway")) {
      return {
        ok: false,
        why: `${resolved}, in ${endpoint.vpcId}; ${hostLabel(host)} is in ${host.vpcId}, which has no peering or transit gateway route to it`,
        path: [table.urn, ...path],
      };
    }
    through = `through ${route.target.kind} ${route.target.id}`;
    path.unshift(table.urn, route.origin);
  }
  const peerOfEndpoint: Peer = {
    cidrs: endpoint.subnetCidrs,
    prefixListIds: [],
    securityGroupIds: endpoint.securityGroupIds,
  };
  const egress = allowingRule(ctx.rules, "egress", host.securityGroupIds, peerOfEndpoint, port);
  if (!egress) {
    return {
      ok: false,
      why: `${groupsOf(host)} of ${hostLabel(host)} has no egress rule for TCP ${port} to interface endpoint ${endpoint.id} (subnets ${endpoint.subnetCidrs.join(", ") || "?"}, ${endpoint.securityGroupIds.join(", ") || "no group"})`,
      path,
    };
  }
  const ingress = allowingRule(
    ctx.rules,
    "ingress",
    endpoint.securityGroupIds,
    hostPeer(host),
    port,
  );
  if (!ingress) {
    return {
      ok: false,
      why: `the security group ${endpoint.securityGroupIds.join(", ") || "(none: the VPC's default)"} of interface endpoint ${endpoint.id} admits no TCP ${port} from ${hostLabel(host)} (${host.privateIp ?? host.subnetCidr}, ${host.securityGroupIds.join(", ")})`,
      path: [...path, egress.origin],
    };
  }
  return {
    ok: true,
    via: `interface endpoint ${endpoint.id} (${through}; ${describeRule(ingress)})`,
    path: [...path, egress.origin, ingress.origin],
    endpoint,
  };
}

function hostPeer(host: Host): Peer {
  const address = host.privateIp ?? host.subnetCidr;
  return {
    cidrs: address ? [address] : [],
    prefixListIds: [],
    securityGroupIds: host.securityGroupIds,
  };
}

function groupsOf(host: Host): string {
  const ids = host.securityGroupIds;
  return ids.length === 1
    ? `security group ${ids[0]}`
    : `security groups ${ids.join(", ") || "(none)"}`;
}

// ---------------------------------------------------------------------------------------------
// Authorisation (S3 and DynamoDB requests about a named bucket or table)

/** The one call each service's request stands for, as the labs' checks make it. */
const REQUEST_ACTION: Record<string, { action: string; on: "bucket" | "table" }> = {
  s3: { action: "s3:ListBucket", on: "bucket" },
  dynamodb: { action: "dynamodb:GetItem", on: "table" },
};

function authorizeServiceRequest(
  ctx: Context,
  client: Client,
  to: Extract<Target, { kind: "aws-service" }>,
  reach: Extract<Reach, { ok: true }>,
): { decision: ReturnType<typeof authorize>; path: string[] } | undefined {
  const spec = REQUEST_ACTION[to.service];
  if (!spec || !to.resource) return undefined;
  const path: string[] = [];
  const policies: PolicySource[] = [];
  let resourceArn: string;
  if (spec.on === "bucket") {
    const bucket = requireOwned(ctx, to.resource, [T.bucket, T.bucketV2], "S3 bucket", ["-bucket"]);
    const name = str(bucket, "bucket") ?? idOf(bucket) ?? bucket.name;
    resourceArn = str(bucket, "arn") ?? `arn:aws:s3:::${name}`;
    path.push(bucket.urn);
    for (const p of ctx.lk.ofType(T.bucketPolicy)) {
      if (p.props.bucket === name || ctx.lk.ref(p, "bucket", bucket.type) === bucket) {
        policies.push({
          kind: "resource",
          label: `bucket policy of ${name}`,
          document: p.props.policy,
        });
        path.push(p.urn);
      }
    }
    if (bucket.props.policy) {
      policies.push({
        kind: "resource",
        label: `bucket policy of ${name}`,
        document: bucket.props.policy,
      });
    }
  } else {
    const table = requireOwned(ctx, to.resource, [T.table], "DynamoDB table", ["-table"]);
    const name = str(table, "name") ?? table.name;
    resourceArn =
      str(table, "arn") ?? `arn:aws:dynamodb:${ctx.region}:${ctx.account}:table/${name}`;
    path.push(table.urn);
    for (const p of ctx.lk.ofType(T.tableResourcePolicy)) {
      if (p.props.resourceArn === resourceArn) {
        policies.push({
          kind: "resource",
          label: `resource policy of table ${name}`,
          document: p.props.policy,
        });
        path.push(p.urn);
      }
    }
  }
  const endpointPolicy = reach.endpoint?.policy;
  if (reach.endpoint && typeof endpointPolicy === "string" && endpointPolicy.trim() !== "") {
    policies.push({
      kind: "endpoint",
      label: `endpoint policy of ${reach.endpoint.id}`,
      document: endpointPolicy,
    });
  }

  let identity: Identity | undefined;
  let identityKnown = true;
  if (client.kind === "host") {
    identity = hostIdentity(ctx.lk, client.host);
    if (!identity) {
      return {
        decision: {
          allowed: false,
          detail: `${hostLabel(client.host)} has no instance profile, so it has no credentials to sign ${spec.action}`,
        },
        path,
      };
    }
  } else {
    identity = client.identity;
    identityKnown = identity !== undefined;
  }
  if (identity) policies.push(...identity.policies);

  const caller = identity
    ? { arn: identity.arn, account: identity.account || ctx.account }
    : { arn: "", account: ctx.account };
  const context: Record<string, string> = {
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": ctx.region,
    "aws:PrincipalAccount": caller.account,
  };
  if (caller.arn) context["aws:PrincipalArn"] = caller.arn;
  if (reach.endpoint) {
    context["aws:SourceVpce"] = reach.endpoint.id;
    if (reach.endpoint.vpcId) context["aws:SourceVpc"] = reach.endpoint.vpcId;
    context["aws:VpceAccount"] = ctx.account;
  } else if (reach.sourceIp && /^\d+\.\d+\.\d+\.\d+$/.test(reach.sourceIp)) {
    context["aws:SourceIp"] = reach.sourceIp;
  }
  const req: AuthRequest = { action: spec.action, resource: resourceArn, caller, context };
  const decision = authorize(req, policies, identityKnown);
  if (client.kind === "outside" && !decision.allowed) {
    decision.detail = `${decision.detail} (${client.name} ${client.identityNote})`;
  }
  return { decision, path };
}

// ---------------------------------------------------------------------------------------------
// Host to host, and into a VPC through an Instance Connect Endpoint

function instanceRequest(
  ctx: Context,
  client: Client,
  to: Extract<Target, { kind: "instance" }>,
): Verdict {
  const target = requireHost(ctx, to.host);
  const port = to.port;
  if (client.kind === "outside") return fromOutside(ctx, client, target, port);

  const host = client.host;
  const path: (string | undefined)[] = [host.instance.urn];
  let via = `the local route of ${host.vpcId}`;
  if (host.vpcId !== target.vpcId) {
    const out = routeBetween(ctx, host, target);
    if (!out.ok) return verdict("times-out", out.why, [...path, ...out.path, target.instance.urn]);
    const back = routeBetween(ctx, target, host);
    if (!back.ok)
      return verdict("times-out", `replies cannot return: ${back.why}`, [...path, ...back.path]);
    via = out.via;
    path.push(...out.path, ...back.path);
  }
  const targetPeer = hostPeer(target);
  const egress = allowingRule(ctx.rules, "egress", host.securityGroupIds, targetPeer, port);
  if (!egress) {
    return verdict(
      "times-out",
      `${groupsOf(host)} of ${hostLabel(host)} has no egress rule for TCP ${port} to ${hostLabel(target)} (${target.privateIp}, ${target.securityGroupIds.join(", ")})`,
      [...path, target.instance.urn],
    );
  }
  const ingress = allowingRule(ctx.rules, "ingress", target.securityGroupIds, hostPeer(host), port);
  if (!ingress) {
    return verdict(
      "times-out",
      `${groupsOf(target)} of ${hostLabel(target)} admits no TCP ${port} from ${hostLabel(host)} (${host.privateIp}, ${host.securityGroupIds.join(", ")})`,
      [...path, egress.origin, target.instance.urn],
    );
  }
  return verdict("works", `via ${via} (${describeRule(ingress)})`, [
    ...path,
    egress.origin,
    ingress.origin,
    target.instance.urn,
  ]);
}

/** A route from one host's subnet to another host's private address across VPCs. */
function routeBetween(
  ctx: Context,
  from: Host,
  to: Host,
):
  | { ok: true; via: string; path: (string | undefined)[] }
  | { ok: false; why: string; path: (string | undefined)[] } {
  const table = tableOf(ctx, from);
  const address = to.privateIp ?? to.subnetCidr;
  const route =
    table.id && address
      ? selectRoute(routesOf(ctx.lk, table.id, from.vpcId), { cidrs: [address], prefixListIds: [] })
      : undefined;
  if (route && (route.target.kind === "peering" || route.target.kind === "transit-gateway")) {
    return {
      ok: true,
      via: `${route.target.kind} ${route.target.id} (${describeRoute(route)} in ${table.id})`,
      path: [table.urn, route.origin],
    };
  }
  const toWhere = route ? `; ${describeRoute(route)} does not lead there` : "";
  return {
    ok: false,
    why: `no route from ${table.id ?? hostLabel(from)} to ${address} in ${to.vpcId}: ${from.vpcId} and ${to.vpcId} are not peered or attached to a transit gateway${toWhere}`,
    path: [table.urn],
  };
}

/**
 * A client outside every VPC to a host: through an EC2 Instance Connect Endpoint in the host's
 * VPC (its group sends the port to the host, the host admits it from the endpoint), or to the
 * host's public IP.
 */
function fromOutside(
  ctx: Context,
  client: Extract<Client, { kind: "outside" }>,
  target: Host,
  port: number,
): Verdict {
  const eices = ctx.lk
    .ofType(T.instanceConnectEndpoint)
    .filter((e) => vpcIdOf(ctx.lk, e) === target.vpcId);
  const problems: string[] = [];
  for (const eice of eices) {
    const id = idOf(eice) ?? eice.name;
    const groups = strs(eice, "securityGroupIds");
    const subnet = ctx.lk.ref(eice, "subnetId", T.subnet);
    const egress = allowingRule(ctx.rules, "egress", groups, hostPeer(target), port);
    if (!egress) {
      problems.push(
        `Instance Connect Endpoint ${id}'s group ${groups.join(", ")} has no egress rule for TCP ${port} to ${hostLabel(target)}`,
      );
      continue;
    }
    // With preserveClientIp the host sees the caller's own (public) address, not the endpoint's.
    const preserve = eice.props.preserveClientIp === true;
    const source: Peer = preserve
      ? { cidrs: [ANYWHERE], prefixListIds: [], securityGroupIds: [] }
      : {
          cidrs: subnet && str(subnet, "cidrBlock") ? [str(subnet, "cidrBlock")!] : [],
          prefixListIds: [],
          securityGroupIds: groups,
        };
    const ingress = allowingRule(ctx.rules, "ingress", target.securityGroupIds, source, port);
    if (!ingress) {
      problems.push(
        `${groupsOf(target)} of ${hostLabel(target)} admits no TCP ${port} from Instance Connect Endpoint ${id}${preserve ? " (preserveClientIp: the caller's own address)" : ""}`,
      );
      continue;
    }
    const denied = openTunnelDenied(client, eice, target, port);
    if (denied) return verdict("403", `403: ${denied}`, [eice.urn, target.instance.urn]);
    return verdict(
      "works",
      `via Instance Connect Endpoint ${id} (${describeRule(egress)}; ${describeRule(ingress)})`,
      [eice.urn, egress.origin, ingress.origin, target.instance.urn],
    );
  }
  if (target.publicIp) {
    const table = tableOf(ctx, target);
    const route = table.id
      ? selectRoute(routesOf(ctx.lk, table.id, target.vpcId), {
          cidrs: [ANYWHERE],
          prefixListIds: [],
        })
      : undefined;
    if (route?.target.kind === "internet-gateway") {
      const ingress = ctx.rules.find(
        (r) =>
          r.direction === "ingress" &&
          target.securityGroupIds.includes(r.groupId) &&
          "cidr" in r.peer &&
          isPublicBlock(r.peer.cidr) &&
          allowingRule(
            [r],
            "ingress",
            [r.groupId],
            { cidrs: [r.peer.cidr], prefixListIds: [], securityGroupIds: [] },
            port,
          ),
      );
      if (ingress) {
        const scope =
          "cidr" in ingress.peer && ingress.peer.cidr !== ANYWHERE
            ? ` when ${client.name}'s address is in ${ingress.peer.cidr}`
            : "";
        return verdict(
          "works",
          `via ${hostLabel(target)}'s public IP ${target.publicIp} (${describeRule(ingress)})${scope}`,
          [target.instance.urn, table.urn, route.origin, ingress.origin],
        );
      }
      problems.push(
        `${groupsOf(target)} of ${hostLabel(target)} admits no TCP ${port} from the internet`,
      );
    } else {
      problems.push(
        `${hostLabel(target)}'s subnet has no route to an internet gateway for replies`,
      );
    }
  } else {
    problems.push(`${hostLabel(target)} has no public IP`);
  }
  if (eices.length === 0) problems.push(`${target.vpcId} has no Instance Connect Endpoint`);
  return verdict(
    "times-out",
    `${client.name} cannot reach ${hostLabel(target)}: ${problems.join("; ")}`,
    [target.instance.urn],
  );
}

function isPublicBlock(cidr: string): boolean {
  return !["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].some((p) =>
    covers(p, cidr),
  );
}

/** When the outside client's own IAM identity is in the graph, OpenTunnel must allow the tunnel. */
function openTunnelDenied(
  client: Extract<Client, { kind: "outside" }>,
  eice: GraphResource,
  target: Host,
  port: number,
): string | undefined {
  if (!client.identity) return undefined;
  const decision = authorize(
    {
      action: "ec2-instance-connect:OpenTunnel",
      resource: str(eice, "arn") ?? "",
      caller: { arn: client.identity.arn, account: client.identity.account },
      context: {
        "ec2-instance-connect:remotePort": String(port),
        "ec2-instance-connect:privateIpAddress": target.privateIp ?? "",
        // The CLI asks for AWS's maximum unless told otherwise.
        "ec2-instance-connect:maxTunnelDuration": "3600",
      },
    },
    client.identity.policies,
  );
  return decision.allowed ? undefined : decision.detail;
}

// ---------------------------------------------------------------------------------------------
// Endpoint services (PrivateLink to your own NLB)

function endpointServiceRequest(
  ctx: Context,
  client: Client,
  to: Extract<Target, { kind: "endpoint-service" }>,
): Verdict {
  const endpoint = interfaceEndpoint(ctx, to.via);
  const start = client.kind === "host" ? client.host.instance.urn : undefined;
  const dns = resolveEndpointName(
    endpointName(ctx, endpoint, to),
    endpoint.id,
    clientDns(ctx, client),
  );
  if (dns.kind === "no-answer") return verdict("times-out", dns.detail, [start]);
  const reach = reachInterfaceEndpoint(ctx, client, endpoint, to.port, dns.detail);
  if (!reach.ok) return verdict("times-out", reach.why, [start, ...reach.path]);

  const service = ctx.lk
    .ofType(T.endpointService)
    .find((s) => s.props.serviceName === endpoint.serviceName);
  if (!service) {
    if (endpoint.state && endpoint.state !== "available") {
      return verdict("times-out", `interface endpoint ${endpoint.id} is ${endpoint.state}`, [
        start,
        ...reach.path,
      ]);
    }
    return verdict(
      "works",
      `via ${reach.via} to ${endpoint.serviceName} (the service is outside the graph; the endpoint is ${endpoint.state ?? "taken to be available"})`,
      [start, ...reach.path],
    );
  }
  const serviceId = idOf(service) ?? service.name;
  const path = [start, ...reach.path, service.urn];
  if (service.props.acceptanceRequired !== false) {
    const accepter = ctx.lk
      .ofType(T.connectionAccepter)
      .find(
        (a) =>
          a.props.vpcEndpointId === endpoint.id ||
          ctx.lk.ref(a, "vpcEndpointId", T.vpcEndpoint) === endpoint.resource,
      );
    if (!accepter) {
      return verdict(
        "times-out",
        `interface endpoint ${endpoint.id} is pendingAcceptance: endpoint service ${serviceId} requires acceptance and no connection accepter accepts it`,
        path,
      );
    }
    path.push(accepter.urn);
  }
  const backend = nlbBackend(ctx, service, to.port);
  if (!backend.ok)
    return verdict("times-out", `${reach.via} reaches ${serviceId}, but ${backend.why}`, [
      ...path,
      ...backend.path,
    ]);
  return verdict("works", `via ${reach.via} -> endpoint service ${serviceId} -> ${backend.via}`, [
    ...path,
    ...backend.path,
  ]);
}

/**
 * Behind an endpoint service: a Network Load Balancer listener on the port, its target group's
 * instances, and at least one of them admitting the port from the load balancer's subnets (the
 * address PrivateLink traffic arrives from).
 */
function nlbBackend(
  ctx: Context,
  service: GraphResource,
  port: number,
): { ok: true; via: string; path: string[] } | { ok: false; why: string; path: string[] } {
  const lbArns = strs(service, "networkLoadBalancerArns");
  const lbs = lbArns.length
    ? lbArns.map(
        (a) =>
          ctx.lk.byId(T.loadBalancer, a) ??
          ctx.lk.ofType(T.loadBalancer).find((l) => l.props.arn === a),
      )
    : ctx.lk.refs(service, "networkLoadBalancerArns", T.loadBalancer);
  const problems: string[] = [];
  for (const lb of lbs) {
    if (!lb) continue;
    const lbArn = str(lb, "arn") ?? idOf(lb);
    const lbName = str(lb, "name") ?? lb.name;
    const listener = ctx.lk
      .ofType(T.listener)
      .find((l) => l.props.loadBalancerArn === lbArn && Number(l.props.port) === port);
    if (!listener) {
      problems.push(`load balancer ${lbName} has no listener on port ${port}`);
      continue;
    }
    const actions = Array.isArray(listener.props.defaultActions)
      ? listener.props.defaultActions
      : [];
    const groups = (actions as Record<string, unknown>[])
      .map((a) => a?.targetGroupArn)
      .filter((a): a is string => typeof a === "string");
    const lbSubnets = ctx.lk.refs(lb, "subnets", T.subnet);
    const lbPeer: Peer = {
      cidrs: lbSubnets.map((s) => str(s, "cidrBlock")).filter((c): c is string => !!c),
      prefixListIds: [],
      securityGroupIds: strs(lb, "securityGroups"),
    };
    const attachments = ctx.lk
      .ofType(T.targetGroupAttachment)
      .filter((a) => groups.includes(str(a, "targetGroupArn") ?? ""));
    if (attachments.length === 0) {
      problems.push(
        `listener ${listener.name} forwards to a target group with no registered targets`,
      );
      continue;
    }
    for (const attachment of attachments) {
      const instance = ctx.lk.byId(T.instance, attachment.props.targetId);
      if (!instance) continue;
      const backend = hostOf(ctx.lk, instance.name, instance);
      const targetPort = typeof attachment.props.port === "number" ? attachment.props.port : port;
      const ingress = allowingRule(
        ctx.rules,
        "ingress",
        backend.securityGroupIds,
        lbPeer,
        targetPort,
      );
      if (ingress) {
        return {
          ok: true,
          via: `load balancer ${lbName}:${port} -> ${instance.name} (${backend.id}, ${describeRule(ingress)})`,
          path: [lb.urn, listener.urn, attachment.urn, instance.urn, ingress.origin],
        };
      }
      problems.push(
        `${instance.name} admits no TCP ${targetPort} from the load balancer's subnets (${lbPeer.cidrs.join(", ")})`,
      );
    }
  }
  return {
    ok: false,
    why: problems.join("; ") || "it has no load balancer in the graph",
    path: [],
  };
}

// ---------------------------------------------------------------------------------------------
// The internet

function internetRequest(
  ctx: Context,
  client: Client,
  to: Extract<Target, { kind: "internet" }>,
): Verdict {
  const port = portOf(to.url);
  if (client.kind === "outside")
    return verdict("works", `via ${client.name}'s own internet access`, []);
  const dns = clientDns(ctx, client);
  if (dns && !dns.enableDnsSupport) return fromDns(noResolver(dns), [client.host.instance.urn]);
  const reach = reachPublic(
    ctx,
    client.host,
    { cidrs: [ANYWHERE], prefixListIds: [], label: `the internet (${urlHost(to.url)})` },
    port,
  );
  return reach.ok
    ? verdict("works", `via ${reach.via}`, reach.path)
    : verdict("times-out", reach.why, reach.path);
}

function portOf(url: string): number {
  const match = /^([a-z]+):\/\/[^/:]+(?::(\d+))?/i.exec(url);
  if (match?.[2]) return Number(match[2]);
  return match?.[1]?.toLowerCase() === "http" ? 80 : HTTPS;
}

function urlHost(url: string): string {
  return /^[a-z]+:\/\/([^/:]+)/i.exec(url)?.[1] ?? url;
}

// ---------------------------------------------------------------------------------------------
// Names

function requireHost(ctx: Context, name: string): Host {
  const host = findHost(ctx.lk, name);
  if (!host) {
    throw new ModelError(
      `no EC2 instance named "${name}" (a LabInstance component, or an instance) in the graph`,
    );
  }
  return host;
}

function requireOwned(
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

function interfaceEndpoint(ctx: Context, name: string): Endpoint {
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
function defaultName(ctx: Context, to: Extract<Target, { kind: "aws-service" }>): string {
  if (to.service === "s3" && to.resource) {
    const bucket = findOwned(ctx.lk, to.resource, T.bucket, ["-bucket"]);
    const name = str(bucket, "bucket") ?? (bucket ? idOf(bucket) : undefined);
    if (name) return `${name}.s3.${ctx.region}.amazonaws.com`;
  }
  return `${to.service}.${ctx.region}.amazonaws.com`;
}

/** The endpoint-specific name a client uses (S3's are wildcards: a bucket name fills them). */
function endpointName(ctx: Context, endpoint: Endpoint, to: Target): string {
  const name = endpoint.dnsNames[0] ?? `${endpoint.id}.<endpoint-specific name>`;
  if (!name.startsWith("*.")) return name;
  const bucket =
    to.kind === "aws-service" && to.resource
      ? findOwned(ctx.lk, to.resource, T.bucket, ["-bucket"])
      : undefined;
  return `${str(bucket, "bucket") ?? "bucket"}${name.slice(1)}`;
}
