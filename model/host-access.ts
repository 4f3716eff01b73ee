/**
 * Host to host (the local route, or peering and transit gateway routes both ways), and from a
 * client outside every VPC into one: through an EC2 Instance Connect Endpoint, or to a host's
 * public IP.
 */
import type { Target } from "./expectations";
import { ANYWHERE, covers } from "./addresses";
import {
  Client,
  Context,
  groupsOf,
  hostLabel,
  hostPeer,
  requireHost,
  tableOf,
  verdict,
  Verdict,
} from "./context";
import { GraphResource } from "./graph";
import { authorize } from "./iam";
import { idOf, str, strs } from "./lookup";
import { Host, routesOf, vpcIdOf } from "./network";
import { TYPE } from "./type-tokens";
import { describeRoute, selectRoute } from "./routing";
import { allowingRule, describeRule, ConnectionEnd } from "./security-groups";

export function instanceRequest(
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
    .ofType(TYPE.instanceConnectEndpoint)
    .filter((e) => vpcIdOf(ctx.lk, e) === target.vpcId);
  const problems: string[] = [];
  for (const eice of eices) {
    const id = idOf(eice) ?? eice.name;
    const groups = strs(eice, "securityGroupIds");
    const subnet = ctx.lk.ref(eice, "subnetId", TYPE.subnet);
    const egress = allowingRule(ctx.rules, "egress", groups, hostPeer(target), port);
    if (!egress) {
      problems.push(
        `Instance Connect Endpoint ${id}'s group ${groups.join(", ")} has no egress rule for TCP ${port} to ${hostLabel(target)}`,
      );
      continue;
    }
    // With preserveClientIp the host sees the caller's own (public) address, not the endpoint's.
    const preserve = eice.props.preserveClientIp === true;
    const source: ConnectionEnd = preserve
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
