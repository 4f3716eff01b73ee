import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { oneSubnetPerZone, ZonedSubnet } from "./az-match";
import { accountRootArn, principalArnProblem, principalSlug } from "./principal-arns";
import { UserError } from "./user-error";

/**
 * A subnet of the load balancer and the AZ ID it lives in. An `aws.ec2.Subnet` fits as is; for a
 * VPC built elsewhere pass the two strings.
 */
export interface ZonedSubnetRef {
  id: pulumi.Input<string>;
  availabilityZoneId: pulumi.Input<string>;
}

/** An instance behind the load balancer. */
export interface ServiceTarget {
  /** Short stable name, used in the attachment's resource name. */
  name: string;
  instanceId: pulumi.Input<string>;
}

export interface EndpointServiceArgs {
  vpcId: pulumi.Input<string>;
  /**
   * Subnets of the load balancer, one per Availability Zone. Consumers can use only these AZs
   * (matched by AZ ID), so list every AZ your consumers are in.
   */
  subnets: ZonedSubnetRef[];
  /** The instances that serve the traffic; they must accept `port` from the load balancer's subnets. */
  targets: ServiceTarget[];
  /**
   * TCP port of the listener and of the targets.
   * @default 80
   */
  port?: number;
  /**
   * The provider accepts each endpoint connection before traffic flows (see `acceptConnection`).
   * @default true
   */
  acceptanceRequired?: boolean;
  /**
   * Other principals allowed to connect: IAM ARNs of account roots, roles or users.
   * @default []
   */
  allowedPrincipals?: string[];
  /**
   * Allow the deploying account's root (`arn:aws:iam::<account>:root`), i.e. whoever that
   * account's IAM lets create endpoints.
   * @default true
   */
  allowCurrentAccount?: boolean;
  /**
   * Cross-zone load balancing: each load balancer node may use targets in every AZ. Without it a
   * node sends only to targets in its own AZ, and consumers entering through an AZ with no
   * healthy target get no answer. Costs only inter-AZ data transfer.
   * @default true
   */
  crossZone?: boolean;
  /**
   * Prepend a Proxy Protocol v2 header so targets learn the consumer's address and endpoint id.
   * Targets must then parse it (a plain HTTP server does not).
   * @default false
   */
  proxyProtocolV2?: boolean;
}

/**
 * Your own service over AWS PrivateLink, provider side: an internal Network Load Balancer with a
 * TCP listener and instance targets, published as a VPC endpoint service that chosen principals
 * may connect to.
 *
 * The load balancer has no security group on purpose. PrivateLink traffic reaches the targets
 * from the load balancer's own private addresses (client IP preservation does not apply to it),
 * so the targets admit `port` from the load balancer's subnets and there is nothing else to
 * configure. A security group can only be given to an NLB when it is created, and with one the
 * NLB filters PrivateLink traffic too unless `enforceSecurityGroupInboundRulesOnPrivateLinkTraffic`
 * is "off".
 */
