/**
 * What a VPC endpoint's `serviceName` designates, decoded in one place for the model, the plan's
 * cost and its diagram.
 *
 * AWS names its own services `com.amazonaws.<region>.<service>` (a few newer ones
 * `aws.api.<region>.<service>`, `aws.sagemaker.<region>.<service>` or `api.aws.<region>.<service>`),
 * and every endpoint service, someone's NLB behind PrivateLink, `com.amazonaws.vpce.<region>.<id>`
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html,
 * https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html). An endpoint
 * service is never an AWS service: its last label is an id (`vpce-svc-...`), not a service key.
 */
export type ServiceName =
  | {
      kind: "aws-service";
      /** What follows the Region: `s3`, `dynamodb`, `ecr.dkr`. */
      service: string;
      region: string;
    }
  | { kind: "endpoint-service"; region: string; id: string }
  | { kind: "unknown" };

const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d+";
const ENDPOINT_SERVICE = new RegExp(`^com\\.amazonaws\\.vpce\\.(${REGION})\\.(.+)$`);
const AWS_SERVICE = new RegExp(
  `^(?:com\\.amazonaws|aws\\.api|aws\\.sagemaker|api\\.aws)\\.(${REGION})\\.(.+)$`,
);

export function decodeServiceName(name: string): ServiceName {
  const endpointService = ENDPOINT_SERVICE.exec(name);
  if (endpointService) {
    return { kind: "endpoint-service", region: endpointService[1], id: endpointService[2] };
  }
  const aws = AWS_SERVICE.exec(name);
  if (aws) return { kind: "aws-service", service: aws[2], region: aws[1] };
  return { kind: "unknown" };
}

/** The AWS service a name designates (`s3`), or undefined for an endpoint service or a stranger. */
export function awsServiceOf(name: string): string | undefined {
  const decoded = decodeServiceName(name);
  return decoded.kind === "aws-service" ? decoded.service : undefined;
}
