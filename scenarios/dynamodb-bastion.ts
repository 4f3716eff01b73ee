import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ADMIN_CIDR_HINT, checkAdminCidr } from "../components/admin-cidr";
import { AwsService, defaultDnsName } from "../components/service-catalog";
import { GatewayEndpoint } from "../components/gateway-endpoint";
import { dynamodbViaEndpointPolicy } from "../components/iam-documents";
import { InterfaceEndpoint } from "../components/interface-endpoint";
import { LabInstance } from "../components/lab-instance";
import { LabTable } from "../components/lab-table";
import { LabUser } from "../components/lab-user";
import { LabVpc } from "../components/lab-vpc";
import { SgRule } from "../components/sg-rules";
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

const NAME = "dynamodb-bastion";
/** Logical names the expectations use; they are the components' names in the graph. */
const BASTION = "bastion";
const TABLE = "lab";
const ENDPOINT = "dynamodb";
const PROFILE = "ddb-lab";

/** Which DynamoDB endpoint the lab builds (config endpointType). */
export type DynamoDbEndpointKind = "gateway" | "interface";

export interface DynamoDbBastionOptions {
  endpointType: DynamoDbEndpointKind;
  createLabUser: boolean;
}

export interface DynamoDbBastionValues {
  region: string;
  tableName: string;
  bastionId: string;
  /** The endpoint-specific DNS name, or "" for a gateway endpoint (it has none). */
  vpceName: string;
  /** The lab user's ARN, or "" when the lab creates none. */
  userArn: string;
}

/**
 * The seed's private DynamoDB path: a bastion in a public subnet whose security group lets it
 * out only to DynamoDB through a VPC endpoint, and an IAM policy that honours the table only when
 * the request carries that endpoint's id (`aws:SourceVpce`).
 *
 * The bastion's egress is kept as strict as the seed's (443 to the DynamoDB prefix list only),
 * so it reaches no other AWS API: `aws sts get-caller-identity` times out there and is run on
 * the laptop, while `aws configure list` shows on the bastion which credentials are in use
 * without calling anything. An STS interface endpoint would fix that for about $0.013 per hour
 * and teach nothing this lab is about.
 */
