import "./fast-start"; // before @pulumi/policy: see fast-start.ts
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, initialConfig, policies } from "./policies";

// Constructing the pack starts its gRPC server and prints the port for the Pulumi CLI; nothing
// else belongs in this file (tests import ./policies instead).
new PolicyPack(
  PACK_NAME,
  {
    displayName: "VPC endpoint labs",
    description:
      "S3 buckets reachable only through VPC endpoints, and guardrails that catch VPC endpoint deploy errors at preview.",
    policies,
  },
  initialConfig(),
);
