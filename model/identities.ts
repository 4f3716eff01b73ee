/**
 * Who signs a request and every policy that applies to them: a host's instance profile role
 * (inline, attached and the role's own managed policy ARNs), or an IAM user with its groups.
 */
import { GraphResource } from "./graph";
import { PolicySource } from "./iam";
import { idOf, Lookup, str, strs } from "./lookup";
import { Host } from "./network";
import { TYPE } from "./type-tokens";

/** An IAM identity: its ARN and every policy that applies to it. */
export interface Identity {
  /** `role public-host-role-1a2b` or `user lab-user-user`. */
  label: string;
  arn: string;
  account: string;
  policies: PolicySource[];
}

/** The role of a host's instance profile, with its inline and attached policies. */
export function hostIdentity(lk: Lookup, host: Host): Identity | undefined {
  const profileName = str(host.instance, "iamInstanceProfile");
  const profile =
    lk.ref(host.instance, "iamInstanceProfile", TYPE.instanceProfile) ??
    lk.ofType(TYPE.instanceProfile).find((p) => p.props.name === profileName);
  if (!profile) return undefined;
  const roleName = str(profile, "role");
  const role =
    lk.ref(profile, "role", TYPE.role) ??
    lk.ofType(TYPE.role).find((r) => r.props.name === roleName);
  if (!role) return undefined;
  const name = str(role, "name") ?? role.name;
  const arn = str(role, "arn") ?? "";
  const policies: PolicySource[] = [];
  for (const p of lk.ofType(TYPE.rolePolicy)) {
    if (namesPrincipal(lk, p, "role", role, name)) {
      policies.push({
        kind: "identity",
        label: `inline policy ${p.name} of role ${name}`,
        document: p.props.policy,
      });
    }
  }
  const inline = Array.isArray(role.props.inlinePolicies) ? role.props.inlinePolicies : [];
  for (const p of inline as Record<string, unknown>[]) {
    policies.push({
      kind: "identity",
      label: `inline policy ${String(p?.name ?? "")} of role ${name}`,
      document: p?.policy,
    });
  }
  const attached = [
    ...strs(role, "managedPolicyArns"),
    ...lk
      .ofType(TYPE.rolePolicyAttachment)
      .filter((a) => namesPrincipal(lk, a, "role", role, name))
      .map((a) => policyArnOf(lk, a)),
  ];
  policies.push(...attached.map((a) => managedPolicy(lk, a)));
  return { label: `role ${name}`, arn, account: accountOf(arn), policies };
}

/** An IAM user with its inline, attached and group policies. */
export function userIdentity(lk: Lookup, user: GraphResource): Identity {
  const name = str(user, "name") ?? user.name;
  const arn = str(user, "arn") ?? "";
  const policies: PolicySource[] = [];
  for (const p of lk.ofType(TYPE.userPolicy)) {
    if (namesPrincipal(lk, p, "user", user, name)) {
      policies.push({
        kind: "identity",
        label: `inline policy ${p.name} of user ${name}`,
        document: p.props.policy,
      });
    }
  }
  const attached = lk
    .ofType(TYPE.userPolicyAttachment)
    .filter((a) => namesPrincipal(lk, a, "user", user, name))
    .map((a) => policyArnOf(lk, a));
  const groups = new Set<string>([
    ...lk
      .ofType(TYPE.groupMembership)
      .filter((m) => strs(m, "users").includes(name))
      .map((m) => str(m, "group") ?? ""),
    ...lk
      .ofType(TYPE.userGroupMembership)
      .filter((m) => m.props.user === name)
      .flatMap((m) => strs(m, "groups")),
  ]);
  for (const group of groups) {
    for (const p of lk.ofType(TYPE.groupPolicy)) {
      if (p.props.group === group) {
        policies.push({
          kind: "identity",
          label: `inline policy ${p.name} of group ${group}`,
          document: p.props.policy,
        });
      }
    }
    attached.push(
      ...lk
        .ofType(TYPE.groupPolicyAttachment)
        .filter((a) => a.props.group === group)
        .map((a) => policyArnOf(lk, a)),
    );
  }
  policies.push(...attached.map((a) => managedPolicy(lk, a)));
  return { label: `user ${name}`, arn, account: accountOf(arn), policies };
}

/** Does `attachment.props[property]` name this role or user (by name, or by dependency)? */
function namesPrincipal(
  lk: Lookup,
  attachment: GraphResource,
  property: string,
  principal: GraphResource,
  name: string,
): boolean {
  const value = attachment.props[property];
  if (value === name || value === idOf(principal)) return true;
  return lk.ref(attachment, property, principal.type) === principal;
}

function policyArnOf(lk: Lookup, attachment: GraphResource): string {
  const arn = str(attachment, "policyArn");
  if (arn) return arn;
  const policy = lk.ref(attachment, "policyArn", TYPE.policy);
  return str(policy, "arn") ?? "";
}

/** A managed policy by ARN: the stack's own, or one of the few AWS managed ones the model knows. */
function managedPolicy(lk: Lookup, arn: string): PolicySource {
  const own = lk.byId(TYPE.policy, arn) ?? lk.ofType(TYPE.policy).find((p) => p.props.arn === arn);
  if (own) {
    return {
      kind: "identity",
      label: `policy ${str(own, "name") ?? own.name}`,
      document: own.props.policy,
    };
  }
  const awsName = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  const known = awsName ? AWS_MANAGED[awsName] : undefined;
  return {
    kind: "identity",
    label: known ? `AWS managed policy ${awsName}` : `policy ${arn} (not in the stack, not read)`,
    document: known,
  };
}

/** The grants of AWS managed policies labs commonly attach, reduced to what matters here. */
const AWS_MANAGED: Record<string, unknown> = {
  AdministratorAccess: allow(["*"]),
  AmazonS3FullAccess: allow(["s3:*", "s3-object-lambda:*"]),
  AmazonS3ReadOnlyAccess: allow(["s3:Get*", "s3:List*", "s3:Describe*"]),
  AmazonDynamoDBFullAccess: allow(["dynamodb:*"]),
  AmazonDynamoDBReadOnlyAccess: allow([
    "dynamodb:BatchGetItem",
    "dynamodb:Describe*",
    "dynamodb:List*",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
  ]),
};

function allow(actions: string[]) {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }],
  };
}

function accountOf(arn: string): string {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? "";
}
