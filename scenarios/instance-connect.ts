import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsService, defaultDnsName } from "../components/service-catalog";
import {
  instanceConnectOperatorPolicy,
  MAX_TUNNEL_DURATION_SECONDS,
} from "../components/iam-documents";
import { InstanceConnectEndpoint } from "../components/instance-connect-endpoint";
import { LabInstance } from "../components/lab-instance";
import { LabVpc } from "../components/lab-vpc";
import {
  currentRegion,
  FAIL_FAST,
  hostProbes,
  LAPTOP,
  NO_RETRY_ENV,
  ProbeNamesInput,
  probeNamesOutput,
  reachabilityOutputs,
} from "./common";
import { Check, ConfigError, Expectation, Scenario, ScenarioConfig } from "./scenario";

const NAME = "instance-connect";
const HOST = "host";
const OS_USER = "ec2-user";

export interface InstanceConnectOptions {
  /** Longest tunnel the operator policy allows, in seconds. */
  maxTunnelDuration: number;
  operatorGroup: boolean;
  /** IAM user names the stack adds to the operators group (config `operatorUsers`). */
  operators: string[];
}

export interface InstanceConnectValues {
  region: string;
  instanceId: string;
  privateIp: string;
  /** The operators group's name, or "" without one. */
  groupName: string;
}

/**
 * The seed's closed VPC: one private subnet, no internet gateway, no NAT, a host with no key
 * pair, and an EC2 Instance Connect Endpoint as the only way in. Who may use it is IAM's
 * business: a managed policy lets operators open tunnels on that endpoint to port 22 for at
 * most `maxTunnelDuration` seconds and push a key for ec2-user to that host, and CloudTrail's
 * event history records every OpenTunnel without a trail.
 */
export const instanceConnect: Scenario = {
  name: NAME,
  title: "EC2 Instance Connect Endpoint into a closed VPC, gated by IAM and audited",
  seeds: ["002"],
  summary:
    "A VPC with only a private subnet (10.0.0.0/24, no IGW, no NAT), a host with no key pair and an EC2 Instance " +
    "Connect Endpoint. An operator policy (attached to an IAM group) allows OpenTunnel on that endpoint to port 22 " +
    "for a bounded time and SendSSHPublicKey for ec2-user on that host. SSH works; from the host nothing outside " +
    "the VPC, internet or S3, is reachable; CloudTrail event history lists each OpenTunnel.",
  config: [
    {
      key: "maxTunnelDuration",
      type: "integer",
      default: MAX_TUNNEL_DURATION_SECONDS,
      description:
        "Longest SSH session, in seconds, the operator policy allows through the Instance Connect Endpoint " +
        `(1-${MAX_TUNNEL_DURATION_SECONDS}; ${MAX_TUNNEL_DURATION_SECONDS} is AWS's maximum).`,
    },
    {
      key: "operatorGroup",
      type: "boolean",
      default: true,
      description:
        "Create an IAM group holding the operator policy. false creates only the managed policy, to attach " +
        "where you like.",
    },
    {
      key: "operatorUsers",
      type: "string",
      default: "",
      description:
        "Comma-separated names of existing IAM users the stack makes members of the operator group (needs " +
        "operatorGroup), and removes again on destroy. Members added by hand instead must be removed by hand " +
        "before `pulumi destroy`: IAM does not delete a group that has members.",
    },
  ],
  variants: [{ name: "no-operator-group", config: { operatorGroup: "false" } }],
  run(config) {
    const instanceType = config.string("instanceType");
    const azCount = config.integer("azCount", { min: 1, max: 4 });
    const operatorGroup = config.boolean("operatorGroup");
    const options: InstanceConnectOptions = {
      maxTunnelDuration: config.integer("maxTunnelDuration", {
        min: 1,
        max: MAX_TUNNEL_DURATION_SECONDS,
      }),
      operatorGroup,
      operators: readOperatorUsers(config, operatorGroup),
    };
    const { maxTunnelDuration, operators } = options;

    const vpc = new LabVpc("closed", {
      cidr: "10.0.0.0/24",
      tiers: ["private"],
      azCount,
      instanceType,
    });
    const subnet = vpc.tier("private").subnets[0];
    const region = currentRegion();
    const expectations = instanceConnectExpectations(options);
    const names: ProbeNamesInput = { region, hosts: { [HOST]: { vpcCidrs: [vpc.cidr] } } };
    const host = new LabInstance(HOST, {
      vpcId: vpc.vpcId,
      subnetId: subnet.id,
      instanceType,
      probes: hostProbes(NAME, HOST, expectations, names),
    });
    const eice = new InstanceConnectEndpoint("eice", {
      vpcId: vpc.vpcId,
      subnetId: subnet.id,
      targets: [{ name: HOST, securityGroupId: host.securityGroupId }],
    });

    const policy = new aws.iam.Policy("eice-operator", {
      description: `SSH to the lab host through its Instance Connect Endpoint, port 22, at most ${maxTunnelDuration} s`,
      policy: pulumi
        .all([eice.endpoint.arn, host.instance.arn])
        .apply(([endpointArn, instanceArn]) =>
          JSON.stringify(
            instanceConnectOperatorPolicy({
              endpointArn,
              instanceArn,
              maxTunnelDuration,
              osUser: OS_USER,
            }),
          ),
        ),
    });
    const group = options.operatorGroup ? new aws.iam.Group("operators", {}) : undefined;
    if (group) {
      new aws.iam.GroupPolicyAttachment(
        "operators-eice-operator",
        { group: group.name, policyArn: policy.arn },
        { parent: group },
      );
    }
    // Managed here, the members leave before the group is deleted; added by hand, they make
    // DeleteGroup fail with DeleteConflict.
    if (group && operators.length > 0) {
      new aws.iam.GroupMembership(
        "operators-members",
        { group: group.name, users: operators },
        { parent: group },
      );
    }

    const checks = pulumi
      .all([region, host.instanceId, host.privateIp, group?.name ?? pulumi.output("")])
      .apply(([r, instanceId, privateIp, groupName]) =>
        instanceConnectChecks(options, { region: r, instanceId, privateIp, groupName }),
      );

    return {
      outputs: {
        region,
        vpcId: vpc.vpcId,
        hostId: host.instanceId,
        hostPrivateIp: host.privateIp,
        instanceConnectEndpointId: eice.endpointId,
        instanceConnectEndpointArn: eice.endpoint.arn,
        operatorPolicyArn: policy.arn,
        maxTunnelDuration,
        ...(group ? { operatorGroupName: group.name } : {}),
        probeNames: probeNamesOutput(names, { [HOST]: host }),
        // The closed VPC has no internet gateway: no path the analyzer can name.
        ...reachabilityOutputs(config, expectations, { hosts: { [HOST]: host } }),
      },
      expectations,
      checks,
    };
  },
};

