/**
 * How the program's refusals reach `pulumi up`: as a pulumi.RunError, which the SDK's loader
 * prints as its message alone, whose stack is already that one line, so the loader's
 * `util.inspect` of every uncaught error has no source-mapped frames to format (for an error
 * thrown inside an `apply` that formatting took 30-50 s and ~3.5 GB; bench/program-start.ts).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../scenarios";
import { ConfigError, UserError } from "../../scenarios/scenario";
import { engine, useEngine } from "../helpers/engine";

function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail("nothing was thrown");
}

describe("the program's refusals", () => {
  useEngine();

  it("a ConfigError is a RunError whose stack is its one line", () => {
    const err = new ConfigError("s3-gateway", "azCount", "must be between 1 and 4; got 9");
    assert.ok(pulumi.RunError.isInstance(err));
    assert.ok(err instanceof ConfigError && err instanceof UserError);
    assert.equal(err.name, "ConfigError");
    assert.equal(
      err.message,
      'config "azCount" (scenario s3-gateway) must be between 1 and 4; got 9',
    );
    assert.equal(err.stack, `ConfigError: ${err.message}`);
  });

  it("an unset or unknown scenario is a ConfigError naming the key", () => {
    engine.reset({ config: {} });
    const unset = thrownBy(() => runProgram());
    assert.ok(unset instanceof ConfigError);
    assert.match(
      unset.message,
      /^config "scenario" is not set; set it with `pulumi config set scenario <name>`/,
    );
    engine.reset({ config: { scenario: "s3-gatewy" } });
    const unknown = thrownBy(() => runProgram());
    assert.ok(unknown instanceof ConfigError);
    assert.match(unknown.message, /^config "scenario" is "s3-gatewy", which is not a lab/);
  });

  it("a component's argument refusal reaches the user as its message, without a stack", () => {
    engine.reset({ config: { scenario: "endpoint-service", providerCidr: "10.1.0/16" } });
    const err = thrownBy(() => runProgram());
    assert.ok(pulumi.RunError.isInstance(err));
    assert.equal(err.constructor, UserError);
    assert.match(
      err.message,
      /^scenario endpoint-service: config "providerCidr": "10\.1\.0\/16" is not an IPv4 CIDR block/,
    );
    assert.equal(err.stack, `UserError: ${err.message}`);
    assert.equal((err.cause as Error).constructor, Error);
  });

  it("a bug keeps its type and stack", () => {
    engine.reset({ config: { scenario: "s3-gateway" } });
    const broken = new pulumi.Config();
    // Fails while the lab reads its config, inside runProgram's guard.
    (broken as unknown as { get(key: string): string }).get = (key) => {
      if (key === "scenario") return "s3-gateway";
      throw new TypeError("boom");
    };
    const err = thrownBy(() => runProgram(broken));
    assert.ok(err instanceof TypeError);
    assert.match(err.stack!, /\n\s+at /);
  });
});

describe("components' argument checks", () => {
  it("throw UserError, never a plain Error, so a refusal inside an apply is one line too", () => {
    const dir = path.resolve(__dirname, "../../components");
    const plain = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(dir, f), "utf8")
          .split("\n")
          .map((line, i) => ({ where: `components/${f}:${i + 1}`, line }))
          .filter(({ line }) => /throw new (Error|TypeError|RangeError)\(/.test(line)),
      )
      .map(({ where }) => where);
    assert.deepEqual(plain, []);
  });
});
