/**
 * The IAM policy documents the labs attach to roles, users and groups, built from plain values
 * so a table test can read every statement. Pure: no Pulumi, no AWS.
 */
import { UserError } from "./user-error";

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** What the lab does with its table: read and write items, describe it. Nothing administrative. */
export const DYNAMODB_TABLE_ACTIONS: readonly string[] = [
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
  "dynamodb:Scan",
];

/** AWS's ceiling for one Instance Connect Endpoint tunnel, in seconds. */
export const MAX_TUNNEL_DURATION_SECONDS = 3600;

export interface DynamoDbViaEndpointArgs {
  /** arn:aws:dynamodb:<region>:<account>:table/<name> */
  tableArn: string;
  /** The VPC endpoint (gateway or interface) requests must come through: vpce-... */
  endpointId: string;
  /**
   * Table-scoped actions to allow.
   * @default DYNAMODB_TABLE_ACTIONS
   */
  actions?: readonly string[];
}

/**
 * The lab's table, only through one VPC endpoint.
 *
 * `dynamodb:ListTables` has no resource type (it lists the account's tables in the Region), so
 * it gets its own statement on "*" under the same condition. The explicit Deny makes the
 * endpoint a real requirement: an Allow with a condition only grants, so a principal that holds
 * DynamoDB rights from another policy would still succeed from anywhere. With the Deny, a call
 * that does not come through the endpoint carries no `aws:SourceVpce`, `StringNotEquals` is true
 * for a missing key, and the call is refused "with an explicit deny", as the seed observed.
 */
export function dynamodbViaEndpointPolicy(args: DynamoDbViaEndpointArgs): PolicyDocument {
  const what = "dynamodbViaEndpointPolicy";
  if (
    !/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/.test(args.tableArn)
  ) {
    throw new UserError(
      `${what}: tableArn "${args.tableArn}" is not a DynamoDB table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>)`,
    );
  }
  assertEndpointId(what, args.endpointId);
  const actions = [...(args.actions ?? DYNAMODB_TABLE_ACTIONS)];
  if (actions.length === 0) {
    throw new UserError(`${what}: actions is empty; name the table actions the lab needs`);
  }
  for (const action of actions) {
    if (!/^dynamodb:[A-Za-z*]+$/.test(action)) {
      throw new UserError(`${what}: action "${action}" is not a DynamoDB action (dynamodb:<Name>)`);
    }
    if (action === "dynamodb:ListTables") {
      throw new UserError(
        `${what}: leave dynamodb:ListTables out of actions; it is not scoped to a table, and the policy grants it on "*" in its own statement`,
      );
    }
  }
  const throughEndpoint = { StringEquals: { "aws:SourceVpce": args.endpointId } };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LabTableThroughEndpoint",
        Effect: "Allow",
        Action: actions,
        Resource: args.tableArn,
        Condition: throughEndpoint,
      },
      {
        Sid: "ListTablesThroughEndpoint",
        Effect: "Allow",
        Action: "dynamodb:ListTables",
        Resource: "*",
        Condition: throughEndpoint,
      },
      {
        Sid: "DenyOutsideEndpoint",
        Effect: "Deny",
        Action: [...actions, "dynamodb:ListTables"],
        Resource: "*",
        Condition: { StringNotEquals: { "aws:SourceVpce": args.endpointId } },
      },
    ],
  };
}

export interface InstanceConnectOperatorArgs {
  /** arn:aws:ec2:<region>:<account>:instance-connect-endpoint/eice-... */
  endpointArn: string;
  /** arn:aws:ec2:<region>:<account>:instance/i-... : the one host keys may be pushed to. */
  instanceArn: string;
  /**
   * Longest tunnel an operator may open, in seconds (1 to 3600).
   * @default 3600
   */
  maxTunnelDuration?: number;
  /**
   * The only OS user an operator may push a key for.
   * @default "ec2-user" (Amazon Linux)
   */
  osUser?: string;
}

/**
 * What an operator needs to SSH through one Instance Connect Endpoint to one host, and no more:
 * open tunnels on that endpoint to port 22 for at most `maxTunnelDuration` seconds, push a key
 * for one OS user to that host, and find both (the describe calls have no resource type).
 */
export function instanceConnectOperatorPolicy(args: InstanceConnectOperatorArgs): PolicyDocument {
  const what = "instanceConnectOperatorPolicy";
  const maxTunnelDuration = args.maxTunnelDuration ?? MAX_TUNNEL_DURATION_SECONDS;
  const osUser = args.osUser ?? "ec2-user";
  if (
    !/^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:instance-connect-endpoint\/eice-[0-9a-f]+$/.test(
      args.endpointArn,
    )
  ) {
    throw new UserError(
      `${what}: endpointArn "${args.endpointArn}" is not an Instance Connect Endpoint ARN (arn:aws:ec2:<region>:<account>:instance-connect-endpoint/eice-...)`,
    );
  }
  if (!/^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:instance\/i-[0-9a-f]+$/.test(args.instanceArn)) {
    throw new UserError(
      `${what}: instanceArn "${args.instanceArn}" is not an EC2 instance ARN (arn:aws:ec2:<region>:<account>:instance/i-...)`,
    );
  }
  if (
    !Number.isInteger(maxTunnelDuration) ||
    maxTunnelDuration < 1 ||
    maxTunnelDuration > MAX_TUNNEL_DURATION_SECONDS
  ) {
    throw new UserError(
      `${what}: maxTunnelDuration must be a whole number of seconds from 1 to ${MAX_TUNNEL_DURATION_SECONDS} (AWS's maximum); got ${maxTunnelDuration}`,
    );
  }
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(osUser)) {
    throw new UserError(`${what}: osUser "${osUser}" is not a Linux user name such as ec2-user`);
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OpenSshTunnelThroughEndpoint",
        Effect: "Allow",
        Action: "ec2-instance-connect:OpenTunnel",
        Resource: args.endpointArn,
        Condition: {
          NumericEquals: { "ec2-instance-connect:remotePort": "22" },
          NumericLessThanEquals: {
            "ec2-instance-connect:maxTunnelDuration": String(maxTunnelDuration),
          },
        },
      },
      {
        Sid: "PushKeyForOsUser",
        Effect: "Allow",
        Action: "ec2-instance-connect:SendSSHPublicKey",
        Resource: args.instanceArn,
        Condition: { StringEquals: { "ec2:osuser": osUser } },
      },
      {
        Sid: "FindInstanceAndEndpoint",
        Effect: "Allow",
        Action: ["ec2:DescribeInstances", "ec2:DescribeInstanceConnectEndpoints"],
        Resource: "*",
      },
    ],
  };
}

/**
 * Lists the account's CloudFormation stacks: the one read call the private DNS lab makes.
 * `ListStacks` has no resource type, hence "*".
 */
export function cloudFormationListStacksPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListStacks",
        Effect: "Allow",
        Action: "cloudformation:ListStacks",
        Resource: "*",
      },
    ],
  };
}

function assertEndpointId(what: string, endpointId: string): void {
  if (!/^vpce-[0-9a-f]{8,17}$/.test(endpointId)) {
    throw new UserError(`${what}: endpointId "${endpointId}" is not a VPC endpoint id (vpce-...)`);
  }
}
