/**
 * Authorisation of S3 and DynamoDB requests about a named bucket or table: the bucket or table
 * policy, the endpoint policy of the endpoint the request came through, and the caller's
 * identity policies, decided with the `aws:SourceVpce` (or source address) the path gave it.
 */
import type { Target } from "./expectations";
import { Client, Context, hostLabel, requireOwned } from "./context";
import { authorize, AuthRequest, PolicySource } from "./iam";
import { idOf, str } from "./lookup";
import { hostIdentity, Identity } from "./identities";
import { TYPE } from "./type-tokens";
import { Reach } from "./paths";

/** The one call each service's request stands for, as the labs' checks make it. */
const REQUEST_ACTION: Record<string, { action: string; on: "bucket" | "table" }> = {
  s3: { action: "s3:ListBucket", on: "bucket" },
  dynamodb: { action: "dynamodb:GetItem", on: "table" },
};

export function authorizeServiceRequest(
  ctx: Context,
  client: Client,
  to: Extract<Target, { kind: "aws-service" }>,
  reach: Extract<Reach, { ok: true }>,
): { decision: ReturnType<typeof authorize>; path: string[] } | undefined {
  const spec = REQUEST_ACTION[to.service];
  if (!spec || !to.resource) return undefined;
  const path: string[] = [];
  const policies: PolicySource[] = [];
  let resourceArn: string;
  if (spec.on === "bucket") {
    const bucket = requireOwned(ctx, to.resource, [TYPE.bucket, TYPE.bucketV2], "S3 bucket", [
      "-bucket",
    ]);
    const name = str(bucket, "bucket") ?? idOf(bucket) ?? bucket.name;
    resourceArn = str(bucket, "arn") ?? `arn:aws:s3:::${name}`;
    path.push(bucket.urn);
    for (const p of ctx.lk.ofType(TYPE.bucketPolicy)) {
      if (p.props.bucket === name || ctx.lk.ref(p, "bucket", bucket.type) === bucket) {
        policies.push({
          kind: "resource",
          label: `bucket policy of ${name}`,
          document: p.props.policy,
        });
        path.push(p.urn);
      }
    }
    if (bucket.props.policy) {
      policies.push({
        kind: "resource",
        label: `bucket policy of ${name}`,
        document: bucket.props.policy,
      });
    }
  } else {
    const table = requireOwned(ctx, to.resource, [TYPE.table], "DynamoDB table", ["-table"]);
    const name = str(table, "name") ?? table.name;
    resourceArn =
      str(table, "arn") ?? `arn:aws:dynamodb:${ctx.region}:${ctx.account}:table/${name}`;
    path.push(table.urn);
    for (const p of ctx.lk.ofType(TYPE.dynamodbResourcePolicy)) {
      if (p.props.resourceArn === resourceArn) {
        policies.push({
          kind: "resource",
          label: `resource policy of table ${name}`,
          document: p.props.policy,
        });
        path.push(p.urn);
      }
    }
  }
  const endpointPolicy = reach.endpoint?.policy;
  if (reach.endpoint && typeof endpointPolicy === "string" && endpointPolicy.trim() !== "") {
    policies.push({
      kind: "endpoint",
      label: `endpoint policy of ${reach.endpoint.id}`,
      document: endpointPolicy,
    });
  }

  let identity: Identity | undefined;
  let identityKnown = true;
  if (client.kind === "host") {
    identity = hostIdentity(ctx.lk, client.host);
    if (!identity) {
      return {
        decision: {
          allowed: false,
          detail: `${hostLabel(client.host)} has no instance profile, so it has no credentials to sign ${spec.action}`,
        },
        path,
      };
    }
  } else {
    identity = client.identity;
    identityKnown = identity !== undefined;
  }
  if (identity) policies.push(...identity.policies);

  const caller = identity
    ? { arn: identity.arn, account: identity.account || ctx.account }
    : { arn: "", account: ctx.account };
  const context: Record<string, string> = {
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": ctx.region,
    "aws:PrincipalAccount": caller.account,
  };
  if (caller.arn) context["aws:PrincipalArn"] = caller.arn;
  if (reach.endpoint) {
    context["aws:SourceVpce"] = reach.endpoint.id;
    if (reach.endpoint.vpcId) context["aws:SourceVpc"] = reach.endpoint.vpcId;
    context["aws:VpceAccount"] = ctx.account;
  } else if (reach.sourceIp && /^\d+\.\d+\.\d+\.\d+$/.test(reach.sourceIp)) {
    context["aws:SourceIp"] = reach.sourceIp;
  }
  const req: AuthRequest = { action: spec.action, resource: resourceArn, caller, context };
  const decision = authorize(req, policies, identityKnown);
  if (client.kind === "outside" && !decision.allowed) {
    decision.detail = `${decision.detail} (${client.name} ${client.identityNote})`;
  }
  return { decision, path };
}
