/**
 * The connectivity model: for a lab's expectation (a client, a target, a DNS lookup or a
 * request), what the resource graph says will happen, with the reason in the lab's terms. It
 * answers in order, as the packet would meet them: name resolution, the route out of the
 * client's subnet, security groups at both ends, the endpoint connection, and for S3 and
 * DynamoDB the policies that decide with the `aws:SourceVpce` the request carries.
 *
 * Pure: it reads a graph (model/graph.ts) and never calls AWS or Pulumi.
 */
import { describeTarget, type Expectation, type Outcome, type Target } from "./expectations";
import {
  Client,
  clientDns,
  clientOf,
  contextOf,
  Context,
  defaultName,
  endpointName,
  fromDns,
  hostLabel,
  interfaceEndpoint,
  ModelError,
  requireHost,
  verdict,
  Verdict,
} from "./context";
import { ANYWHERE } from "./addresses";
import { DnsAnswer, noResolver, resolveDefaultName, resolveEndpointName } from "./dns";
import { endpointServiceRequest } from "./endpoint-service";
import { GraphResource } from "./graph";
import { instanceRequest } from "./host-access";
import { lookupOf } from "./lookup";
import { endpointDns, endpointsOf } from "./network";
import { HTTPS, Reach, reachInterfaceEndpoint, reachPublic, serviceDestination } from "./paths";
import { authorizeServiceRequest } from "./service-access";

export type { Outcome, Verdict };
export { ModelError };

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
        `expectation ${expectation.from} -> ${describeTarget(expectation.to)}: ${e.message}`,
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

function internetRequest(
  ctx: Context,
  client: Client,
  to: Extract<Target, { kind: "internet" }>,
): Verdict {
  const port = portOf(to.url);
  if (client.kind === "outside") {
    return verdict("works", `via ${client.name}'s own internet access`, []);
  }
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
