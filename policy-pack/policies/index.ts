/**
 * The pack's policies and its pure analysis. Import from here in tests and tools: this module
 * never starts a policy server (only `policy-pack/index.ts` does, by constructing the PolicyPack).
 */
export { PACK_NAME, initialConfig, rules } from "./catalog";
export { policies, toPolicy } from "./pulumi-adapter";
export { evaluateStack, resolveConfig } from "./evaluate";
export type { PackConfig, PolicyConfigEntry, Violation } from "./evaluate";
export type {
  EnforcementLevel,
  Finding,
  ResourceRule,
  Rule,
  StackResource,
  StackRule,
} from "./rules";
export {
  analyzeBucketPolicy,
  describePart,
  explainBucketPolicyAnalysis,
} from "./bucket-vpce-analysis";
export type {
  BucketPolicyAnalysis,
  BucketTarget,
  RestrictionPart,
  RestrictionProblem,
  StatementVerdict,
  VpceRestrictionSettings,
} from "./bucket-vpce-analysis";
export { parsePolicyDocument } from "./policy-document";
export type {
  ConditionClause,
  NormalizedStatement,
  ParsedDocument,
  PrincipalSpec,
} from "./policy-document";
export { globCovers, globMatch } from "./glob";
export { UNKNOWN, isUnknown } from "./unknowns";
export { checkBucketsRequireVpce, s3BucketRequiresVpce } from "./s3-bucket-requires-vpce";
export type { S3VpceSettings } from "./s3-bucket-requires-vpce";
export { checkAccessPoints, s3AccessPointRequiresVpce } from "./s3-access-point-requires-vpce";
export {
  ec2InstanceConnectEndpointOnePerVpc,
  s3InterfaceEndpointResolverDnsRequiresGateway,
  serviceOf,
  vpcEndpointPrivateDnsRequiresVpcDns,
  vpcGatewayEndpointServiceSupported,
} from "./vpc-endpoint-guardrails";
export { ec2InstanceImdsv2Required, ec2SecurityGroupNoPublicSsh } from "./ec2-guardrails";
export {
  INPUT_CONSTRAINTS,
  awsInputConstraints,
  checkInputs,
  describeViolation,
} from "./aws-input-constraints";
export type { InputConstraint, InputViolation } from "./aws-input-constraints";
