/**
 * The services the labs reach privately, as a small typed catalog (after AWS CDK's
 * GatewayVpcEndpointAwsService / InterfaceVpcEndpointAwsService). Scenarios never build a service
 * name from a string: they pick an entry here. Pure: no Pulumi resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { TYPE } from "../model/type-tokens";
import { UserError } from "./user-error";

export type EndpointType = "Gateway" | "Interface";

/** Private DNS setting of an interface endpoint, as the labs name it. */
export type PrivateDnsMode =
  /** Only the endpoint-specific names (vpce-...) resolve to the endpoint. */
  | "off"
  /** The service's default name resolves to the endpoint for every client in the VPC. */
  | "all"
  /**
   * S3 only: the default name resolves to the interface endpoint for on-premises clients that
   * ask through a Route 53 Resolver inbound endpoint, while in-VPC clients keep the (free)
   * gateway endpoint. AWS requires an S3 gateway endpoint in the VPC first.
   */
  | "inbound-resolver-only";

export interface AwsServiceEntry {
  kind: "aws";
  /** The last part of the service name: com.amazonaws.<region>.<key>. */
  key: "s3" | "dynamodb" | "cloudformation";
  title: string;
  /** Endpoint types AWS offers for the service. */
  types: readonly EndpointType[];
  /** TCP port clients use. */
  port: number;
  /** Private DNS an interface endpoint gets unless the caller says otherwise. */
  privateDnsDefault: PrivateDnsMode;
  /** Private DNS modes AWS accepts for the service's interface endpoint. */
  privateDnsModes: readonly PrivateDnsMode[];
}

/** Someone's own endpoint service (an NLB behind `aws.ec2.VpcEndpointService`). */
export interface CustomServiceEntry {
  kind: "custom";
  title: string;
  /** com.amazonaws.vpce.<region>.vpce-svc-..., from the provider's VpcEndpointService. */
  serviceName: pulumi.Input<string>;
  types: readonly ["Interface"];
  port: number;
  privateDnsDefault: "off";
  privateDnsModes: readonly ["off"];
}

export type ServiceEntry = AwsServiceEntry | CustomServiceEntry;

export const AwsService = {
  /**
   * S3: a gateway endpoint (free, route-table based, DNS stays public) or an interface endpoint
   * (per AZ-hour, endpoint-specific names). Interface private DNS defaults to off, as in the
   * seed; `inbound-resolver-only` is today's pairing with a gateway endpoint.
   */
  S3: {
    kind: "aws",
    key: "s3",
    title: "Amazon S3",
    types: ["Gateway", "Interface"],
    port: 443,
    privateDnsDefault: "off",
    privateDnsModes: ["off", "all", "inbound-resolver-only"],
  },
  /** DynamoDB: gateway endpoint, or (since 2024) an interface endpoint with no private DNS. */
  DYNAMODB: {
    kind: "aws",
    key: "dynamodb",
    title: "Amazon DynamoDB",
    types: ["Gateway", "Interface"],
    port: 443,
    privateDnsDefault: "off",
    privateDnsModes: ["off"],
  },
  /** CloudFormation: interface endpoint only, private DNS on by default. */
  CLOUDFORMATION: {
    kind: "aws",
    key: "cloudformation",
    title: "AWS CloudFormation",
    types: ["Interface"],
    port: 443,
    privateDnsDefault: "all",
    privateDnsModes: ["off", "all"],
  },
} as const satisfies Record<string, AwsServiceEntry>;

/**
 * EC2 Instance Connect is reached through its own resource (an Instance Connect Endpoint, one
 * per VPC, free), not a VPC endpoint; it carries SSH on port 22 to hosts in the VPC.
 */
export const INSTANCE_CONNECT = {
  title: "EC2 Instance Connect Endpoint",
  port: 22,
  resourceType: TYPE.instanceConnectEndpoint,
  /** The Instance Connect API (SendSSHPublicKey, OpenTunnel) of a Region. */
  apiHost: (region: string) => `ec2-instance-connect.${region}.amazonaws.com`,
} as const;

/** An endpoint service you run, for an interface endpoint in a consumer VPC. */
export function customService(args: {
  title: string;
  serviceName: pulumi.Input<string>;
  port: number;
}): CustomServiceEntry {
  return {
    kind: "custom",
    title: args.title,
    serviceName: args.serviceName,
    types: ["Interface"],
    port: args.port,
    privateDnsDefault: "off",
    privateDnsModes: ["off"],
  };
}

/** com.amazonaws.<region>.<service> for AWS services; the provider's name for custom ones. */
export function serviceNameFor(
  service: ServiceEntry,
  region: pulumi.Input<string>,
): pulumi.Output<string> {
  if (service.kind === "custom") return pulumi.output(service.serviceName);
  return pulumi.output(region).apply((r) => awsServiceName(service, r));
}

export function awsServiceName(service: AwsServiceEntry, region: string): string {
  return `com.amazonaws.${region}.${service.key}`;
}

/** The service's default DNS name, which private DNS makes resolve to the endpoint. */
export function defaultDnsName(service: AwsServiceEntry, region: string): string {
  return `${service.key}.${region}.amazonaws.com`;
}

/** Throws, naming the supported types, when the service has no endpoint of that type. */
export function assertSupports(service: ServiceEntry, type: EndpointType, what: string): void {
  if (!(service.types as readonly EndpointType[]).includes(type)) {
    throw new UserError(
      `${what}: ${service.title} has no ${type.toLowerCase()} endpoint; it supports ${service.types.map((t) => t.toLowerCase()).join(", ")}`,
    );
  }
}

/** Throws, naming the accepted modes, when the service's interface endpoint rejects the mode. */
export function assertPrivateDnsMode(
  service: ServiceEntry,
  mode: PrivateDnsMode,
  what: string,
): void {
  if (!(service.privateDnsModes as readonly PrivateDnsMode[]).includes(mode)) {
    throw new UserError(
      `${what}: private DNS "${mode}" is not available for ${service.title}; use ${service.privateDnsModes.join(" or ")}`,
    );
  }
}
