/**
 * The topology of a lab, drawn from the same resource graph the connectivity model reads: a
 * cluster per VPC with a column per Availability Zone and the subnets in it, route tables with
 * their routes, endpoints, hosts, the AWS services and the DNS names asked outside, and each
 * expectation as a coloured arrow along the path the model found, ending where the model says
 * it stops. `toDot` is pure and lays nothing out itself: Graphviz (compiled to WebAssembly,
 * loaded only when a diagram is asked for) places every node.
 */
import { Expectation } from "../model/expectations";
import { GraphResource } from "../model/graph";
import { Lookup, lookupOf, str } from "../model/lookup";
import { routeTarget, ROUTE_TARGET_FIELDS, HopKind } from "../model/routing";
import { awsServiceOf } from "../model/service-name";
import { TYPE } from "../model/type-tokens";
import { contextOf, Context, defaultName, endpointName } from "../model/context";
import { findEndpoint } from "../model/network";
import {
  anchorOf,
  breakName,
  Cluster,
  emit,
  FONT,
  LAYOUT_FONT,
  lines,
  newCluster,
  q,
  safe,
  VIEWER_FONTS,
} from "./diagram-dot";
import { DiagramPath, flowLabel, Stop, stopOf } from "./diagram-flows";

export type { DiagramPath };

/** What the diagram reads of a resource: the connectivity model's own. */
export type DiagramResource = GraphResource;

export interface DiagramInput {
  readonly title: string;
  readonly region: string;
  readonly resources: readonly DiagramResource[];
  readonly paths: readonly DiagramPath[];
}

const RED = "#c62828";
const COLOURS: Record<DiagramPath["outcome"], string> = {
  works: "#2e7d32",
  "times-out": RED,
  "403": RED,
  "resolves-private": "#1565c0",
  "resolves-public": "#1565c0",
};

/** Resource types drawn as endpoints; the diagram spec checks each of them is named. */
export const ENDPOINT_TYPES: readonly string[] = [
  TYPE.vpcEndpoint,
  TYPE.instanceConnectEndpoint,
  TYPE.vpcEndpointService,
];

/** What a route's hop is drawn as, when the graph holds it. */
const HOP_TYPES: Partial<Record<HopKind, string>> = {
  "internet-gateway": TYPE.internetGateway,
  "nat-gateway": TYPE.natGateway,
  "gateway-endpoint": TYPE.vpcEndpoint,
  peering: TYPE.vpcPeeringConnection,
  "transit-gateway": TYPE.transitGateway,
};

/** Subnet tiers top to bottom in an AZ's column: the way in first. */
const TIER_ORDER = ["public", "private", "isolated"];

const SERVICE_TITLES: Record<string, string> = {
  s3: "Amazon S3",
  dynamodb: "Amazon DynamoDB",
  cloudformation: "AWS CloudFormation",
  sts: "AWS STS",
};

/** The lab as a Graphviz DOT document. */
export function toDot(input: DiagramInput): string {
  return new DotBuilder(input).build();
}

interface Arrow {
  from: string;
  to: string;
  style: string;
  classes: string[];
  labels: string[];
}

class DotBuilder {
  private readonly lk: Lookup;
  private readonly ctx: Context;
  private readonly nodeIds = new Map<string, string>();
  private readonly root: Cluster = { id: "", attrs: "", lines: [], children: [] };
  private readonly edges: string[] = [];
  private readonly vpcCluster = new Map<string, Cluster>();
  private readonly azCluster = new Map<string, Cluster>();
  private readonly subnetCluster = new Map<string, Cluster>();
  /** The AZ column each subnet sits in, by subnet URN. */
  private readonly subnetAz = new Map<string, string>();
  private readonly services = new Map<string, Cluster>();
  private awsCluster?: Cluster;
  private dnsCluster?: Cluster;
  /** Nodes that are no resource of the graph (clients outside, the internet, names), by id. */
  private readonly others = new Set<string>();
  /** URNs drawn as nodes. */
  private readonly drawn = new Set<string>();
  /** Node ids in the SVG, so a reader (or a spec) can tell which resource a shape is. */
  private readonly svgIds = new Set<string>();

  constructor(private readonly input: DiagramInput) {
    this.lk = lookupOf(input.resources);
    this.ctx = contextOf(this.lk);
  }

  build(): string {
    this.drawNetworks();
    this.drawHosts();
    this.drawEndpoints();
    this.drawLoadBalancers();
    this.drawStorage();
    this.drawRouteTables();
    this.drawPaths();
    this.stackColumns();
    const legend =
      "green: works   red: times out or 403, ending where it stops   blue dashed: DNS   grey: routes";
    const font = `fontname=${q(LAYOUT_FONT)}`;
    return [
      "digraph lab {",
      `  graph [rankdir=TB, newrank=true, nodesep=0.2, ranksep=0.4, ${font}, fontsize=${FONT.title}, labelloc=t, label=${q([this.input.title, legend].join("\n"))}];`,
      `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", ${font}, fontsize=${FONT.node}, margin="0.1,0.05"];`,
      `  edge [${font}, fontsize=${FONT.edge}, color="#9e9e9e"];`,
      ...emit(this.root, "  "),
      ...this.edges.map((e) => `  ${e}`),
      "}",
      "",
    ].join("\n");
  }