export const dynamodbBastion: Scenario = {
  name: NAME,
  title: "DynamoDB through a VPC endpoint from a bastion that can reach nothing else",
  seeds: ["003"],
  summary:
    "A DynamoDB table, a DynamoDB VPC endpoint (gateway by default: a pl-... route in the bastion subnet's " +
    "route table) and a bastion host that accepts SSH only from adminCidr and may send only HTTPS to the " +
    "endpoint. An IAM policy allows the table only through the endpoint (aws:SourceVpce) and denies it " +
    "otherwise: from the bastion DynamoDB works, from a laptop the same credentials get AccessDenied.",
  config: [
    {
      key: "adminCidr",
      type: "string",
      default: "",
      description:
        "The IPv4 block allowed to SSH to the bastion, normally your public address as a /32. " +
        `Required by dynamodb-bastion; 0.0.0.0/0 is refused. Set it with \`${ADMIN_CIDR_HINT}\`.`,
    },
    {
      key: "tableName",
      type: "string",
      default: "ddb_test",
      description:
        "Name of the lab's DynamoDB table (on-demand billing). Table names are unique per account and Region.",
    },
    {
      key: "endpointType",
      type: "string",
      default: "gateway",
      allowed: ["gateway", "interface"],
      description:
        "DynamoDB VPC endpoint type: gateway (free, a prefix-list route; the seed) or interface (billed per " +
        "AZ-hour; no private DNS, so clients pass --endpoint-url https://vpce-...dynamodb.<region>.vpce.amazonaws.com).",
    },
    {
      key: "createLabUser",
      type: "boolean",
      default: false,
      description:
        "Also create an IAM user holding the same policy, with an access key kept as stack secrets, to run the " +
        "seed's contrast (AccessDenied from a laptop, success from the bastion). Long-lived keys: lab use only.",
    },
  ],
  offlineConfig: { adminCidr: "203.0.113.10/32" },
  variants: [
    { name: "lab-user", config: { createLabUser: "true" } },
    { name: "interface", config: { endpointType: "interface" } },
    { name: "interface-lab-user", config: { endpointType: "interface", createLabUser: "true" } },
  ],
  run(config) {
    const instanceType = config.string("instanceType");
    const azCount = config.integer("azCount", { min: 1, max: 4 });
    const adminCidr = readAdminCidr(config);
    const options: DynamoDbBastionOptions = {
      endpointType: config.string("endpointType") as DynamoDbEndpointKind,
      createLabUser: config.boolean("createLabUser"),
    };
    const { endpointType, createLabUser } = options;
    // First, so a bad name is refused before any other resource is registered.
    const table = new LabTable(TABLE, { tableName: config.string("tableName") });

    const vpc = new LabVpc("lab", {
      tiers: ["public"],
      azCount,
      instanceType,
      interfaceServices: endpointType === "interface" ? [AwsService.DYNAMODB] : [],
    });
    const publicTier = vpc.tier("public");
    const endpoint =
      endpointType === "gateway"
        ? gatewayPath(vpc, publicTier.routeTableId)
        : interfacePath(
            vpc,
            publicTier.subnets.map((s) => s.id),
          );

    const policy = new aws.iam.Policy("dynamodb-via-endpoint", {
      description: "The lab table only through the lab's DynamoDB VPC endpoint (aws:SourceVpce)",
      policy: pulumi
        .all([table.arn, endpoint.endpointId])
        .apply(([tableArn, endpointId]) =>
          JSON.stringify(dynamodbViaEndpointPolicy({ tableArn, endpointId })),
        ),
    });

    const region = currentRegion();
    const expectations = dynamodbBastionExpectations(options);
    const names: ProbeNamesInput = {
      region,
      hosts: { [BASTION]: { vpcCidrs: [vpc.cidr] } },
      endpoints: endpointType === "interface" ? { [ENDPOINT]: endpoint.dnsName } : {},
    };
    const bastion = new LabInstance(BASTION, {
      vpcId: vpc.vpcId,
      subnetId: publicTier.subnets[0].id,
      instanceType,
      associatePublicIpAddress: true,
      managedPolicyArns: [policy.arn],
      ingress: [
        {
          name: "ssh-admin",
          protocol: "tcp",
          fromPort: 22,
          peer: { cidr: adminCidr },
          description: "SSH from the admin CIDR (config adminCidr)",
        },
      ],
      egress: [endpoint.egress],
      probes: hostProbes(NAME, BASTION, expectations, names),
    });

    const labUser = createLabUser
      ? new LabUser("lab-user", { managedPolicyArns: [policy.arn] })
      : undefined;

    const checks = pulumi
      .all([
        region,
        table.tableName,
        bastion.instanceId,
        endpoint.dnsName,
        labUser?.arn ?? pulumi.output(""),
      ])
      .apply(([r, tableName, bastionId, vpceName, userArn]) =>
        dynamodbBastionChecks(options, { region: r, tableName, bastionId, vpceName, userArn }),
      );

    return {
      outputs: {
        region,
        vpcId: vpc.vpcId,
        tableName: table.tableName,
        tableArn: table.arn,
        endpointType,
        endpointId: endpoint.endpointId,
        ...endpoint.outputs,
        policyArn: policy.arn,
        bastionId: bastion.instanceId,
        bastionPublicIp: bastion.publicIp,
        probeNames: probeNamesOutput(names, { [BASTION]: bastion }),
        ...reachabilityOutputs(config, expectations, {
          hosts: { [BASTION]: bastion },
          endpoints: endpointType === "interface" ? { [ENDPOINT]: endpoint.endpointId } : {},
          internetGateways: vpc.internetGateway ? { [BASTION]: vpc.internetGateway.id } : {},
          laptopAddress: adminCidr.split("/")[0],
        }),
        ...(labUser
          ? {
              labUserName: labUser.userName,
              labUserAccessKeyId: labUser.accessKeyId,
              labUserSecretAccessKey: labUser.secretAccessKey,
            }
          : {}),
      },
      expectations,
      checks,
    };
  },
};

/** adminCidr, checked: required, one IPv4 block, never the whole internet. */
function readAdminCidr(config: ScenarioConfig): string {
  const raw = config.optionalString("adminCidr");
  if (raw === undefined) {
    throw new ConfigError(
      NAME,
      "adminCidr",
      `is required: the bastion admits SSH only from it; set it with \`${ADMIN_CIDR_HINT}\``,
    );
  }
  const checked = checkAdminCidr(raw);
  if (!checked.ok) throw new ConfigError(NAME, "adminCidr", checked.problem);
  return checked.cidr;
}

interface EndpointPath {
  endpointId: pulumi.Output<string>;
  /** The bastion's one egress rule: HTTPS to wherever the endpoint is. */
  egress: SgRule;
  /** The endpoint-specific DNS name, or "" for a gateway endpoint (it has none). */
  dnsName: pulumi.Output<string>;
  outputs: Record<string, pulumi.Output<unknown>>;
}

