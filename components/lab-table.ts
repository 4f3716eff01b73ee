import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "./user-error";

export interface LabTableArgs {
  /**
   * The table's physical name (3-255 of A-Z a-z 0-9 _ . -). A fixed name is unique per account
   * and Region, so two stacks setting the same one collide.
   * @default derived by Pulumi from the component name, with a random suffix
   */
  tableName?: string;
  /**
   * Name of the partition key, a string attribute.
   * @default "id"
   */
  hashKey?: string;
}

/**
 * A lab DynamoDB table: on-demand billing (an idle table costs only its storage), encrypted at
 * rest with DynamoDB's default AWS owned key (free), no deletion protection and no backups, so
 * `pulumi destroy` leaves nothing behind.
 */
export class LabTable extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly tableName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: LabTableArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const hashKey = args.hashKey ?? "id";
    if (args.tableName !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(args.tableName)) {
      throw new UserError(
        `LabTable ${name}: tableName "${args.tableName}" is not a DynamoDB table name: use 3 to 255 letters, digits, "_", "." or "-"`,
      );
    }
    if (hashKey.length < 1 || hashKey.length > 255) {
      throw new UserError(`LabTable ${name}: hashKey must be 1 to 255 characters`);
    }
    super("vpc-endpoint-labs:storage:LabTable", name, {}, opts);

    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        name: args.tableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey,
        attributes: [{ name: hashKey, type: "S" }],
        deletionProtectionEnabled: false,
        tags: { Name: args.tableName ?? name },
      },
      { parent: this },
    );

    this.tableName = this.table.name;
    this.arn = this.table.arn;
    this.registerOutputs({ tableName: this.tableName, arn: this.arn });
  }
}