  // --- the network: VPCs, AZ columns, subnets, gateways ----------------------------------

  private drawNetworks(): void {
    this.lk.ofType(TYPE.vpc).forEach((vpc, i) => {
      const cluster = newCluster(
        this.root,
        `cluster_vpc_${i}`,
        lines([`VPC ${vpc.name}`, str(vpc, "cidrBlock")]),
        `class="vpc", style="rounded", color="#7b1fa2", penwidth=1.5, fontcolor="#4a148c", fontsize=${FONT.cluster}`,
      );
      this.vpcCluster.set(vpc.urn, cluster);
    });
    const subnets = [...this.lk.ofType(TYPE.subnet)].sort(
      (a, b) => tierRank(tierOf(a)) - tierRank(tierOf(b)),
    );
    for (const subnet of subnets) {
      const vpc = this.lk.ref(subnet, "vpcId", TYPE.vpc);
      const parent = (vpc && this.vpcCluster.get(vpc.urn)) ?? this.unknownVpc();
      const az = str(subnet, "availabilityZone") ?? "AZ not known";
      const azKey = `${parent.id}_az_${safe(az)}`;
      let column = this.azCluster.get(azKey);
      if (!column) {
        column = newCluster(
          parent,
          azKey,
          az,
          `class="az", style="rounded,dashed", color="#757575", fontcolor="#424242", fontsize=${FONT.cluster}`,
        );
        this.azCluster.set(azKey, column);
      }
      const tier = tierOf(subnet);
      const fill = tier === "public" ? "#e8f5e9" : tier === "private" ? "#e3f2fd" : "#f5f5f5";
      const cluster = newCluster(
        column,
        `cluster_subnet_${this.nodeId(subnet)}`,
        lines([subnet.name, [str(subnet, "cidrBlock"), tier].filter(Boolean).join(", ")]),
        `class="subnet", style="rounded,filled", fillcolor="${fill}", color="#90a4ae", fontsize=${FONT.cluster}`,
      );
      this.subnetCluster.set(subnet.urn, cluster);
      this.subnetAz.set(subnet.urn, azKey);
    }
    for (const igw of this.lk.ofType(TYPE.internetGateway)) {
      const vpc = this.lk.ref(igw, "vpcId", TYPE.vpc);
      const where = (vpc && this.vpcCluster.get(vpc.urn)) || this.root;
      this.node(where, igw, [igw.name, "internet gateway"], 'fillcolor="#fff8e1"');
      this.edges.push(`${this.nodeId(igw)} -> ${this.internetNode()} [arrowhead=none]`);
    }
    for (const nat of this.lk.ofType(TYPE.natGateway)) {
      const subnet = this.lk.ref(nat, "subnetId", TYPE.subnet);
      this.node(
        this.placeIn(subnet ? [subnet] : []),
        nat,
        [nat.name, "NAT gateway"],
        'fillcolor="#fff8e1"',
      );
    }
  }

  private unknownVpc(): Cluster {
    const found = this.root.children.find((c) => c.id === "cluster_vpc_unknown");
    return (
      found ??
      newCluster(
        this.root,
        "cluster_vpc_unknown",
        "VPC not in this stack",
        `class="vpc", style="rounded,dashed", fontsize=${FONT.cluster}`,
      )
    );
  }

  /**
   * Lays the AZ columns of a VPC side by side and, in each, the subnets top to bottom in tier
   * order: without this Graphviz ranks them by the arrows alone and a lab grows sideways.
   */
  private stackColumns(): void {
    const invisible = (from: string, to: string) =>
      this.edges.push(`${from} -> ${to} [style=invis]`);
    const vpcs = this.root.children.filter((c) => c !== this.awsCluster && c !== this.dnsCluster);
    // VPCs stack down too, the one a flow starts in first: side by side they overflow 880 px.
    const clients = new Set(this.input.paths.map((p) => this.clientNode(p.expectation.from)));
    vpcs.sort((a, b) => Number(hasAny(b, clients)) - Number(hasAny(a, clients)));
    vpcs.slice(1).forEach((vpc, i) => {
      for (const node of allNodes(vpcs[i])) invisible(node, anchorOf(vpc));
    });
    for (const vpc of vpcs) {
      const columns = vpc.children.filter((c) => this.isColumn(c));
      if (columns.length > 1) {
        this.edges.push(`{ rank=same; ${columns.map(anchorOf).join("; ")}; }`);
      }
      for (const column of columns) {
        invisible(anchorOf(vpc), anchorOf(column));
        const subnets = column.children;
        subnets.forEach((subnet, i) => {
          invisible(anchorOf(column), anchorOf(subnet));
          for (const node of nodeNames(subnet)) invisible(anchorOf(subnet), node);
          const next = subnets[i + 1];
          if (!next) return;
          for (const node of [anchorOf(subnet), ...nodeNames(subnet)]) {
            invisible(node, anchorOf(next));
          }
        });
      }
    }
    // In a service's cluster, the names asked sit above its resources, not beside them.
    for (const service of this.services.values()) {
      const names = nodeNames(service).filter((n) => n.startsWith("dns_"));
      const rest = nodeNames(service).filter((n) => !n.startsWith("dns_"));
      for (const name of names) for (const node of rest) invisible(name, node);
    }
    // The names asked and the services sit under the VPCs, not beside them: tiers stack down.
    const below = [this.dnsCluster, this.awsCluster].filter((c): c is Cluster => !!c);
    let above = vpcs.flatMap((vpc) => allNodes(vpc));
    for (const tier of below) {
      for (const node of above) invisible(node, anchorOf(tier));
      for (const node of allNodes(tier)) invisible(anchorOf(tier), node);
      above = allNodes(tier);
    }
  }

