/**
 * The model on cases no lab records: NAT, VPC DNS attributes, inline and classic security group
 * rules, endpoint policies, outside clients, peering, identities from IAM users and groups, and
 * expectations that name what the graph does not hold. Each starts from a mocked lab graph (or
 * one built here under the engine) and changes what the case is about.
 */
import { strict as assert } from "assert";
import { LabBucket } from "../../components/lab-bucket";
import { evaluate, ModelError, Verdict } from "../../model/connectivity";
import { fromRecorded, GraphResource } from "../../model/graph";
import { bucketListPutPolicy, twoHostLab } from "../../scenarios/common";
import { Expectation, Target } from "../../scenarios/scenario";
import { build, useEngine } from "../helpers/engine";
import { get, named, without, withProps, withResource } from "./mutate";
import { graphOf, scenarioNamed } from "./plans";
import { TYPE } from "../../model/type-tokens";

const S3_LAB: Target = { kind: "aws-service", service: "s3", resource: "lab" };

function expect(from: string, to: Target, probe: Expectation["probe"] = "request"): Expectation {
  return { from, to, probe, outcome: "works", why: "spec" };
}

function check(graph: readonly GraphResource[], e: Expectation): Verdict {
  return evaluate(graph, e);
}

/** A resource the spec adds, URN in the lab's stack. */
function resource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  id?: string,
): GraphResource {
  return {
    type,
    urn: `urn:pulumi:spec::vpc-endpoint-labs::${type}::${name}`,
    name,
    ...(id ? { id } : {}),
    dependencies: [],
    propertyDependencies: {},
    props: { ...props, ...(id ? { id } : {}) },
  };
}

async function lab(name: string, config: Record<string, string> = {}) {
  return (await graphOf(scenarioNamed(name), config)).graph;
}

describe("the connectivity model, NAT gateway", () => {
  useEngine();

  async function natLab() {
    const resources = await build(() => {
      const bucket = new LabBucket("lab");
      const policy = bucketListPutPolicy(bucket.arn);
      return twoHostLab({
        vpc: { natGateway: true },
        instanceType: "t4g.nano",
        privateHost: { policy },
      });
    });
    return fromRecorded(resources);
  }

  it("lets the private host reach S3 through the NAT gateway in the public subnet", async () => {
    const graph = await natLab();
    const verdict = check(graph, expect("private-host", S3_LAB));
    assert.equal(verdict.outcome, "works");
    assert.match(
      verdict.detail,
      /^via NAT gateway nat-\S+ \(0\.0\.0\.0\/0 -> nat-\S+ in rtb-\S+; subnet-\S+ routes to igw-\S+\); inline policy private-host-policy/,
    );
    const nat = get(graph, TYPE.natGateway, "lab-nat");
    assert.ok(verdict.path?.includes(nat.urn));
  });

  it("times out through a private NAT gateway, which has no way to the internet", async () => {
    const graph = withProps(await natLab(), named(TYPE.natGateway, "lab-nat"), (p) => ({
      ...p,
      connectivityType: "private",
    }));
    const verdict = check(graph, expect("private-host", S3_LAB));
    assert.equal(verdict.outcome, "times-out");
    assert.match(
      verdict.detail,
      /leads to NAT gateway nat-\S+, a private NAT gateway, which does not reach the internet$/,
    );
  });
});

describe("the connectivity model, VPC DNS attributes", () => {
  it("times out a lookup when the VPC's DNS support is off", async () => {
    const graph = withProps(await lab("public-vs-private"), named(TYPE.vpc, "lab-vpc"), (p) => ({
      ...p,
      enableDnsSupport: false,
    }));
    const verdict = check(
      graph,
      expect("private-host", { kind: "aws-service", service: "s3" }, "dns"),
    );
    assert.deepEqual(
      { outcome: verdict.outcome, detail: verdict.detail.replace(/vpc-\w+/, "vpc-*") },
      {
        outcome: "times-out",
        detail: "vpc-* has enableDnsSupport off: the Amazon-provided resolver does not answer",
      },
    );
  });
});

describe("the connectivity model, security group rules held elsewhere", () => {
  const publicToS3 = expect("public-host", S3_LAB);

  it("reads a group's inline egress blocks (stacks built without rule resources)", async () => {
    const base = without(
      await lab("public-vs-private"),
      named(TYPE.securityGroupEgressRule, "public-host-out-all-out"),
    );
    assert.equal(check(base, publicToS3).outcome, "times-out");
    const graph = withProps(base, named(TYPE.securityGroup, "public-host-sg"), (p) => ({
      ...p,
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
    }));
    assert.equal(check(graph, publicToS3).outcome, "works");
  });

  it("reads aws:ec2/securityGroupRule resources", async () => {
    const base = without(
      await lab("public-vs-private"),
      named(TYPE.securityGroupEgressRule, "public-host-out-all-out"),
    );
    const group = get(base, TYPE.securityGroup, "public-host-sg");
    const graph = withResource(
      base,
      resource(TYPE.securityGroupRule, "classic", {
        type: "egress",
        securityGroupId: group.id,
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        cidrBlocks: ["0.0.0.0/0"],
      }),
    );
    const verdict = check(graph, publicToS3);
    assert.equal(verdict.outcome, "works");
    assert.ok(verdict.path?.some((u) => u.endsWith("::classic")));
  });
});

