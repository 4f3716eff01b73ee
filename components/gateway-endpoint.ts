import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertSupports, AwsServiceEntry, serviceNameFor } from "./service-catalog";
import { UserError } from "./user-error";

export interface GatewayEndpointArgs {
  vpcId: pulumi.Input<string>;
  /** S3 or DynamoDB, from `AwsService`. */
  service: AwsServiceEntry;
  /**
   * Route tables that get a route to the service's prefix list. Required: which subnets take
   * the private path is the lab's decision, never a default.
   */
  routeTableIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Endpoint policy (JSON).
   * @default AWS's full-access endpoint policy
   */
  policy?: pulumi.Input<string>;
}

/**
 * A gateway VPC endpoint: a route to the service's managed prefix list (pl-...) in each chosen
 * route table. Free; DNS keeps answering public addresses, the route table does the rest.
 */
export class GatewayEndpoint extends pulumi.ComponentResource {
  readonly endpoint: aws.ec2.VpcEndpoint;
  readonly service: AwsServiceEntry;
  readonly endpointId: pulumi.Output<string>;
  /** The service's prefix list, for security group rules (`pl-...`). */
  readonly prefixListId: pulumi.Output<string>;

  constructor(name: string, args: GatewayEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    assertSupports(args.service, "Gateway", `GatewayEndpoint ${name}`);
    if (Array.isArray(args.routeTableIds) && args.routeTableIds.length === 0) {
      throw new UserError(
        `GatewayEndpoint ${name}: routeTableIds is empty; name the route tables whose subnets should reach ${args.service.title} privately`,
      );
    }
    super("vpc-endpoint-labs:endpoints:GatewayEndpoint", name, {}, opts);
    this.service = args.service;

    const region = aws.getRegionOutput({}, { parent: this }).region;
    this.endpoint = new aws.ec2.VpcEndpoint(
      `${name}-vpce`,
      {
        vpcId: args.vpcId,
        vpcEndpointType: "Gateway",
        serviceName: serviceNameFor(args.service, region),
        routeTableIds: pulumi.output(args.routeTableIds).apply((ids) => {
          if (ids.length === 0) {
            throw new UserError(`GatewayEndpoint ${name}: routeTableIds resolved to an empty list`);
          }
          return ids;
        }),
        policy: args.policy,
        tags: { Name: name },
      },
      { parent: this },
    );
    this.endpointId = this.endpoint.id;
    this.prefixListId = this.endpoint.prefixListId;
    this.registerOutputs({ endpointId: this.endpointId, prefixListId: this.prefixListId });
  }
}