  private isColumn(c: Cluster): boolean {
    return [...this.azCluster.values()].includes(c);
  }

  // --- hosts -----------------------------------------------------------------------------

  private drawHosts(): void {
    for (const host of this.lk.ofType(TYPE.instance)) {
      const subnet = this.lk.ref(host, "subnetId", TYPE.subnet);
      this.node(
        this.placeIn(subnet ? [subnet] : []),
        host,
        [
          this.displayName(host),
          [str(host, "instanceType"), str(host, "publicIp") ? "public IP" : undefined]
            .filter(Boolean)
            .join(", "),
        ],
        'shape=box3d, style="filled", fillcolor="#fffde7"',
      );
    }
  }

  // --- endpoints -------------------------------------------------------------------------

  private drawEndpoints(): void {
    for (const eice of this.lk.ofType(TYPE.instanceConnectEndpoint)) {
      const subnet = this.lk.ref(eice, "subnetId", TYPE.subnet);
      this.node(
        this.placeIn(subnet ? [subnet] : []),
        eice,
        [eice.name, "EC2 Instance Connect", "Endpoint"],
        'shape=cds, style="filled", fillcolor="#f3e5f5"',
      );
    }
    for (const service of this.lk.ofType(TYPE.vpcEndpointService)) {
      const lbs = this.lk.refs(service, "networkLoadBalancerArns", TYPE.loadBalancer);
      const subnets = lbs.flatMap((lb) => this.lbSubnets(lb));
      this.node(
        this.placeIn(subnets, "vpc"),
        service,
        [service.name, "endpoint service"],
        'shape=component, style="filled", fillcolor="#f3e5f5"',
      );
    }
    for (const endpoint of this.lk.ofType(TYPE.vpcEndpoint)) {
      const kind = str(endpoint, "vpcEndpointType") ?? "Gateway";
      const serviceName = str(endpoint, "serviceName") ?? "";
      const key = awsServiceOf(serviceName);
      if (kind === "Gateway") {
        const vpc = this.lk.ref(endpoint, "vpcId", TYPE.vpc);
        const where = (vpc && this.vpcCluster.get(vpc.urn)) || this.root;
        this.node(
          where,
          endpoint,
          [endpoint.name, `gateway endpoint (${key ?? serviceName})`],
          'shape=cds, style="filled", fillcolor="#ede7f6"',
        );
        if (key) {
          this.edges.push(
            `${this.nodeId(endpoint)} -> ${this.serviceNode(key)} [style=dashed, label="prefix list"]`,
          );
        }
        continue;
      }
      const subnets = this.lk.refs(endpoint, "subnetIds", TYPE.subnet);
      const dns = endpoint.props.privateDnsEnabled === true ? "private DNS on" : "private DNS off";
      this.node(
        this.placeIn(subnets),
        endpoint,
        [
          endpoint.name,
          "interface endpoint",
          `${key ?? "endpoint service"}, ${dns},`,
          `${subnets.length} ENI${subnets.length === 1 ? "" : "s"}`,
        ],
        'shape=cds, style="filled", fillcolor="#ede7f6"',
      );
      const target = key
        ? this.serviceNode(key)
        : this.lk
            .ofType(TYPE.vpcEndpointService)
            .find((s) => str(s, "serviceName") === serviceName);
      if (target) {
        const to = typeof target === "string" ? target : this.nodeId(target);
        this.edges.push(`${this.nodeId(endpoint)} -> ${to} [style=dashed, label="PrivateLink"]`);
      }
    }
  }

  // --- load balancers (the provider side of an endpoint service) --------------------------