describe("the connectivity model, endpoint policies", () => {
  it("answers 403 when the gateway endpoint's policy does not allow the request", async () => {
    const graph = withProps(
      await lab("s3-gateway"),
      named(TYPE.vpcEndpoint, "s3-gateway-vpce"),
      (p) => ({
        ...p,
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
        }),
      }),
    );
    const verdict = check(graph, expect("private-host", S3_LAB));
    assert.equal(verdict.outcome, "403");
    assert.match(
      verdict.detail,
      /^403: endpoint policy of vpce-\S+ allows no s3:ListBucket on arn:aws:s3:::lab-storage-bucket-/,
    );
  });
});

describe("the connectivity model, clients outside the VPC", () => {
  it("reaches a public host on its public IP when its group admits the client's range", async () => {
    const graph = await lab("dynamodb-bastion");
    const verdict = check(graph, expect("laptop", { kind: "instance", host: "bastion", port: 22 }));
    assert.equal(verdict.outcome, "works");
    assert.match(
      verdict.detail,
      /^via bastion \(i-\S+\)'s public IP \S+ \(ingress tcp 22 from 203\.0\.113\.10\/32\) when laptop's address is in 203\.0\.113\.10\/32$/,
    );
  });

  it("times out on a port the host's group does not admit", async () => {
    const verdict = check(
      await lab("dynamodb-bastion"),
      expect("laptop", { kind: "instance", host: "bastion", port: 80 }),
    );
    assert.equal(verdict.outcome, "times-out");
    assert.match(
      verdict.detail,
      /admits no TCP 80 from the internet; vpc-\S+ has no Instance Connect Endpoint$/,
    );
  });

  it("takes credentials not in the stack to allow, so only resource policies can refuse", async () => {
    const verdict = check(
      await lab("dynamodb-bastion"),
      expect("laptop", { kind: "aws-service", service: "dynamodb", resource: "lab" }),
    );
    assert.equal(verdict.outcome, "works");
    assert.match(
      verdict.detail,
      /^via the internet to dynamodb's public endpoint; the caller's own credentials \(not in the stack\)/,
    );
  });

  it("cannot use an interface endpoint's private addresses from outside", async () => {
    const verdict = check(
      await lab("s3-interface"),
      expect("laptop", { ...S3_LAB, via: "s3-interface" }),
    );
    assert.equal(verdict.outcome, "times-out");
    assert.match(
      verdict.detail,
      /answers the private addresses of interface endpoint vpce-\S+; those are reachable only from vpc-\S+ or networks connected to it, not from laptop \(outside the VPC\)$/,
    );
  });

  it("resolves an endpoint-specific name from outside all the same", async () => {
    const verdict = check(
      await lab("s3-interface"),
      expect("laptop", { ...S3_LAB, via: "s3-interface" }, "dns"),
    );
    assert.equal(verdict.outcome, "resolves-private");
  });
});

describe("the connectivity model, identities", () => {
  const laptopSsh = expect("laptop", { kind: "instance", host: "host", port: 22 });
  const user = resource(
    TYPE.user,
    "operator-user",
    { name: "operator", arn: "arn:aws:iam::123456789012:user/operator" },
    "operator",
  );

  it("answers 403 for a host without an instance profile: it has no credentials", async () => {
    const graph = (await lab("public-vs-private")).map((r) => {
      if (r.name !== "public-host-instance") return r;
      const copy = structuredClone(r);
      delete copy.props.iamInstanceProfile;
      delete copy.propertyDependencies.iamInstanceProfile;
      return copy;
    });
    const verdict = check(graph, expect("public-host", S3_LAB));
    assert.equal(verdict.outcome, "403");
    assert.match(verdict.detail, /^403: public-host \(i-\S+\) has no instance profile/);
  });

  it("refuses the Instance Connect tunnel to an IAM user whose policies do not allow OpenTunnel", async () => {
    const graph = withResource(await lab("instance-connect"), user);
    const verdict = check(graph, laptopSsh);
    assert.equal(verdict.outcome, "403");
    assert.match(
      verdict.detail,
      /^403: no Allow for ec2-instance-connect:OpenTunnel on arn:aws:ec2:\S+:instance-connect-endpoint\/eice-\S+ \(implicit deny; checked no policy at all\)$/,
    );
  });

  it("opens it for a user in the operators group (the group's managed policy)", async () => {
    const base = await lab("instance-connect");
    const group = get(base, TYPE.group, "operators");
    const graph = withResource(
      withResource(base, user),
      resource(TYPE.userGroupMembership, "operator-groups", {
        user: "operator",
        groups: [group.props.name],
      }),
    );
    const verdict = check(graph, laptopSsh);
    assert.equal(verdict.outcome, "works");
    assert.match(
      verdict.detail,
      /^via Instance Connect Endpoint eice-\S+ \(egress tcp 22 to sg-\S+; ingress tcp 22 from sg-\S+\)$/,
    );
  });
});

