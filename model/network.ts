/**
 * Reads the network facts the model reasons about out of a resource graph: hosts and their
 * subnets, VPC DNS attributes, route tables and their routes, security group rules, VPC
 * endpoints, IAM identities. Works on the offline engine's record and on a stack export alike,
 * following ids (and property dependencies where an id is not known).
 */
import { GraphResource } from "./graph";
import { EndpointDns, VpcDns } from "./dns";
import { idOf, Lookup, str, strs } from "./lookup";
import { RouteEntry, routeTarget } from "./routing";
import { RulePeer, SgRuleFact } from "./security-groups";
import { awsServiceOf } from "./service-name";
import { TYPE } from "./type-tokens";

/** A lab host: an EC2 instance and where it sits. */
export interface Host {
  /** The name the expectation used. */
  name: string;
  instance: GraphResource;
  id: string;
  arn?: string;
  subnetId?: string;
  /** The subnet's block: the host's address when its own is not known. */
  subnetCidr?: string;
  vpcId?: string;
  privateIp?: string;
  /** Its public IPv4 address (auto-assigned or an Elastic IP), when it has one. */
  publicIp?: string;
  securityGroupIds: string[];
}

/** A VPC endpoint of any type, with what the model needs of it. */
export interface Endpoint {
  resource: GraphResource;
  id: string;
  type: "Gateway" | "Interface" | "GatewayLoadBalancer";
  serviceName: string;
  /** s3, dynamodb, cloudformation... for AWS services; undefined for endpoint services (service-name.ts). */
  service?: string;
  vpcId?: string;
  /** Gateway: route tables holding its prefix-list route. */
  routeTableIds: string[];
  prefixListId?: string;
  cidrBlocks: string[];
  /** Interface: subnets of its network interfaces, their blocks and its groups. */
  subnetIds: string[];
  subnetCidrs: string[];
  securityGroupIds: string[];
  privateDnsEnabled: boolean;
  inboundResolverOnly: boolean;
  /** Endpoint-specific DNS names (vpce-...). */
  dnsNames: string[];
  state?: string;
  policy?: unknown;
}

/** The resource `name` designates of `type`: itself, or the first of that type it owns. */
export function findOwned(
  lk: Lookup,
  name: string,
  type: string,
  suffixes: readonly string[] = [],
): GraphResource | undefined {
  const named = lk.named(name);
  const direct = named.find((r) => r.type === type);
  if (direct) return direct;
  for (const root of named) {
    const owned = firstDescendant(lk, root.urn, type);
    if (owned) return owned;
  }
  for (const suffix of suffixes) {
    const found = lk.named(`${name}${suffix}`).find((r) => r.type === type);
    if (found) return found;
  }
  return undefined;
}

function firstDescendant(lk: Lookup, urn: string, type: string): GraphResource | undefined {
  const queue = [urn];
  for (let i = 0; i < queue.length && i < 500; i++) {
    for (const child of lk.childrenOf(queue[i])) {
      if (child.type === type) return child;
      queue.push(child.urn);
    }
  }
  return undefined;
}

/** The host an expectation names (a LabInstance component, or an instance), or undefined. */
export function findHost(lk: Lookup, name: string): Host | undefined {
  const instance =
    findOwned(lk, name, TYPE.instance, ["-instance"]) ??
    lk.ofType(TYPE.instance).find((i) => (i.props.tags as Record<string, unknown>)?.Name === name);
  return instance ? hostOf(lk, name, instance) : undefined;
}

export function hostOf(lk: Lookup, name: string, instance: GraphResource): Host {
  const id = idOf(instance) ?? instance.name;
  const subnet = lk.ref(instance, "subnetId", TYPE.subnet);
  const subnetId = subnet ? idOf(subnet) : str(instance, "subnetId");
  const groups = lk.refs(instance, "vpcSecurityGroupIds", TYPE.securityGroup);
  const groupIds = [
    ...new Set([
      ...strs(instance, "vpcSecurityGroupIds"),
      ...groups.map((g) => idOf(g)).filter((g): g is string => !!g),
    ]),
  ];
  return {
    name,
    instance,
    id,
    arn: str(instance, "arn"),
    subnetId,
    subnetCidr: str(subnet, "cidrBlock"),
    vpcId: subnet ? vpcIdOf(lk, subnet) : undefined,
    privateIp: str(instance, "privateIp"),
    publicIp: publicIpOf(lk, instance, id),
    securityGroupIds: groupIds,
  };
}

function publicIpOf(lk: Lookup, instance: GraphResource, id: string): string | undefined {
  const own = str(instance, "publicIp");
  if (own) return own;
  const eip =
    lk.ofType(TYPE.eip).find((e) => e.props.instance === id) ??
    lk
      .ofType(TYPE.eipAssociation)
      .filter((a) => a.props.instanceId === id)
      .map((a) => lk.byId(TYPE.eip, a.props.allocationId))
      .find((e) => e !== undefined);
  return str(eip, "publicIp") ?? (eip ? "an Elastic IP" : undefined);
}