  private drawLoadBalancers(): void {
    for (const lb of this.lk.ofType(TYPE.loadBalancer)) {
      const internal = lb.props.internal === true ? "internal" : "internet-facing";
      const kind = str(lb, "loadBalancerType") === "network" ? "Network" : "Application";
      this.node(
        this.placeIn(this.lbSubnets(lb)),
        lb,
        [lb.name, `${kind} Load Balancer`, internal],
        'fillcolor="#e0f2f1"',
      );
    }
    for (const service of this.lk.ofType(TYPE.vpcEndpointService)) {
      for (const lb of this.lk.refs(service, "networkLoadBalancerArns", TYPE.loadBalancer)) {
        this.edges.push(`${this.nodeId(service)} -> ${this.nodeId(lb)} [style=dashed]`);
      }
    }
    for (const attachment of this.lk.ofType(TYPE.targetGroupAttachment)) {
      const host = this.lk.byId(TYPE.instance, str(attachment, "targetId"));
      const group = str(attachment, "targetGroupArn");
      if (!host || !group) continue;
      for (const listener of this.lk.ofType(TYPE.listener)) {
        const actions = Array.isArray(listener.props.defaultActions)
          ? listener.props.defaultActions
          : [];
        if (!actions.some((a) => (a as Record<string, unknown>)?.targetGroupArn === group))
          continue;
        const lb = this.lk.byId(TYPE.loadBalancer, str(listener, "loadBalancerArn"));
        const port = listener.props.port;
        if (lb) {
          this.edges.push(
            `${this.nodeId(lb)} -> ${this.nodeId(host)} [style=dashed, label=${q(`target${port ? ` :${port}` : ""}`)}]`,
          );
        }
      }
    }
  }

  private lbSubnets(lb: DiagramResource): DiagramResource[] {
    const mapped = Array.isArray(lb.props.subnetMappings)
      ? lb.props.subnetMappings.map((m) => (m as Record<string, unknown>)?.subnetId)
      : [];
    const ids = [...(Array.isArray(lb.props.subnets) ? lb.props.subnets : []), ...mapped];
    return ids
      .map((id) => this.lk.byId(TYPE.subnet, id))
      .filter((s): s is DiagramResource => s !== undefined);
  }

  // --- AWS services outside the VPC, and the DNS names asked --------------------------------

  private drawStorage(): void {
    for (const bucket of [...this.lk.ofType(TYPE.bucket), ...this.lk.ofType(TYPE.bucketV2)]) {
      this.node(
        this.serviceCluster("s3"),
        bucket,
        [this.displayName(bucket), "S3 bucket"],
        'shape=cylinder, style="filled", fillcolor="#fff3e0"',
      );
    }
    for (const policy of this.lk.ofType(TYPE.bucketPolicy)) {
      const bucket =
        this.lk.ref(policy, "bucket", TYPE.bucket) ??
        [...this.lk.ofType(TYPE.bucket), ...this.lk.ofType(TYPE.bucketV2)].find(
          (b) => policy.props.bucket === (str(b, "bucket") ?? b.id),
        );
      this.node(
        this.serviceCluster("s3"),
        policy,
        [policy.name, "bucket policy"],
        'shape=note, style="filled", fillcolor="#fff8e1"',
      );
      if (bucket) {
        this.edges.push(
          `${this.nodeId(policy)} -> ${this.nodeId(bucket)} [arrowhead=none, style=dotted]`,
        );
      }
    }
    for (const table of this.lk.ofType(TYPE.table)) {
      this.node(
        this.serviceCluster("dynamodb"),
        table,
        [this.displayName(table), "DynamoDB table"],
        'shape=cylinder, style="filled", fillcolor="#fff3e0"',
      );
    }
  }

  /** One cluster per AWS service, inside the "AWS services" cluster. */
  private serviceCluster(key: string): Cluster {
    this.awsCluster ??= newCluster(
      this.root,
      "cluster_aws",
      `AWS services, ${this.input.region}`,
      `style="rounded", color="#ff9800", fontcolor="#e65100", fontsize=${FONT.cluster}`,
    );
    let cluster = this.services.get(key);
    if (!cluster) {
      cluster = newCluster(
        this.awsCluster,
        `cluster_svc_${safe(key)}`,
        SERVICE_TITLES[key] ?? key,
        `class="aws-service", style="rounded,dashed", color="#ffb74d", fontsize=${FONT.cluster}`,
      );
      this.services.set(key, cluster);
    }
    return cluster;
  }

  /** The node of an AWS service's public API endpoints, drawn once. */
  private serviceNode(key: string): string {
    const id = `svc_${safe(key)}`;
    if (!this.others.has(id)) {
      this.others.add(id);
      this.serviceCluster(key).lines.push(
        `${id} [id=${q(this.svgId(`service:${key}`))}, label="public API endpoints", shape=ellipse, fillcolor="#fff3e0"];`,
      );
    }
    return id;
  }

