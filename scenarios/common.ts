/**
 * Pieces several labs share: the two-host network, IAM documents for the lab bucket, and the
 * shell commands the checks print.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InstanceConnectEndpoint } from "../components/instance-connect-endpoint";
import { LabInstance, LabInstanceArgs } from "../components/lab-instance";
import { LabVpc, LabVpcArgs } from "../components/lab-vpc";

/** The Region the stack deploys to, as the provider reports it. */
export function currentRegion(): pulumi.Output<string> {
  return aws.getRegionOutput().region;
}

export interface TwoHostLab {
  vpc: LabVpc;
  publicHost: LabInstance;
  privateHost: LabInstance;
  eice: InstanceConnectEndpoint;
}

/**
 * The seeds' classroom network: one VPC with a public and a private subnet, a host in each, and
 * an Instance Connect Endpoint in the private subnet that reaches both (no SSH from the
 * internet, no key pairs).
 */
export function twoHostLab(
  args: {
    vpc?: LabVpcArgs;
    instanceType: string;
    publicHost?: Partial<LabInstanceArgs>;
    privateHost?: Partial<LabInstanceArgs>;
  },
  opts?: pulumi.ComponentResourceOptions,
): TwoHostLab {
  const vpc = new LabVpc(
    "lab",
    { ...args.vpc, tiers: ["public", "private"], instanceType: args.instanceType },
    opts,
  );
  const publicSubnet = vpc.tier("public").subnets[0];
  const privateSubnet = vpc.tier("private").subnets[0];
  const publicHost = new LabInstance(
    "public-host",
    {
      vpcId: vpc.vpcId,
      subnetId: publicSubnet.id,
      instanceType: args.instanceType,
      ...args.publicHost,
    },
    opts,
  );
  const privateHost = new LabInstance(
    "private-host",
    {
      vpcId: vpc.vpcId,
      subnetId: privateSubnet.id,
      instanceType: args.instanceType,
      ...args.privateHost,
    },
    opts,
  );
  const eice = new InstanceConnectEndpoint(
    "eice",
    {
      vpcId: vpc.vpcId,
      subnetId: privateSubnet.id,
      targets: [
        { name: "public-host", securityGroupId: publicHost.securityGroupId },
        { name: "private-host", securityGroupId: privateHost.securityGroupId },
      ],
    },
    opts,
  );
  return { vpc, publicHost, privateHost, eice };
}

/** Lists the lab bucket and reads and writes its objects; nothing else, on nothing else. */
export function bucketListPutPolicy(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(bucketArn).apply((arn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ListLabBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
        {
          Sid: "ReadWriteLabObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: `${arn}/*`,
        },
      ],
    }),
  );
}

/** The command that opens a shell on a host through the VPC's Instance Connect Endpoint. */
export function eiceSsh(instanceId: string, region: string): string {
  return `aws ec2-instance-connect ssh --instance-id ${instanceId} --connection-type eice --region ${region}`;
}

/**
 * AWS CLI timeouts for a check that is expected to hang: five seconds to connect instead of the
 * default sixty, and no retries, so the timeout shows at once.
 */
export const FAIL_FAST = "--cli-connect-timeout 5 --cli-read-timeout 5";
export const NO_RETRY_ENV = "AWS_MAX_ATTEMPTS=1";
