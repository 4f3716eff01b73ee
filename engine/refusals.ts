/**
 * What the engine refuses before it records a registration: inputs that break a row of the AWS
 * input-constraint table, and combinations AWS refuses when the resource is created. Both come
 * from the policy pack, so the engine, the pack and `pulumi preview` judge with one set of checks.
 */
import {
  checkInputs,
  describeViolation,
  interfaceEndpointOneSubnetPerAz,
  subnetCidrInsideVpc,
} from "../policy-pack/policies/aws-input-constraints";
import type { StackResource, StackRule } from "../policy-pack/policies/rules";
import {
  INSTANCE_CONNECT_ENDPOINT,
  VPC_ENDPOINT,
  ec2InstanceConnectEndpointOnePerVpc,
  s3InterfaceEndpointResolverDnsRequiresGateway,
  vpcEndpointPrivateDnsRequiresVpcDns,
} from "../policy-pack/policies/vpc-endpoint-guardrails";
import { TYPE } from "../model/type-tokens";

/** Stack rules whose findings are refusals AWS makes at create time, by the type they judge. */
const COMBINATIONS: readonly { type: string; rule: StackRule<Record<string, never>> }[] = [
  { type: VPC_ENDPOINT, rule: vpcEndpointPrivateDnsRequiresVpcDns },
  { type: VPC_ENDPOINT, rule: s3InterfaceEndpointResolverDnsRequiresGateway },
  { type: VPC_ENDPOINT, rule: interfaceEndpointOneSubnetPerAz },
  { type: INSTANCE_CONNECT_ENDPOINT, rule: ec2InstanceConnectEndpointOnePerVpc },
  { type: TYPE.subnet, rule: subnetCidrInsideVpc },
];

/**
 * Why AWS would refuse `candidate`, given what is already registered, or undefined. Only
 * definite findings about the candidate count: one that waits for an unknown value is not a
 * refusal, and a finding about an earlier resource was that resource's to raise.
 */
export function refusalOf(
  candidate: StackResource,
  registered: readonly StackResource[],
): string | undefined {
  const reasons = checkInputs(candidate.type, candidate.props).map((v) =>
    describeViolation(`${candidate.type} '${candidate.name}'`, v),
  );
  const combinations = COMBINATIONS.filter((c) => c.type === candidate.type);
  if (combinations.length) {
    const stack = [...registered, candidate];
    for (const { rule } of combinations) {
      for (const f of rule.check(stack, rule.settings({}))) {
        if (f.urn === candidate.urn && !f.unknown) reasons.push(`[${rule.name}] ${f.message}`);
      }
    }
  }
  return reasons.length
    ? `AWS would refuse ${candidate.type} '${candidate.name}' (${candidate.urn}): ${reasons.join(" | ")}`
    : undefined;
}
