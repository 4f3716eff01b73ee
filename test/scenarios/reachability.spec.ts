/**
 * Config `reachabilityAnalyzer`: off by default (each analysis costs USD 0.10), and when on, one
 * analysed path per network expectation the analyzer can express, in the `reachability` output.
 */
import { strict as assert } from "assert";
import { TYPE } from "../../model/type-tokens";
import { engine, resolve, useEngine } from "../helpers/engine";
import { runLab } from "../helpers/labs";

describe("reachabilityAnalyzer", function () {
  this.timeout(30_000);
  useEngine();

  it("creates no analysis by default", async () => {
    const lab = await runLab("s3-interface");
    assert.equal(engine.ofType(TYPE.networkInsightsAnalysis).length, 0);
    assert.equal(lab.outputs.reachability, undefined);
  });

  it("analyses each host's request through the S3 interface endpoint, on port 443 to the vpce- id", async () => {
    const lab = await runLab("s3-interface", { reachabilityAnalyzer: "true" });
    const paths = engine.ofType(TYPE.networkInsightsPath);
    const endpoint = engine.get(TYPE.vpcEndpoint, "s3-interface-vpce");
    assert.deepEqual(
      paths.map((p) => [p.name, p.inputs.destination, p.inputs.destinationPort]).sort(),
      [
        ["reachability-private-host-request-s3-lab-via-s3-interface-path", endpoint.id, 443],
        ["reachability-public-host-request-s3-lab-via-s3-interface-path", endpoint.id, 443],
      ],
    );
    assert.equal(engine.ofType(TYPE.networkInsightsAnalysis).length, 2);
    const rows = (await resolve(lab.outputs.reachability)) as { from: string; probe: string }[];
    assert.deepEqual(rows.map((r) => `${r.from} ${r.probe}`).sort(), [
      "private-host request-s3-lab-via-s3-interface",
      "public-host request-s3-lab-via-s3-interface",
    ]);
  });

  it("analyses SSH to the bastion from its internet gateway, from the admin address", async () => {
    await runLab("dynamodb-bastion", {
      adminCidr: "198.51.100.7/32",
      reachabilityAnalyzer: "true",
    });
    const [path] = engine.ofType(TYPE.networkInsightsPath);
    const igw = engine.get(TYPE.internetGateway, "lab-igw");
    const bastion = engine.get(TYPE.instance, "bastion-instance");
    assert.deepEqual(
      [
        path.inputs.source,
        path.inputs.sourceIp,
        path.inputs.destination,
        path.inputs.destinationPort,
      ],
      [igw.id, "198.51.100.7", bastion.id, 22],
    );
    assert.equal(engine.ofType(TYPE.networkInsightsPath).length, 1);
  });

  it("analyses the consumer's way to the endpoint service and to each web server", async () => {
    await runLab("endpoint-service", { reachabilityAnalyzer: "true", webServers: "2" });
    assert.deepEqual(
      engine
        .ofType(TYPE.networkInsightsPath)
        .map((p) => p.name)
        .sort(),
      [
        "reachability-consumer-host-request-service-consumer-endpoint-80-path",
        "reachability-consumer-host-request-web-server-1-80-path",
        "reachability-consumer-host-request-web-server-2-80-path",
      ],
    );
  });
});