describe("the connectivity model, host to host across VPCs", () => {
  async function peered(routes: "both" | "forward") {
    let graph = await lab("endpoint-service");
    const consumerRt = get(graph, TYPE.routeTable, "consumer-private-rt");
    const providerRt = get(graph, TYPE.routeTable, "provider-private-rt");
    const web = get(graph, TYPE.securityGroup, "web-server-1-sg");
    graph = withResource(
      graph,
      resource(TYPE.route, "to-provider", {
        routeTableId: consumerRt.id,
        destinationCidrBlock: "10.1.0.0/16",
        vpcPeeringConnectionId: "pcx-0123456789abcdef0",
      }),
    );
    if (routes === "both") {
      graph = withResource(
        graph,
        resource(TYPE.route, "to-consumer", {
          routeTableId: providerRt.id,
          destinationCidrBlock: "10.0.0.0/16",
          vpcPeeringConnectionId: "pcx-0123456789abcdef0",
        }),
      );
    }
    return withResource(
      graph,
      resource(TYPE.securityGroupIngressRule, "web-from-consumer", {
        securityGroupId: web.id,
        ipProtocol: "tcp",
        fromPort: 80,
        toPort: 80,
        cidrIpv4: "10.0.0.0/16",
      }),
    );
  }
  const toWeb = expect("consumer-host", { kind: "instance", host: "web-server-1", port: 80 });

  it("works through a peering connection routed both ways, with the group admitting the peer", async () => {
    const verdict = check(await peered("both"), toWeb);
    assert.equal(verdict.outcome, "works");
    assert.match(
      verdict.detail,
      /^via peering pcx-0123456789abcdef0 \(10\.1\.0\.0\/16 -> pcx-0123456789abcdef0 in rtb-\S+\) \(ingress tcp 80 from 10\.0\.0\.0\/16\)$/,
    );
  });

  it("times out when only one side routes to the peering connection", async () => {
    const verdict = check(await peered("forward"), toWeb);
    assert.equal(verdict.outcome, "times-out");
    assert.match(
      verdict.detail,
      /^replies cannot return: no route from rtb-\S+ to 10\.0\.0\.10 in vpc-/,
    );
  });
});

describe("the connectivity model, expectations that name what is not there", () => {
  const cases: [string, Expectation, RegExp][] = [
    [
      "a from that names a VPC, not a host",
      expect("lab", S3_LAB),
      /^expectation lab -> s3 \(lab\): "lab" names vpc-endpoint-labs:storage:LabBucket, vpc-endpoint-labs:network:LabVpc in the graph, but no EC2 instance or IAM user/,
    ],
    [
      "a target host that does not exist",
      expect("public-host", { kind: "instance", host: "nope", port: 22 }),
      /^expectation public-host -> nope:22: no EC2 instance named "nope"/,
    ],
    [
      "a resource that is not a bucket",
      expect("public-host", { kind: "aws-service", service: "s3", resource: "eice" }),
      /"eice" names no S3 bucket \(a component owning one, or the resource itself\) in the graph$/,
    ],
    [
      "an endpoint that does not exist",
      expect("public-host", { kind: "aws-service", service: "s3", via: "nope" }, "dns"),
      /"nope" names no VPC endpoint/,
    ],
  ];
  for (const [what, e, message] of cases) {
    it(`throws for ${what}`, async () => {
      const graph = await lab("public-vs-private");
      assert.throws(
        () => evaluate(graph, e),
        (err: Error) => err instanceof ModelError && message.test(err.message),
      );
    });
  }

  it("throws for a via that names a gateway endpoint (it has no DNS name)", async () => {
    const graph = await lab("s3-gateway");
    assert.throws(
      () => evaluate(graph, expect("private-host", { ...S3_LAB, via: "s3-gateway" })),
      /"s3-gateway" is a gateway endpoint \(vpce-\S+\), which has no DNS name to use: leave via out/,
    );
  });
});
