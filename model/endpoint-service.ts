/**
 * Your own service over PrivateLink: the consumer's interface endpoint, the provider's
 * acceptance of the connection, and the Network Load Balancer and targets behind the service.
 */
import type { Target } from "./expectations";
import {
  Client,
  clientDns,
  Context,
  endpointName,
  interfaceEndpoint,
  verdict,
  Verdict,
} from "./context";
import { resolveEndpointName } from "./dns";
import { GraphResource } from "./graph";
import { idOf, str, strs } from "./lookup";
import { hostOf } from "./network";
import { TYPE } from "./type-tokens";
import { reachInterfaceEndpoint } from "./paths";
import { allowingRule, describeRule, ConnectionEnd } from "./security-groups";

export function endpointServiceRequest(
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
    .ofType(TYPE.vpcEndpointService)
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
      .ofType(TYPE.vpcEndpointConnectionAccepter)
      .find(
        (a) =>
          a.props.vpcEndpointId === endpoint.id ||
          ctx.lk.ref(a, "vpcEndpointId", TYPE.vpcEndpoint) === endpoint.resource,
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
          ctx.lk.byId(TYPE.loadBalancer, a) ??
          ctx.lk.ofType(TYPE.loadBalancer).find((l) => l.props.arn === a),
      )
    : ctx.lk.refs(service, "networkLoadBalancerArns", TYPE.loadBalancer);
  const problems: string[] = [];
  for (const lb of lbs) {
    if (!lb) continue;
    const lbArn = str(lb, "arn") ?? idOf(lb);
    const lbName = str(lb, "name") ?? lb.name;
    const listener = ctx.lk
      .ofType(TYPE.listener)
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
    const lbSubnets = ctx.lk.refs(lb, "subnets", TYPE.subnet);
    const lbPeer: ConnectionEnd = {
      cidrs: lbSubnets.map((s) => str(s, "cidrBlock")).filter((c): c is string => !!c),
      prefixListIds: [],
      securityGroupIds: strs(lb, "securityGroups"),
    };
    const attachments = ctx.lk
      .ofType(TYPE.targetGroupAttachment)
      .filter((a) => groups.includes(str(a, "targetGroupArn") ?? ""));
    if (attachments.length === 0) {
      problems.push(
        `listener ${listener.name} forwards to a target group with no registered targets`,
      );
      continue;
    }
    for (const attachment of attachments) {
      const instance = ctx.lk.byId(TYPE.instance, attachment.props.targetId);
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