  /**
   * One node per DNS name a lab asks, with which kind of name it is: in its service's cluster
   * when it is an AWS service's name, so lookups and requests head the same way.
   */
  private nameNode(name: string, kind: string, service?: string): string {
    const id = `dns_${safe(name)}`;
    if (!this.others.has(id)) {
      this.others.add(id);
      this.dnsCluster ??= service
        ? undefined
        : newCluster(
            this.root,
            "cluster_dns",
            "DNS names asked",
            `style="rounded,dashed", color="#1565c0", fontcolor="#0d47a1", fontsize=${FONT.cluster}`,
          );
      const where = service ? this.serviceCluster(service) : this.dnsCluster!;
      where.lines.push(
        `${id} [id=${q(this.svgId(`dns:${name}`))}, class="dns-name", label=${q(lines([...breakName(name), `(${kind})`]))}, shape=box, style="rounded,dashed", color="#1565c0", fontsize=${FONT.note}];`,
      );
    }
    return id;
  }

  private internetNode(): string {
    if (!this.others.has("internet")) {
      this.others.add("internet");
      this.root.lines.push(
        'internet [id="internet", label="Internet", shape=ellipse, fillcolor="#eceff1"];',
      );
    }
    return "internet";
  }

  // --- route tables ------------------------------------------------------------------------

  private drawRouteTables(): void {
    for (const table of this.lk.ofType(TYPE.routeTable)) {
      const id = table.id;
      const vpc = this.lk.ref(table, "vpcId", TYPE.vpc);
      const subnets = this.lk
        .ofType(TYPE.routeTableAssociation)
        .filter((a) => str(a, "routeTableId") === id)
        .map((a) => this.lk.ref(a, "subnetId", TYPE.subnet))
        .filter((s): s is DiagramResource => s !== undefined);
      const routes: { to: string; target?: DiagramResource; targetText: string }[] = [];
      const vpcCidr = str(vpc, "cidrBlock");
      if (vpcCidr) routes.push({ to: vpcCidr, targetText: "local" });
      const routeFields = [
        ...this.lk
          .ofType(TYPE.route)
          .filter((r) => str(r, "routeTableId") === id)
          .map((r) => r.props),
        ...(Array.isArray(table.props.routes)
          ? (table.props.routes as Record<string, unknown>[])
          : []),
      ];
      for (const fields of routeFields) {
        const to =
          text(fields.destinationCidrBlock) ??
          text(fields.cidrBlock) ??
          text(fields.destinationIpv6CidrBlock) ??
          text(fields.destinationPrefixListId) ??
          "?";
        const target = this.hopResource(fields);
        const targetId = ROUTE_TARGET_FIELDS.map(([f]) => text(fields[f])).find(Boolean);
        routes.push({ to, target, targetText: target?.name ?? targetId ?? "?" });
      }
      for (const endpoint of this.lk.ofType(TYPE.vpcEndpoint)) {
        const viaList =
          Array.isArray(endpoint.props.routeTableIds) && endpoint.props.routeTableIds.includes(id);
        const viaAssociation = this.lk
          .ofType(TYPE.vpcEndpointRouteTableAssociation)
          .some((a) => str(a, "routeTableId") === id && str(a, "vpcEndpointId") === endpoint.id);
        if (!viaList && !viaAssociation) continue;
        const pl = str(endpoint, "prefixListId") ?? "prefix list";
        const key = awsServiceOf(str(endpoint, "serviceName") ?? "");
        routes.push({
          to: `${pl} (${key ?? "service"})`,
          target: endpoint,
          targetText: endpoint.name,
        });
      }
      const label = [
        `route table ${table.name}`,
        ...routes.map((r) => `${r.to} → ${r.targetText}`),
        subnets.length > 0 ? `subnets: ${subnets.map((s) => s.name).join(", ")}` : "no subnets",
      ];
      const azs = new Set(subnets.map((s) => this.subnetAz.get(s.urn)));
      const column = azs.size === 1 ? this.azCluster.get([...azs][0] ?? "") : undefined;
      const where = column ?? ((vpc && this.vpcCluster.get(vpc.urn)) || this.root);
      where.lines.push(
        `${this.nodeId(table)} [id=${q(this.svgIdOf(table))}, label=${q(label.map((l) => `${l}\\l`).join(""), true)}, shape=note, fillcolor="#fafafa", fontsize=${FONT.note}];`,
      );
      this.drawn.add(table.urn);
      const targets = new Set(
        routes.map((r) => r.target).filter((t): t is DiagramResource => t !== undefined),
      );
      for (const target of targets) {
        if (this.drawn.has(target.urn)) {
          this.edges.push(
            `${this.nodeId(table)} -> ${this.nodeId(target)} [style=dotted, arrowsize=0.6]`,
          );
        }
      }
    }
  }

  /** The resource a route's fields send traffic to, when the graph holds it. */
  private hopResource(fields: Record<string, unknown>): DiagramResource | undefined {
    const hop = routeTarget(fields);
    const type = hop && HOP_TYPES[hop.kind];
    return type ? this.lk.byId(type, hop.id) : undefined;
  }

  // --- expectations ------------------------------------------------------------------------

