import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { colorEnabled, Io, main } from "../../plan/main";
import { publicVsPrivate } from "../../scenarios/public-vs-private";
import { Scenario } from "../../scenarios/scenario";

const ROOT = path.join(__dirname, "..", "..");

interface StackExportDoc {
  deployment: {
    resources: {
      type: string;
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
    }[];
  };
}

/** `npm start -- <args>` as a child process: what CI and a person see, exit status included. */
function npmStart(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", "plan/main.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `main` in this process, its output captured. */
async function runMain(
  argv: string[],
  registry?: readonly Scenario[],
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t), color: false };
  const code = await main(argv, io, registry);
  return { code, out, err };
}

describe("npm start (the offline plan)", function () {
  // Each child process loads TypeScript, Pulumi and the AWS SDK afresh.
  this.timeout(60000);

  it("prints one lab as JSON: model verdicts, policy verdicts, cost, exit 0", () => {
    const run = npmStart("public-vs-private", "--json");
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.ok, true);
    assert.deepEqual(doc.failures, []);
    assert.equal(doc.labs.length, 1);
    const lab = doc.labs[0];
    assert.equal(lab.scenario, "public-vs-private");
    assert.equal(lab.region, "ap-northeast-2");
    assert.deepEqual(
      lab.expectations.map(
        (e: { from: string; outcome: string; model: { outcome: string }; ok: boolean }) =>
          `${e.from} ${e.outcome} ${e.model.outcome} ${e.ok}`,
      ),
      [
        "public-host works works true",
        "private-host times-out times-out true",
        "private-host resolves-public resolves-public true",
      ],
    );
    const vpc = lab.resources.find((r: { type: string }) => r.type === "aws:ec2/vpc:Vpc");
    assert.equal(vpc.name, "lab-vpc");
    assert.match(vpc.parent, /vpc-endpoint-labs:network:LabVpc::lab$/);
    assert.deepEqual(
      lab.policy.map((v: { policyName: string; enforcementLevel: string }) => v.policyName),
      ["s3-bucket-requires-vpce"],
    );
    assert.deepEqual(
      lab.cost.lines.map((l: { name: string; item: string; usdPerHour: unknown }) =>
        [l.name, l.item, l.usdPerHour].join(" "),
      ),
      [
        "eice-eice instance-connect-endpoint 0",
        "public-host-instance instance:t4g.nano unknown",
        "public-host-instance public-ipv4 0.005",
        "private-host-instance instance:t4g.nano unknown",
      ],
    );
    assert.equal(lab.cost.usdPerMonth, 3.65);
    assert.deepEqual(lab.cost.unknown, [
      "no price for t4g.nano instance in ap-northeast-2 (public-host-instance, private-host-instance)",
    ]);
    assert.equal(lab.checks[0].host, "public-host");
  });

  it("passes --config to the lab as `pulumi config set` would: azCount=2 builds two AZs", () => {
    const run = npmStart("public-vs-private", "--config", "azCount=2", "--json");
    assert.equal(run.status, 0, run.stderr);
    const lab = JSON.parse(run.stdout).labs[0];
    assert.deepEqual(lab.config, { azCount: "2" });
    const subnets = lab.resources
      .filter((r: { type: string }) => r.type === "aws:ec2/subnet:Subnet")
      .map((r: { name: string }) => r.name);
    assert.deepEqual(subnets, ["lab-public-1", "lab-public-2", "lab-private-1", "lab-private-2"]);
  });

  it("prices us-east-1 from the table when aws:region says so", () => {
    const run = npmStart("public-vs-private", "--config", "aws:region=us-east-1", "--json");
    assert.equal(run.status, 0, run.stderr);
    const cost = JSON.parse(run.stdout).labs[0].cost;
    assert.equal(cost.region, "us-east-1");
    assert.equal(cost.complete, true);
    // two t4g.nano at 0.0042 and one public address at 0.005
    assert.equal(cost.usdPerHour, 0.0134);
    assert.equal(cost.usdPerMonth, 9.782);
  });

  it("refuses an unknown --config key with exit 2, listing the lab's keys", () => {
    const run = npmStart("public-vs-private", "--config", "bucketPolicy=deny");
    assert.equal(run.status, 2);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^config "bucketPolicy" is not a key of public-vs-private; its keys: instanceType, azCount, aws:region\n\nUsage: npm start/,
    );
  });

  it("refuses a config value the lab rejects with exit 2, naming the key", async () => {
    const { code, out, err } = await runMain(["public-vs-private", "--config", "azCount=9"]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.match(
      err,
      /config "azCount" \(scenario public-vs-private\) must be between 1 and 4; got 9/,
    );
  });

  it("runs a lab's variant, --config over the variant's values, and refuses an unknown one", async () => {
    const lab: Scenario = {
      ...publicVsPrivate,
      variants: [{ name: "wide", config: { azCount: "3", instanceType: "t3.micro" } }],
    };
    const run = await runMain(
      ["public-vs-private", "--variant", "wide", "-c", "azCount=2", "--json"],
      [lab],
    );
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out).labs[0];
    assert.equal(report.variant, "wide");
    assert.deepEqual(report.config, { azCount: "2", instanceType: "t3.micro" });
    const unknown = await runMain(["public-vs-private", "--variant", "narrow"], [lab]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^public-vs-private has no variant "narrow"; its variants: wide\n/);
  });

  it("says when a policy violation is the lab's lesson, and only then", async () => {
    const flagged = await runMain(["public-vs-private"]);
    assert.match(
      flagged.out,
      /expected: this lab is meant to trip s3-bucket-requires-vpce; the weak setup is the lesson/,
    );
    const clean = await runMain(["s3-gateway"]);
    assert.equal(clean.code, 0, clean.err);
    assert.ok(!clean.out.includes("meant to trip"));
    const seedMode = await runMain(["s3-gateway", "--variant", "allow-only"]);
    assert.match(seedMode.out, /meant to trip s3-bucket-requires-vpce/);
  });

  describe("--stack-export: a deployed lab judged by the same model", () => {
    const FIXTURE = path.join(ROOT, "test/fixtures/s3-gateway.stack-export.json");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stack-export-"));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** The fixture with one change, written to a file of its own. */
    function variantOf(change: (doc: StackExportDoc) => void): string {
      const doc = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as StackExportDoc;
      change(doc);
      const file = path.join(tmp, `${fs.readdirSync(tmp).length}.json`);
      fs.writeFileSync(file, JSON.stringify(doc));
      return file;
    }

    it("checks the expectations the stack exported against its resources", async () => {
      const { code, out } = await runMain(["--stack-export", FIXTURE]);
      assert.equal(code, 0, out);
      assert.match(out, /deployed stack, from .*s3-gateway\.stack-export\.json/);
      assert.match(out, /Expectations \(4; the connectivity model agrees with 4\)/);
    });

    it("exits 1 when the deployed stack no longer does what the lab expects", async () => {
      const file = variantOf((doc) => {
        for (const r of doc.deployment.resources) {
          if (r.type === "aws:ec2/vpcEndpoint:VpcEndpoint") {
            r.inputs.routeTableIds = [];
            r.outputs.routeTableIds = [];
          }
        }
      });
      const { code, out } = await runMain(["--stack-export", file]);
      assert.equal(code, 1);
      assert.match(out, /MISMATCH {2}private-host {2}s3 \(lab\) {2}request {2}works {12}times-out/);
    });

    it("refuses, with exit 2, an export that is not one of these labs", async () => {
      const file = variantOf((doc) => {
        const stack = doc.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
        delete stack.outputs.scenario;
      });
      const { code, err } = await runMain(["--stack-export", file]);
      assert.equal(code, 2);
      assert.match(err, /stack export has no `scenario` output naming a lab/);
    });
  });

  it("refuses an unknown lab with exit 2, listing the labs", async () => {
    const { code, err } = await runMain(["no-such-lab"]);
    assert.equal(code, 2);
    assert.match(err, /^"no-such-lab" is not a lab; valid names: public-vs-private, /);
  });

  it("exits 1 when the model disagrees with an expectation, and marks the row MISMATCH", async () => {
    const wrong: Scenario = {
      ...publicVsPrivate,
      run(config) {
        const result = publicVsPrivate.run(config);
        return {
          ...result,
          expectations: result.expectations.map((e) =>
            e.from === "private-host" && e.probe === "request" ? { ...e, outcome: "works" } : e,
          ),
        };
      },
    };
    const { code, out } = await runMain(["public-vs-private"], [wrong]);
    assert.equal(code, 1);
    assert.match(out, /Expectations \(3; the connectivity model agrees with 2\)/);
    assert.match(out, /MISMATCH {2}private-host {2}s3 \(lab\) {2}request {2}works {12}times-out/);
    assert.match(out, /model: no route to s3's public addresses from rtb-/);
  });

  it("prints every lab by default, as aligned text without colour off a terminal", async () => {
    const { code, out } = await runMain([]);
    assert.equal(code, 0);
    assert.ok(!out.includes("\u001b["), "no ANSI escapes");
    assert.match(out, /^== public-vs-private: /m);
    assert.match(out, /^ {2}LabVpc {2,}lab$/m);
    assert.match(out, /^ {4}aws:ec2\/vpc:Vpc {2,}lab-vpc$/m);
    assert.match(out, /^ {2}total of known prices {2,}0\.0050 {4}3\.65$/m);
    assert.match(out, /no price for t4g\.nano instance in ap-northeast-2/);
    assert.match(out, /Sources: https:\/\/aws\.amazon\.com\/privatelink\/pricing\//);
  });

  it("colours only on a terminal and never with NO_COLOR set", () => {
    assert.equal(colorEnabled(true, {}), true);
    assert.equal(colorEnabled(false, {}), false);
    assert.equal(colorEnabled(undefined, {}), false);
    assert.equal(colorEnabled(true, { NO_COLOR: "1" }), false);
    assert.equal(colorEnabled(true, { NO_COLOR: "" }), true);
  });

  it("writes the diagram asked for and names it in the output", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "lab.svg");
    const { code, out } = await runMain(["public-vs-private", "--diagram", file]);
    assert.equal(code, 0);
    assert.match(fs.readFileSync(file, "utf8"), /<svg [\s\S]*lab&#45;private&#45;1[\s\S]*<\/svg>/);
    assert.ok(out.includes(`Diagram written to ${file}`));
  });

  it("prints the usage with exit 0 for --help", async () => {
    const { code, out } = await runMain(["--help"]);
    assert.equal(code, 0);
    assert.match(out, /^Usage: npm start -- \[<lab>\.\.\.\] \[options\]/);
  });
});
