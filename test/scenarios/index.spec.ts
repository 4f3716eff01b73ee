import { strict as assert } from "assert";
import * as path from "path";
import { findScenario, runProgram, SCENARIOS, scenarioNames } from "../../scenarios";
import { engine, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

const INDEX = path.resolve(__dirname, "../../index.ts");

/** Loads index.ts afresh, as `pulumi up` does, and returns what it exports. */
function loadProgram(): Record<string, unknown> {
  delete require.cache[INDEX];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(INDEX);
}

describe("the program (index.ts)", () => {
  useEngine();

  it("fails before registering anything when config scenario is unset, listing the labs", async () => {
    engine.reset({ config: {} });
    assert.throws(loadProgram, (err: Error) => {
      assert.match(err.message, /config "scenario" is not set/);
      assert.match(err.message, /pulumi config set scenario <name>/);
      for (const name of scenarioNames()) assert.ok(err.message.includes(name), name);
      return true;
    });
    assert.deepEqual(await engine.settle(), []);
  });

  it("fails before registering anything on an unknown scenario, listing the valid names", async () => {
    engine.reset({ config: { scenario: "s3-gatewy" } });
    assert.throws(loadProgram, /"s3-gatewy", which is not a lab; valid names: public-vs-private/);
    assert.deepEqual(await engine.settle(), []);
  });

  it("runs the named scenario and exports its outputs, expectations and checks", async () => {
    engine.reset({ config: { scenario: "public-vs-private" } });
    const exported = loadProgram();
    assert.equal(exported.scenario, "public-vs-private");
    for (const key of ["vpcId", "bucketName", "expectations", "checks"]) {
      assert.ok(key in exported, `exports ${key}`);
    }
    await engine.settle();
    assert.equal(engine.ofType("vpc-endpoint-labs:network:LabVpc").length, 1);
  });

  it("registers every lab under a unique name", () => {
    const names = scenarioNames();
    assert.equal(new Set(names).size, names.length);
    assert.equal(SCENARIOS.length, names.length);
    for (const name of names) assert.equal(findScenario(name).name, name);
  });

  it("runProgram uses the config it is given", async () => {
    engine.reset({ config: { scenario: "public-vs-private", instanceType: "t3.micro" } });
    runProgram();
    await engine.settle();
    const types = engine.ofType(TYPE.instance).map((i) => i.inputs.instanceType);
    assert.deepEqual(types, ["t3.micro", "t3.micro"]);
  });
});
