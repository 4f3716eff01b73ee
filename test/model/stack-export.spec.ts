/**
 * The model on `pulumi stack export` documents: the committed fixture (a lab's mocked resources
 * in the export's format, standing for a deployed stack) and, for every lab, a fresh export of
 * its current mocked graph, which must give exactly the verdicts of the recorded graph.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { checkExpectations } from "../../model/connectivity";
import { fromStackExport, stackOutputs } from "../../model/graph";
import { SCENARIOS } from "../../scenarios";
import { Expectation } from "../../scenarios/scenario";
import {
  exportScenario,
  fixturePath,
  fixtureText,
  toStackExport,
} from "../fixtures/make-stack-export";
import { graphOf } from "./plans";
import { TYPE } from "../../model/type-tokens";

describe("the connectivity model on a stack export", () => {
  it("proves the expectations a committed s3-gateway export carries in its stack outputs", () => {
    const exported: unknown = JSON.parse(fs.readFileSync(fixturePath("s3-gateway"), "utf8"));
    const graph = fromStackExport(exported);
    const expectations = stackOutputs(exported).expectations as Expectation[];
    assert.equal(expectations.length, 4);
    assert.ok(graph.some((r) => r.type === TYPE.vpcEndpoint));
    assert.ok(!graph.some((r) => r.type.startsWith("pulumi:")));
    const checks = checkExpectations(graph, expectations);
    assert.deepEqual(
      checks.map((c) => `${c.expectation.from} ${c.expectation.probe} ${c.verdict.outcome}`),
      [
        "private-host dns resolves-public",
        "private-host request works",
        "public-host dns resolves-public",
        "public-host request 403",
      ],
    );
    assert.ok(checks.every((c) => c.ok));
    assert.match(
      checks[1].verdict.detail,
      /^via gateway endpoint vpce-\S+ \(prefix list pl-\S+ in rtb-\S+\)/,
    );
    assert.match(
      checks[3].verdict.detail,
      /^403: bucket policy of \S+ statement DenyOutsideVpcEndpoint/,
    );
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: an export of the mocked graph gives the recorded graph's verdicts`, async () => {
      const { plan, graph, expectations } = await graphOf(scenario);
      const exported = toStackExport({
        stack: scenario.name,
        region: "ap-northeast-2",
        resources: plan.resources,
        outputs: { expectations },
      });
      const fromExport = fromStackExport(JSON.parse(JSON.stringify(exported)));
      assert.equal(fromExport.length, graph.length);
      assert.deepEqual(
        checkExpectations(fromExport, stackOutputs(exported).expectations as Expectation[]),
        checkExpectations(graph, expectations),
      );
    });
  }
});

describe("the committed stack export fixture", () => {
  it("is what test/fixtures/make-stack-export.ts writes for the lab as it is now", async () => {
    const fresh = await fixtureText("s3-gateway", await exportScenario("s3-gateway"));
    assert.equal(
      fs.readFileSync(fixturePath("s3-gateway"), "utf8"),
      fresh,
      "stale fixture: run `npx tsx test/fixtures/make-stack-export.ts`",
    );
  });

  it("names one stack in every URN, the lab's own, as a real export does", () => {
    const exported = JSON.parse(fs.readFileSync(fixturePath("s3-gateway"), "utf8")) as {
      deployment: { resources: { urn: string }[] };
    };
    const stacks = new Set(exported.deployment.resources.map((r) => r.urn.split("::")[0]));
    assert.deepEqual([...stacks], ["urn:pulumi:s3-gateway"]);
  });
});
