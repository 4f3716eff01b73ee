/**
 * What a host measures for a lab, as data: the probes. A probe says what to reach and how (a
 * name to resolve, an AWS CLI call, a TCP connection, an HTTP GET), never what should happen:
 * a lab's expectations change with its config, what a host measures must not. Pure, so the
 * program (user data), the laptop command and the specs derive the same probes from the same
 * expectations.
 */
import { describeTarget, type Expectation, type Outcome, type Target } from "./expectations";

/** The AWS CLI call a request probe makes, per service: cheap, read-only, one page. */
export const AWS_CALLS = {
  s3: "s3 ls",
  dynamodb: "dynamodb list-tables",
  cloudformation: "cloudformation list-stacks",
  sts: "sts get-caller-identity",
} as const;

export type AwsService = keyof typeof AWS_CALLS;

export type Probe =
  /** Which addresses `name` resolves to; private when one lies in `privateCidrs`. */
  | { id: string; kind: "dns"; name: string; privateCidrs: string[] }
  /** An AWS CLI call through the default name, or through `endpointUrl`. */
  | {
      id: string;
      kind: "request";
      service: AwsService;
      region: string;
      /** `s3 ls s3://<bucket>` rather than the account's bucket list. */
      bucket?: string;
      endpointUrl?: string;
    }
  /**
   * A TCP connection (SSH, say). With `tunnel`, through an EC2 Instance Connect Endpoint
   * (`aws ec2-instance-connect open-tunnel`), and it works when the far end speaks first (SSH's
   * banner): the local end of a tunnel always accepts.
   */
  | {
      id: string;
      kind: "tcp";
      host: string;
      port: number;
      tunnel?: { instanceId: string; region: string };
    }
  /** An HTTP GET. */
  | { id: string; kind: "http"; url: string };

/** What a probe measured. Wider than `Outcome`: a host can see what no lab predicts. */
export type Measured =
  | "works"
  | "times-out"
  /** AccessDenied, 403 Forbidden: the service answered and refused. */
  | "denied"
  /** A closed port: the host answered with a reset. */
  | "refused"
  | "resolves-private"
  | "resolves-public"
  /** The name has no address (NXDOMAIN, no resolver). */
  | "no-answer"
  /** Anything else, with the message in the detail. */
  | "error";

export const MEASURED: readonly Measured[] = [
  "works",
  "times-out",
  "denied",
  "refused",
  "resolves-private",
  "resolves-public",
  "no-answer",
  "error",
];

/**
 * Whether a measurement shows what the lab expects. A 403 is how the expectations spell
 * "denied"; for a lookup the model says "times-out" where a resolver gives no answer.
 */
export function agrees(expected: Outcome, measured: Measured, probe: Probe["kind"]): boolean {
  if (expected === "403") return measured === "denied";
  if (expected === "times-out" && probe === "dns") return measured === "no-answer";
  return expected === measured;
}

/** A lab host, as the probes need it. */
export interface ProbeHost {
  /** The VPC's CIDR block(s): an answer inside them is a private one. */
  vpcCidrs: string[];
  privateIp?: string;
  publicIp?: string;
  /** Only the laptop needs it, to read the host's console. */
  instanceId?: string;
}

/**
 * The physical names behind the logical names a lab's expectations use. A client not in
 * `hosts` (the laptop) is outside every VPC.
 */
export interface ProbeNames {
  region: string;
  hosts: Record<string, ProbeHost>;
  /** Bucket names by the logical name expectations use (`resource`). */
  buckets?: Record<string, string>;
  /** Each interface endpoint's first DNS name (S3's `*.vpce-…` wildcard as AWS lists it). */
  endpoints?: Record<string, string>;
}

/**
 * The probe's name: the same for an expectation in every config mode, and unique within a
 * client, so a result on the console finds its expectation.
 */
