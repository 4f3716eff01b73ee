import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DiagramResource, ENDPOINT_TYPES, renderSvg, toDot } from "../../plan/diagram";
import { engine } from "../../engine/mock-engine";
import { LabReport, reportScenario } from "../../plan/report";
import { SCENARIOS } from "../../scenarios";
import { Expectation } from "../../scenarios/scenario";
import { TYPE } from "../../model/type-tokens";

const DOCS = path.join(__dirname, "..", "..", "docs");

/** Names the diagram must show: every subnet, route table and endpoint of the lab. */
function namesToShow(report: LabReport): string[] {
  return report.graph
    .filter((r) => [TYPE.subnet, TYPE.routeTable, ...ENDPOINT_TYPES].includes(r.type))
    .map((r) => r.name);
}

/** The text Graphviz put in the SVG, one entry per <text> element, entities decoded. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1].replace(/&#45;/g, "-").replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&"),
  );
}

function diagramOf(report: LabReport): string {
  return toDot({
    title: report.scenario.name,
    region: report.region,
    resources: report.graph,
    paths: report.judged.map((j) => ({
      expectation: j.expectation,
      outcome: j.verdict?.outcome ?? j.expectation.outcome,
      agrees: j.ok,
      via: j.verdict?.path,
    })),
  });
}

describe("topology diagram", () => {
  const reports = new Map<string, LabReport>();
  before(async () => {
    await engine.install();
    for (const scenario of SCENARIOS) reports.set(scenario.name, await reportScenario(scenario));
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: renders to SVG naming every subnet, route table and endpoint`, async () => {
      const report = reports.get(scenario.name)!;
      const names = namesToShow(report);
      assert.ok(names.some((n) => report.graph.find((r) => r.name === n)?.type === TYPE.subnet));
      const svg = await renderSvg(diagramOf(report));
      assert.match(svg, /^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
      const texts = svgTexts(svg);
      for (const name of names) {
        assert.ok(
          texts.some((t) => t === name || t.startsWith(`route table ${name}`)),
          `${name} missing`,
        );
      }
    });

    it(`${scenario.name}: docs/${scenario.name}.svg is committed and names the same things`, () => {
      const file = path.join(DOCS, `${scenario.name}.svg`);
      assert.ok(
        fs.existsSync(file),
        `${file} is missing: run \`npm start -- --diagrams docs\` and commit it`,
      );
      const texts = svgTexts(fs.readFileSync(file, "utf8"));
      for (const name of namesToShow(reports.get(scenario.name)!)) {
        assert.ok(
          texts.some((t) => t === name || t.startsWith(`route table ${name}`)),
          `${name} missing from docs/${scenario.name}.svg: run \`npm start -- --diagrams docs\``,
        );
      }
    });
  }

  describe("from a hand-built graph", () => {
    const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;
    const r = (
      type: string,
      name: string,
      id: string | undefined,
      props: Record<string, unknown>,
      parent?: string,
    ): DiagramResource => ({ type, name, urn: urn(type, name), id, props, parent });
    const graph: DiagramResource[] = [
      r(TYPE.vpc, "net-vpc", "vpc-1", { cidrBlock: "10.0.0.0/16" }),
      r(TYPE.subnet, "net-private-1", "subnet-1", {
        vpcId: "vpc-1",
        cidrBlock: "10.0.1.0/24",
        availabilityZone: "ap-northeast-2a",
        tags: { Tier: "private" },
      }),
      r(TYPE.subnet, "net-spare-1", "subnet-2", { vpcId: "vpc-1", cidrBlock: "10.0.2.0/24" }),
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

    it("lists a gateway endpoint's prefix-list route in the route tables it names", () => {
      const dot = toDot({ title: "t", region: "ap-northeast-2", resources: graph, paths: [] });
      assert.match(
        dot,
        /label="route table net-private-rt\\l10\.0\.0\.0\/16 → local\\lpl-78a54011 \(s3\) → s3-vpce\\lsubnets: net-private-1\\l"/,
      );
    });

    it("nests subnets in tier clusters inside the VPC's cluster, and keeps an empty subnet", () => {
      const dot = toDot({ title: "t", region: "ap-northeast-2", resources: graph, paths: [] });
      const vpc = dot.indexOf("subgraph cluster_vpc_0");
      const tier = dot.indexOf("subgraph cluster_vpc_0_tier_private");
      const subnet = dot.indexOf('label="net-private-1\\n10.0.1.0/24  ap-northeast-2a"');
      assert.ok(vpc >= 0 && vpc < tier && tier < subnet, dot);
      assert.match(dot, /cluster_subnet_r\d+_empty \[shape=point, style=invis\]/);
    });

    it("colours an expectation by outcome and follows the model's path through the endpoint", () => {
      const dot = toDot({
        title: "t",
        region: "ap-northeast-2",
        resources: graph,
        paths: [
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
          { expectation: blocked, outcome: "times-out", agrees: true },
        ],
      });
      const ids = new Map([...dot.matchAll(/(r\d+) \[label="([^"\\]*)/g)].map((m) => [m[2], m[1]]));
      const host = ids.get("host")!;
      const vpce = ids.get("s3-vpce")!;
      const bucket = ids.get("data")!;
      assert.ok(
        dot.includes(
          `${host} -> ${vpce} [color="#2e7d32", fontcolor="#2e7d32", penwidth=2, label="request: works"]`,
        ),
        dot,
      );
      assert.ok(dot.includes(`${vpce} -> ${bucket} [color="#2e7d32"`), dot);
      assert.ok(
        dot.includes(
          `${host} -> internet [color="#c62828", fontcolor="#c62828", penwidth=2, label="request: times-out"]`,
        ),
        dot,
      );
    });

    it("says what was expected when the model disagrees", () => {
      const dot = toDot({
        title: "t",
        region: "ap-northeast-2",
        resources: graph,
        paths: [{ expectation: works, outcome: "403", agrees: false }],
      });
      assert.match(dot, /label="request: 403 \(expected works\)"/);
      assert.match(dot, /color="#c62828"/);
    });
  });
});