  private drawPaths(): void {
    // Flows that share a stretch (same ends, colour and probe) share its arrow, labels stacked.
    const arrows = new Map<string, Arrow>();
    const stopped = new Set<string>();
    this.input.paths.forEach((path, index) => {
      const e = path.expectation;
      const colour = COLOURS[path.outcome];
      const dns = e.probe === "dns";
      const base = `color="${colour}", fontcolor="${colour}", penwidth=2${dns ? ", style=dashed" : ""}`;
      const stop = stopOf(this.lk, path);
      const hops = dns ? this.lookupHops(path) : this.requestHops(path, stop);
      for (let i = 0; i + 1 < hops.length; i++) {
        const last = stop !== undefined && i + 2 === hops.length;
        const style = last ? `${base}, arrowhead=tee` : base;
        const key = `${hops[i]}|${hops[i + 1]}|${style}`;
        const arrow = arrows.get(key) ?? {
          from: hops[i],
          to: hops[i + 1],
          style,
          classes: [],
          labels: [],
        };
        arrow.classes.push(`flow-${index}`);
        if (last) arrow.classes.push(`stop-${index}`);
        const add = (label: string) => {
          if (!arrow.labels.includes(label)) arrow.labels.push(label);
        };
        if (i === 0) add(flowLabel(path));
        if (last) add(`stopped: ${stop.reason}`);
        arrows.set(key, arrow);
      }
      if (stop) stopped.add(hops[hops.length - 1]);
      if (dns && path.outcome === "resolves-private") this.answerEdge(path, hops);
    });
    for (const a of arrows.values()) {
      // Words float beside an arrow (xlabel), since as a label they widen every rank it spans;
      // the arrow that stops a flow is short, and takes them as a label so none lands on a node.
      const kind = a.classes.some((c) => c.startsWith("stop-")) ? "label" : "xlabel";
      const label = a.labels.length > 0 ? `, ${kind}=${q(a.labels.join("\n"))}` : "";
      this.edges.push(
        `${a.from} -> ${a.to} [class=${q(["flow", ...a.classes].join(" "))}, ${a.style}${label}]`,
      );
    }
    for (const node of stopped) this.edges.push(`${node} [color="${RED}", penwidth=2.5];`);
  }

  /** A lookup goes from the client to the name it asks; its answer is on the arrow. */
  private lookupHops(path: DiagramPath): string[] {
    const e = path.expectation;
    return [this.clientNode(e.from), this.nameOf(e)];
  }

  /** A private answer points, dotted, at the endpoint whose addresses it gives. */
  private answerEdge(path: DiagramPath, hops: string[]): void {
    const endpoint = (path.via ?? [])
      .map((u) => this.lk.urn(u))
      .find((r) => r?.type === TYPE.vpcEndpoint);
    if (!endpoint) return;
    const edge = `${hops[hops.length - 1]} -> ${this.nodeId(endpoint)} [style=dotted, color="#1565c0", constraint=false, arrowsize=0.6]`;
    if (!this.edges.includes(edge)) this.edges.push(edge);
  }

  /**
   * The nodes a request passes: the client, then the drawn resources the model's verdict rests
   * on (a route stands for its gateway; route tables and policies only where they stop it), then
   * the target. A failed request ends at the element that stopped it, which need not be on the
   * path (a security group refuses at the host). Without a model path the arrow goes through the
   * named endpoint straight to the target.
   */
  private requestHops(path: DiagramPath, stop: Stop | undefined): string[] {
    const e = path.expectation;
    const hops: string[] = [this.clientNode(e.from)];
    const push = (node: string | undefined) => {
      if (node && !hops.includes(node)) hops.push(node);
    };
    const blocker = stop?.resource ? this.blockerNode(stop.resource, e) : undefined;
    if (path.via) {
      for (const urn of path.via) push(this.drawnNodeFor(urn, stop?.resource?.urn));
    } else if ((e.to.kind === "aws-service" || e.to.kind === "endpoint-service") && e.to.via) {
      push(this.endpointOf(e.to.via) ?? this.placeholder(e.to.via));
    }
    if (stop) {
      if (!blocker) {
        if (hops.length === 1) push(this.targetOf(e));
        return hops;
      }
      const at = hops.indexOf(blocker);
      return at > 0 ? hops.slice(0, at + 1) : [hops[0], blocker];
    }
    const target = this.targetOf(e);
    // A host reached from outside is where the flow ends, though the model lists it first.
    if (e.to.kind === "instance" && hops.indexOf(target) > 0) hops.splice(hops.indexOf(target), 1);
    push(target);
    return hops;
  }

  /** The node of what stopped a flow; a security group is drawn beside what it guards. */
  private blockerNode(resource: DiagramResource, e: Expectation): string | undefined {
    if (resource.type === TYPE.securityGroup && !this.drawn.has(resource.urn)) {
      const guarded = this.guardedBy(resource, e);
      this.node(
        guarded ? this.clusterOf(guarded) : this.root,
        resource,
        [resource.name, "security group"],
        'shape=octagon, style="filled", fillcolor="#ffebee"',
      );
    }
    return this.drawn.has(resource.urn) ? this.nodeId(resource) : undefined;
  }

