/**
 * `pulumi up` loads index.ts through ts-node with type checking: the project's TypeScript when
 * it is installed, and the ts-node 7 that @pulumi/pulumi vendors, since the project installs
 * none. This compiles the program exactly that way in a child process, so a language feature
 * that loader cannot handle fails here rather than on a user's first deployment.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

describe("the program under Pulumi's TypeScript loader", function () {
  this.timeout(60_000);

  it("compiles and type-checks index.ts's imports with the vendored ts-node", () => {
    const script = `
      const { typeScriptRequireStrings, loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils");
      const { tsnodeRequire } = typeScriptRequireStrings();
      require(tsnodeRequire).register({
        typeCheck: true,
        compilerOptions: loadTypeScriptCompilerOptions("tsconfig.json"),
      });
      const registry = require("./scenarios/index.ts");
      process.stdout.write(JSON.stringify(registry.scenarioNames()));
    `;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.ok(JSON.parse(out).includes("public-vs-private"));
  });
});