/** The seed's path: a prefix-list route in the bastion's route table, egress to that list. */
function gatewayPath(vpc: LabVpc, routeTableId: pulumi.Output<string>): EndpointPath {
  const gateway = new GatewayEndpoint(ENDPOINT, {
    vpcId: vpc.vpcId,
    service: AwsService.DYNAMODB,
    routeTableIds: [routeTableId],
  });
  return {
    endpointId: gateway.endpointId,
    egress: {
      name: "https-dynamodb",
      protocol: "tcp",
      fromPort: 443,
      peer: { prefixListId: gateway.prefixListId },
      description: "HTTPS to the DynamoDB prefix list only (routed to the gateway endpoint)",
    },
    dnsName: pulumi.output(""),
    outputs: { prefixListId: gateway.prefixListId },
  };
}

/**
 * Since 2024: network interfaces in the bastion's subnets. No route changes and no private DNS,
 * so the bastion's egress targets the endpoint's security group, not a prefix list.
 */
function interfacePath(vpc: LabVpc, subnetIds: pulumi.Output<string>[]): EndpointPath {
  const iface = new InterfaceEndpoint(ENDPOINT, {
    vpcId: vpc.vpcId,
    service: AwsService.DYNAMODB,
    subnetIds,
    vpcCidr: vpc.cidr,
  });
  return {
    endpointId: iface.endpointId,
    egress: {
      name: "https-dynamodb",
      protocol: "tcp",
      fromPort: 443,
      // The group InterfaceEndpoint created for the endpoint's interfaces (vpcCidr given).
      peer: { securityGroupId: iface.securityGroupIds.apply((ids) => ids[0]) },
      description: "HTTPS to the DynamoDB interface endpoint only",
    },
    dnsName: iface.dnsNames.apply((names) => names[0]),
    outputs: { endpointDnsNames: iface.dnsNames },
  };
}

/** The lab's expectations for one endpoint type, with or without the lab user, as data. */
export function dynamodbBastionExpectations(options: DynamoDbBastionOptions): Expectation[] {
  const { endpointType, createLabUser } = options;
  const table = { kind: "aws-service", service: "dynamodb", resource: TABLE } as const;
  const expectations: Expectation[] =
    endpointType === "gateway"
      ? [
          {
            from: BASTION,
            to: table,
            probe: "request",
            outcome: "works",
            why: "the bastion's route table sends DynamoDB's prefix list to the gateway endpoint, its group allows 443 to that list, and the request carries aws:SourceVpce",
          },
          {
            from: BASTION,
            to: { kind: "aws-service", service: "dynamodb" },
            probe: "dns",
            outcome: "resolves-public",
            why: "a gateway endpoint changes routes, not DNS: the name answers public addresses that the pl- route catches",
          },
        ]
      : [
          {
            from: BASTION,
            to: { ...table, via: ENDPOINT },
            probe: "request",
            outcome: "works",
            why: "the endpoint-specific name reaches the endpoint's interfaces, which the bastion's group may send 443 to, and the request carries aws:SourceVpce",
          },
          {
            from: BASTION,
            to: { kind: "aws-service", service: "dynamodb", via: ENDPOINT },
            probe: "dns",
            outcome: "resolves-private",
            why: "the endpoint-specific vpce- name resolves to the endpoint's interfaces in the public subnet",
          },
          {
            from: BASTION,
            to: table,
            probe: "request",
            outcome: "times-out",
            why: "DynamoDB interface endpoints have no private DNS: the default name answers public addresses, and the bastion's group allows 443 only to the endpoint",
          },
        ];
  expectations.push({
    from: LAPTOP,
    to: { kind: "instance", host: BASTION, port: 22 },
    probe: "request",
    outcome: "works",
    why: "the bastion has a public IP in a subnet routed to the internet gateway, and its group admits SSH from adminCidr (your address)",
  });
  expectations.push({
    from: BASTION,
    to: { kind: "aws-service", service: "sts" },
    probe: "request",
    outcome: "times-out",
    why: "the bastion's only egress rule is HTTPS to DynamoDB's endpoint; STS is not behind it (ask STS from the laptop)",
  });
  if (createLabUser) {
    expectations.push(
      {
        from: LAPTOP,
        to: { kind: "aws-service", service: "sts" },
        probe: "request",
        outcome: "works",
        why: "get-caller-identity needs no permission and shows the CLI is using the lab user",
      },
      {
        from: LAPTOP,
        to: table,
        probe: "request",
        outcome: "403",
        why: "with the lab user's key outside the VPC the request carries no aws:SourceVpce, so the policy's explicit Deny applies",
      },
    );
  }
  return expectations;
}