export function probeId(e: Pick<Expectation, "probe" | "to">): string {
  const to = e.to;
  const target =
    to.kind === "aws-service"
      ? [to.service, to.resource, to.via && `via-${to.via}`]
      : to.kind === "instance"
        ? [to.host, String(to.port)]
        : to.kind === "endpoint-service"
          ? ["service", to.via, String(to.port)]
          : [to.url.replace(/^[a-z]+:\/\//i, "")];
  return [e.probe, ...target.filter(Boolean)].join("-").replace(/[^A-Za-z0-9._-]+/g, "_");
}

/** The probes `client` runs for the lab's expectations from it, one per distinct probe. */
export function probesFor(
  client: string,
  expectations: readonly Expectation[],
  names: ProbeNames,
): Probe[] {
  const probes = new Map<string, Probe>();
  for (const e of expectations) {
    if (e.from !== client) continue;
    const probe = probeFor(e, names);
    probes.set(probe.id, probe);
  }
  return [...probes.values()];
}

/** The probe that measures one expectation. Throws, naming the expectation, on a missing name. */
export function probeFor(e: Expectation, names: ProbeNames): Probe {
  const id = probeId(e);
  const client = names.hosts[e.from];
  const missing = (what: string): Error =>
    new Error(
      `expectation ${e.from} -> ${describeTarget(e.to)} (${e.probe}): the probe names give no ${what}`,
    );
  const to: Target = e.to;
  switch (to.kind) {
    case "aws-service": {
      const bucket = to.service === "s3" && to.resource ? names.buckets?.[to.resource] : undefined;
      if (to.service === "s3" && to.resource && !bucket) throw missing(`bucket "${to.resource}"`);
      let host = bucket
        ? `${bucket}.s3.${names.region}.amazonaws.com`
        : `${to.service}.${names.region}.amazonaws.com`;
      if (to.via) {
        const endpoint = names.endpoints?.[to.via];
        if (!endpoint) throw missing(`endpoint "${to.via}"`);
        // S3 lists its names as wildcards, and bucket operations go to `bucket.<name>`.
        host = endpoint.replace(/^\*\./, to.service === "s3" ? "bucket." : "");
      }
      if (e.probe === "dns") return { id, kind: "dns", name: host, privateCidrs: cidrsOf(client) };
      return {
        id,
        kind: "request",
        service: to.service,
        region: names.region,
        ...(bucket ? { bucket } : {}),
        ...(to.via ? { endpointUrl: `https://${host}` } : {}),
      };
    }
    case "instance": {
      const target = names.hosts[to.host];
      if (!target) throw missing(`host "${to.host}"`);
      if (!client && !target.publicIp && e.probe === "request") {
        // From outside, a host without a public address is reached the labs' way: Instance Connect.
        if (!target.instanceId) throw missing(`instance id of host "${to.host}"`);
        const tunnel = { instanceId: target.instanceId, region: names.region };
        return { id, kind: "tcp", host: target.instanceId, port: to.port, tunnel };
      }
      const sameVpc = client?.vpcCidrs.some((c) => target.vpcCidrs.includes(c)) ?? false;
      const address = (sameVpc ? target.privateIp : target.publicIp) ?? target.privateIp;
      if (!address) throw missing(`address of host "${to.host}"`);
      if (e.probe === "dns") {
        throw new Error(
          `expectation ${e.from} -> ${describeTarget(e.to)}: a lookup of a host has no name to probe; expect a request`,
        );
      }
      return to.port === 80
        ? { id, kind: "http", url: `http://${address}/` }
        : { id, kind: "tcp", host: address, port: to.port };
    }
    case "endpoint-service": {
      const endpoint = names.endpoints?.[to.via];
      if (!endpoint) throw missing(`endpoint "${to.via}"`);
      if (e.probe === "dns") {
        return { id, kind: "dns", name: endpoint, privateCidrs: cidrsOf(client) };
      }
      return { id, kind: "http", url: `http://${endpoint}${to.port === 80 ? "" : `:${to.port}`}/` };
    }
    case "internet": {
      const host = /^[a-z]+:\/\/([^/:]+)/i.exec(to.url)?.[1] ?? to.url;
      return e.probe === "dns"
        ? { id, kind: "dns", name: host, privateCidrs: cidrsOf(client) }
        : { id, kind: "http", url: to.url };
    }
  }
}

function cidrsOf(client: ProbeHost | undefined): string[] {
  return client ? [...client.vpcCidrs] : [];
}

/** One end of a Reachability Analyzer path, by the lab's logical names. */
export type PathEnd =
  | { kind: "host"; host: string }
  /** An interface endpoint (AWS's analyzer takes the `vpce-` id). */
  | { kind: "endpoint"; via: string }
  /** The internet gateway of `host`'s VPC: where a request from outside enters. */
  | { kind: "internet-gateway"; host: string };

/** A path AWS's Reachability Analyzer can check for one expectation: TCP to `port`. */
export interface AnalyzerPath {
  /** The expectation's client and probe id: the row of `verify` it belongs to. */
  from: string;
  probe: string;
  source: PathEnd;
  destination: PathEnd;
  port: number;
}

/**
 * The network expectations the analyzer can express: a request from a lab host to an interface
 * endpoint (through its own name, or an endpoint service's) or to another host, and from the
 * laptop to a host (entering at the host's internet gateway). A request by an AWS service's
 * default name has no resource to name as its destination (the service's public addresses, a
 * gateway endpoint's prefix list), so the probes alone measure those.
 */
export function analyzerPathOf(
  e: Expectation,
  isHost: (name: string) => boolean,
): AnalyzerPath | undefined {
  if (e.probe !== "request") return undefined;
  const to = e.to;
  const from = { from: e.from, probe: probeId(e) };
  const client = isHost(e.from);
  if (to.kind === "instance") {
    if (!isHost(to.host)) return undefined;
    const source: PathEnd = client
      ? { kind: "host", host: e.from }
      : { kind: "internet-gateway", host: to.host };
    return { ...from, source, destination: { kind: "host", host: to.host }, port: to.port };
  }
  if (!client) return undefined;
  const source: PathEnd = { kind: "host", host: e.from };
  if (to.kind === "endpoint-service") {
    return { ...from, source, destination: { kind: "endpoint", via: to.via }, port: to.port };
  }
  if (to.kind === "aws-service" && to.via) {
    return { ...from, source, destination: { kind: "endpoint", via: to.via }, port: 443 };
  }
  return undefined;
}
