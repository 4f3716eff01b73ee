/**
 * Mutation specs: take a lab's mocked graph, remove or alter exactly one element (a route table
 * id, an egress rule, the private DNS flag, the endpoint id in a policy), and the model must
 * report a different outcome for the probe that element serves. A model that ignores the
 * element, always says "works", or echoes the lab's expectation fails them (proven below).
 */
import { strict as assert } from "assert";
import { evaluate, Verdict } from "../../model/connectivity";
import { GraphResource } from "../../model/graph";
import { Expectation, Outcome } from "../../scenarios/scenario";
import { named, without, withProps } from "./mutate";
import { graphOf, scenarioNamed } from "./plans";
import { TYPE } from "../../model/type-tokens";

type Evaluate = (graph: readonly GraphResource[], expectation: Expectation) => Verdict;

interface Mutation {
  /** What changes, in the lab's terms. */
  name: string;
  scenario: string;
  config?: Record<string, string>;
  /** Picks the lab's own expectation the element serves. */
  probe: (e: Expectation) => boolean;
  before: Outcome;
  after: Outcome;
  /** The graph with exactly one element removed or altered. */
  mutate: (graph: readonly GraphResource[]) => GraphResource[];
  /** What the model's detail must say after the change. */
  because: RegExp;
}
const OTHER_ENDPOINT = "vpce-0123456789abcdef0";

const request =
  (from: string, service: string, resource?: string, via?: string) => (e: Expectation) =>
    e.probe === "request" &&
    e.from === from &&
    e.to.kind === "aws-service" &&
    e.to.service === service &&
    e.to.resource === resource &&
    e.to.via === via;
const dns = (from: string, service: string) => (e: Expectation) =>
  e.probe === "dns" &&
  e.from === from &&
  e.to.kind === "aws-service" &&
  e.to.service === service &&
  e.to.via === undefined;

/** Every vpce- id in a policy document replaced by another endpoint's. */
function otherEndpointIn(props: Record<string, unknown>): Record<string, unknown> {
  const policy = String(props.policy);
  assert.match(policy, /vpce-[0-9a-f]+/, "the policy names no endpoint to replace");
  return { ...props, policy: policy.replace(/vpce-[0-9a-f]+/g, OTHER_ENDPOINT) };
}

