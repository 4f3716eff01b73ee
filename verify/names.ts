/**
 * The probe names of a lab read from its resource graph (a stack export, or the offline
 * engine's record): the physical bucket names, endpoint DNS names and host addresses behind the
 * logical names its expectations use. For a stack that does not export its probe names.
 */
import type { Expectation } from "../model/expectations";
import { TYPE } from "../model/type-tokens";
import { GraphResource } from "../model/graph";
import { lookupOf, str } from "../model/lookup";
import { findEndpoint, findHost, findOwned, regionAndAccount, vpcCidrsOf } from "../model/network";
import type { ProbeHost, ProbeNames } from "../model/probes";

/** Every name the expectations need that the graph holds; probeFor reports what is missing. */
export function probeNamesFromGraph(
  graph: readonly GraphResource[],
  expectations: readonly Expectation[],
): ProbeNames {
  const lk = lookupOf(graph);
  const names: ProbeNames = {
    region: regionAndAccount(lk).region ?? "",
    hosts: {},
    buckets: {},
    endpoints: {},
  };
  const addHost = (name: string): void => {
    const host = findHost(lk, name);
    if (!host || names.hosts[name]) return;
    const entry: ProbeHost = {
      vpcCidrs: host.vpcId ? vpcCidrsOf(lk, host.vpcId) : [],
      instanceId: host.id,
    };
    if (host.privateIp) entry.privateIp = host.privateIp;
    if (host.publicIp) entry.publicIp = host.publicIp;
    names.hosts[name] = entry;
  };
  for (const e of expectations) {
    addHost(e.from);
    const to = e.to;
    if (to.kind === "instance") addHost(to.host);
    if (to.kind === "aws-service" && to.service === "s3" && to.resource) {
      const bucket = findOwned(lk, to.resource, TYPE.bucket, ["-bucket"]);
      const name = str(bucket, "bucket") ?? bucket?.id;
      if (name) names.buckets![to.resource] = name;
    }
    if ((to.kind === "aws-service" || to.kind === "endpoint-service") && to.via) {
      const dnsName = findEndpoint(lk, to.via)?.dnsNames[0];
      if (dnsName) names.endpoints![to.via] = dnsName;
    }
  }
  return names;
}
