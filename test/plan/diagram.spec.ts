import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DiagramPath, DiagramResource, ENDPOINT_TYPES, renderSvg, toDot } from "../../plan/diagram";
import { engine } from "../../engine/mock-engine";
import { LabReport, reportScenario } from "../../plan/report";
import { SCENARIOS } from "../../scenarios";
import { Expectation } from "../../model/expectations";
import { TYPE } from "../../model/type-tokens";
import { endsOf, parseSvg, ParsedSvg, SvgGroup, textSpan } from "./diagram-svg";

const DOCS = path.join(__dirname, "..", "..", "docs");

/** Names the diagram must show: every subnet, route table and endpoint of the lab. */
function namesToShow(report: LabReport): string[] {
  return report.graph
    .filter((r) => [TYPE.subnet, TYPE.routeTable, ...ENDPOINT_TYPES].includes(r.type))
    .map((r) => r.name);
}

function pathsOf(report: LabReport): DiagramPath[] {
  return report.judged.map((j) => ({
    expectation: j.expectation,
    outcome: j.verdict?.outcome ?? j.expectation.outcome,
    agrees: j.ok,
    via: j.verdict?.path,
    detail: j.verdict?.detail,
  }));
}

function diagramOf(report: LabReport): string {
  return toDot({
    title: `${report.scenario.name}: ${report.scenario.title}`,
    region: report.region,
    resources: report.graph,
    paths: pathsOf(report),
  });
}

const texts = (svg: ParsedSvg) => [
  ...svg.graphTexts.map((t) => t.content),
  ...svg.groups.flatMap((g) => g.texts.map((t) => t.content)),
];

const showsName = (all: string[], name: string) =>
  all.some((t) => t === name || t.startsWith(`route table ${name}`));

interface Lab {
  report: LabReport;
  svg: ParsedSvg;
  /** Nodes by their DOT name, which edge titles use. */
  nodes: Map<string, SvgGroup>;
}

/** The edges a flow (an expectation, by its index) is drawn with. */
function flowEdges(lab: Lab, index: number): SvgGroup[] {
  return lab.svg.groups.filter((g) => g.kind === "edge" && g.classes.includes(`flow-${index}`));
}

/** The ids of the nodes a flow passes, from its client on, following its edges. */
function flowChain(lab: Lab, index: number): string[] {
  const edges = flowEdges(lab, index).map(endsOf);
  const heads = new Set(edges.map((e) => e.head));
  let at = edges.find((e) => !heads.has(e.tail))?.tail;
  const chain: string[] = [];
  while (at !== undefined && chain.length <= edges.length) {
    chain.push(lab.nodes.get(at)!.id);
    const from = at;
    at = edges.find((e) => e.tail === from)?.head;
  }
  return chain;
}

function indexOf(lab: Lab, match: (e: Expectation) => boolean): number {
  const i = lab.report.judged.findIndex((j) => match(j.expectation));
  assert.ok(i >= 0, "no such expectation in the lab");
  return i;
}

