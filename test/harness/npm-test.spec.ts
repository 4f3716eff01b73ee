import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NPM_TEST, label, runSteps, Step } from "../../harness/npm-test";

/** A package at `dir` with these scripts. */
function writePackage(dir: string, scripts: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ scripts }));
}

/** The `=== <label>: <mark>` headings in the order they were written. */
const headings = (text: string) =>
  [...text.matchAll(/^=== (.+): (ok|FAILED) /gm)].map((m) => m[1] + " " + m[2]);

describe("npm test's runner (harness/npm-test.ts)", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "vel-npm-test-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("runs the checks npm test promises: type check, lint, pack build, then the specs", () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8"),
    );
    assert.equal(manifest.scripts.test, "tsx harness/npm-test.ts");
    assert.deepEqual(NPM_TEST.map(label), ["typecheck", "lint", "build (policy-pack)", "spec"]);
    const spec = NPM_TEST.find((s) => s.script === "spec")!;
    assert.deepEqual(spec.after?.map(label), ["build (policy-pack)"]);
    assert.match(manifest.scripts.typecheck, /^tsc --noEmit -p tsconfig\.test\.json/);
    assert.match(manifest.scripts.lint, /^eslint .* && prettier --check /);
    assert.match(manifest.scripts.spec, /^mocha .*'test\/\*\*\/\*\.spec\.ts'$/);
  });

  it("prints each step's output whole under its heading and reports no failure when all pass", async () => {
    writePackage(root, { one: "echo first; echo second", two: "echo other >&2" });
    let written = "";
    const failed = await runSteps(
      [{ script: "one" }, { script: "two", background: true }],
      root,
      (t) => (written += t),
    );
    assert.deepEqual(failed, []);
    assert.match(written, /=== one: ok \(\d+\.\d s\)\nfirst\nsecond\n/);
    assert.match(written, /=== two: ok \(\d+\.\d s\)\nother\n/);
  });

  it("fails naming the step, with its output and exit code, once the other steps have ended", async () => {
    writePackage(root, {
      bad: "echo 'src/x.ts(3,1): error TS2322'; exit 3",
      other: "echo done",
    });
    let written = "";
    const failed = await runSteps(
      [{ script: "bad" }, { script: "other" }],
      root,
      (t) => (written += t),
    );
    assert.deepEqual(failed, ["bad"]);
    assert.match(
      written,
      /=== bad: FAILED \(\d+\.\d s\)\nsrc\/x\.ts\(3,1\): error TS2322\nexited with code 3\n/,
    );
    assert.deepEqual(headings(written).sort(), ["bad FAILED", "other ok"]);
  });

  it("starts a step only once the steps it comes after succeeded, and not at all if one failed", async () => {
    writePackage(root, {
      build: "touch built",
      spec: "test -f built && echo saw the build",
      broken: "exit 1",
      never: "touch ran",
    });
    const build: Step = { script: "build" };
    const broken: Step = { script: "broken" };
    let written = "";
    const failed = await runSteps(
      [{ script: "spec", after: [build] }, build, { script: "never", after: [broken] }, broken],
      root,
      (t) => (written += t),
    );
    assert.deepEqual(failed, ["never", "broken"]);
    assert.match(written, /=== spec: ok \(\d+\.\d s\)\nsaw the build\n/);
    assert.match(written, /=== never: FAILED \(0\.0 s\)\nnot run: a step it comes after failed\n/);
    assert.equal(fs.existsSync(path.join(root, "ran")), false);
  });

  it("runs a workspace's script in its folder, with its own and the root's node_modules/.bin on PATH", async () => {
    const bin = path.join(root, "node_modules", ".bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, "root-tool"),
      "#!/bin/sh\necho root tool in $(basename $PWD)\n",
      { mode: 0o755 },
    );
    writePackage(path.join(root, "pack"), { build: "root-tool" });
    let written = "";
    const failed = await runSteps(
      [{ script: "build", workspace: "pack" }],
      root,
      (t) => (written += t),
    );
    assert.deepEqual(failed, []);
    assert.match(written, /=== build \(pack\): ok \(\d+\.\d s\)\nroot tool in pack\n/);
  });

  it("names the package and the script when a step's script does not exist", async () => {
    writePackage(root, {});
    await assert.rejects(
      runSteps([{ script: "typecheck" }], root, () => {}),
      /package\.json has no "typecheck" script/,
    );
  });
});
