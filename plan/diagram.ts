/**
 * The topology of a lab, drawn from the same resource graph the connectivity model reads: a
 * cluster per VPC, nested clusters per subnet tier and subnet, route tables with their routes,
 * endpoints, hosts, the AWS services outside, and each expectation as a coloured arrow. `toDot`
 * is pure and lays nothing out itself: Graphviz (compiled to WebAssembly, loaded only when a
 * diagram is asked for) places every node.
 */
import { Expectation, Outcome } from "../scenarios/scenario";

/** What the diagram reads of a resource; the connectivity model's `GraphResource` fits. */
export interface DiagramResource {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly id?: string;
  readonly parent?: string;
  readonly props: Readonly<Record<string, unknown>>;
}

/** One expectation and the outcome to colour it by (the model's verdict, else the expected). */
export interface DiagramPath {
  readonly expectation: Expectation;
  readonly outcome: Outcome;
  /** False when the model disagrees with the expectation; the arrow then says both. */
  readonly agrees?: boolean;
  /** URNs the model's verdict rests on, client side first: the arrow passes the drawn ones. */
  readonly via?: readonly string[];
}

export interface DiagramInput {
  readonly title: string;
  readonly region: string;
  readonly resources: readonly DiagramResource[];
  readonly paths: readonly DiagramPath[];
}

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  igw: "aws:ec2/internetGateway:InternetGateway",
  nat: "aws:ec2/natGateway:NatGateway",
  instance: "aws:ec2/instance:Instance",
  vpce: "aws:ec2/vpcEndpoint:VpcEndpoint",
  vpceRoute: "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation",
  vpceService: "aws:ec2/vpcEndpointService:VpcEndpointService",
  eice: "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  tgAttachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  table: "aws:dynamodb/table:Table",
} as const;

const COLOURS: Record<Outcome, string> = {
  works: "#2e7d32",
  "times-out": "#c62828",
  "403": "#c62828",
  "resolves-private": "#1565c0",
  "resolves-public": "#1565c0",
};

/** Resource types drawn as endpoints; the diagram spec checks each of them is named. */
export const ENDPOINT_TYPES: readonly string[] = [T.vpce, T.eice, T.vpceService];

interface Cluster {
  id: string;
  attrs: string;
  lines: string[];
  children: Cluster[];
}

/** The lab as a Graphviz DOT document. */
export function toDot(input: DiagramInput): string {
  return new DotBuilder(input).build();
}

class DotBuilder {
  private readonly resources: readonly DiagramResource[];
  private readonly byTypeId = new Map<string, DiagramResource>();
  private readonly byAnyId = new Map<string, DiagramResource>();
  private readonly children = new Map<string, DiagramResource[]>();
  private readonly nodeIds = new Map<string, string>();
  private readonly root: Cluster = { id: "", attrs: "", lines: [], children: [] };
  private readonly edges: string[] = [];
  /** Where each subnet is drawn, by subnet URN. */
  private readonly subnetCluster = new Map<string, Cluster>();
  private readonly tierCluster = new Map<string, Cluster>();
  private readonly vpcCluster = new Map<string, Cluster>();
  private readonly subnetTier = new Map<string, string>();
  private readonly subnetVpc = new Map<string, string>();
  private readonly services = new Map<string, Cluster>();
  private awsCluster?: Cluster;
  private internet?: string;
  private readonly outsiders = new Set<string>();
  /** URNs drawn as nodes. */
  private readonly drawn = new Set<string>();

  constructor(private readonly input: DiagramInput) {
    this.resources = input.resources;
    for (const r of this.resources) {
      const id = r.id ?? (typeof r.props.id === "string" ? r.props.id : undefined);
      if (id) {
        this.byTypeId.set(`${r.type}|${id}`, r);
        if (!this.byAnyId.has(id)) this.byAnyId.set(id, r);
      }
      if (r.parent) this.children.set(r.parent, [...(this.children.get(r.parent) ?? []), r]);
    }
  }

  build(): string {
    this.drawNetworks();
    this.drawHosts();
    this.drawEndpoints();
    this.drawLoadBalancers();
    this.drawStorage();
    this.drawRouteTables();
    this.drawPaths();
    const legend =
      "green: works   red: times out or 403   blue dashed: DNS answer   grey: routes and attachments";
    return [
      "digraph lab {",
      `  graph [rankdir=LR, newrank=true, nodesep=0.3, ranksep=0.7, fontname="Helvetica", fontsize=12, labelloc=t, label=${q([this.input.title, legend].join("\n"))}];`,
      '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
      '  edge [fontname="Helvetica", fontsize=9, color="#9e9e9e"];',
      ...emit(this.root, "  "),
      ...this.edges.map((e) => `  ${e}`),
      "}",
      "",
    ].join("\n");
  }

