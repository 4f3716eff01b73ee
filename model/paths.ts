/**
 * How a request leaves a host: to public addresses through its subnet's route table (a gateway
 * endpoint's prefix list, an internet gateway with the host's public IP, a NAT gateway) or to an
 * interface endpoint's network interfaces, each through the security groups on the way.
 */
import { ANYWHERE } from "./addresses";
import { Client, clientLabel, Context, groupsOf, hostLabel, hostPeer, tableOf } from "./context";
import { idOf, str } from "./lookup";
import {
  Endpoint,
  endpointsOf,
  Host,
  prefixListBlocks,
  routesOf,
  routeTableIdOf,
  vpcIdOf,
} from "./network";
import { TYPE } from "./type-tokens";
import { describeRoute, Destination, selectRoute } from "./routing";
import { allowingRule, describeRule, ConnectionEnd } from "./security-groups";

export const HTTPS = 443;

/** How a request got to the service, or why it did not. */
export type Reach =
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

/**
 * Addresses of an AWS service's public endpoints: the blocks of its managed prefix list when a
 * gateway endpoint in the graph reports them, otherwise only "some public address", which only
 * routes and rules for all of IPv4 (0.0.0.0/0) are sure to cover.
 */
export function serviceDestination(ctx: Context, service: string): Destination & { label: string } {
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
export function reachPublic(
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
  let peer: ConnectionEnd = {
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

/** A public NAT gateway whose own subnet routes 0.0.0.0/0 to an internet gateway. */
function natToInternet(
  ctx: Context,
  natId: string,
):
  | { ok: true; via: string; publicIp?: string; urn?: string }
  | { ok: false; why: string; urn?: string } {
  const nat = ctx.lk.byId(TYPE.natGateway, natId);
  if (!nat) return { ok: true, via: "NAT gateway outside the graph, taken to reach the internet" };
  if (nat.props.connectivityType === "private") {
    return {
      ok: false,
      why: "a private NAT gateway, which does not reach the internet",
      urn: nat.urn,
    };
  }
  const subnet = ctx.lk.ref(nat, "subnetId", TYPE.subnet);
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
  const eip = ctx.lk.byId(TYPE.eip, nat.props.allocationId);
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
export function reachInterfaceEndpoint(
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
  const peerOfEndpoint: ConnectionEnd = {
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
