import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Probe } from "../model/probes";
import { al2023Parameter, architectureOf } from "./ami";
import { probeAgentUserData } from "./probe-agent";
import { addRule, ALLOW_ALL_EGRESS, SgRule } from "./sg-rules";
import { UserError } from "./user-error";

export interface LabInstanceArgs {
  vpcId: pulumi.Input<string>;
  subnetId: pulumi.Input<string>;
  /**
   * EC2 instance type; the image's architecture follows from it.
   * @default "t4g.nano"
   */
  instanceType?: string;
  /**
   * IAM policy document (JSON) for the host's role: grant only what the lab needs.
   * @default no permissions beyond the role itself
   */
  policy?: pulumi.Input<string>;
  /**
   * Managed policy ARNs attached to the host's role, for policies the lab creates itself.
   * @default []
   */
  managedPolicyArns?: pulumi.Input<string>[];
  /**
   * Inbound rules of the host's own security group.
   * @default none: reach the host through an Instance Connect Endpoint, which adds its own rule
   */
  ingress?: SgRule[];
  /**
   * Outbound rules of the host's own security group.
   * @default all outbound IPv4 traffic (what AWS gives a new group)
   */
  egress?: SgRule[];
  /**
   * Give the host a public IPv4 address. Public addresses cost $0.005 an hour.
   * @default the subnet's setting (public tier: yes, private tier: no)
   */
  associatePublicIpAddress?: boolean;
  /**
   * Cloud-init user data (a shell script), for a lab's web server, say.
   * @default none
   */
  userData?: pulumi.Input<string>;
  /**
   * Probes the host runs at boot and every minute, reported on its serial console for
   * `npm run verify` (components/probe-agent.ts); installed ahead of `userData`. A change of
   * probes alone updates the user data in place (EC2 stops and starts the host, keeping its id
   * and private address; an automatic public address changes); one of `userData` replaces it.
   * @default none: no probe agent
   */
  probes?: { lab: string; probes: pulumi.Input<Probe[]> };
}

/**
 * A lab test host: Amazon Linux 2023, IMDSv2 only, encrypted root volume, no key pair (EC2
 * Instance Connect pushes a short-lived key), a role holding only what the lab grants, and a
 * security group of its own.
 */
export class LabInstance extends pulumi.ComponentResource {
  readonly instance: aws.ec2.Instance;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly role: aws.iam.Role;
  readonly instanceId: pulumi.Output<string>;
  readonly privateIp: pulumi.Output<string>;
  readonly publicIp: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: LabInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    const instanceType = args.instanceType ?? "t4g.nano";
    const architecture = architectureOf(instanceType);
    const ingress = args.ingress ?? [];
    const egress = args.egress ?? [ALLOW_ALL_EGRESS];
    assertUniqueRuleNames(name, "ingress", ingress);
    assertUniqueRuleNames(name, "egress", egress);
    super("vpc-endpoint-labs:compute:LabInstance", name, {}, opts);

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `Lab host ${name}`,
        tags: { Name: `${name}-sg` },
      },
      { parent: this },
    );
    const sgOpts = { parent: this.securityGroup };
    for (const rule of ingress) addRule(name, "ingress", this.securityGroup.id, rule, sgOpts);
    for (const rule of egress) addRule(name, "egress", this.securityGroup.id, rule, sgOpts);

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "ec2.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
        tags: { Name: `${name}-role` },
      },
      { parent: this },
    );
    if (args.policy !== undefined) {
      new aws.iam.RolePolicy(
        `${name}-policy`,
        { role: this.role.name, policy: args.policy },
        { parent: this.role },
      );
    }
    (args.managedPolicyArns ?? []).forEach((policyArn, i) => {
      new aws.iam.RolePolicyAttachment(
        `${name}-policy-${i + 1}`,
        { role: this.role.name, policyArn },
        { parent: this.role },
      );
    });
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: this.role.name },
      { parent: this.role },
    );

    const image = aws.ssm.getParameterOutput(
      { name: al2023Parameter(architecture) },
      { parent: this },
    );

    const probes = args.probes;
    const userData = probes
      ? pulumi
          .all([probes.probes, args.userData])
          .apply(([list, script]) =>
            probeAgentUserData({ lab: probes.lab, host: name, probes: list }, script),
          )
      : args.userData;
    this.instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami: image.value,
        instanceType,
        subnetId: args.subnetId,
        vpcSecurityGroupIds: [this.securityGroup.id],
        iamInstanceProfile: profile.name,
        associatePublicIpAddress: args.associatePublicIpAddress,
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        },
        rootBlockDevice: { encrypted: true, volumeType: "gp3", deleteOnTermination: true },
        // Burstable hosts default to "unlimited" credits, which bill for sustained CPU.
        creditSpecification: instanceType.startsWith("t") ? { cpuCredits: "standard" } : undefined,
        userData,
        // A lab's own script runs only at first boot, so a new one needs a new host. The probe
        // agent re-reads its probes from the user data every round: with the provider's default
        // (stop, modify, start) a change of probes keeps the instance id the checks print.
        userDataReplaceOnChange: args.userData !== undefined,
        tags: { Name: name },
      },
      {
        parent: this,
        // The parameter names a new image with every Amazon Linux release; following it would
        // replace every host on the next `pulumi up` (a config change mid-lab, say) and stale
        // the instance ids in the printed checks. A host keeps the image it was created with;
        // README says how to move one on.
        ignoreChanges: ["ami"],
      },
    );

    this.instanceId = this.instance.id;
    this.privateIp = this.instance.privateIp;
    this.publicIp = this.instance.publicIp;
    this.securityGroupId = this.securityGroup.id;
    this.registerOutputs({
      instanceId: this.instanceId,
      privateIp: this.privateIp,
      publicIp: this.publicIp,
      securityGroupId: this.securityGroupId,
      roleArn: this.role.arn,
    });
  }
}

function assertUniqueRuleNames(host: string, direction: string, rules: SgRule[]): void {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.name)) {
      throw new UserError(`LabInstance ${host}: two ${direction} rules are named "${rule.name}"`);
    }
    seen.add(rule.name);
  }
}