  // --- the network: VPCs, tiers, subnets, gateways ---------------------------------------

  private drawNetworks(): void {
    this.ofType(T.vpc).forEach((vpc, i) => {
      const cluster = this.cluster(
        this.root,
        `cluster_vpc_${i}`,
        lines([`VPC ${vpc.name}`, str(vpc, "cidrBlock")]),
        'style="rounded", color="#7b1fa2", penwidth=1.5, fontcolor="#4a148c"',
      );
      this.vpcCluster.set(vpc.urn, cluster);
    });
    for (const subnet of this.ofType(T.subnet)) {
      const vpc = this.ref(subnet, "vpcId", T.vpc);
      const vpcCluster = vpc ? this.vpcCluster.get(vpc.urn) : undefined;
      const parent = vpcCluster ?? this.unknownVpc();
      const tier = tierOf(subnet);
      const tierKey = `${parent.id}|${tier}`;
      let tierCluster = this.tierCluster.get(tierKey);
      if (!tierCluster) {
        tierCluster = this.cluster(
          parent,
          `${parent.id}_tier_${safe(tier)}`,
          `${tier} subnets`,
          `style="rounded,dashed", color="#757575", fontcolor="#424242"`,
        );
        this.tierCluster.set(tierKey, tierCluster);
      }
      const fill = tier === "public" ? "#e8f5e9" : tier === "private" ? "#e3f2fd" : "#f5f5f5";
      const cluster = this.cluster(
        tierCluster,
        `cluster_subnet_${this.nodeId(subnet)}`,
        lines([
          subnet.name,
          [str(subnet, "cidrBlock"), str(subnet, "availabilityZone")].filter(Boolean).join("  "),
        ]),
        `style="rounded,filled", fillcolor="${fill}", color="#90a4ae"`,
      );
      this.subnetCluster.set(subnet.urn, cluster);
      this.subnetTier.set(subnet.urn, tierKey);
      this.subnetVpc.set(subnet.urn, parent.id);
    }
    for (const igw of this.ofType(T.igw)) {
      const vpc = this.ref(igw, "vpcId", T.vpc);
      const where = (vpc && this.vpcCluster.get(vpc.urn)) || this.root;
      this.node(where, igw, [igw.name, "internet gateway"], 'shape=box, fillcolor="#fff8e1"');
      this.edges.push(`${this.nodeId(igw)} -> ${this.internetNode()} [arrowhead=none]`);
    }
    for (const nat of this.ofType(T.nat)) {
      const subnet = this.ref(nat, "subnetId", T.subnet);
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
      this.cluster(
        this.root,
        "cluster_vpc_unknown",
        "VPC not in this stack",
        'style="rounded,dashed"',
      )
    );
  }

  // --- hosts -----------------------------------------------------------------------------

