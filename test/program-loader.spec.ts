/**
 * What the Pulumi CLI's loader reads, checked without starting it: Pulumi.yaml's runtime options
 * point at tsconfig.pulumi.json, which makes the vendored ts-node transpile only (the SDK's
 * cmd/run/run.js takes `transpileOnly` from that file's own `compilerOptions.noCheck`), and
 * nothing the program loads needs a package a production install (`npm ci --omit=dev`) leaves
 * out. test/program/cli-start.spec.ts starts the program itself.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { isBuiltin } from "module";
import * as path from "path";
import * as ts from "typescript";
import { projectRuntimeOptions, REPO_ROOT, runtimeLaunch } from "../harness/language-host";

// The SDK's own reader of the runtime tsconfig, as cmd/run/run.js calls it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils") as {
  loadTypeScriptCompilerOptions(file: string): Record<string, unknown>;
};

const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { dev?: boolean }>;
};

/** True when `npm ci --omit=dev` installs the package at the repository root. */
function inProduction(pkg: string): boolean {
  const entry = lock.packages[`node_modules/${pkg}`];
  return entry !== undefined && entry.dev !== true;
}

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Bare module specifiers of every file index.ts reaches through relative imports. */
function externalImports(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) {
        found.set(fileName, path.relative(REPO_ROOT, file));
        continue;
      }
      const base = path.resolve(path.dirname(file), fileName);
      const target = [`${base}.ts`, path.join(base, "index.ts"), base].find(
        (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
      );
      assert.ok(target, `${file} imports ${fileName}, which does not resolve`);
      if (target.endsWith(".ts")) visit(target);
    }
  };
  visit(entry);
  return found;
}

describe("the program under Pulumi's TypeScript loader", () => {
  const options = projectRuntimeOptions();
  const tsconfig = options.tsconfig ?? "tsconfig.json";
  const compilerOptions = loadTypeScriptCompilerOptions(path.join(REPO_ROOT, tsconfig));

  it("has Pulumi.yaml send the loader to tsconfig.pulumi.json", () => {
    assert.deepEqual(runtimeLaunch(options).env, {
      PULUMI_NODEJS_TYPESCRIPT: "true",
      PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.pulumi.json",
    });
  });

  it("transpiles only: the runtime tsconfig sets noCheck itself, not through extends", () => {
    assert.equal(compilerOptions.noCheck, true);
    // run.js spreads this file's own compilerOptions over its defaults (module nodenext,
    // target ES2020); extends would be resolved by ts-node but not by that spread.
    assert.equal(compilerOptions.module, "commonjs");
    assert.equal(compilerOptions.target, "ES2022");
  });

  it("names no type package a production install leaves out", () => {
    for (const file of [tsconfig, "tsconfig.json"]) {
      const types = (loadTypeScriptCompilerOptions(path.join(REPO_ROOT, file)).types ??
        []) as string[];
      for (const name of types) {
        assert.ok(
          inProduction(`@types/${name}`),
          `${file} names types "${name}", a dev-only package`,
        );
      }
    }
  });

  it("loads only packages a production install has", () => {
    const imports = externalImports(path.join(REPO_ROOT, "index.ts"));
    assert.ok(imports.has("@pulumi/aws"), "the walk reaches the components");
    for (const [specifier, from] of imports) {
      if (isBuiltin(specifier)) continue;
      assert.ok(
        inProduction(packageOf(specifier)),
        `${from} imports ${specifier}, which \`npm ci --omit=dev\` does not install; make it a dependency`,
      );
    }
  });
});
