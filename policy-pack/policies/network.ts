import { StackResource, dependencyUrns, physicalId } from "./rules";
import { PropertyPath, isKnownString, isUnknown } from "./unknowns";

export const VPC = "aws:ec2/vpc:Vpc";
export const SUBNET = "aws:ec2/subnet:Subnet";

/** VPCs and subnets of a stack, indexed once by URN and by id. */
export interface NetworkIndex {
  readonly vpcs: ReadonlyMap<string, StackResource>;
  readonly vpcUrnById: ReadonlyMap<string, string>;
  readonly subnets: ReadonlyMap<string, StackResource>;
  readonly subnetUrnById: ReadonlyMap<string, string>;
}

export function indexNetwork(resources: readonly StackResource[]): NetworkIndex {
  const vpcs = new Map<string, StackResource>();
  const vpcUrnById = new Map<string, string>();
  const subnets = new Map<string, StackResource>();
  const subnetUrnById = new Map<string, string>();
  for (const r of resources) {
    if (r.type === VPC) {
      vpcs.set(r.urn, r);
      const id = physicalId(r);
      if (id) {
        vpcUrnById.set(id, r.urn);
      }
    } else if (r.type === SUBNET) {
      subnets.set(r.urn, r);
      const id = physicalId(r);
      if (id) {
        subnetUrnById.set(id, r.urn);
      }
    }
  }
  return { vpcs, vpcUrnById, subnets, subnetUrnById };
}

/**
 * Which VPC a resource is in. `key` identifies the VPC across resources: the VPC's URN when it is
 * part of the stack (then `vpc` is set), else `id:<vpc id>`.
 */
export type VpcRef =
  | { readonly key: string; readonly vpc?: StackResource }
  | { readonly unknown: { readonly resource: StackResource; readonly path: PropertyPath } };

/** The VPC named by `resource.props[property]`, through its id or its property dependency. */
export function vpcOf(
  resource: StackResource,
  index: NetworkIndex,
  property = "vpcId",
): VpcRef | undefined {
  const value = resource.props[property];
  if (isKnownString(value) && value !== "") {
    const urn = index.vpcUrnById.get(value);
    return urn ? { key: urn, vpc: index.vpcs.get(urn) } : { key: `id:${value}` };
  }
  const urn = dependencyUrns(resource, property).find((u) => index.vpcs.has(u));
  if (urn) {
    return { key: urn, vpc: index.vpcs.get(urn) };
  }
  if (isUnknown(value)) {
    return { unknown: { resource, path: [property] } };
  }
  return undefined;
}

/** The VPC of a resource that names a subnet (Instance Connect Endpoints name a subnet). */
export function vpcOfSubnet(
  resource: StackResource,
  index: NetworkIndex,
  property = "subnetId",
): VpcRef | undefined {
  const value = resource.props[property];
  let subnetUrn: string | undefined;
  if (isKnownString(value) && value !== "") {
    subnetUrn = index.subnetUrnById.get(value);
  }
  subnetUrn ??= dependencyUrns(resource, property).find((u) => index.subnets.has(u));
  const subnet = subnetUrn ? index.subnets.get(subnetUrn) : undefined;
  if (subnet) {
    return vpcOf(subnet, index);
  }
  if (isUnknown(value)) {
    return { unknown: { resource, path: [property] } };
  }
  return undefined;
}

export function displayVpc(ref: { key: string; vpc?: StackResource }): string {
  return ref.vpc ? `'${ref.vpc.name}'` : ref.key.replace(/^id:/, "");
}