  private drawHosts(): void {
    for (const host of this.ofType(T.instance)) {
      const subnet = this.ref(host, "subnetId", T.subnet);
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
    for (const eice of this.ofType(T.eice)) {
      const subnet = this.ref(eice, "subnetId", T.subnet);
      this.node(
        this.placeIn(subnet ? [subnet] : []),
        eice,
        [eice.name, "EC2 Instance Connect Endpoint"],
        'shape=cds, style="filled", fillcolor="#f3e5f5"',
      );
    }
    for (const service of this.ofType(T.vpceService)) {
      const lbs = this.refs(service, "networkLoadBalancerArns", T.lb);
      const subnets = lbs.flatMap((lb) => this.lbSubnets(lb));
      const where = this.placeIn(subnets, "vpc");
      this.node(
        where,
        service,
        [service.name, "endpoint service"],
        'shape=component, style="filled", fillcolor="#f3e5f5"',
      );
    }
    for (const endpoint of this.ofType(T.vpce)) {
      const kind = str(endpoint, "vpcEndpointType") ?? "Gateway";
      const serviceName = str(endpoint, "serviceName") ?? "";
      const key = serviceKey(serviceName);
      if (kind === "Gateway") {
        const vpc = this.ref(endpoint, "vpcId", T.vpc);
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
      const subnets = this.refs(endpoint, "subnetIds", T.subnet);
      const dns = endpoint.props.privateDnsEnabled === true ? "private DNS on" : "private DNS off";
      this.node(
        this.placeIn(subnets),
        endpoint,
        [
          endpoint.name,
          `interface endpoint (${key ?? "endpoint service"})`,
          `${dns}, ${subnets.length} ENI${subnets.length === 1 ? "" : "s"}`,
        ],
        'shape=cds, style="filled", fillcolor="#ede7f6"',
      );
      const target = key
        ? this.serviceNode(key)
        : this.resources.find(
            (s) => s.type === T.vpceService && str(s, "serviceName") === serviceName,
          );
      if (target) {
        const to = typeof target === "string" ? target : this.nodeId(target);
        this.edges.push(`${this.nodeId(endpoint)} -> ${to} [style=dashed, label="PrivateLink"]`);
      }
    }
  }

  // --- load balancers (the provider side of an endpoint service) --------------------------

  private drawLoadBalancers(): void {
    for (const lb of this.ofType(T.lb)) {
      const internal = lb.props.internal === true ? "internal" : "internet-facing";
      const kind = str(lb, "loadBalancerType") === "network" ? "Network" : "Application";
      this.node(
        this.placeIn(this.lbSubnets(lb)),
        lb,
        [lb.name, `${kind} Load Balancer, ${internal}`],
        'fillcolor="#e0f2f1"',
      );
    }
    for (const service of this.ofType(T.vpceService)) {
      for (const lb of this.refs(service, "networkLoadBalancerArns", T.lb)) {
        this.edges.push(`${this.nodeId(service)} -> ${this.nodeId(lb)} [style=dashed]`);
      }
    }
    for (const attachment of this.ofType(T.tgAttachment)) {
      const host = this.byTypeId.get(`${T.instance}|${str(attachment, "targetId")}`);
      const group = str(attachment, "targetGroupArn");
      if (!host || !group) continue;
      for (const listener of this.ofType(T.listener)) {
        const actions = Array.isArray(listener.props.defaultActions)
          ? listener.props.defaultActions
          : [];
        if (!actions.some((a) => (a as Record<string, unknown>)?.targetGroupArn === group))
          continue;
        const lb = this.byTypeId.get(`${T.lb}|${str(listener, "loadBalancerArn")}`);
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
      .map((id) => this.byTypeId.get(`${T.subnet}|${String(id)}`))
      .filter((s): s is DiagramResource => s !== undefined);
  }

  // --- AWS services outside the VPC --------------------------------------------------------

  private drawStorage(): void {
    for (const bucket of [...this.ofType(T.bucket), ...this.ofType(T.bucketV2)]) {
      this.serviceNode("s3");
      this.node(
        this.services.get("s3")!,
        bucket,
        [this.displayName(bucket), "S3 bucket"],
        'shape=cylinder, style="filled", fillcolor="#fff3e0"',
      );
    }
    for (const table of this.ofType(T.table)) {
      this.serviceNode("dynamodb");
      this.node(
        this.services.get("dynamodb")!,
        table,
        [this.displayName(table), "DynamoDB table"],
        'shape=cylinder, style="filled", fillcolor="#fff3e0"',
      );
    }
  }

  /** The node of an AWS service's public API, inside the "AWS services" cluster. */
  private serviceNode(key: string): string {
    if (!this.awsCluster) {
      this.awsCluster = this.cluster(
        this.root,
        "cluster_aws",
        `AWS services, ${this.input.region} (public endpoints)`,
        'style="rounded", color="#ff9800", fontcolor="#e65100"',
      );
    }
    const id = `svc_${safe(key)}`;
    if (!this.services.has(key)) {
      const cluster = this.cluster(
        this.awsCluster,
        `cluster_svc_${safe(key)}`,
        SERVICE_TITLES[key] ?? key,
        'style="rounded,dashed", color="#ffb74d"',
      );
      cluster.lines.push(
        `${id} [label=${q(lines([`${key}.${this.input.region}.amazonaws.com`]))}, shape=ellipse, fillcolor="#fff3e0"];`,
      );
      this.services.set(key, cluster);
    }
    return id;
  }

  private internetNode(): string {
    if (!this.internet) {
      this.internet = "internet";
      this.root.lines.push('internet [label="Internet", shape=ellipse, fillcolor="#eceff1"];');
    }
    return this.internet;
  }

  // --- route tables ------------------------------------------------------------------------

  private drawRouteTables(): void {
    for (const table of this.ofType(T.routeTable)) {
      const id = table.id;
      const vpc = this.ref(table, "vpcId", T.vpc);
      const subnets = this.ofType(T.association)
        .filter((a) => str(a, "routeTableId") === id)
        .map((a) => this.ref(a, "subnetId", T.subnet))
        .filter((s): s is DiagramResource => s !== undefined);
      const routes: { to: string; target?: DiagramResource; targetText: string }[] = [];
      const vpcCidr = str(vpc, "cidrBlock");
      if (vpcCidr) routes.push({ to: vpcCidr, targetText: "local" });
      const routeFields = [
        ...this.ofType(T.route)
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
        const targetId = TARGET_FIELDS.map((f) => text(fields[f])).find(Boolean);
        const target = targetId ? this.byAnyId.get(targetId) : undefined;
        routes.push({ to, target, targetText: target?.name ?? targetId ?? "?" });
      }
      for (const endpoint of this.ofType(T.vpce)) {
        const viaList =
          Array.isArray(endpoint.props.routeTableIds) && endpoint.props.routeTableIds.includes(id);
        const viaAssociation = this.ofType(T.vpceRoute).some(
          (a) => str(a, "routeTableId") === id && str(a, "vpcEndpointId") === endpoint.id,
        );
        if (!viaList && !viaAssociation) continue;
        const pl = str(endpoint, "prefixListId") ?? "prefix list";
        const key = serviceKey(str(endpoint, "serviceName") ?? "");
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
      const where =
        subnets.length > 0
          ? this.placeIn(subnets, "tier")
          : (vpc && this.vpcCluster.get(vpc.urn)) || this.root;
      where.lines.push(
        `${this.nodeId(table)} [label=${q(label.map((l) => `${l}\\l`).join(""), true)}, shape=note, fillcolor="#fafafa", fontsize=9];`,
      );
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

  // --- expectations ------------------------------------------------------------------------

  private drawPaths(): void {
    // Expectations that share an arrow (same ends, colour and probe) share it, labels stacked.
    const arrows = new Map<string, { from: string; to: string; style: string; labels: string[] }>();
    for (const path of this.input.paths) {
      const e = path.expectation;
      const dns = e.probe === "dns";
      const colour = COLOURS[path.outcome];
      const style = `color="${colour}", fontcolor="${colour}", penwidth=2${dns ? ", style=dashed" : ""}`;
      const verdict =
        path.agrees === false ? `${path.outcome} (expected ${e.outcome})` : path.outcome;
      const port = !dns && (e.to.kind === "instance" || e.to.kind === "endpoint-service");
      const label = `${dns ? "DNS" : "request"}${port ? ` tcp/${(e.to as { port: number }).port}` : ""}: ${verdict}`;
      const hops = this.hopsOf(path);
      for (let i = 0; i + 1 < hops.length; i++) {
        const key = `${hops[i]}|${hops[i + 1]}|${style}`;
        const arrow = arrows.get(key) ?? { from: hops[i], to: hops[i + 1], style, labels: [] };
        if (i === 0 && !arrow.labels.includes(label)) arrow.labels.push(label);
        arrows.set(key, arrow);
      }
    }
    for (const a of arrows.values()) {
      const label = a.labels.length > 0 ? `, label=${q(a.labels.join("\n"))}` : "";
      this.edges.push(`${a.from} -> ${a.to} [${a.style}${label}]`);
    }
  }

  /**
   * The nodes an expectation's arrow passes: the client, then the drawn resources the model's
   * verdict rests on (a route stands for its gateway), then the target when not reached yet.
   * Without a model path the arrow goes through the named endpoint straight to the target.
   */
  private hopsOf(path: DiagramPath): string[] {
    const e = path.expectation;
    const hops: string[] = [this.hostOf(e.from) ?? this.outside(e.from)];
    const push = (node: string | undefined) => {
      if (node && hops[hops.length - 1] !== node) hops.push(node);
    };
    if (path.via) {
      for (const urn of path.via) push(this.drawnNodeFor(urn));
    } else if ((e.to.kind === "aws-service" || e.to.kind === "endpoint-service") && e.to.via) {
      push(this.endpointOf(e.to.via) ?? this.placeholder(e.to.via));
    }
    const target = this.targetOf(e);
    if (target && !hops.includes(target)) push(target);
    return hops;
  }

  /** Where an expectation ends: for a DNS answer through an endpoint, the endpoint. */
  private targetOf(e: Expectation): string | undefined {
    const dns = e.probe === "dns";
    switch (e.to.kind) {
      case "aws-service": {
        if (dns && e.to.via) return this.endpointOf(e.to.via) ?? this.placeholder(e.to.via);
        const resource = e.to.resource ? this.storageOf(e.to.resource) : undefined;
        return resource ?? this.serviceNode(e.to.service);
      }
      case "instance":
        return this.hostOf(e.to.host) ?? this.placeholder(e.to.host);
      case "endpoint-service": {
        const via = this.resourceOf(e.to.via, T.vpce);
        if (!via) return this.placeholder(e.to.via);
        if (dns) return this.nodeId(via);
        const serviceName = str(via, "serviceName");
        const service = this.resources.find(
          (s) => s.type === T.vpceService && str(s, "serviceName") === serviceName,
        );
        return service ? this.nodeId(service) : this.nodeId(via);
      }
      case "internet":
        return this.internetNode();
    }
  }

  /** The drawn node standing for a resource on a model path, if any. */
  private drawnNodeFor(urn: string): string | undefined {
    if (this.drawn.has(urn)) return this.nodeIds.get(urn);
    const r = this.resources.find((x) => x.urn === urn);
    if (r?.type === T.route) {
      const targetId = TARGET_FIELDS.map((f) => text(r.props[f])).find(Boolean);
      const target = targetId ? this.byAnyId.get(targetId) : undefined;
      if (target && this.drawn.has(target.urn)) return this.nodeIds.get(target.urn);
    }
    return undefined;
  }

  private hostOf(name: string): string | undefined {
    const host = this.resourceOf(name, T.instance);
    return host && this.drawn.has(host.urn) ? this.nodeId(host) : undefined;
  }

  private endpointOf(name: string): string | undefined {
    const endpoint = this.resourceOf(name, T.vpce);
    return endpoint ? this.nodeId(endpoint) : undefined;
  }

  private storageOf(name: string): string | undefined {
    for (const type of [T.bucket, T.bucketV2, T.table]) {
      const found = this.resourceOf(name, type);
      if (found) return this.nodeId(found);
    }
    return undefined;
  }

  /** The resource of `type` called `name`, or the first one under the component called `name`. */
  private resourceOf(name: string, type: string): DiagramResource | undefined {
    for (const r of this.resources.filter((x) => x.name === name)) {
      if (r.type === type) return r;
      const queue = [...(this.children.get(r.urn) ?? [])];
      while (queue.length > 0) {
        const next = queue.shift()!;
        if (next.type === type) return next;
        queue.push(...(this.children.get(next.urn) ?? []));
      }
    }
    return undefined;
  }

  private placeholder(name: string): string {
    const id = `missing_${safe(name)}`;
    if (!this.outsiders.has(id)) {
      this.outsiders.add(id);
      this.root.lines.push(`${id} [label=${q(`${name}\n(not in the graph)`)}, style="dashed"];`);
    }
    return id;
  }

  /** A client outside every VPC of the lab (a laptop), drawn once. */
  private outside(name: string): string {
    const id = `outside_${safe(name)}`;
    if (!this.outsiders.has(id)) {
      this.outsiders.add(id);
      this.root.lines.push(
        `${id} [label=${q(`${name}\n(outside the lab's VPCs)`)}, shape=box, style="rounded,dashed"];`,
      );
    }
    return id;
  }

  // --- helpers -----------------------------------------------------------------------------

  /**
   * The cluster to draw something in that lives in these subnets: the subnet when it is one,
   * the tier when they share one, the VPC when they share it, else the top level.
   */
  private placeIn(
    subnets: readonly DiagramResource[],
    widest: "tier" | "vpc" | "subnet" = "subnet",
  ): Cluster {
    if (subnets.length === 0) return this.root;
    const urns = [...new Set(subnets.map((s) => s.urn))];
    if (urns.length === 1 && widest === "subnet")
      return this.subnetCluster.get(urns[0]) ?? this.root;
    const tiers = new Set(urns.map((u) => this.subnetTier.get(u)));
    if (tiers.size === 1 && widest !== "vpc") {
      return this.tierCluster.get([...tiers][0] ?? "") ?? this.root;
    }
    const vpcs = new Set(urns.map((u) => this.subnetVpc.get(u)));
    if (vpcs.size === 1) {
      const id = [...vpcs][0];
      return (
        [...this.vpcCluster.values(), ...this.root.children].find((c) => c.id === id) ?? this.root
      );
    }
    return this.root;
  }

  private node(
    where: Cluster,
    r: DiagramResource,
    label: (string | undefined)[],
    attrs: string,
  ): void {
    where.lines.push(
      `${this.nodeId(r)} [label=${q(lines(label))}, ${attrs}, tooltip=${q(r.type)}];`,
    );
    this.drawn.add(r.urn);
  }

  private cluster(parent: Cluster, id: string, label: string, attrs: string): Cluster {
    const cluster: Cluster = { id, attrs: `label=${q(label)}, ${attrs}`, lines: [], children: [] };
    parent.children.push(cluster);
    return cluster;
  }

  private nodeId(r: DiagramResource): string {
    let id = this.nodeIds.get(r.urn);
    if (!id) {
      id = `r${this.nodeIds.size}`;
      this.nodeIds.set(r.urn, id);
    }
    return id;
  }

  /** The name a person knows a resource by: its component's, when it is a component's part. */
  private displayName(r: DiagramResource): string {
    const parent = this.resources.find((p) => p.urn === r.parent);
    return parent && parent.id === undefined && !parent.type.startsWith("aws:")
      ? parent.name
      : r.name;
  }

  private ofType(type: string): DiagramResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  private ref(r: DiagramResource, property: string, type: string): DiagramResource | undefined {
    return this.byTypeId.get(`${type}|${String(r.props[property])}`);
  }

  private refs(r: DiagramResource, property: string, type: string): DiagramResource[] {
    const ids = Array.isArray(r.props[property]) ? (r.props[property] as unknown[]) : [];
    return ids
      .map((id) => this.byTypeId.get(`${type}|${String(id)}`))
      .filter((x): x is DiagramResource => x !== undefined);
  }
}

const TARGET_FIELDS = [
  "gatewayId",
  "natGatewayId",
  "vpcEndpointId",
  "transitGatewayId",
  "vpcPeeringConnectionId",
  "networkInterfaceId",
  "egressOnlyGatewayId",
] as const;

const SERVICE_TITLES: Record<string, string> = {
  s3: "Amazon S3",
  dynamodb: "Amazon DynamoDB",
  cloudformation: "AWS CloudFormation",
  sts: "AWS STS",
};

/** `com.amazonaws.<region>.s3` -> `s3`; undefined for someone's endpoint service. */
function serviceKey(serviceName: string): string | undefined {
  if (serviceName === "" || serviceName.startsWith("com.amazonaws.vpce.")) return undefined;
  return serviceName.split(".").pop();
}

function tierOf(subnet: DiagramResource): string {
  const tags = subnet.props.tags as Record<string, unknown> | undefined;
  if (typeof tags?.Tier === "string" && tags.Tier !== "") return tags.Tier;
  return subnet.props.mapPublicIpOnLaunch === true ? "public" : "private";
}

function emit(cluster: Cluster, indent: string): string[] {
  const inner = indent + "  ";
  const body = [
    ...cluster.lines.map((l) => `${inner}${l}`),
    ...cluster.children.flatMap((c) => emit(c, inner)),
  ];
  if (cluster.id === "") return body.map((l) => l.slice(2));
  // Graphviz drops a cluster with no nodes, and its label with it: keep empty subnets visible.
  const keep = body.length === 0 ? [`${inner}${cluster.id}_empty [shape=point, style=invis];`] : [];
  return [
    `${indent}subgraph ${cluster.id} {`,
    `${inner}graph [${cluster.attrs}];`,
    ...body,
    ...keep,
    `${indent}}`,
  ];
}

function str(r: DiagramResource | undefined, property: string): string | undefined {
  return text(r?.props[property]);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function lines(parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== "").join("\n");
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * A DOT string literal. Newlines become centred line breaks; with `raw`, the text already holds
 * DOT escapes (`\l` for left-justified lines) and only quotes are escaped.
 */
function q(s: string, raw = false): string {
  const escaped = raw
    ? s.replace(/"/g, '\\"')
    : s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return `"${escaped}"`;
}

let vizPromise:
  Promise<{ renderString(dot: string, options: { format: string }): string }> | undefined;

/** Lays out and renders DOT as SVG with Graphviz (WebAssembly), loading it on first use. */
export async function renderSvg(dot: string): Promise<string> {
  vizPromise ??= import("@viz-js/viz").then((m) => m.instance());
  const viz = await vizPromise;
  return viz.renderString(dot, { format: "svg" });
}
