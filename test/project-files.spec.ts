/**
 * Pulumi.yaml and the stack files say what the code reads: same keys, same types, same
 * defaults, a description for each, and one scenario stack per lab.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { SCENARIOS } from "../scenarios";
import { ConfigKey, SHARED_CONFIG } from "../scenarios/scenario";

const ROOT = path.resolve(__dirname, "..");

interface DeclaredKey {
  type: string;
  description?: string;
  default?: unknown;
}

function readYaml(file: string): Record<string, unknown> {
  return parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as Record<string, unknown>;
}

/** Every key the code reads, with each distinct declaration of it. */
function keysInCode(): Map<string, ConfigKey[]> {
  const keys = new Map<string, ConfigKey[]>();
  for (const key of [...SHARED_CONFIG, ...SCENARIOS.flatMap((s) => s.config)]) {
    keys.set(key.key, [...(keys.get(key.key) ?? []), key]);
  }
  return keys;
}

describe("project files", () => {
  const project = readYaml("Pulumi.yaml");
  const declared = project.config as Record<string, DeclaredKey>;

  it("names the project and the nodejs runtime", () => {
    assert.equal(project.name, "vpc-endpoint-labs");
    assert.equal((project.runtime as { name: string }).name, "nodejs");
  });

  it("declares exactly the config keys the code reads", () => {
    assert.deepEqual(Object.keys(declared).sort(), [...keysInCode().keys()].sort());
  });

  it("gives every key a description", () => {
    for (const [key, spec] of Object.entries(declared)) {
      assert.ok(spec.description && spec.description.length > 10, `${key} has a description`);
    }
  });

  it("matches each key's type and default to the code's declaration", () => {
    for (const [key, specs] of keysInCode()) {
      const yamlSpec = declared[key];
      const distinct = new Set(specs.map((s) => `${s.type}=${JSON.stringify(s.default)}`));
      if (distinct.size > 1) {
        // Labs default this key differently: "" means "the lab's own default".
        assert.deepEqual([yamlSpec.type, yamlSpec.default], ["string", ""], key);
      } else {
        assert.equal(yamlSpec.type, specs[0].type, `${key} type`);
        assert.deepEqual(yamlSpec.default, specs[0].default, `${key} default`);
      }
    }
  });

  it("has one stack file per lab that sets scenario and the Region", () => {
    for (const scenario of SCENARIOS) {
      const file = `Pulumi.${scenario.name}.yaml`;
      assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} exists`);
      const config = readYaml(file).config as Record<string, unknown>;
      assert.equal(config["vpc-endpoint-labs:scenario"], scenario.name, file);
      assert.equal(config["aws:region"], "ap-northeast-2", file);
    }
  });

  it("has no stack file for a lab that does not exist", () => {
    const stacks = fs
      .readdirSync(ROOT)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => !!s && s !== "dev");
    assert.deepEqual(stacks.sort(), SCENARIOS.map((s) => s.name).sort());
  });

  it("sets in stack files only keys Pulumi.yaml declares (or provider keys)", () => {
    for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
      const config = (readYaml(file).config ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(config)) {
        const [namespace, name] = key.split(":");
        if (namespace === "vpc-endpoint-labs") assert.ok(name in declared, `${file}: ${key}`);
        else assert.equal(namespace, "aws", `${file}: ${key}`);
      }
    }
  });
});