/** The VPC id of a resource with a `vpcId` (or, through its subnet, a `subnetId`). */
export function vpcIdOf(lk: Lookup, resource: GraphResource): string | undefined {
  const vpc = lk.ref(resource, "vpcId", TYPE.vpc);
  if (vpc) return idOf(vpc);
  const own = str(resource, "vpcId");
  if (own) return own;
  const subnet = lk.ref(resource, "subnetId", TYPE.subnet);
  return subnet ? vpcIdOf(lk, subnet) : undefined;
}

/**
 * The VPC's DNS attributes. A VPC outside the graph is taken to have both on: AWS would not
 * have created a private DNS endpoint in it otherwise.
 */
export function vpcDnsOf(lk: Lookup, vpcId: string): VpcDns {
  const vpc = lk.byId(TYPE.vpc, vpcId);
  if (!vpc) return { vpcId, enableDnsSupport: true, enableDnsHostnames: true };
  return {
    vpcId,
    // AWS's defaults for a new VPC: support on, hostnames off.
    enableDnsSupport: vpc.props.enableDnsSupport !== false,
    enableDnsHostnames: vpc.props.enableDnsHostnames === true,
  };
}

/** The VPC's IPv4 blocks (the local route). */
export function vpcCidrsOf(lk: Lookup, vpcId: string): string[] {
  const vpc = lk.byId(TYPE.vpc, vpcId);
  const own = str(vpc, "cidrBlock");
  const extra = lk
    .ofType(TYPE.vpcIpv4CidrBlockAssociation)
    .filter((a) => a.props.vpcId === vpcId)
    .map((a) => str(a, "cidrBlock"))
    .filter((c): c is string => !!c);
  return [...(own ? [own] : []), ...extra];
}

/** The route table a subnet uses: its explicit association, else the VPC's main table. */
export function routeTableIdOf(
  lk: Lookup,
  subnetId: string,
  vpcId: string | undefined,
): string | undefined {
  const explicit = lk.cached("routeTableBySubnet", () => {
    const map = new Map<string, string>();
    for (const a of lk.ofType(TYPE.routeTableAssociation)) {
      const subnet = str(a, "subnetId") ?? idOfRef(lk, a, "subnetId", TYPE.subnet);
      const table = str(a, "routeTableId") ?? idOfRef(lk, a, "routeTableId", TYPE.routeTable);
      if (subnet && table) map.set(subnet, table);
    }
    return map;
  });
  const found = explicit.get(subnetId);
  if (found || !vpcId) return found;
  const main = lk.ofType(TYPE.mainRouteTableAssociation).find((a) => a.props.vpcId === vpcId);
  const vpc = lk.byId(TYPE.vpc, vpcId);
  return (
    str(main, "routeTableId") ?? str(vpc, "mainRouteTableId") ?? str(vpc, "defaultRouteTableId")
  );
}

function idOfRef(lk: Lookup, r: GraphResource, property: string, type: string) {
  const found = lk.ref(r, property, type);
  return found ? idOf(found) : undefined;
}

/** Every route of a route table, the VPC's local route(s) first. */
export function routesOf(
  lk: Lookup,
  routeTableId: string,
  vpcId: string | undefined,
): RouteEntry[] {
  const byTable = lk.cached("routesByTable", () => collectRoutes(lk));
  const table =
    lk.byId(TYPE.routeTable, routeTableId) ?? lk.byId(TYPE.defaultRouteTable, routeTableId);
  const vpc = vpcId ?? (table ? vpcIdOf(lk, table) : undefined);
  const local: RouteEntry[] = (vpc ? vpcCidrsOf(lk, vpc) : []).map((cidr) => ({
    destination: { cidr },
    target: { kind: "local", id: "local" },
    origin: table?.urn ?? routeTableId,
  }));
  return [...local, ...(byTable.get(routeTableId) ?? [])];
}