export const MUTATIONS: Mutation[] = [
  {
    name: "the S3 gateway endpoint loses the private route table",
    scenario: "s3-gateway",
    probe: request("private-host", "s3", "lab"),
    before: "works",
    after: "times-out",
    mutate: (g) =>
      withProps(g, named(TYPE.vpcEndpoint, "s3-gateway-vpce"), (p) => ({
        ...p,
        routeTableIds: [],
      })),
    because: /^no route to s3's public addresses \(pl-[0-9a-f]+: 52\.219\.56\.0\/22.*\) from rtb-/,
  },
  {
    name: "the bucket policy names another endpoint",
    scenario: "s3-gateway",
    probe: request("private-host", "s3", "lab"),
    before: "works",
    after: "403",
    mutate: (g) => withProps(g, named(TYPE.bucketPolicy, "lab-policy"), otherEndpointIn),
    because:
      /^403: bucket policy of \S+ statement DenyOutsideVpcEndpoint denies s3:ListBucket .*carries aws:SourceVpce vpce-/,
  },
  {
    name: "the public host loses its egress rule",
    scenario: "public-vs-private",
    probe: request("public-host", "s3", "lab"),
    before: "works",
    after: "times-out",
    mutate: (g) => without(g, named(TYPE.securityGroupEgressRule, "public-host-out-all-out")),
    because: /^security group sg-\S+ of public-host \(i-\S+\) has no egress rule for TCP 443/,
  },
  {
    name: "the public route table loses its internet gateway route",
    scenario: "public-vs-private",
    probe: request("public-host", "s3", "lab"),
    before: "works",
    after: "times-out",
    mutate: (g) => without(g, named(TYPE.route, "lab-public-default")),
    because: /^no route to s3's public addresses from rtb-\S+ \(10\.0\.0\.0\/16 -> local\)$/,
  },
  {
    name: "the public host has no public IP",
    scenario: "public-vs-private",
    probe: request("public-host", "s3", "lab"),
    before: "works",
    after: "times-out",
    mutate: (g) =>
      withProps(g, named(TYPE.instance, "public-host-instance"), (p) => ({
        ...p,
        associatePublicIpAddress: false,
        publicIp: "",
      })),
    because: /leads to internet gateway igw-\S+, but public-host \(i-\S+\) has no public IP$/,
  },
  {
    name: "private DNS is turned off: the default name resolves public",
    scenario: "cloudformation-private-dns",
    probe: dns("private-host", "cloudformation"),
    before: "resolves-private",
    after: "resolves-public",
    mutate: (g) =>
      withProps(g, named(TYPE.vpcEndpoint, "cloudformation-vpce"), (p) => ({
        ...p,
        privateDnsEnabled: false,
      })),
    because: /answers public addresses: no cloudformation interface endpoint with private DNS/,
  },
  {
    name: "private DNS is turned off: the private host times out",
    scenario: "cloudformation-private-dns",
    probe: request("private-host", "cloudformation"),
    before: "works",
    after: "times-out",
    mutate: (g) =>
      withProps(g, named(TYPE.vpcEndpoint, "cloudformation-vpce"), (p) => ({
        ...p,
        privateDnsEnabled: false,
      })),
    because: /^no route to cloudformation's public addresses from rtb-/,
  },
  {
    name: "the VPC's DNS hostnames are turned off: private DNS is not in effect",
    scenario: "cloudformation-private-dns",
    probe: dns("private-host", "cloudformation"),
    before: "resolves-private",
    after: "resolves-public",
    mutate: (g) =>
      withProps(g, named(TYPE.vpc, "lab-vpc"), (p) => ({
        ...p,
        enableDnsHostnames: false,
      })),
    because: /needs enableDnsHostnames, which vpc-\S+ has off/,
  },
  {
    name: "the interface endpoint's group loses its 443 ingress",
    scenario: "cloudformation-private-dns",
    probe: request("private-host", "cloudformation"),
    before: "works",
    after: "times-out",
    mutate: (g) => without(g, named(TYPE.securityGroupIngressRule, "cloudformation-in-vpc-443")),
    because:
      /security group sg-\S+ of interface endpoint vpce-\S+ admits no TCP 443 from private-host/,
  },
  {
    name: "the S3 interface endpoint's group loses its 443 ingress",
    scenario: "s3-interface",
    probe: request("private-host", "s3", "lab", "s3-interface"),
    before: "works",
    after: "times-out",
    mutate: (g) => without(g, named(TYPE.securityGroupIngressRule, "s3-interface-in-vpc-443")),
    because: /admits no TCP 443 from private-host/,
  },
  {
    name: "the bucket policy names another endpoint than the interface endpoint",
    scenario: "s3-interface",
    probe: request("private-host", "s3", "lab", "s3-interface"),
    before: "works",
    after: "403",
    mutate: (g) => withProps(g, named(TYPE.bucketPolicy, "lab-policy"), otherEndpointIn),
    because: /^403: bucket policy .* denies s3:ListBucket/,
  },
  {
    name: "the bastion loses its egress rule to DynamoDB's prefix list",
    scenario: "dynamodb-bastion",
    probe: request("bastion", "dynamodb", "lab"),
    before: "works",
    after: "times-out",
    mutate: (g) => without(g, named(TYPE.securityGroupEgressRule, "bastion-out-https-dynamodb")),
    because:
      /has no egress rule for TCP 443 to dynamodb's public addresses \(pl-[0-9a-f]+: 52\.94\.11\.0\/24/,
  },
  {
    name: "the DynamoDB gateway endpoint loses the bastion's route table",
    scenario: "dynamodb-bastion",
    probe: request("bastion", "dynamodb", "lab"),
    before: "works",
    after: "403",
    mutate: (g) =>
      withProps(g, named(TYPE.vpcEndpoint, "dynamodb-vpce"), (p) => ({ ...p, routeTableIds: [] })),
    // Without the pl- route the request takes the internet gateway. The group still lets it out
    // (a prefix-list rule matches DynamoDB's addresses on any path), but it arrives without
    // aws:SourceVpce, and the policy's Deny refuses it.
    because: /^403: policy \S+ statement DenyOutsideEndpoint denies .*carries no aws:SourceVpce/,
  },
  {
    name: "the IAM policy names another endpoint",
    scenario: "dynamodb-bastion",
    probe: request("bastion", "dynamodb", "lab"),
    before: "works",
    after: "403",
    mutate: (g) => withProps(g, named(TYPE.policy, "dynamodb-via-endpoint"), otherEndpointIn),
    because:
      /^403: policy \S+ statement DenyOutsideEndpoint denies dynamodb:GetItem .*carries aws:SourceVpce vpce-/,
  },
  {
    name: "the host no longer admits SSH from the Instance Connect Endpoint",
    scenario: "instance-connect",
    probe: (e) => e.from === "laptop" && e.to.kind === "instance",
    before: "works",
    after: "times-out",
    mutate: (g) => without(g, named(TYPE.securityGroupIngressRule, "eice-host-in-ssh-from-eice")),
    because: /admits no TCP 22 from Instance Connect Endpoint eice-/,
  },
  {
    name: "the provider never accepts the endpoint connection",
    scenario: "endpoint-service",
    probe: (e) => e.probe === "request" && e.to.kind === "endpoint-service",
    before: "works",
    after: "times-out",
    mutate: (g) =>
      without(g, named(TYPE.vpcEndpointConnectionAccepter, "web-accept-consumer-endpoint")),
    because: /is pendingAcceptance: endpoint service vpce-svc-\S+ requires acceptance/,
  },
  {
    name: "the load balancer loses its listener",
    scenario: "endpoint-service",
    probe: (e) => e.probe === "request" && e.to.kind === "endpoint-service",
    before: "works",
    after: "times-out",
    mutate: (g) => without(g, named(TYPE.listener, "web-listener")),
    because: /load balancer \S+ has no listener on port 80/,
  },
  {
    name: "the web server no longer admits the load balancer",
    scenario: "endpoint-service",
    probe: (e) => e.probe === "request" && e.to.kind === "endpoint-service",
    before: "works",
    after: "times-out",
    mutate: (g) => without(g, named(TYPE.securityGroupIngressRule, "web-server-1-in-service-80")),
    because: /web-server-1-instance admits no TCP 80 from the load balancer's subnets/,
  },
];

