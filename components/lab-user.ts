import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "./user-error";

export interface LabUserArgs {
  /** Managed policies the user holds; at least one, or the user can do nothing to observe. */
  managedPolicyArns: pulumi.Input<string>[];
}

/**
 * An IAM user with an access key, for labs that show what the same credentials can do from two
 * places (a laptop and a host in the VPC).
 *
 * Long-lived access keys are for the lab only: they do not expire and leak easily. Real
 * workloads use roles (an instance profile, IAM Identity Center, OIDC). The key is kept in the
 * stack as Pulumi secrets (`pulumi stack output <name> --show-secrets`), and `pulumi destroy`
 * deletes the user together with anything added to it by hand (`forceDestroy`).
 */
export class LabUser extends pulumi.ComponentResource {
  readonly user: aws.iam.User;
  readonly accessKey: aws.iam.AccessKey;
  readonly userName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** Secret: the key id links CloudTrail entries to this user. */
  readonly accessKeyId: pulumi.Output<string>;
  /** Secret. */
  readonly secretAccessKey: pulumi.Output<string>;

  constructor(name: string, args: LabUserArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.managedPolicyArns.length === 0) {
      throw new UserError(
        `LabUser ${name}: managedPolicyArns is empty; attach the policy whose effect the lab shows`,
      );
    }
    super("vpc-endpoint-labs:access:LabUser", name, {}, opts);

    this.user = new aws.iam.User(
      `${name}-user`,
      { forceDestroy: true, tags: { Name: name, Purpose: "lab-only-long-lived-key" } },
      { parent: this },
    );
    const userOpts = { parent: this.user };
    args.managedPolicyArns.forEach((policyArn, i) => {
      new aws.iam.UserPolicyAttachment(
        `${name}-policy-${i + 1}`,
        { user: this.user.name, policyArn },
        userOpts,
      );
    });
    this.accessKey = new aws.iam.AccessKey(`${name}-key`, { user: this.user.name }, userOpts);

    this.userName = this.user.name;
    this.arn = this.user.arn;
    this.accessKeyId = pulumi.secret(this.accessKey.id);
    this.secretAccessKey = pulumi.secret(this.accessKey.secret);
    this.registerOutputs({
      userName: this.userName,
      arn: this.arn,
      accessKeyId: this.accessKeyId,
    });
  }
}
