/**
 * URNs as the Pulumi engine forms them. The SDK's mock monitor qualifies a child's type with its
 * nearest parent's type only; the engine (`generateURN` in pkg/resource/deploy/deployment.go,
 * `NewURN` in sdk/go/common/resource/urn.go) prefixes the parent's whole qualified type, so a
 * resource three deep carries the types of both ancestors. The root stack's type is left out.
 */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`: the qualified type. */
export function qualifiedTypeOf(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) {
    throw new Error(`"${urn}" is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)`);
  }
  return parts[2];
}

export function resourceUrn(
  stack: string,
  project: string,
  parent: string | undefined,
  type: string,
  name: string,
): string {
  const parentType = parent ? qualifiedTypeOf(parent) : "";
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}
