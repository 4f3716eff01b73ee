import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { addRule } from "./sg-rules";
import { UserError } from "./user-error";

/** A host group the endpoint may open SSH tunnels to. */
export interface SshTarget {
  /** Short stable name, used in the rules' resource names. */
  name: string;
  securityGroupId: pulumi.Input<string>;
}

export interface InstanceConnectEndpointArgs {
  vpcId: pulumi.Input<string>;
  /** The subnet the endpoint's network interface lives in; it reaches every subnet of the VPC. */
  subnetId: pulumi.Input<string>;
  /** Security groups of the hosts to reach; each gets an SSH rule from the endpoint. */
  targets: SshTarget[];
}

/**
 * An EC2 Instance Connect Endpoint: SSH into hosts with no public address, no bastion and no
 * key pair. Its security group may send TCP 22 to each target group, and each target group
 * accepts TCP 22 from it; inbound rules on the endpoint's own group are ignored by AWS.
 *
 * `preserveClientIp` is set to false on purpose: Pulumi defaults it to true (the AWS API to
 * false), and with it on the hosts see the caller's address, which the group-to-group rule
 * below would not admit.
 */
export class InstanceConnectEndpoint extends pulumi.ComponentResource {
  readonly endpoint: aws.ec2transitgateway.InstanceConnectEndpoint;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly endpointId: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;

  constructor(
    name: string,
    args: InstanceConnectEndpointArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    if (args.targets.length === 0) {
      throw new UserError(
        `InstanceConnectEndpoint ${name}: targets is empty; name the security groups of the hosts to reach`,
      );
    }
    const names = args.targets.map((t) => t.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) {
      throw new UserError(`InstanceConnectEndpoint ${name}: two targets are named "${duplicate}"`);
    }
    super("vpc-endpoint-labs:access:InstanceConnectEndpoint", name, {}, opts);

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `EC2 Instance Connect Endpoint ${name}`,
        tags: { Name: `${name}-sg` },
      },
      { parent: this },
    );

    for (const target of args.targets) {
      addRule(
        name,
        "egress",
        this.securityGroup.id,
        {
          name: `ssh-${target.name}`,
          protocol: "tcp",
          fromPort: 22,
          peer: { securityGroupId: target.securityGroupId },
          description: `SSH to ${target.name}`,
        },
        { parent: this.securityGroup },
      );
      addRule(
        `${name}-${target.name}`,
        "ingress",
        target.securityGroupId,
        {
          name: "ssh-from-eice",
          protocol: "tcp",
          fromPort: 22,
          peer: { securityGroupId: this.securityGroup.id },
          description: `SSH from Instance Connect Endpoint ${name}`,
        },
        { parent: this.securityGroup },
      );
    }

    this.endpoint = new aws.ec2transitgateway.InstanceConnectEndpoint(
      `${name}-eice`,
      {
        subnetId: args.subnetId,
        securityGroupIds: [this.securityGroup.id],
        preserveClientIp: false,
        tags: { Name: name },
      },
      { parent: this },
    );

    this.endpointId = this.endpoint.id;
    this.securityGroupId = this.securityGroup.id;
    this.dnsName = this.endpoint.dnsName;
    this.registerOutputs({
      endpointId: this.endpointId,
      securityGroupId: this.securityGroupId,
      dnsName: this.dnsName,
    });
  }
}