function collectRoutes(lk: Lookup): Map<string, RouteEntry[]> {
  const map = new Map<string, RouteEntry[]>();
  const add = (tableId: string | undefined, entry: RouteEntry | undefined) => {
    if (!tableId || !entry) return;
    const list = map.get(tableId);
    if (list) list.push(entry);
    else map.set(tableId, [entry]);
  };
  const prefixCidrs = prefixListBlocks(lk);
  const entry = (
    fields: Record<string, unknown>,
    cidrKey: string,
    origin: string,
  ): RouteEntry | undefined => {
    const target = routeTarget(fields);
    if (!target) return undefined;
    const cidr = fields[cidrKey];
    const pl = fields.destinationPrefixListId;
    if (typeof cidr === "string" && cidr !== "") return { destination: { cidr }, target, origin };
    if (typeof pl === "string" && pl !== "") {
      return {
        destination: { prefixListId: pl, cidrs: prefixCidrs.get(pl) ?? [] },
        target,
        origin,
      };
    }
    return undefined;
  };
  for (const r of lk.ofType(TYPE.route)) {
    const table = str(r, "routeTableId") ?? idOfRef(lk, r, "routeTableId", TYPE.routeTable);
    add(table, entry(r.props, "destinationCidrBlock", r.urn));
  }
  for (const t of [...lk.ofType(TYPE.routeTable), ...lk.ofType(TYPE.defaultRouteTable)]) {
    const inline = t.props.routes;
    if (!Array.isArray(inline)) continue;
    for (const fields of inline) {
      if (fields && typeof fields === "object") {
        add(idOf(t), entry(fields as Record<string, unknown>, "cidrBlock", t.urn));
      }
    }
  }
  for (const e of endpointsOf(lk)) {
    if (e.type !== "Gateway" || !e.prefixListId) continue;
    for (const table of e.routeTableIds) {
      add(table, {
        destination: { prefixListId: e.prefixListId, cidrs: e.cidrBlocks },
        target: { kind: "gateway-endpoint", id: e.id },
        origin: e.resource.urn,
      });
    }
  }
  // Inline routes and route resources describe the same route after a refresh: keep one.
  for (const [table, list] of map) {
    const seen = new Set<string>();
    map.set(
      table,
      list.filter((r) => {
        const d = r.destination;
        const key = `${"cidr" in d ? d.cidr : d.prefixListId}|${r.target.id}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
    );
  }
  return map;
}

/** Blocks of each AWS-managed prefix list the graph knows (from gateway endpoints). */
export function prefixListBlocks(lk: Lookup): Map<string, string[]> {
  return lk.cached("prefixListBlocks", () => {
    const map = new Map<string, string[]>();
    for (const e of lk.ofType(TYPE.vpcEndpoint)) {
      const pl = str(e, "prefixListId");
      if (pl) map.set(pl, strs(e, "cidrBlocks"));
    }
    return map;
  });
}

/** Every VPC endpoint in the graph, read once. */
export function endpointsOf(lk: Lookup): Endpoint[] {
  return lk.cached("endpoints", () => {
    const associations = lk.ofType(TYPE.vpcEndpointRouteTableAssociation);
    return lk.ofType(TYPE.vpcEndpoint).map((r) => {
      const id = idOf(r) ?? r.name;
      const serviceName = str(r, "serviceName") ?? "";
      const type = (str(r, "vpcEndpointType") ?? "Gateway") as Endpoint["type"];
      const subnets = lk.refs(r, "subnetIds", TYPE.subnet);
      const subnetIds = strs(r, "subnetIds");
      const dnsOptions = r.props.dnsOptions as Record<string, unknown> | undefined;
      const dnsEntries = Array.isArray(r.props.dnsEntries) ? r.props.dnsEntries : [];
      return {
        resource: r,
        id,
        type,
        serviceName,
        service: awsServiceOf(serviceName),
        vpcId: vpcIdOf(lk, r),
        routeTableIds: [
          ...new Set([
            ...strs(r, "routeTableIds"),
            ...associations
              .filter((a) => a.props.vpcEndpointId === id)
              .map((a) => str(a, "routeTableId"))
              .filter((t): t is string => !!t),
          ]),
        ],
        prefixListId: str(r, "prefixListId"),
        cidrBlocks: strs(r, "cidrBlocks"),
        subnetIds: subnetIds.length ? subnetIds : subnets.map((s) => idOf(s) ?? ""),
        subnetCidrs: subnets.map((s) => str(s, "cidrBlock")).filter((c): c is string => !!c),
        securityGroupIds: strs(r, "securityGroupIds"),
        privateDnsEnabled: r.props.privateDnsEnabled === true,
        inboundResolverOnly: dnsOptions?.privateDnsOnlyForInboundResolverEndpoint === true,
        dnsNames: dnsEntries
          .map((e) => (e as Record<string, unknown>)?.dnsName)
          .filter((n): n is string => typeof n === "string" && /^(\*\.)?vpce-/.test(n)),
        state: str(r, "state"),
        policy: r.props.policy,
      };
    });
  });
}

/** The endpoint an expectation's `via` names (an endpoint component, or the endpoint). */
export function findEndpoint(lk: Lookup, name: string): Endpoint | undefined {
  const resource = findOwned(lk, name, TYPE.vpcEndpoint, ["-vpce"]);
  return resource ? endpointsOf(lk).find((e) => e.resource === resource) : undefined;
}

/** What dns.ts needs of the interface endpoints. */
export function endpointDns(lk: Lookup): EndpointDns[] {
  return lk.cached("endpointDns", () =>
    endpointsOf(lk)
      .filter((e) => e.type === "Interface" && e.service)
      .map((e) => ({
        id: e.id,
        vpcId: e.vpcId,
        service: e.service!,
        privateDnsEnabled: e.privateDnsEnabled,
        inboundResolverOnly: e.inboundResolverOnly,
      })),
  );
}

/** Every security group rule of the graph: rule resources and inline blocks. */
export function sgRulesOf(lk: Lookup): SgRuleFact[] {
  return lk.cached("sgRules", () => {
    const rules: SgRuleFact[] = [];
    const groupId = (r: GraphResource) =>
      str(r, "securityGroupId") ?? idOfRef(lk, r, "securityGroupId", TYPE.securityGroup);
    const num = (v: unknown) => (typeof v === "number" ? v : undefined);

    for (const [type, direction] of [
      [TYPE.securityGroupIngressRule, "ingress"],
      [TYPE.securityGroupEgressRule, "egress"],
    ] as const) {
      for (const r of lk.ofType(type)) {
        const group = groupId(r);
        const peer = vpcRulePeer(lk, r);
        if (!group || !peer) continue;
        rules.push({
          groupId: group,
          direction,
          protocol: String(r.props.ipProtocol ?? "-1"),
          fromPort: num(r.props.fromPort),
          toPort: num(r.props.toPort),
          peer,
          origin: r.urn,
        });
      }
    }
    for (const r of lk.ofType(TYPE.securityGroupRule)) {
      const group = groupId(r);
      const direction = r.props.type === "egress" ? "egress" : "ingress";
      if (!group) continue;
      const peers: RulePeer[] = [
        ...strs(r, "cidrBlocks").map((cidr) => ({ cidr })),
        ...strs(r, "prefixListIds").map((prefixListId) => ({ prefixListId })),
        ...(str(r, "sourceSecurityGroupId")
          ? [{ securityGroupId: str(r, "sourceSecurityGroupId")! }]
          : []),
        ...(r.props.self === true ? [{ securityGroupId: group }] : []),
      ];
      for (const peer of peers) {
        rules.push({
          groupId: group,
          direction,
          protocol: String(r.props.protocol ?? "-1"),
          fromPort: num(r.props.fromPort),
          toPort: num(r.props.toPort),
          peer,
          origin: r.urn,
        });
      }
    }
    for (const g of lk.ofType(TYPE.securityGroup)) {
      const group = idOf(g);
      if (!group) continue;
      for (const direction of ["ingress", "egress"] as const) {
        const blocks = g.props[direction];
        if (!Array.isArray(blocks)) continue;
        for (const block of blocks as Record<string, unknown>[]) {
          const list = (key: string) =>
            Array.isArray(block?.[key])
              ? ((block[key] as unknown[]).filter((v) => typeof v === "string") as string[])
              : [];
          const peers: RulePeer[] = [
            ...list("cidrBlocks").map((cidr) => ({ cidr })),
            ...list("prefixListIds").map((prefixListId) => ({ prefixListId })),
            ...list("securityGroups").map((securityGroupId) => ({ securityGroupId })),
            ...(block?.self === true ? [{ securityGroupId: group }] : []),
          ];
          for (const peer of peers) {
            rules.push({
              groupId: group,
              direction,
              protocol: String(block.protocol ?? "-1"),
              fromPort: num(block.fromPort),
              toPort: num(block.toPort),
              peer,
              origin: g.urn,
            });
          }
        }
      }
    }
    return rules;
  });
}

function vpcRulePeer(lk: Lookup, r: GraphResource): RulePeer | undefined {
  const cidr = str(r, "cidrIpv4");
  if (cidr) return { cidr };
  const v6 = str(r, "cidrIpv6");
  if (v6) return { ipv6Cidr: v6 };
  const pl = str(r, "prefixListId");
  if (pl) return { prefixListId: pl };
  const sg =
    str(r, "referencedSecurityGroupId") ??
    idOfRef(lk, r, "referencedSecurityGroupId", TYPE.securityGroup);
  return sg ? { securityGroupId: sg } : undefined;
}

/** The Region and account the graph's ARNs name. */
export function regionAndAccount(lk: Lookup): { region?: string; account?: string } {
  return lk.cached("regionAndAccount", () => {
    for (const r of lk.resources) {
      const m = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):/.exec(
        str(r, "arn") ?? "",
      );
      if (m) return { region: m[1], account: m[2] };
    }
    for (const r of lk.ofType(TYPE.subnet)) {
      const az = str(r, "availabilityZone");
      if (az) return { region: az.replace(/[a-z]$/, "") };
    }
    return {};
  });
}