/** The lab's expectations, as data: they hold for every config. */
export function instanceConnectExpectations(_options: InstanceConnectOptions): Expectation[] {
  return EXPECTATIONS;
}

const EXPECTATIONS: Expectation[] = [
  {
    from: LAPTOP,
    to: { kind: "instance", host: HOST, port: 22 },
    probe: "request",
    outcome: "works",
    why: "the operator's OpenTunnel on port 22 goes through the Instance Connect Endpoint, whose group may send SSH to the host's group; no IGW or public address involved",
  },
  {
    from: HOST,
    to: { kind: "internet", url: "https://checkip.amazonaws.com" },
    probe: "request",
    outcome: "times-out",
    why: "the closed VPC has no internet gateway and no NAT: its route table holds only the local route",
  },
  {
    from: HOST,
    to: { kind: "aws-service", service: "s3" },
    probe: "request",
    outcome: "times-out",
    why: "no route to S3's public addresses and no S3 endpoint: the Instance Connect Endpoint carries SSH in, nothing out",
  },
];

/** The operator's SSH command: through the endpoint, asking for the tunnel time the policy allows. */
function operatorSsh(
  instanceId: string,
  region: string,
  maxTunnelDuration: number,
  osUser = OS_USER,
) {
  const user = osUser === OS_USER ? "" : ` --os-user ${osUser}`;
  return (
    `aws ec2-instance-connect ssh --instance-id ${instanceId} --connection-type eice` +
    ` --eice-options maxTunnelDuration=${maxTunnelDuration}${user} --region ${region}`
  );
}

/**
 * IAM user names from `operatorUsers`: IAM's characters and length (AWS-FACTS.md, IAM names),
 * each once, compared case-insensitively as IAM compares them.
 */
