import type { PolicyPackConfig } from "@pulumi/policy";
import { awsInputConstraints } from "./aws-input-constraints";
import { ec2InstanceImdsv2Required, ec2SecurityGroupNoPublicSsh } from "./ec2-guardrails";
import { Rule } from "./rules";
import { s3AccessPointRequiresVpce } from "./s3-access-point-requires-vpce";
import { s3BucketRequiresVpce } from "./s3-bucket-requires-vpce";
import {
  ec2InstanceConnectEndpointOnePerVpc,
  s3InterfaceEndpointResolverDnsRequiresGateway,
  vpcEndpointPrivateDnsRequiresVpcDns,
  vpcGatewayEndpointServiceSupported,
} from "./vpc-endpoint-guardrails";

/** The pack's name, as Pulumi Cloud and `pulumi preview` show it. */
export const PACK_NAME = "vpc-endpoint-labs";

/** Every policy of the pack, in the order they are reported. */
export const rules: readonly Rule[] = [
  s3BucketRequiresVpce,
  s3AccessPointRequiresVpce,
  vpcEndpointPrivateDnsRequiresVpcDns,
  s3InterfaceEndpointResolverDnsRequiresGateway,
  vpcGatewayEndpointServiceSupported,
  ec2InstanceConnectEndpointOnePerVpc,
  ec2SecurityGroupNoPublicSsh,
  ec2InstanceImdsv2Required,
  awsInputConstraints,
];

/**
 * The pack's initial configuration: each policy's level and its settings' defaults. Every entry
 * states its enforcement level, because an entry without one is read as advisory and would
 * quietly weaken a mandatory policy.
 */
export function initialConfig(): PolicyPackConfig {
  const config: PolicyPackConfig = {};
  for (const rule of rules) {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(rule.configSchema?.properties ?? {})) {
      if (typeof schema === "object" && schema.default !== undefined) {
        defaults[key] = schema.default;
      }
    }
    config[rule.name] = { enforcementLevel: rule.enforcementLevel, ...defaults };
  }
  return config;
}
