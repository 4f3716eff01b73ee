import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

describe("the connectivity model's dependencies", function () {
  this.timeout(30_000);

  it("loads no Pulumi module, so it runs wherever a stack export can be read", () => {
    const script = `
      require("./model/connectivity");
      require("./model/graph");
      const pulumi = Object.keys(require.cache).filter((k) => k.includes("node_modules/@pulumi"));
      process.stdout.write(JSON.stringify(pulumi));
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
    });
    assert.deepEqual(JSON.parse(out), []);
  });
});
