/**
 * Pieces several labs share: the two-host network and its outputs, the lab bucket's grants, and
 * the shell commands the checks print. Labs import from here, never from one another.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InstanceConnectEndpoint } from "../components/instance-connect-endpoint";
import { LabInstance, LabInstanceArgs } from "../components/lab-instance";
import { LabVpc, LabVpcArgs } from "../components/lab-vpc";
import { Check, Outcome } from "./scenario";

/** The two-host labs' hosts, by the names their expectations and checks use. */
export const PUBLIC_HOST = "public-host";
export const PRIVATE_HOST = "private-host";
export type TwoHostName = typeof PUBLIC_HOST | typeof PRIVATE_HOST;

/** The operator's own machine, as a check's host and an expectation's `from`. */
export const LAPTOP = "laptop";

/** Where a laptop check runs in a lab whose bucket policy exempts the deployer. */
export const DEPLOYER_LAPTOP =
  "a terminal on your own machine (AWS CLI v2) with the credentials that ran pulumi up; the bucket policy exempts them";

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
    PUBLIC_HOST,
    {
      vpcId: vpc.vpcId,
      subnetId: publicSubnet.id,
      instanceType: args.instanceType,
      ...args.publicHost,
    },
    opts,
  );
  const privateHost = new LabInstance(
    PRIVATE_HOST,
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
        { name: PUBLIC_HOST, securityGroupId: publicHost.securityGroupId },
        { name: PRIVATE_HOST, securityGroupId: privateHost.securityGroupId },
      ],
    },
    opts,
  );
  return { vpc, publicHost, privateHost, eice };
}

/** The stack outputs every two-host lab ends with: its hosts and their way in. */
export function twoHostOutputs(lab: TwoHostLab): Record<string, pulumi.Output<unknown>> {
  return {
    publicHostId: lab.publicHost.instanceId,
    publicHostPublicIp: lab.publicHost.publicIp,
    privateHostId: lab.privateHost.instanceId,
    privateHostPrivateIp: lab.privateHost.privateIp,
    instanceConnectEndpointId: lab.eice.endpointId,
  };
}

/** Both hosts' instance ids, for checks that open a shell on each. */
export function twoHostIds(lab: TwoHostLab): pulumi.Output<Record<TwoHostName, string>> {
  return pulumi
    .all([lab.privateHost.instanceId, lab.publicHost.instanceId])
    .apply(([privateId, publicId]) => ({ [PRIVATE_HOST]: privateId, [PUBLIC_HOST]: publicId }));
}

/**
 * Lets a lab host list the bucket and read and write its objects. Attached once the bucket
 * exists (the bucket policy needs the endpoint, the endpoint needs the hosts' VPC), so the
 * bucket policy, not IAM, is what tells the hosts apart.
 */
export function grantBucket(
  host: string,
  instance: LabInstance,
  bucketArn: pulumi.Input<string>,
): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(
    `${host}-bucket-access`,
    { role: instance.role.name, policy: bucketListPutPolicy(bucketArn) },
    { parent: instance.role },
  );
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

/**
 * Upload, list and download one object with the AWS CLI, each with what it prints for the
 * expected outcome. `endpointUrl` sends the requests to an interface endpoint's own name.
 */
export function s3Steps(args: {
  host: string;
  bucket: string;
  region: string;
  outcome: Outcome;
  endpointUrl?: string;
  /** Only list the bucket (the object steps are shown elsewhere). */
  listOnly?: boolean;
}): Check["steps"] {
  const { host, bucket, region: r, outcome } = args;
  const url = args.endpointUrl ? ` --endpoint-url ${args.endpointUrl}` : "";
  const key = `${host}.txt`;
  const list = `aws s3 ls s3://${bucket} --region ${r}${url}`;
  const denied = (operation: string, action: string) =>
    `An error occurred (AccessDenied) when calling the ${operation} operation: ... not authorized to perform: ${action} ... with an explicit deny in a resource-based policy`;
  if (args.listOnly && outcome !== "times-out") {
    return [
      {
        run: list,
        expect:
          outcome === "403" ? denied("ListObjectsV2", "s3:ListBucket") : `a line ending in ${key}`,
      },
    ];
  }
  switch (outcome) {
    case "times-out":
      return [
        {
          run: `${NO_RETRY_ENV} ${list} ${FAIL_FAST}`,
          expect: `Connect timeout on endpoint URL: "https://${bucket}.s3.${r}.amazonaws.com/?list-type=2...": no route to S3's public addresses`,
        },
      ];
    case "403":
      return [
        {
          run: `echo "hello from ${host}" > ${key} && aws s3 cp ${key} s3://${bucket}/${key} --region ${r}${url}`,
          expect: `upload failed: ./${key} to s3://${bucket}/${key} ${denied("PutObject", "s3:PutObject")}`,
        },
        { run: list, expect: denied("ListObjectsV2", "s3:ListBucket") },
        {
          run: `aws s3 cp s3://${bucket}/${key} ./${host}-copy.txt --region ${r}${url}`,
          expect:
            "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden (the seed's message)",
        },
      ];
    default:
      return [
        {
          run: `echo "hello from ${host}" > ${key} && aws s3 cp ${key} s3://${bucket}/${key} --region ${r}${url}`,
          expect: `upload: ./${key} to s3://${bucket}/${key}`,
        },
        { run: list, expect: `a line ending in ${key}` },
        {
          run: `aws s3 cp s3://${bucket}/${key} ./${host}-copy.txt --region ${r}${url}`,
          expect: `download: s3://${bucket}/${key} to ./${host}-copy.txt`,
        },
      ];
  }
}