  /** The host or endpoint a group belongs to, of those the expectation names. */
  private guardedBy(group: DiagramResource, e: Expectation): DiagramResource | undefined {
    const members = [
      ...this.lk.ofType(TYPE.instance),
      ...this.lk.ofType(TYPE.vpcEndpoint),
      ...this.lk.ofType(TYPE.instanceConnectEndpoint),
    ].filter((r) =>
      ["vpcSecurityGroupIds", "securityGroupIds", "securityGroups"].some(
        (p) => Array.isArray(r.props[p]) && (r.props[p] as unknown[]).includes(group.id),
      ),
    );
    const client = this.resourceOf(e.from, TYPE.instance);
    return members.find((m) => m === client) ?? members[0];
  }

  /** The cluster a drawn resource sits in. */
  private clusterOf(r: DiagramResource): Cluster {
    const id = this.nodeId(r);
    const search = (c: Cluster): Cluster | undefined =>
      c.lines.some((l) => l.startsWith(`${id} `))
        ? c
        : c.children.map(search).find((x) => x !== undefined);
    return search(this.root) ?? this.root;
  }

  /** Where an expectation ends: a request at the resource or service, a lookup at the name. */
  private targetOf(e: Expectation): string {
    switch (e.to.kind) {
      case "aws-service": {
        const resource = e.to.resource ? this.storageOf(e.to.resource) : undefined;
        return resource ?? this.serviceNode(e.to.service);
      }
      case "instance":
        return this.hostOf(e.to.host) ?? this.placeholder(e.to.host);
      case "endpoint-service": {
        const via = this.resourceOf(e.to.via, TYPE.vpcEndpoint);
        if (!via) return this.placeholder(e.to.via);
        const serviceName = str(via, "serviceName");
        const service = this.lk
          .ofType(TYPE.vpcEndpointService)
          .find((s) => str(s, "serviceName") === serviceName);
        return this.nodeId(service ?? via);
      }
      case "internet":
        return this.internetNode();
    }
  }

  /** The name a lookup asks, as the model forms it, and its node. */
  private nameOf(e: Expectation): string {
    const to = e.to;
    switch (to.kind) {
      case "aws-service": {
        const endpoint = to.via ? findEndpoint(this.lk, to.via) : undefined;
        if (to.via && !endpoint) return this.placeholder(to.via);
        return endpoint
          ? this.nameNode(endpointName(this.ctx, endpoint, to), "endpoint name", to.service)
          : this.nameNode(defaultName(this.ctx, to), "default name", to.service);
      }
      case "endpoint-service": {
        const endpoint = findEndpoint(this.lk, to.via);
        return endpoint
          ? this.nameNode(endpointName(this.ctx, endpoint, to), "endpoint name")
          : this.placeholder(to.via);
      }
      case "instance":
        return this.nameNode(`${to.host}'s DNS name`, "EC2 DNS name");
      case "internet":
        return this.nameNode(/^[a-z]+:\/\/([^/:]+)/i.exec(to.url)?.[1] ?? to.url, "public name");
    }
  }

  /**
   * The drawn node standing for a resource on a model path, if any: a route stands for its
   * gateway; route tables and policies appear only as the element that stopped the flow.
   */
  private drawnNodeFor(urn: string, stoppedAt: string | undefined): string | undefined {
    const r = this.lk.urn(urn);
    if (!r) return undefined;
    if (r.type === TYPE.route) {
      const target = this.hopResource(r.props);
      return target && this.drawn.has(target.urn) ? this.nodeId(target) : undefined;
    }
    const decides = r.type === TYPE.routeTable || r.type === TYPE.bucketPolicy;
    if (decides && urn !== stoppedAt) return undefined;
    return this.drawn.has(urn) ? this.nodeId(r) : undefined;
  }

  private clientNode(name: string): string {
    return this.hostOf(name) ?? this.outside(name);
  }

  private hostOf(name: string): string | undefined {
    const host = this.resourceOf(name, TYPE.instance);
    return host && this.drawn.has(host.urn) ? this.nodeId(host) : undefined;
  }

  private endpointOf(name: string): string | undefined {
    const endpoint = this.resourceOf(name, TYPE.vpcEndpoint);
    return endpoint ? this.nodeId(endpoint) : undefined;
  }

  private storageOf(name: string): string | undefined {
    for (const type of [TYPE.bucket, TYPE.bucketV2, TYPE.table]) {
      const found = this.resourceOf(name, type);
      if (found) return this.nodeId(found);
    }
    return undefined;
  }

  /** The resource of `type` called `name`, or the first one under the component called `name`. */
  private resourceOf(name: string, type: string): DiagramResource | undefined {
    for (const r of this.lk.named(name)) {
      if (r.type === type) return r;
      const queue = [...this.lk.childrenOf(r.urn)];
      while (queue.length > 0) {
        const next = queue.shift()!;
        if (next.type === type) return next;
        queue.push(...this.lk.childrenOf(next.urn));
      }
    }
    return undefined;
  }

