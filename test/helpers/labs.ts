/**
 * Running a lab the way `pulumi up` would, under the engine: config as `pulumi config set`
 * stores it, the program, every registration answered, and the checks resolved.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../scenarios";
import { Check, Expectation } from "../../scenarios/scenario";
import { build, engine, RecordedResource, resolve } from "./engine";
import { TYPE } from "../../model/type-tokens";

export interface LabRun {
  outputs: Record<string, unknown>;
  checks: Check[];
  expectations: Expectation[];
}

/** Resets the engine with `scenario` and `config`, runs the program and waits for it. */
export async function runLab(
  scenario: string,
  config: Record<string, string> = {},
): Promise<LabRun> {
  engine.reset({ config: { scenario, ...config } });
  let outputs: Record<string, unknown> = {};
  await build(() => (outputs = runProgram()));
  const checks = await resolve(outputs.checks as pulumi.Output<Check[]>);
  return { outputs, checks, expectations: outputs.expectations as Expectation[] };
}

/** The EC2 instance inside a LabInstance component, found by parent, not by child name. */
export function instanceOf(host: string): RecordedResource {
  const component = engine.get("vpc-endpoint-labs:compute:LabInstance", host);
  const found = engine.childrenOf(component.urn).filter((r) => r.type === TYPE.instance);
  assert.equal(found.length, 1, `one instance in ${host}`);
  return found[0];
}
