/**
 * What a lab predicts, as data a model can check: probes from a host to a target, and the
 * commands a person runs to see them. Pure: no Pulumi, so the connectivity model can read it.
 */

/** What a probe from a host is expected to show. */
export type Outcome =
  /** The request succeeds. */
  | "works"
  /** No route or no open port: the client waits and gives up. */
  | "times-out"
  /** The request reaches the service and a policy refuses it. */
  | "403"
  /** The name resolves to addresses inside the VPC. */
  | "resolves-private"
  /** The name resolves to the service's public addresses. */
  | "resolves-public";

/**
 * The other end of a probe, by the logical names the scenario gave its resources, so a model
 * can find them in the resource graph.
 */
export type Target =
  /** An AWS service. `via` names the interface endpoint whose own DNS name is used. */
  | {
      kind: "aws-service";
      service: "s3" | "dynamodb" | "cloudformation" | "sts";
      /** Logical name of the bucket or table the request is about, when it is about one. */
      resource?: string;
      /** Logical name of an interface endpoint whose endpoint-specific DNS name is used. */
      via?: string;
    }
  /** Another lab host, on a TCP port. */
  | { kind: "instance"; host: string; port: number }
  /** An endpoint service reached through the named interface endpoint. */
  | { kind: "endpoint-service"; via: string; port: number }
  /** Anything on the internet. */
  | { kind: "internet"; url: string };

/** A target as one line of text: "s3 (lab) via s3-interface", "web-server-1:80". */
export function describeTarget(to: Target): string {
  switch (to.kind) {
    case "aws-service":
      return `${to.service}${to.resource ? ` (${to.resource})` : ""}${to.via ? ` via ${to.via}` : ""}`;
    case "instance":
      return `${to.host}:${to.port}`;
    case "endpoint-service":
      return `endpoint service via ${to.via}:${to.port}`;
    case "internet":
      return to.url;
  }
}

export interface Expectation {
  /** Logical name of the host the probe runs on. */
  from: string;
  to: Target;
  /** A DNS lookup, or a request (HTTPS API call, HTTP GET, SSH). */
  probe: "dns" | "request";
  outcome: Outcome;
  /** One line saying why, in the lab's terms. */
  why: string;
}

/** The commands a person runs on one host, each with what it should print. */
export interface Check {
  host: string;
  /** How to get a shell on the host (Instance Connect, SSH from the admin CIDR...). */
  connect: string;
  steps: { run: string; expect: string }[];
}
