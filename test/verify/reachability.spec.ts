/**
 * verify's Reachability Analyzer section: AWS's pathFound against the connectivity model's
 * network layer (works and 403 both mean the network carried the request), and against the
 * lab's expectation when no stack export is given.
 */
import { strict as assert } from "assert";
import { EC2Client } from "@aws-sdk/client-ec2";
import * as pulumi from "@pulumi/pulumi";
import { mockClient } from "aws-sdk-client-mock";
import type { ProbeNames } from "../../model/probes";
import { compare } from "../../verify/compare";
import { verifyMain } from "../../verify/main";
import { type Analysis, compareAnalyses, renderAnalyses } from "../../verify/reachability";
import { graphOf, scenarioNamed } from "../model/plans";

const VIA = "request-s3-lab-via-s3-interface";

describe("verify and the Reachability Analyzer", function () {
  this.timeout(30_000);

  async function s3Interface() {
    const planned = await graphOf(scenarioNamed("s3-interface"), { reachabilityAnalyzer: "true" });
    const outputs = (await (
      pulumi.output(planned.plan.outputs) as unknown as {
        promise(): Promise<Record<string, unknown>>;
      }
    ).promise()) as Record<string, unknown>;
    const names = outputs.probeNames as ProbeNames;
    const rows = compare("s3-interface", planned.expectations, names, []);
    return { ...planned, outputs, rows };
  }

  const analysis = (
    from: string,
    pathFound: boolean | undefined,
    status = "succeeded",
  ): Analysis => ({
    from,
    probe: VIA,
    port: 443,
    analysisId: `nia-0${from.length}a1b2c3d4e5f6789`,
    status,
    ...(pathFound === undefined ? {} : { pathFound }),
  });

  it("agrees where AWS finds the path the model lets through, and says DIFFER where it does not", async () => {
    const { graph, rows } = await s3Interface();
    const entries = compareAnalyses(
      [analysis("private-host", true), analysis("public-host", false)],
      rows,
      graph,
    );
    assert.deepEqual(
      entries.map((e) => [e.analysis.from, e.basis, e.reachable, e.state]),
      [
        ["private-host", "model", true, "agree"],
        ["public-host", "model", true, "DIFFER"],
      ],
    );
    assert.match(
      renderAnalyses(entries),
      /^ {2}public-host {2}request s3 \(lab\) via s3-interface {2}tcp\/443 {2}nia-\S+: no path; model: network carries it {2}DIFFER$/m,
    );
  });

  it("gives no verdict for an analysis that failed or has no pathFound", async () => {
    const { graph, rows } = await s3Interface();
    const entries = compareAnalyses(
      [analysis("private-host", true, "failed"), analysis("public-host", undefined)],
      rows,
      graph,
    );
    assert.deepEqual(
      entries.map((e) => e.state),
      ["no verdict", "no verdict"],
    );
  });

  it("prints the section after the table, judged by the lab's expectations without a stack export", async () => {
    const { outputs, expectations } = await s3Interface();
    const ec2 = new EC2Client({ region: "ap-northeast-2" });
    mockClient(ec2).resolves({});
    let stdout = "";
    const code = await verifyMain(["--stack", "s3-interface"], {
      stackOutputs: async () => ({
        ...outputs,
        scenario: "s3-interface",
        expectations,
        reachability: [analysis("private-host", true)],
      }),
      ec2: () => ec2,
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
    });
    assert.equal(code, 1, "no host reported, so the probes decide: not all agree");
    assert.match(
      stdout,
      /\nReachability Analyzer \(AWS, pathFound\) against the connectivity model's network layer:\n {2}private-host {2}request s3 \(lab\) via s3-interface {2}tcp\/443 {2}nia-\S+: path found; lab expects \(pass --stack-export for the model\): network carries it {2}agree\n$/,
    );
  });
});
