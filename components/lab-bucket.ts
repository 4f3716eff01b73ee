import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LabBucketArgs {
  /**
   * Empty the bucket on `pulumi destroy`, so a lab tears down cleanly.
   * @default true
   */
  forceDestroy?: boolean;
}

/**
 * A private lab bucket: every kind of public access blocked, ACLs disabled (owner enforced),
 * SSE-S3 encryption with S3 Bucket Keys, and emptied on destroy. Access rules come from IAM
 * and, where a lab adds one, a bucket policy.
 */
export class LabBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** Created after every other setting, so a policy attached after it never races them. */
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;

  constructor(name: string, args: LabBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("vpc-endpoint-labs:storage:LabBucket", name, {}, opts);

    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { forceDestroy: args.forceDestroy ?? true, tags: { Name: name } },
      { parent: this },
    );
    // S3 answers OperationAborted to concurrent changes of one bucket's configuration, so the
    // settings go one after another, the public access block last.
    const child = { parent: this.bucket };
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
            bucketKeyEnabled: true,
          },
        ],
      },
      { ...child, dependsOn: [ownership] },
    );
    this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { ...child, dependsOn: [encryption] },
    );

    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}