export class EndpointService extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly listener: aws.lb.Listener;
  readonly service: aws.ec2.VpcEndpointService;
  readonly allowedPrincipals: aws.ec2.VpcEndpointServiceAllowedPrinciple[];
  readonly port: number;
  readonly acceptanceRequired: boolean;
  readonly serviceId: pulumi.Output<string>;
  /**
   * com.amazonaws.vpce.<region>.vpce-svc-..., known once the allowed principals are in place, so
   * an endpoint created from it is never refused because its account may not see the service yet.
   */
  readonly serviceName: pulumi.Output<string>;
  readonly loadBalancerDnsName: pulumi.Output<string>;
  /** AZ names the service is offered in, as AWS reports them (names differ per account). */
  readonly availabilityZones: pulumi.Output<string[]>;
  /** AZ IDs of the load balancer's subnets: what consumers' subnets are matched against. */
  readonly availabilityZoneIds: pulumi.Output<string[]>;
  readonly allowedPrincipalArns: pulumi.Output<string[]>;
  private readonly baseName: string;

  constructor(name: string, args: EndpointServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const what = `EndpointService ${name}`;
    const port = args.port ?? 80;
    const acceptanceRequired = args.acceptanceRequired ?? true;
    const extraPrincipals = args.allowedPrincipals ?? [];
    const allowCurrentAccount = args.allowCurrentAccount ?? true;
    const crossZone = args.crossZone ?? true;
    const proxyProtocolV2 = args.proxyProtocolV2 ?? false;

    if (args.subnets.length === 0) {
      throw new UserError(
        `${what}: subnets is empty; give the load balancer one subnet in each AZ consumers use`,
      );
    }
    // Plain ids are checked now; outputs (subnets created in the same program) when they resolve.
    const plain = args.subnets.flatMap((s): ZonedSubnet[] =>
      typeof s.id === "string" && typeof s.availabilityZoneId === "string"
        ? [{ id: s.id, azId: s.availabilityZoneId }]
        : [],
    );
    if (plain.length === args.subnets.length) oneSubnetPerZone(plain, what);
    if (args.targets.length === 0) {
      throw new UserError(`${what}: targets is empty; name the instances that serve port ${port}`);
    }
    const targetNames = args.targets.map((t) => t.name);
    const twice = targetNames.find((n, i) => targetNames.indexOf(n) !== i);
    if (twice !== undefined) {
      throw new UserError(`${what}: two targets are named "${twice}"; target names must be unique`);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UserError(`${what}: port must be a whole number from 1 to 65535; got ${port}`);
    }
    extraPrincipals.forEach((arn, i) => {
      const problem = principalArnProblem(arn);
      if (problem) throw new UserError(`${what}: allowedPrincipals[${i}] ${problem}`);
    });
    const slugs = extraPrincipals.map(principalSlug);
    const repeated = slugs.findIndex((s, i) => slugs.indexOf(s) !== i);
    if (repeated >= 0) {
      throw new UserError(
        `${what}: allowedPrincipals lists "${extraPrincipals[repeated]}" twice (or two ARNs that differ only in punctuation); list each principal once`,
      );
    }
    if (!allowCurrentAccount && extraPrincipals.length === 0) {
      throw new UserError(
        `${what}: no principal may connect (allowCurrentAccount is false and allowedPrincipals is empty); allow the current account or list principals`,
      );
    }
    super("vpc-endpoint-labs:endpoints:EndpointService", name, {}, opts);
    this.baseName = name;
    this.port = port;
    this.acceptanceRequired = acceptanceRequired;

    // One check for both uses: the load balancer's subnets and the AZ IDs consumers match.
    const zoned = pulumi
      .all(args.subnets.map((s) => pulumi.all([s.id, s.availabilityZoneId])))
      .apply((pairs) => {
        const subnets = pairs.map(([id, azId]) => ({ id, azId }));
        return {
          ids: subnets.map((s) => s.id),
          azIds: oneSubnetPerZone(subnets, what),
        };
      });

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-nlb`,
      {
        loadBalancerType: "network",
        internal: true,
        subnets: zoned.apply((z) => z.ids),
        ipAddressType: "ipv4",
        enableCrossZoneLoadBalancing: crossZone,
        tags: { Name: `${name}-nlb` },
      },
      { parent: this },
    );

    this.targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        vpcId: args.vpcId,
        targetType: "instance",
        protocol: "TCP",
        port,
        proxyProtocolV2,
        // The default 300 s makes every teardown and target change wait five minutes.
        deregistrationDelay: 30,
        healthCheck: {
          enabled: true,
          protocol: "TCP",
          port: "traffic-port",
          interval: 10,
          healthyThreshold: 3,
          unhealthyThreshold: 3,
        },
        tags: { Name: `${name}-tg` },
      },
      { parent: this },
    );
    for (const target of args.targets) {
      new aws.lb.TargetGroupAttachment(
        `${name}-target-${target.name}`,
        { targetGroupArn: this.targetGroup.arn, targetId: target.instanceId, port },
        { parent: this.targetGroup },
      );
    }

    this.listener = new aws.lb.Listener(
      `${name}-listener`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        protocol: "TCP",
        port,
        defaultActions: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        tags: { Name: `${name}-listener` },
      },
      { parent: this.loadBalancer },
    );

    this.service = new aws.ec2.VpcEndpointService(
      `${name}-service`,
      {
        acceptanceRequired,
        networkLoadBalancerArns: [this.loadBalancer.arn],
        supportedIpAddressTypes: ["ipv4"],
        tags: { Name: name },
      },
      { parent: this },
    );

    const principalOpts = { parent: this.service };
    const principals: aws.ec2.VpcEndpointServiceAllowedPrinciple[] = [];
    const principalArns: pulumi.Input<string>[] = [];
    if (allowCurrentAccount) {
      const identity = aws.getCallerIdentityOutput({}, { parent: this });
      const partition = aws.getPartitionOutput({}, { parent: this });
      const rootArn = pulumi
        .all([partition.partition, identity.accountId])
        .apply(([p, account]) => {
          const root = accountRootArn(p, account);
          // Two resources holding one permission: deleting either would revoke it.
          if (extraPrincipals.includes(root)) {
            throw new UserError(
              `${what}: allowedPrincipals lists ${root}, the current account, which allowCurrentAccount already allows; remove it from the list`,
            );
          }
          return root;
        });
      principalArns.push(rootArn);
      principals.push(
        new aws.ec2.VpcEndpointServiceAllowedPrinciple(
          `${name}-allow-current-account`,
          { vpcEndpointServiceId: this.service.id, principalArn: rootArn },
          principalOpts,
        ),
      );
    }
    extraPrincipals.forEach((arn, i) => {
      principalArns.push(arn);
      principals.push(
        new aws.ec2.VpcEndpointServiceAllowedPrinciple(
          `${name}-allow-${slugs[i]}`,
          { vpcEndpointServiceId: this.service.id, principalArn: arn },
          principalOpts,
        ),
      );
    });
    this.allowedPrincipals = principals;

    this.serviceId = this.service.id;
    this.serviceName = pulumi
      .all([this.service.serviceName, ...principals.map((p) => p.id)])
      .apply(([serviceName]) => serviceName);
    this.loadBalancerDnsName = this.loadBalancer.dnsName;
    this.availabilityZones = this.service.availabilityZones;
    this.availabilityZoneIds = zoned.apply((z) => z.azIds);
    this.allowedPrincipalArns = pulumi.all(principalArns);
    this.registerOutputs({
      serviceId: this.serviceId,
      serviceName: this.serviceName,
      loadBalancerDnsName: this.loadBalancerDnsName,
      availabilityZones: this.availabilityZones,
      availabilityZoneIds: this.availabilityZoneIds,
      allowedPrincipalArns: this.allowedPrincipalArns,
    });
  }

  /**
   * Accepts one consumer endpoint's connection request: the provider's half of the handshake
   * when `acceptanceRequired` is on. Named `<service>-accept-<consumer>`, under the service.
   */
  acceptConnection(
    consumer: string,
    vpcEndpointId: pulumi.Input<string>,
  ): aws.ec2.VpcEndpointConnectionAccepter {
    if (!this.acceptanceRequired) {
      throw new UserError(
        `EndpointService ${this.baseName}: acceptanceRequired is false, so AWS accepts ${consumer} by itself; create no accepter`,
      );
    }
    return new aws.ec2.VpcEndpointConnectionAccepter(
      `${this.baseName}-accept-${consumer}`,
      { vpcEndpointServiceId: this.service.id, vpcEndpointId },
      { parent: this.service },
    );
  }
}
