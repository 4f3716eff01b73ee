/**
 * What a diagram says about one expectation: where a failed flow stops and why, in a few words
 * on the mark, and what its arrow is labelled. The element comes from the model's verdict: the
 * resource whose AWS id its reason names (a route table, a security group), or for a 403 the
 * policy the request met last. The model's words are read here, in one place, so that a change
 * to them fails this module's specs rather than a picture nobody looks at.
 */
import { Expectation, Outcome } from "../model/expectations";
import { GraphResource } from "../model/graph";
import { Lookup } from "../model/lookup";
import { TYPE } from "../model/type-tokens";

/** One expectation and the outcome to colour it by (the model's verdict, else the expected). */
export interface DiagramPath {
  readonly expectation: Expectation;
  readonly outcome: Outcome;
  /** False when the model disagrees with the expectation; the arrow then says both. */
  readonly agrees?: boolean;
  /** URNs the model's verdict rests on, client side first: the arrow passes the drawn ones. */
  readonly via?: readonly string[];
  /** The model's reason: for a failed flow, it names what stopped it. */
  readonly detail?: string;
}

/** Where a failed flow stops: the resource that stops it, and the words on the mark. */
export interface Stop {
  readonly resource?: GraphResource;
  readonly reason: string;
}

function failed(outcome: Outcome): boolean {
  return outcome === "times-out" || outcome === "403";
}

const POLICIES: readonly string[] = [
  TYPE.bucketPolicy,
  TYPE.dynamodbResourcePolicy,
  TYPE.bucket,
  TYPE.bucketV2,
  TYPE.table,
];
const ROUTE_TABLES: readonly string[] = [TYPE.routeTable, TYPE.defaultRouteTable];

/**
 * The element a failed flow stops at. A reason the model words in a way not listed here still
 * stops the flow, at its last drawn element, with the outcome as its reason.
 */
export function stopOf(lk: Lookup, path: DiagramPath): Stop | undefined {
  if (!failed(path.outcome)) return undefined;
  const via = (path.via ?? []).map((u) => lk.urn(u)).filter((r): r is GraphResource => !!r);
  const last = (types: readonly string[]) => [...via].reverse().find((r) => types.includes(r.type));
  const detail = path.detail ?? "";
  if (path.outcome === "403") return { resource: last(POLICIES), reason: "403" };
  const egress = /has no egress rule for TCP (\d+)/.exec(detail);
  const ingress = /admits no TCP (\d+)/.exec(detail);
  const rule = egress ?? ingress;
  if (rule) {
    const named = /\bsg-[0-9a-f]+/.exec(detail.slice(0, rule.index))?.[0];
    return {
      resource: lk.byId(TYPE.securityGroup, named),
      reason: `no ${egress ? "egress" : "ingress"} rule for ${rule[1]}`,
    };
  }
  if (/^no route\b|has no peering or transit gateway route/.test(detail)) {
    return { resource: last(ROUTE_TABLES), reason: "no route" };
  }
  if (/leads to internet gateway .* has no public IP/.test(detail)) {
    return { resource: idNamed(lk, detail, TYPE.internetGateway, "igw"), reason: "no public IP" };
  }
  if (/leads to NAT gateway/.test(detail)) {
    return { resource: last([TYPE.natGateway]), reason: "NAT gets no further" };
  }
  if (/does not lead to them/.test(detail)) {
    return { resource: last(ROUTE_TABLES), reason: "route leads elsewhere" };
  }
  if (/is pendingAcceptance/.test(detail)) {
    return { resource: last([TYPE.vpcEndpointService]), reason: "not accepted" };
  }
  return { reason: path.outcome };
}

function idNamed(
  lk: Lookup,
  detail: string,
  type: string,
  prefix: string,
): GraphResource | undefined {
  const id = new RegExp(`\\b${prefix}-[0-9a-f]+`).exec(detail)?.[0];
  return lk.byId(type, id);
}

/** The words on a flow's first arrow: what is asked, with which name, and what happens. */
export function flowLabel(path: DiagramPath): string {
  const e = path.expectation;
  const verdict = path.agrees === false ? `${path.outcome} (expected ${e.outcome})` : path.outcome;
  if (e.probe === "dns") return `DNS: ${verdict}`;
  switch (e.to.kind) {
    case "aws-service":
      return `HTTPS to ${e.to.service}, ${e.to.via ? "endpoint name" : "default name"}: ${verdict}`;
    case "endpoint-service":
      return `tcp/${e.to.port}, endpoint name: ${verdict}`;
    case "instance":
      return `tcp/${e.to.port}: ${verdict}`;
    case "internet": {
      const url = /^([a-z]+):\/\/([^/:]+)/i.exec(e.to.url);
      const scheme = url?.[1].toLowerCase() === "http" ? "HTTP" : "HTTPS";
      return `${scheme} to ${url?.[2] ?? e.to.url}: ${verdict}`;
    }
  }
}
