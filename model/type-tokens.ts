/**
 * The AWS resource type tokens the project reads, in one table: the model, the plan and the specs
 * name a type through it, so a token is spelled once. Keys are the resource's class name in
 * lower camel case, prefixed by its module where two modules share a class name.
 *
 * The policy pack keeps its own few tokens: it is a package of its own, run on any
 * organisation's stacks, and imports nothing from this program.
 */
export const TYPE = {
  // Networks and routing
  vpc: "aws:ec2/vpc:Vpc",
  vpcIpv4CidrBlockAssociation: "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  defaultRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
  route: "aws:ec2/route:Route",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  mainRouteTableAssociation: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  natGateway: "aws:ec2/natGateway:NatGateway",
  eip: "aws:ec2/eip:Eip",
  eipAssociation: "aws:ec2/eipAssociation:EipAssociation",
  vpcPeeringConnection: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  transitGateway: "aws:ec2transitgateway/transitGateway:TransitGateway",
  transitGatewayVpcAttachment: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  // Hosts and security groups
  instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  securityGroupEgressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  // Endpoints and PrivateLink
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  networkInsightsPath: "aws:ec2/networkInsightsPath:NetworkInsightsPath",
  networkInsightsAnalysis: "aws:ec2/networkInsightsAnalysis:NetworkInsightsAnalysis",
  vpcEndpointRouteTableAssociation:
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation",
  vpcEndpointService: "aws:ec2/vpcEndpointService:VpcEndpointService",
  vpcEndpointServiceAllowedPrinciple:
    "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
  vpcEndpointConnectionAccepter:
    "aws:ec2/vpcEndpointConnectionAccepter:VpcEndpointConnectionAccepter",
  instanceConnectEndpoint: "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  /** The same resource under its older `aws.alb` module name. */
  albLoadBalancer: "aws:alb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  targetGroupAttachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  // Storage
  bucket: "aws:s3/bucket:Bucket",
  /** In @pulumi/aws v7 a deprecated alias of `bucket`; older stacks still hold it. */
  bucketV2: "aws:s3/bucketV2:BucketV2",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  bucketServerSideEncryptionConfiguration:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  table: "aws:dynamodb/table:Table",
  dynamodbResourcePolicy: "aws:dynamodb/resourcePolicy:ResourcePolicy",
  // IAM
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  policy: "aws:iam/policy:Policy",
  user: "aws:iam/user:User",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  accessKey: "aws:iam/accessKey:AccessKey",
  group: "aws:iam/group:Group",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  groupMembership: "aws:iam/groupMembership:GroupMembership",
  userGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
} as const;
