import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  BUCKET_POLICY_MODES,
  BucketPolicyMode,
  principalArnPatterns,
  vpceBucketPolicy,
} from "./bucket-policy";
import { LabBucket } from "./lab-bucket";
import { UserError } from "./user-error";

export interface VpceBucketArgs {
  /** Ids of the VPC endpoints (gateway or interface) the bucket is for; at least one. */
  endpointIds: pulumi.Input<string>[];
  /**
   * What the bucket policy does with those endpoints (see `BucketPolicyMode`).
   * @default "deny-outside-endpoint": every S3 request that does not come through one of them is denied
   */
  mode?: BucketPolicyMode;
  /**
   * `aws:PrincipalArn` patterns (ArnLike) the `deny-outside-endpoint` Deny leaves alone, added as
   * `ArnNotLike` in the same statement. Without one, nobody outside the endpoints can read or
   * change the bucket policy, so `pulumi up` and `pulumi destroy` from a laptop fail on it and
   * only the account's root user can remove it. `deployerPrincipalArns()` gives the principal
   * running Pulumi. A CrossGuard pack checking the restriction must list `aws:PrincipalArn` in its
   * `exemptionKeys`. Ignored by the other modes, which never deny requests from outside.
   * @default no exemption
   */
  adminPrincipalArns?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Empty the bucket on `pulumi destroy`.
   * @default true
   */
  forceDestroy?: boolean;
}

/**
 * A private lab bucket (LabBucket: public access blocked, ACLs off, encrypted) whose bucket
 * policy ties it to VPC endpoints through `aws:SourceVpce`. The policy document comes from the
 * pure `vpceBucketPolicy`.
 */
export class VpceBucket extends pulumi.ComponentResource {
  readonly storage: LabBucket;
  readonly bucketPolicy: aws.s3.BucketPolicy;
  readonly mode: BucketPolicyMode;
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** The bucket policy as attached (JSON text). */
  readonly policy: pulumi.Output<string>;

  constructor(name: string, args: VpceBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    const what = `VpceBucket ${name}`;
    const mode = args.mode ?? "deny-outside-endpoint";
    if (!BUCKET_POLICY_MODES.includes(mode)) {
      throw new UserError(
        `${what}: mode "${mode}" is not one of ${BUCKET_POLICY_MODES.join(", ")}`,
      );
    }
    if (args.endpointIds.length === 0) {
      throw new UserError(
        `${what}: endpointIds is empty; name the VPC endpoint(s) the bucket is for`,
      );
    }
    const admins = args.adminPrincipalArns;
    if (Array.isArray(admins) && admins.length === 0) {
      throw new UserError(
        `${what}: adminPrincipalArns is empty; leave it out for a Deny without exemption`,
      );
    }
    super("vpc-endpoint-labs:storage:VpceBucket", name, {}, opts);
    this.mode = mode;

    this.storage = new LabBucket(
      `${name}-storage`,
      { forceDestroy: args.forceDestroy ?? true },
      { parent: this },
    );
    this.bucketName = this.storage.bucketName;
    this.arn = this.storage.arn;

    this.policy = pulumi
      .all([this.arn, pulumi.all(args.endpointIds), pulumi.output(admins)])
      .apply(([bucketArn, endpointIds, adminPrincipalArns]) =>
        JSON.stringify(
          vpceBucketPolicy({ mode, bucketArn, endpointIds, adminPrincipalArns }, what),
        ),
      );

    this.bucketPolicy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: this.storage.bucket.id, policy: this.policy },
      {
        parent: this.storage.bucket,
        // S3 aborts a policy write that races the public access block write on the same bucket
        // (OperationAborted), and blockPublicPolicy must be in place before any policy is judged.
        dependsOn: [this.storage.publicAccessBlock],
      },
    );

    this.registerOutputs({
      bucketName: this.bucketName,
      arn: this.arn,
      mode: this.mode,
      policy: this.policy,
    });
  }
}

/**
 * `aws:PrincipalArn` patterns of whoever runs Pulumi (the caller identity at deploy time), for
 * `adminPrincipalArns`. Run `pulumi destroy` as the same principal: a different one is denied.
 */
export function deployerPrincipalArns(opts?: pulumi.InvokeOutputOptions): pulumi.Output<string[]> {
  return aws.getCallerIdentityOutput({}, opts).arn.apply(principalArnPatterns);
}