/** The commands to run on the bastion and, with the lab user, on the laptop. */
export function dynamodbBastionChecks(
  options: DynamoDbBastionOptions,
  v: DynamoDbBastionValues,
): Check[] {
  const { endpointType } = options;
  const { region: r, tableName, bastionId, vpceName, userArn } = v;
  const endpointUrl = endpointType === "interface" ? ` --endpoint-url https://${vpceName}` : "";
  const ddb = (command: string, extra = "") => `aws dynamodb ${command} --region ${r}${extra}`;
  const item = `'{"id": {"S": "from-bastion"}}'`;
  const checks: Check[] = [];

  if (userArn) {
    checks.push({
      host: LAPTOP,
      connect:
        "a terminal on your own machine (AWS CLI v2), outside the VPC, in the Pulumi project",
      steps: [
        {
          run:
            `aws configure set aws_access_key_id "$(pulumi stack output labUserAccessKeyId --show-secrets)" --profile ${PROFILE}` +
            ` && aws configure set aws_secret_access_key "$(pulumi stack output labUserSecretAccessKey --show-secrets)" --profile ${PROFILE}` +
            ` && aws configure set region ${r} --profile ${PROFILE}`,
          expect: `nothing; the lab user's key is now the ${PROFILE} profile`,
        },
        {
          run: `aws sts get-caller-identity --profile ${PROFILE}`,
          expect: `"Arn": "${userArn}"`,
        },
        {
          run: `aws dynamodb list-tables --profile ${PROFILE}`,
          expect:
            "An error occurred (AccessDeniedException) when calling the ListTables operation: ... is not authorized " +
            "to perform: dynamodb:ListTables ... with an explicit deny in an identity-based policy",
        },
      ],
    });
  }

  const steps: Check["steps"] = [
    {
      run: "aws configure list",
      expect:
        "the access_key and secret_key rows show type iam-role: the bastion calls with its instance role (no API call is made)",
    },
  ];
  if (endpointType === "gateway") {
    steps.push({
      run: `dig +short ${defaultDnsName(AwsService.DYNAMODB, r)}`,
      expect: "public addresses: the gateway endpoint works by route (pl-...), not by DNS",
    });
  } else {
    steps.push(
      {
        run: `dig +short ${vpceName}`,
        expect: "private addresses in the bastion's subnet (the endpoint's network interfaces)",
      },
      {
        run: `${NO_RETRY_ENV} ${ddb("list-tables")} ${FAIL_FAST}`,
        expect:
          "Connect timeout on endpoint URL: the default name is public and the bastion may only reach the endpoint",
      },
    );
  }
  steps.push(
    {
      run: ddb("list-tables", endpointUrl),
      expect: `{"TableNames": [..., "${tableName}", ...]} (every table of the account in ${r})`,
    },
    {
      run: ddb(`put-item --table-name ${tableName} --item ${item}`, endpointUrl),
      expect: "nothing (exit status 0)",
    },
    {
      run: ddb(`get-item --table-name ${tableName} --key ${item}`, endpointUrl),
      expect: `{"Item": {"id": {"S": "from-bastion"}}}`,
    },
    {
      run: `${NO_RETRY_ENV} aws sts get-caller-identity --region ${r} ${FAIL_FAST}`,
      expect: `Connect timeout on endpoint URL: "https://sts.${r}.amazonaws.com/": the only way out is DynamoDB's endpoint`,
    },
  );
  if (userArn) {
    steps.push(
      {
        run: `aws configure --profile ${PROFILE}`,
        expect:
          "prompts; paste what `pulumi stack output labUserAccessKeyId --show-secrets` and " +
          `\`pulumi stack output labUserSecretAccessKey --show-secrets\` print on the laptop, region ${r}`,
      },
      {
        run: `aws dynamodb list-tables --profile ${PROFILE}${endpointUrl}`,
        expect: `{"TableNames": [..., "${tableName}", ...]}: the key refused on the laptop works here, through the endpoint`,
      },
    );
  }
  checks.push({
    host: BASTION,
    connect: `aws ec2-instance-connect ssh --instance-id ${bastionId} --connection-type direct --region ${r} (from an address inside adminCidr)`,
    steps,
  });
  return checks;
}
