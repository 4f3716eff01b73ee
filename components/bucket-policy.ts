/**
 * Bucket policies that tie an S3 bucket to VPC endpoints, as plain data. Pure: no Pulumi
 * resources, so every mode is table-tested (test/components/bucket-policy.spec.ts) and the
 * policy pack's analysis can be run on exactly what a VpceBucket attaches.
 */
import { UserError } from "./user-error";

/**
 * How the bucket policy uses `aws:SourceVpce`.
 * - `deny-outside-endpoint`: the restriction. Deny every S3 action on the bucket and its objects
 *   unless the request came through one of the endpoints. Only an explicit Deny stops a principal
 *   whose IAM policy already grants access.
 * - `allow-only`: the seed's policy, an Allow conditioned on the endpoint. It restricts nobody:
 *   a principal with IAM access reaches the bucket from anywhere, and through the endpoint it
 *   grants every principal (any account, even unsigned requests) `s3:*`.
 * - `deny-through-endpoint`: the seed's verification flip. Requests that DO come through the
 *   endpoint get 403, which proves the endpoint is the path they take; every other path is left
 *   alone. A test setting, never a restriction.
 */
export type BucketPolicyMode = "deny-outside-endpoint" | "allow-only" | "deny-through-endpoint";

export const BUCKET_POLICY_MODES: readonly BucketPolicyMode[] = [
  "deny-outside-endpoint",
  "allow-only",
  "deny-through-endpoint",
];

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: "*";
  Action: "s3:*";
  Resource: string[];
  Condition: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface VpceBucketPolicyInput {
  mode: BucketPolicyMode;
  /** `arn:aws:s3:::<bucket>` (any partition). */
  bucketArn: string;
  /** Ids of the endpoints the policy names (`vpce-...`); at least one. */
  endpointIds: readonly string[];
  /**
   * `aws:PrincipalArn` patterns (ArnLike syntax) that `deny-outside-endpoint` does not deny, for
   * the principal that deploys and destroys the stack. Ignored by the other modes, which never
   * deny a request that does not come through the endpoint.
   */
  adminPrincipalArns?: readonly string[];
}

const SOURCE_VPCE = "aws:SourceVpce";
const PRINCIPAL_ARN = "aws:PrincipalArn";
const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ENDPOINT_ID = /^vpce-[0-9a-f]{8,17}$/;
const PRINCIPAL_PATTERN =
  /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):(root|(user|role|federated-user|assumed-role)\/\S+)$/;

/**
 * The bucket policy of a mode. Throws, naming `what` and the argument, when AWS would reject the
 * document or when it would not do what the mode says.
 */
export function vpceBucketPolicy(
  input: VpceBucketPolicyInput,
  what = "bucket policy",
): PolicyDocument {
  if (!(BUCKET_POLICY_MODES as readonly string[]).includes(input.mode)) {
    throw new UserError(
      `${what}: mode "${input.mode}" is not one of ${BUCKET_POLICY_MODES.join(", ")}`,
    );
  }
  if (!BUCKET_ARN.test(input.bucketArn)) {
    throw new UserError(
      `${what}: bucketArn "${input.bucketArn}" is not a bucket ARN (arn:aws:s3:::<bucket>)`,
    );
  }
  const endpointIds = endpointIdsOf(input.endpointIds, what);
  const resources = [input.bucketArn, `${input.bucketArn}/*`];

  switch (input.mode) {
    case "deny-outside-endpoint": {
      const condition: PolicyStatement["Condition"] = {
        StringNotEquals: { [SOURCE_VPCE]: endpointIds },
      };
      if (input.adminPrincipalArns !== undefined) {
        // Same statement, so both must hold for the Deny to apply: outside the endpoint AND not
        // an admin. A separate Allow could never override the Deny.
        condition.ArnNotLike = { [PRINCIPAL_ARN]: adminPatternsOf(input.adminPrincipalArns, what) };
      }
      return document({
        Sid: "DenyOutsideVpcEndpoint",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: resources,
        Condition: condition,
      });
    }
    case "allow-only":
      return document({
        Sid: "AllowThroughVpcEndpoint",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:*",
        Resource: resources,
        Condition: { StringEquals: { [SOURCE_VPCE]: endpointIds } },
      });
    case "deny-through-endpoint":
      return document({
        Sid: "DenyThroughVpcEndpoint",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: resources,
        Condition: { StringEquals: { [SOURCE_VPCE]: endpointIds } },
      });
  }
}

/**
 * The `aws:PrincipalArn` patterns of a caller, from its `sts get-caller-identity` ARN. A role
 * session (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`) is seen by the bucket as the
 * role's IAM ARN, whose path the session ARN leaves out (IAM Identity Center roles live under
 * `/aws-reserved/sso.amazonaws.com/...`), so both the pathless and any-path forms are returned.
 * Users, the root user and federated users are their own principal ARN.
 */
export function principalArnPatterns(callerArn: string): string[] {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(callerArn);
  if (session) {
    const [, partition, account, role] = session;
    return [
      `arn:${partition}:iam::${account}:role/${role}`,
      `arn:${partition}:iam::${account}:role/*/${role}`,
    ];
  }
  if (
    /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/\S+|role\/\S+)$/.test(callerArn) ||
    /^arn:aws[a-z-]*:sts::\d{12}:federated-user\/\S+$/.test(callerArn)
  ) {
    return [callerArn];
  }
  throw new UserError(
    `caller ARN "${callerArn}" is not an IAM user, role session, root or federated user ARN; pass adminPrincipalArns explicitly`,
  );
}

function document(statement: PolicyStatement): PolicyDocument {
  return { Version: "2012-10-17", Statement: [statement] };
}

function endpointIdsOf(ids: readonly string[], what: string): string[] {
  if (ids.length === 0) {
    throw new UserError(
      `${what}: endpointIds is empty; name the VPC endpoint(s) the bucket is for`,
    );
  }
  for (const id of ids) {
    if (!ENDPOINT_ID.test(id)) {
      throw new UserError(
        `${what}: endpointIds has "${id}", which is not a VPC endpoint id (vpce-...); pass the endpoint's id, not its service name or ARN`,
      );
    }
  }
  return [...new Set(ids)];
}

function adminPatternsOf(patterns: readonly string[], what: string): string[] {
  if (patterns.length === 0) {
    throw new UserError(
      `${what}: adminPrincipalArns is empty; leave it out for a Deny without exemption`,
    );
  }
  for (const pattern of patterns) {
    if (!PRINCIPAL_PATTERN.test(pattern)) {
      throw new UserError(
        `${what}: adminPrincipalArns has "${pattern}", which is not an IAM principal ARN (arn:aws:iam::<account>:role/<name>, ...)`,
      );
    }
    if (/:[a-z-]+\/\*$/.test(pattern)) {
      throw new UserError(
        `${what}: adminPrincipalArns has "${pattern}", which exempts every principal of that kind (the lab hosts' roles too); name the admin role or user`,
      );
    }
  }
  return [...new Set(patterns)];
}
