/**
 * Which route tables serve a set of subnets, for VPCs built elsewhere (awsx.ec2.Vpc, a platform
 * team's module). A gateway endpoint attaches to route tables, while such VPCs publish subnet ids
 * per tier and a flat list of route table associations: joining the two by subnet id is the only
 * safe way, since lists of route tables and subnets are not aligned by position.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "./user-error";

/** One route table association: a subnet's (or a gateway's, with no subnet) route table. */
export interface RouteTableAssociationPair {
  subnetId?: string;
  routeTableId: string;
}

/**
 * The route tables of `subnetIds`, in the order their subnets are given, each once. A subnet with
 * no explicit association uses the VPC's main route table: pass `mainRouteTableId` to accept
 * that, otherwise it is an error. Edge associations (an internet gateway's) are ignored.
 */
export function routeTablesForSubnets(
  associations: readonly RouteTableAssociationPair[],
  subnetIds: readonly string[],
  mainRouteTableId?: string,
): string[] {
  if (subnetIds.length === 0) {
    throw new UserError(
      "routeTablesForSubnets: subnetIds is empty; pass the subnets whose route tables you want (privateSubnetIds, isolatedSubnetIds...)",
    );
  }
  const tables: string[] = [];
  for (const subnetId of subnetIds) {
    const found = [
      ...new Set(associations.filter((a) => a.subnetId === subnetId).map((a) => a.routeTableId)),
    ];
    if (found.length > 1) {
      throw new UserError(
        `routeTablesForSubnets: subnet ${subnetId} is associated with ${found.join(" and ")}; a subnet has exactly one route table, so the associations come from different VPCs or states`,
      );
    }
    const table = found[0] ?? mainRouteTableId;
    if (table === undefined) {
      throw new UserError(
        `routeTablesForSubnets: subnet ${subnetId} has no route table association, so it uses the VPC's main route table; pass mainRouteTableId to accept that, or check the subnet belongs to this VPC`,
      );
    }
    if (!tables.includes(table)) tables.push(table);
  }
  return tables;
}

/** A route table association as a resource or a plain value (aws.ec2.RouteTableAssociation fits). */
export interface RouteTableAssociationInput {
  subnetId?: pulumi.Input<string | undefined>;
  routeTableId: pulumi.Input<string>;
}

/**
 * `routeTablesForSubnets` over Pulumi values, e.g. an awsx.ec2.Vpc's `routeTableAssociations`
 * (resources whose fields are outputs) and `privateSubnetIds`.
 */
export function routeTableIdsForSubnets(
  associations: pulumi.Input<RouteTableAssociationInput[]>,
  subnetIds: pulumi.Input<pulumi.Input<string>[]>,
  mainRouteTableId?: pulumi.Input<string>,
): pulumi.Output<string[]> {
  // pulumi.output() leaves resources as they are, so each association's fields are lifted here.
  const pairs = pulumi.output(associations).apply((list) =>
    pulumi.all(
      list.map((a) =>
        pulumi.all([a.subnetId, a.routeTableId]).apply(([subnetId, routeTableId]) => ({
          subnetId,
          routeTableId,
        })),
      ),
    ),
  );
  return pulumi
    .all([pairs, pulumi.output(subnetIds), mainRouteTableId])
    .apply(([list, ids, main]) => routeTablesForSubnets(list, ids, main));
}
