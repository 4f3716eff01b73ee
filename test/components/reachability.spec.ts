/**
 * The Reachability Analyzer component: one path and one analysis per path, TCP to the port,
 * waiting for the verdict; refusals before anything is created.
 */
import { strict as assert } from "assert";
import { Reachability } from "../../components/reachability";
import { TYPE } from "../../model/type-tokens";
import { build, engine, resolve, useEngine } from "../helpers/engine";

describe("Reachability", () => {
  useEngine();

  it("creates a TCP path from source to destination and an analysis that waits for its verdict", async () => {
    let analyzer: Reachability | undefined;
    await build(
      () =>
        (analyzer = new Reachability("reachability", {
          paths: [
            {
              name: "private-host-request-s3-lab-via-s3-interface",
              source: "i-0a1b2c3d4e5f67890",
              destination: "vpce-0a1b2c3d4e5f67890",
              port: 443,
            },
          ],
        })),
    );
    const path = engine.get(
      TYPE.networkInsightsPath,
      "reachability-private-host-request-s3-lab-via-s3-interface-path",
    );
    assert.deepEqual(
      {
        source: path.inputs.source,
        destination: path.inputs.destination,
        protocol: path.inputs.protocol,
        destinationPort: path.inputs.destinationPort,
      },
      {
        source: "i-0a1b2c3d4e5f67890",
        destination: "vpce-0a1b2c3d4e5f67890",
        protocol: "tcp",
        destinationPort: 443,
      },
    );
    const analysis = engine.get(
      TYPE.networkInsightsAnalysis,
      "reachability-private-host-request-s3-lab-via-s3-interface-analysis",
    );
    assert.equal(analysis.inputs.networkInsightsPathId, path.id);
    assert.equal(analysis.inputs.waitForCompletion, true);
    assert.match(String(path.id), /^nip-[0-9a-f]{17}$/);
    const [result] = await resolve(analyzer!.results);
    assert.equal(result.name, "private-host-request-s3-lab-via-s3-interface");
    assert.equal(result.pathId, path.id);
    assert.match(result.analysisId, /^nia-[0-9a-f]{17}$/);
    assert.equal(result.status, "succeeded");
  });

  it("refuses a port outside TCP's range, naming the path", () => {
    assert.throws(
      () =>
        new Reachability("reachability", {
          paths: [{ name: "laptop-ssh", source: "igw-1", destination: "i-1", port: 0 }],
        }),
      /^UserError: Reachability reachability: path "laptop-ssh" has port 0; give a TCP port from 1 to 65535$/,
    );
    assert.equal(engine.resources.length, 0);
  });

  it("refuses two paths of one name", () => {
    const path = { name: "p", source: "i-1", destination: "i-2", port: 80 };
    assert.throws(
      () => new Reachability("reachability", { paths: [path, path] }),
      /Reachability reachability: two paths are named "p"/,
    );
  });
});