describe("topology diagram", () => {
  const labs = new Map<string, Lab>();
  before(async () => {
    await engine.install();
    for (const scenario of SCENARIOS) {
      const report = await reportScenario(scenario);
      const svg = parseSvg(await renderSvg(diagramOf(report)));
      const nodes = new Map(svg.groups.filter((g) => g.kind === "node").map((g) => [g.title, g]));
      labs.set(scenario.name, { report, svg, nodes });
    }
  });

  for (const scenario of SCENARIOS) {
    describe(scenario.name, () => {
      it("names every subnet, route table and endpoint", () => {
        const lab = labs.get(scenario.name)!;
        const names = namesToShow(lab.report);
        assert.ok(
          names.some((n) => lab.report.graph.find((r) => r.name === n)?.type === TYPE.subnet),
        );
        for (const name of names) assert.ok(showsName(texts(lab.svg), name), `${name} missing`);
      });

      it(`docs/${scenario.name}.svg is committed and is what the plan draws today`, async () => {
        const file = path.join(DOCS, `${scenario.name}.svg`);
        assert.ok(
          fs.existsSync(file),
          `${file} is missing: run \`npm run diagrams\` and commit it`,
        );
        const committed = parseSvg(fs.readFileSync(file, "utf8"));
        assert.deepEqual(
          texts(committed),
          texts(labs.get(scenario.name)!.svg),
          `docs/${scenario.name}.svg is stale: run \`npm run diagrams\``,
        );
      });

      it("keeps every label inside its shape, measured in the widest sans-serif face", () => {
        const { svg } = labs.get(scenario.name)!;
        const overflows: string[] = [];
        for (const g of svg.groups.filter((x) => x.kind !== "edge" && x.texts.length > 0)) {
          assert.ok(g.box, `${g.kind} ${g.title} draws no shape`);
          for (const t of g.texts) {
            const span = textSpan(t);
            if (span.from < g.box.minX - 0.5 || span.to > g.box.maxX + 0.5) {
              overflows.push(
                `"${t.content}" (${(span.to - span.from).toFixed(0)} pt) in ${g.kind} ${g.id} (${(g.box.maxX - g.box.minX).toFixed(0)} pt)`,
              );
            }
          }
        }
        for (const t of [...svg.graphTexts, ...svg.groups.flatMap((g) => g.texts)]) {
          const span = textSpan(t);
          if (span.from + svg.shift < -0.5 || span.to + svg.shift > svg.width + 0.5) {
            overflows.push(`"${t.content}" outside the picture (${svg.width} pt wide)`);
          }
        }
        assert.deepEqual(overflows, []);
        for (const t of svg.groups.flatMap((g) => g.texts)) {
          assert.match(t.family, /sans-serif$/, `"${t.content}" is not in a sans-serif family`);
        }
      });

      it("is readable at 880 px wide: no text smaller than 10 px", () => {
        const { svg } = labs.get(scenario.name)!;
        const smallest = Math.min(
          ...[...svg.graphTexts, ...svg.groups.flatMap((g) => g.texts)].map((t) => t.size),
        );
        const px = (smallest * 880) / svg.width;
        assert.ok(
          px >= 10,
          `${svg.width} pt wide with ${smallest} pt text: ${px.toFixed(1)} px at 880 px`,
        );
      });

      it("ends every failed flow at the element the model says stopped it, reason on the mark", () => {
        const lab = labs.get(scenario.name)!;
        lab.report.judged.forEach((j, i) => {
          const outcome = j.verdict!.outcome;
          const stops = flowEdges(lab, i).filter((e) => e.classes.includes(`stop-${i}`));
          if (outcome !== "times-out" && outcome !== "403") {
            assert.equal(stops.length, 0, `flow ${i} (${outcome}) is marked as stopped`);
            return;
          }
          assert.equal(stops.length, 1, `flow ${i} has ${stops.length} stop marks`);
          const blocker = lab.nodes.get(endsOf(stops[0]).head)!;
          const resource = lab.report.graph.find((r) => blocker.id === `${shortType(r)}:${r.name}`);
          assert.ok(resource, `flow ${i} stops at ${blocker.id}, which is no resource`);
          const named =
            (resource.id !== undefined && j.verdict!.detail.includes(resource.id)) ||
            (outcome === "403" &&
              ([TYPE.bucketPolicy, TYPE.bucket] as string[]).includes(resource.type));
          assert.ok(
            named,
            `flow ${i} stops at ${blocker.id}; the model said: ${j.verdict!.detail}`,
          );
          const last = flowEdges(lab, i).filter((e) => endsOf(e).tail === endsOf(stops[0]).head);
          assert.deepEqual(last, [], `flow ${i} goes on past ${blocker.id}`);
        });
      });

      it("draws one node per DNS name asked, and points each lookup at the name the model resolved", () => {
        const lab = labs.get(scenario.name)!;
        const names = lab.svg.groups.filter((g) => g.classes.includes("dns-name"));
        const labels = names.map((g) => g.texts[0].content);
        assert.equal(new Set(labels).size, labels.length, `a name drawn twice: ${labels}`);
        lab.report.judged.forEach((j, i) => {
          if (j.expectation.probe !== "dns") return;
          const chain = flowChain(lab, i);
          const node = names.find((g) => g.id === chain[chain.length - 1]);
          assert.ok(node, `DNS flow ${i} ends at ${chain[chain.length - 1]}, not at a name`);
          const asked = j.verdict!.detail.split(" ")[0];
          const drawn = node.texts.slice(0, -1).map((t) => t.content);
          assert.equal(drawn.join(""), asked, `DNS flow ${i} ends at ${drawn.join("")}`);
        });
      });

      it("draws each AWS service once, and every subnet inside a column for its AZ", () => {
        const lab = labs.get(scenario.name)!;
        const services = lab.svg.groups.filter((g) => g.classes.includes("aws-service"));
        const titles = services.map((g) => g.texts[0].content);
        assert.equal(new Set(titles).size, titles.length, `a service drawn twice: ${titles}`);
        const azs = lab.svg.groups.filter((g) => g.classes.includes("az"));
        for (const subnet of lab.report.graph.filter((r) => r.type === TYPE.subnet)) {
          const cluster = lab.svg.groups.find(
            (g) => g.classes.includes("subnet") && g.texts[0].content === subnet.name,
          );
          assert.ok(cluster?.box, `${subnet.name} has no cluster`);
          const az = azs.find(
            (g) =>
              g.texts[0].content === subnet.props.availabilityZone &&
              g.box!.minX <= cluster.box!.minX &&
              g.box!.maxX >= cluster.box!.maxX &&
              g.box!.minY <= cluster.box!.minY,
          );
          assert.ok(
            az,
            `${subnet.name} is not inside a column for ${subnet.props.availabilityZone}`,
          );
        }
      });
    });
  }

  describe("where flows stop and go", () => {
    const stopsAt = (lab: Lab, i: number) => {
      const stop = flowEdges(lab, i).find((e) => e.classes.includes(`stop-${i}`));
      assert.ok(stop, `flow ${i} has no stop mark`);
      return { at: lab.nodes.get(endsOf(stop).head)!.id, label: stop.texts.map((t) => t.content) };
    };
    const cases: {
      lab: string;
      from: string;
      to: (e: Expectation) => boolean;
      at: (report: LabReport) => string;
      reason: string;
    }[] = [
      {
        lab: "public-vs-private",
        from: "private-host",
        to: (e) => e.to.kind === "aws-service" && e.probe === "request",
        at: () => "RouteTable:lab-private-rt",
        reason: "stopped: no route",
      },
      {
        lab: "dynamodb-bastion",
        from: "bastion",
        to: (e) => e.to.kind === "aws-service" && e.to.service === "sts",
        at: () => "SecurityGroup:bastion-sg",
        reason: "stopped: no egress rule for 443",
      },
      {
        lab: "s3-gateway",
        from: "public-host",
        to: (e) => e.to.kind === "aws-service" && e.probe === "request",
        at: () => "BucketPolicy:lab-policy",
        reason: "stopped: 403",
      },
      {
        lab: "endpoint-service",
        from: "consumer-host",
        to: (e) => e.to.kind === "instance",
        at: () => "RouteTable:consumer-private-rt",
        reason: "stopped: no route",
      },
    ];
    for (const c of cases) {
      it(`${c.lab}: ${c.from}'s flow stops at ${c.at(undefined as never)} with "${c.reason}"`, () => {
        const lab = labs.get(c.lab)!;
        const i = indexOf(lab, (e) => e.from === c.from && c.to(e));
        const { at, label } = stopsAt(lab, i);
        assert.equal(at, c.at(lab.report));
        assert.ok(label.includes(c.reason), `mark says ${JSON.stringify(label)}`);
        assert.equal(flowChain(lab, i)[0].split(":")[1], `${c.from}-instance`);
      });
    }

    it("dynamodb-bastion: the STS request never reaches the internet gateway", () => {
      const lab = labs.get("dynamodb-bastion")!;
      const i = indexOf(lab, (e) => e.to.kind === "aws-service" && e.to.service === "sts");
      assert.deepEqual(flowChain(lab, i), [
        "Instance:bastion-instance",
        "SecurityGroup:bastion-sg",
      ]);
    });

    it("dynamodb-bastion: SSH comes from the laptop through the internet gateway to the bastion", () => {
      const lab = labs.get("dynamodb-bastion")!;
      const i = indexOf(lab, (e) => e.from === "laptop");
      assert.deepEqual(flowChain(lab, i), [
        "outside:laptop",
        "InternetGateway:lab-igw",
        "Instance:bastion-instance",
      ]);
    });

    it("public-vs-private: the public host reaches the bucket through the internet gateway", () => {
      const lab = labs.get("public-vs-private")!;
      const i = indexOf(lab, (e) => e.from === "public-host" && e.probe === "request");
      assert.deepEqual(flowChain(lab, i), [
        "Instance:public-host-instance",
        "InternetGateway:lab-igw",
        "Bucket:lab-bucket",
      ]);
    });

    it("s3-interface: a request says which name it uses", () => {
      const lab = labs.get("s3-interface")!;
      const labels = lab.report.judged.flatMap((j, i) =>
        j.expectation.probe === "request" ? flowEdges(lab, i)[0].texts.map((t) => t.content) : [],
      );
      assert.ok(
        labels.some((l) => /default name/.test(l)),
        JSON.stringify(labels),
      );
      assert.ok(
        labels.some((l) => /endpoint name/.test(l)),
        JSON.stringify(labels),
      );
    });
  });

  describe("from a hand-built graph", () => {
    const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;
    const r = (
      type: string,
      name: string,
      id: string | undefined,
      props: Record<string, unknown>,
      parent?: string,
    ): DiagramResource => ({
      type,
      name,
      urn: urn(type, name),
      id,
      props,
      parent,
      dependencies: [],
      propertyDependencies: {},
    });
    const graph: DiagramResource[] = [
      r(TYPE.vpc, "net-vpc", "vpc-1", { cidrBlock: "10.0.0.0/16" }),
      r(TYPE.subnet, "net-private-1", "subnet-1", {
        vpcId: "vpc-1",
        cidrBlock: "10.0.1.0/24",
        availabilityZone: "ap-northeast-2a",
        tags: { Tier: "private" },
      }),
      r(TYPE.subnet, "net-private-2", "subnet-2", {
        vpcId: "vpc-1",
        cidrBlock: "10.0.2.0/24",
        availabilityZone: "ap-northeast-2c",
        tags: { Tier: "private" },
      }),
      r(TYPE.routeTable, "net-private-rt", "rtb-1", { vpcId: "vpc-1" }),
      r(TYPE.routeTableAssociation, "net-private-1-rta", "rtbassoc-1", {
        subnetId: "subnet-1",
        routeTableId: "rtb-1",
      }),
      r(TYPE.vpcEndpoint, "s3-vpce", "vpce-1", {
        vpcId: "vpc-1",
        vpcEndpointType: "Gateway",
        serviceName: "com.amazonaws.ap-northeast-2.s3",
        routeTableIds: ["rtb-1"],
        prefixListId: "pl-78a54011",
      }),
      r("vpc-endpoint-labs:compute:LabInstance", "host", undefined, {}),
      r(
        TYPE.instance,
        "host-instance",
        "i-1",
        { subnetId: "subnet-1", instanceType: "t4g.nano", publicIp: "" },
        urn("vpc-endpoint-labs:compute:LabInstance", "host"),
      ),
      r("vpc-endpoint-labs:storage:LabBucket", "data", undefined, {}),
      r(
        TYPE.bucket,
        "data-bucket",
        "data-bucket-1",
        {},
        urn("vpc-endpoint-labs:storage:LabBucket", "data"),
      ),
    ];
    const works: Expectation = {
      from: "host",
      to: { kind: "aws-service", service: "s3", resource: "data" },
      probe: "request",
      outcome: "works",
      why: "gateway endpoint",
    };
    const blocked: Expectation = {
      ...works,
      to: { kind: "internet", url: "https://x" },
      outcome: "times-out",
    };
    const dot = (paths: DiagramPath[] = []) =>
      toDot({ title: "t", region: "ap-northeast-2", resources: graph, paths });

    it("lists a gateway endpoint's prefix-list route in the route tables it names", () => {
      assert.match(
        dot(),
        /label="route table net-private-rt\\l10\.0\.0\.0\/16 → local\\lpl-78a54011 \(s3\) → s3-vpce\\lsubnets: net-private-1\\l"/,
      );
    });

    it("draws AZs as columns side by side inside the VPC, and keeps an empty subnet", async () => {
      const text = dot();
      const vpc = text.indexOf("subgraph cluster_vpc_0 ");
      const az = text.indexOf("subgraph cluster_vpc_0_az_ap_northeast_2a ");
      const subnet = text.indexOf('label="net-private-1\\n10.0.1.0/24, private"');
      assert.ok(vpc >= 0 && vpc < az && az < subnet, text);
      assert.match(text, /cluster_subnet_\w+_anchor \[shape=point, style=invis/);
      const svg = parseSvg(await renderSvg(text));
      const [a, c] = ["ap-northeast-2a", "ap-northeast-2c"].map((name) =>
        svg.groups.find((g) => g.classes.includes("az") && g.texts[0].content === name)!,
      );
      assert.ok(a.box!.maxX < c.box!.minX || c.box!.maxX < a.box!.minX, "AZ columns overlap");
      assert.ok(a.box!.minY < c.box!.maxY && c.box!.minY < a.box!.maxY, "AZs are not side by side");
    });

    it("colours an expectation by outcome and follows the model's path through the endpoint", () => {
      const text = dot([
        {
          expectation: works,
          outcome: "works",
          agrees: true,
          via: [
            urn(TYPE.instance, "host-instance"),
            urn(TYPE.routeTable, "net-private-rt"),
            urn(TYPE.vpcEndpoint, "s3-vpce"),
          ],
        },
      ]);
      const ids = new Map([...text.matchAll(/(r\d+) \[id="([^"]*)"/g)].map((m) => [m[2], m[1]]));
      const host = ids.get("Instance:host-instance")!;
      const vpce = ids.get("VpcEndpoint:s3-vpce")!;
      const bucket = ids.get("Bucket:data-bucket")!;
      assert.match(
        text,
        new RegExp(
          `${host} -> ${vpce} \\[class="flow flow-0", color="#2e7d32"[^\\]]*label="HTTPS to s3, default name: works"`,
        ),
      );
      assert.match(
        text,
        new RegExp(`${vpce} -> ${bucket} \\[class="flow flow-0", color="#2e7d32"`),
      );
    });

    it("ends a flow the model gives no reason for at its last drawn element, marked", () => {
      const text = dot([{ expectation: blocked, outcome: "times-out", agrees: true }]);
      const host = /(r\d+) \[id="Instance:host-instance"/.exec(text)![1];
      assert.match(
        text,
        new RegExp(
          `${host} -> internet \\[class="flow flow-0 stop-0", color="#c62828"[^\\]]*arrowhead=tee[^\\]]*label="HTTPS to x: times-out\\\\nstopped: times-out"`,
        ),
      );
    });

    it("says what was expected when the model disagrees", () => {
      const text = dot([{ expectation: works, outcome: "403", agrees: false }]);
      assert.match(text, /label="HTTPS to s3, default name: 403 \(expected works\)/);
      assert.match(text, /color="#c62828"/);
    });
  });
});

/** The prefix of the id the diagram gives a resource's node: its type's class name. */
function shortType(r: DiagramResource): string {
  return r.type.split(":").pop()!;
}