  private placeholder(name: string): string {
    const id = `missing_${safe(name)}`;
    if (!this.others.has(id)) {
      this.others.add(id);
      this.root.lines.push(
        `${id} [id=${q(this.svgId(`missing:${name}`))}, label=${q(`${name}\n(not in the graph)`)}, style="dashed"];`,
      );
    }
    return id;
  }

  /** A client outside every VPC of the lab (a laptop), drawn once. */
  private outside(name: string): string {
    const id = `outside_${safe(name)}`;
    if (!this.others.has(id)) {
      this.others.add(id);
      this.root.lines.push(
        `${id} [id=${q(this.svgId(`outside:${name}`))}, label=${q(`${name}\n(outside the VPCs)`)}, shape=box, style="rounded,dashed"];`,
      );
    }
    return id;
  }

  // --- helpers -----------------------------------------------------------------------------

  /**
   * The cluster to draw something in that lives in these subnets: the subnet when it is one,
   * the AZ column when they share one, the VPC when they share it, else the top level.
   */
  private placeIn(
    subnets: readonly DiagramResource[],
    widest: "vpc" | "subnet" = "subnet",
  ): Cluster {
    if (subnets.length === 0) return this.root;
    const urns = [...new Set(subnets.map((s) => s.urn))];
    if (urns.length === 1 && widest === "subnet") {
      return this.subnetCluster.get(urns[0]) ?? this.root;
    }
    const azs = new Set(urns.map((u) => this.subnetAz.get(u)));
    if (azs.size === 1 && widest === "subnet") {
      return this.azCluster.get([...azs][0] ?? "") ?? this.root;
    }
    const vpcs = new Set(
      subnets.map((s) => {
        const vpc = this.lk.ref(s, "vpcId", TYPE.vpc);
        return vpc && this.vpcCluster.get(vpc.urn);
      }),
    );
    return vpcs.size === 1 ? ([...vpcs][0] ?? this.root) : this.root;
  }

  private node(
    where: Cluster,
    r: DiagramResource,
    label: (string | undefined)[],
    attrs: string,
  ): void {
    where.lines.push(
      `${this.nodeId(r)} [id=${q(this.svgIdOf(r))}, label=${q(lines(label))}, ${attrs}, tooltip=${q(r.type)}];`,
    );
    this.drawn.add(r.urn);
  }

  private nodeId(r: DiagramResource): string {
    let id = this.nodeIds.get(r.urn);
    if (!id) {
      id = `r${this.nodeIds.size}`;
      this.nodeIds.set(r.urn, id);
    }
    return id;
  }

  /** `RouteTable:lab-private-rt`: the resource's class and logical name. */
  private svgIdOf(r: DiagramResource): string {
    return this.svgId(`${r.type.split(":").pop()}:${r.name}`);
  }

  private svgId(wanted: string): string {
    let id = wanted;
    for (let n = 2; this.svgIds.has(id); n++) id = `${wanted}.${n}`;
    this.svgIds.add(id);
    return id;
  }

  /** The name a person knows a resource by: its component's, when it is a component's part. */
  private displayName(r: DiagramResource): string {
    const parent = r.parent ? this.lk.urn(r.parent) : undefined;
    return parent && parent.id === undefined && !parent.type.startsWith("aws:")
      ? parent.name
      : r.name;
  }
}

function tierOf(subnet: DiagramResource): string {
  const tags = subnet.props.tags as Record<string, unknown> | undefined;
  if (typeof tags?.Tier === "string" && tags.Tier !== "") return tags.Tier;
  return subnet.props.mapPublicIpOnLaunch === true ? "public" : "private";
}

function tierRank(tier: string): number {
  const i = TIER_ORDER.indexOf(tier);
  return i < 0 ? TIER_ORDER.length : i;
}

function hasAny(cluster: Cluster, nodes: Set<string>): boolean {
  return allNodes(cluster).some((n) => nodes.has(n));
}

/** The DOT names of the nodes a cluster and the clusters in it declare, anchors too. */
function allNodes(cluster: Cluster): string[] {
  return [...nodeNames(cluster), ...cluster.children.flatMap((c) => [anchorOf(c), ...allNodes(c)])];
}

/** The DOT names of the nodes a cluster declares itself. */
function nodeNames(cluster: Cluster): string[] {
  return cluster.lines.map((l) => /^(\w+) \[/.exec(l)?.[1]).filter((n): n is string => !!n);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

let vizPromise:
  Promise<{ renderString(dot: string, options: { format: string }): string }> | undefined;

/**
 * Lays out and renders DOT as SVG with Graphviz (WebAssembly), loading it on first use. Boxes
 * are measured in LAYOUT_FONT; the SVG then asks for VIEWER_FONTS, which draw no wider.
 */
export async function renderSvg(dot: string): Promise<string> {
  vizPromise ??= import("@viz-js/viz").then((m) => m.instance());
  const viz = await vizPromise;
  return viz
    .renderString(dot, { format: "svg" })
    .replaceAll(`font-family="${LAYOUT_FONT}"`, `font-family="${VIEWER_FONTS}"`);
}