/** What is wrong with `model` on this mutation: empty when the model notices the change. */
async function problemsOf(mutation: Mutation, model: Evaluate): Promise<string[]> {
  const { graph, expectations } = await graphOf(scenarioNamed(mutation.scenario), mutation.config);
  const picked = expectations.filter(mutation.probe);
  if (picked.length !== 1)
    return [`the probe picks ${picked.length} of the lab's expectations, not one`];
  const expectation = picked[0];
  const problems: string[] = [];
  if (expectation.outcome !== mutation.before) {
    problems.push(
      `the lab expects ${expectation.outcome}, the mutation starts from ${mutation.before}`,
    );
  }
  const before = model(graph, expectation);
  if (before.outcome !== mutation.before) {
    problems.push(`before the change: ${before.outcome}, not ${mutation.before}`);
  }
  const changed = mutation.mutate(graph);
  const after = model(changed, expectation);
  if (after.outcome !== mutation.after) {
    problems.push(`after the change: ${after.outcome}, not ${mutation.after} (${after.detail})`);
  } else if (!mutation.because.test(after.detail)) {
    problems.push(
      `after the change the detail "${after.detail}" does not match ${mutation.because}`,
    );
  }
  return problems;
}

describe("mutation specs: one element removed changes the verdict", () => {
  for (const mutation of MUTATIONS) {
    it(`${mutation.scenario}: ${mutation.name} -> ${mutation.before} becomes ${mutation.after}`, async () => {
      assert.notEqual(mutation.before, mutation.after);
      assert.deepEqual(await problemsOf(mutation, evaluate), []);
    });
  }

  it("leaves the original graph as it was (the model's index stays valid)", async () => {
    const { graph, expectations } = await graphOf(scenarioNamed("s3-gateway"));
    const snapshot = JSON.stringify(graph);
    const expectation = expectations.find(request("private-host", "s3", "lab"))!;
    MUTATIONS[0].mutate(graph);
    assert.equal(JSON.stringify(graph), snapshot);
    assert.equal(evaluate(graph, expectation).outcome, "works");
  });
});

describe("mutation specs catch a model that does not look", () => {
  const stubs: [string, Evaluate][] = [
    ["always says works", () => ({ outcome: "works", detail: "via anything", path: [] })],
    ["echoes the lab's expectation", (_g, e) => ({ outcome: e.outcome, detail: e.why, path: [] })],
  ];
  for (const [label, stub] of stubs) {
    it(`fails every mutation for a model that ${label}`, async () => {
      const passed: string[] = [];
      for (const mutation of MUTATIONS) {
        if ((await problemsOf(mutation, stub)).length === 0) passed.push(mutation.name);
      }
      assert.deepEqual(passed, []);
    });
  }
});