function readOperatorUsers(config: ScenarioConfig, withGroup: boolean): string[] {
  const raw = config.optionalString("operatorUsers");
  if (raw === undefined) return [];
  if (!withGroup) {
    throw new ConfigError(
      NAME,
      "operatorUsers",
      "needs operatorGroup true: the users join the group the stack creates; set operatorGroup true or " +
        "unset operatorUsers and attach operatorPolicyArn yourself",
    );
  }
  const names = raw.split(",").map((n) => n.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "") {
      throw new ConfigError(
        NAME,
        "operatorUsers",
        `has an empty name in "${raw}"; separate IAM user names with single commas`,
      );
    }
    if (!/^[\w+=,.@-]{1,64}$/.test(name)) {
      throw new ConfigError(
        NAME,
        "operatorUsers",
        `lists "${name}", which is not an IAM user name: 1-64 letters, digits and +=,.@_- (no spaces)`,
      );
    }
    if (seen.has(name.toLowerCase())) {
      throw new ConfigError(
        NAME,
        "operatorUsers",
        `lists "${name.toLowerCase()}" twice; IAM user names are case-insensitive, list each user once`,
      );
    }
    seen.add(name.toLowerCase());
  }
  return names;
}

/** The commands the operator runs on the laptop and on the host, each with what it prints. */
export function instanceConnectChecks(
  options: InstanceConnectOptions,
  v: InstanceConnectValues,
): Check[] {
  const { maxTunnelDuration, operators } = options;
  const { region: r, instanceId, privateIp, groupName } = v;
  const ssh = operatorSsh(instanceId, r, maxTunnelDuration);
  const operatorSteps: Check["steps"] = [];
  if (groupName && operators.length === 0) {
    const member = `--group-name ${groupName} --user-name <operator-user>`;
    operatorSteps.push({
      run: `aws iam add-user-to-group ${member}`,
      expect:
        "nothing; run once as an administrator, then work as that operator. The stack does not know this " +
        `member: before \`pulumi destroy\`, run aws iam remove-user-from-group ${member}, or destroy fails ` +
        "with DeleteConflict (or set operatorUsers and let the stack manage members)",
    });
  }
  operatorSteps.push(
    {
      run: ssh,
      expect: `a shell on the host: [${OS_USER}@ip-${privateIp.replace(/\./g, "-")} ~]$`,
    },
    {
      run: operatorSsh(instanceId, r, maxTunnelDuration, "root"),
      expect:
        "An error occurred (AccessDeniedException) when calling the SendSSHPublicKey operation: the policy allows " +
        `keys for ${OS_USER} only (an administrator's own credentials are not limited by it)`,
    },
  );
  const asOperator =
    operators.length > 0 ? `as one of the operators (${operators.join(", ")})` : "as an operator";
  return [
    {
      host: LAPTOP,
      connect: `a terminal on your own machine (AWS CLI v2 and an OpenSSH client), ${asOperator}`,
      steps: operatorSteps,
    },
    {
      host: HOST,
      connect: ssh,
      steps: [
        {
          run: "curl -sS -m 5 https://checkip.amazonaws.com",
          expect: "curl: (28) Connection timed out after ~5000 milliseconds: no way out of the VPC",
        },
        {
          run: `getent hosts ${defaultDnsName(AwsService.S3, r)}`,
          expect: "public addresses: the VPC resolver answers, but nothing routes there",
        },
        {
          run: `${NO_RETRY_ENV} aws s3 ls --region ${r} ${FAIL_FAST}`,
          expect: `Connect timeout on endpoint URL: "https://s3.${r}.amazonaws.com/"`,
        },
      ],
    },
    {
      host: LAPTOP,
      // LookupEvents takes no resource and no condition that narrows it: granting it to operators
      // would show them every management event of the account for 90 days. Auditing is left to
      // the deployer, who already holds the far wider rights that creating this stack takes.
      connect:
        "a terminal on your own machine, as the deployer (the credentials that ran pulumi up); the operator " +
        "policy grants no CloudTrail access",
      steps: [
        {
          run:
            `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=OpenTunnel` +
            ` --max-results 5 --region ${r} --query 'Events[].[EventTime,Username]' --output text`,
          expect:
            "one line per connection with the time and the IAM user who opened it; event history needs no trail " +
            "and shows an event a few minutes after the connection",
        },
      ],
    },
  ];
}
