/** The cost estimate counts each Reachability Analyzer analysis once, at USD 0.10, apart from the hourly total. */
import { strict as assert } from "assert";
import { estimateCost } from "../../plan/cost";
import { graphOf, scenarioNamed } from "../model/plans";

describe("cost of the Reachability Analyzer", function () {
  this.timeout(30_000);

  it("counts nothing when reachabilityAnalyzer is off (the default)", async () => {
    const { graph, plan } = await graphOf(scenarioNamed("s3-interface"));
    assert.deepEqual(estimateCost(graph, plan.region).oneTime, { lines: [], usd: 0 });
  });

  it("counts USD 0.10 per analysis when on, and leaves the hourly total alone", async () => {
    const off = await graphOf(scenarioNamed("s3-interface"));
    const on = await graphOf(scenarioNamed("s3-interface"), { reachabilityAnalyzer: "true" });
    const estimate = estimateCost(on.graph, on.plan.region);
    assert.deepEqual(estimate.oneTime.lines.map((l) => [l.name, l.usd, l.source]).sort(), [
      [
        "reachability-private-host-request-s3-lab-via-s3-interface-analysis",
        0.1,
        "https://aws.amazon.com/vpc/pricing/",
      ],
      [
        "reachability-public-host-request-s3-lab-via-s3-interface-analysis",
        0.1,
        "https://aws.amazon.com/vpc/pricing/",
      ],
    ]);
    assert.equal(estimate.oneTime.usd, 0.2);
    assert.equal(estimate.usdPerHour, estimateCost(off.graph, off.plan.region).usdPerHour);
  });
});
