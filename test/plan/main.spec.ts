import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { colorEnabled, invocationDir, Io, main, outputWidth } from "../../plan/main";
import { publicVsPrivate } from "../../scenarios/public-vs-private";
import { Scenario } from "../../scenarios/scenario";
import { TYPE } from "../../model/type-tokens";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURE = path.join(ROOT, "test/fixtures/s3-gateway.stack-export.json");

interface StackExportDoc {
  deployment: {
    resources: {
      type: string;
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
    }[];
  };
}

interface Run {
  code: number;
  out: string;
  err: string;
}

/** `main` in this process, its output captured. */
async function runMain(
  argv: string[],
  registry?: readonly Scenario[],
  io: Partial<Io> = {},
): Promise<Run> {
  let out = "";
  let err = "";
  const code = await main(
    argv,
    { out: (t) => (out += t), err: (t) => (err += t), color: false, ...io },
    registry,
  );
  return { code, out, err };
}

/** The command as a person runs it, in a child process: what a pipe and a shell see. */
function spawn(command: string, args: string[]): { status: number | null } & Omit<Run, "code"> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  // Run from a spec under `npm test`, the child would inherit npm's own INIT_CWD and lifecycle.
  delete env.INIT_CWD;
  delete env.npm_lifecycle_event;
  const run = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

/** The fixture export with one change, in a file of its own under `dir`. */
function exportVariant(dir: string, change: (doc: StackExportDoc) => void): string {
  const doc = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as StackExportDoc;
  change(doc);
  const file = path.join(dir, `${fs.readdirSync(dir).length}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** The fixture with the gateway endpoint taken off every route table: the private host loses S3. */
function withoutEndpointRoutes(doc: StackExportDoc): void {
  for (const r of doc.deployment.resources) {
    if (r.type === TYPE.vpcEndpoint) {
      r.inputs.routeTableIds = [];
      r.outputs.routeTableIds = [];
    }
  }
}

/** public-vs-private, claiming the private host reaches S3: one expectation the model denies. */
const WRONG: Scenario = {
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

/**
 * True when a line fits `width`, or is over it only because it holds a word no line could take
 * (a long host name, or a quoted shell word continued with ` \`), which is kept whole.
 */
function fits(line: string, width: number): boolean {
  const body = line.trim().replace(/ \\$/, "");
  return (
    line.length <= width ||
    /^"[^"]*"$/.test(body) ||
    line.split(" ").some((word) => word.length > width - 16)
  );
}

describe("the offline plan (vpc-endpoint-labs plan, npm start)", function () {
  // The labs run under the offline engine in this process; the two end-to-end specs spawn it.
  this.timeout(60000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe("every lab, as text", () => {
    let all: Run;
    before(async () => {
      all = await runMain([]);
    });

    it("exits 0 and ends with one summary line for the run", () => {
      assert.equal(all.code, 0, all.err);
      assert.equal(all.out.trimEnd().split("\n").pop(), "7 labs, 32 expectations: all hold");
      assert.equal(all.err, "");
    });

    it("fits 100 columns off a terminal, wrapping detail under its row", () => {
      const over = all.out.split("\n").filter((l) => !fits(l, 100));
      assert.deepEqual(over, []);
      assert.match(
        all.out,
        /^ {2}ok {2}private-host {2}s3 \(lab\) {2}request {2}times-out {8}times-out\n {6}why {4}the private subnet has no route/m,
      );
    });

    it("prints verdicts first and the resource tree only with --tree", async () => {
      const lab = all.out.slice(
        all.out.indexOf("== s3-gateway"),
        all.out.indexOf("== s3-interface"),
      );
      const order = ["Expectations", "Checks", "Policy pack", "Cost estimate", "Quotas it takes"];
      const at = order.map((heading) => lab.indexOf(`\n${heading}`));
      assert.ok(
        at.every((i, n) => i > 0 && (n === 0 || i > at[n - 1])),
        at.join(" "),
      );
      assert.ok(!lab.includes(TYPE.vpc), "no tree by default");
      assert.match(lab, /^Resources: 40 \(--tree lists them\)$/m);
      const tree = await runMain(["s3-gateway", "--tree"]);
      assert.match(
        tree.out,
        /^Resources \(40\)\n {2}LabVpc {2,}lab\n {4}aws:ec2\/vpc:Vpc {2,}lab-vpc$/m,
      );
      assert.ok(tree.out.indexOf("Resources (40)") > tree.out.indexOf("Quotas it takes"));
    });

    it("prints the cost caveats and sources once per run, not once per lab", () => {
      assert.equal(all.out.split("Not estimated (usage-based)").length - 1, 1);
      assert.equal(all.out.split("https://aws.amazon.com/ec2/pricing/on-demand/").length - 1, 1);
      assert.ok(!all.out.includes("AWS-FACTS"), "cites the AWS pages, not a file");
    });

    it("prices the default instance type in the default Region", () => {
      assert.ok(!all.out.includes("unknown"), "no unknown price");
      assert.match(
        all.out,
        /^ {2}public-host-instance {3}1 {4}0\.0052 {6}0\.0052 {4}3\.80 {7}t4g\.nano instance$/m,
      );
    });

    it("says how many labs fit in one fresh Region at once", () => {
      assert.match(
        all.out,
        /Running several labs at once\n {2}All 7 labs at once take 8 VPCs \(4 free\), 5 internet gateways \(4 free\), 7 Instance Connect\n {2}Endpoints \(5 free\), 2 gateway endpoints \(20 free\)\. At most 4 fit in one fresh Region at once/,
      );
    });

    it("shows a policy message's statement to add as an indented block", async () => {
      const { out } = await runMain(["public-vs-private"]);
      assert.match(
        out,
        /Fix: add this statement to the bucket policy:\n {8}\{\n {10}"Sid": "DenyUnlessThroughVpcEndpoint",\n {10}"Effect": "Deny",/,
      );
    });

    it("wraps to a narrower terminal", async () => {
      const { out } = await runMain(["s3-gateway"], undefined, { width: 80 });
      assert.deepEqual(
        out.split("\n").filter((l) => !fits(l, 80)),
        [],
      );
    });
  });

  describe("as JSON", () => {
    it("prints one lab: model verdicts, policy verdicts, cost, quotas, summary", async () => {
      const run = await runMain(["public-vs-private", "--json"]);
      assert.equal(run.code, 0, run.err);
      const doc = JSON.parse(run.out);
      assert.equal(doc.ok, true);
      assert.equal(doc.summary, "1 lab, 3 expectations: all hold");
      assert.deepEqual(doc.failures, []);
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
      const vpc = lab.resources.find((r: { type: string }) => r.type === TYPE.vpc);
      assert.equal(vpc.name, "lab-vpc");
      assert.match(vpc.parent, /vpc-endpoint-labs:network:LabVpc::lab$/);
      assert.deepEqual(
        lab.policy.map((v: { policyName: string }) => v.policyName),
        ["s3-bucket-requires-vpce"],
      );
      assert.deepEqual(
        lab.cost.lines.map((l: { name: string; item: string; usdPerHour: unknown }) =>
          [l.name, l.item, l.usdPerHour].join(" "),
        ),
        [
          "eice-eice instance-connect-endpoint 0",
          "public-host-instance instance:t4g.nano 0.0052",
          "public-host-instance public-ipv4 0.005",
          "private-host-instance instance:t4g.nano 0.0052",
        ],
      );
      assert.equal(lab.cost.complete, true);
      assert.equal(lab.cost.usdPerMonth, 11.242);
      assert.deepEqual(lab.quotas, {
        vpcs: 1,
        internetGateways: 1,
        elasticIps: 0,
        instanceConnectEndpoints: 1,
        gatewayEndpoints: 0,
        interfaceEndpointsPerVpc: 0,
      });
      assert.equal(lab.checks[0].host, "public-host");
      assert.equal(doc.region, undefined, "one lab: no question of fitting several");
    });

    it("says, for several labs, what they take together and which fit in one fresh Region", async () => {
      const doc = JSON.parse(
        (await runMain(["public-vs-private", "endpoint-service", "--json"])).out,
      );
      assert.deepEqual(doc.region.fit, ["public-vs-private", "endpoint-service"]);
      assert.equal(doc.region.total.vpcs, 3);
      assert.deepEqual(doc.region.exceeds, []);
    });

    it("passes --config to the lab as `pulumi config set` would: azCount=2 builds two AZs", async () => {
      const run = await runMain(["public-vs-private", "--config", "azCount=2", "--json"]);
      assert.equal(run.code, 0, run.err);
      const lab = JSON.parse(run.out).labs[0];
      assert.deepEqual(lab.config, { azCount: "2" });
      const subnets = lab.resources
        .filter((r: { type: string }) => r.type === TYPE.subnet)
        .map((r: { name: string }) => r.name);
      assert.deepEqual(subnets, ["lab-public-1", "lab-public-2", "lab-private-1", "lab-private-2"]);
    });

    it("prices us-east-1 from the table when aws:region says so", async () => {
      const run = await runMain([
        "public-vs-private",
        "--config",
        "aws:region=us-east-1",
        "--json",
      ]);
      assert.equal(run.code, 0, run.err);
      const cost = JSON.parse(run.out).labs[0].cost;
      assert.equal(cost.region, "us-east-1");
      assert.equal(cost.complete, true);
      // two t4g.nano at 0.0042 and one public address at 0.005
      assert.equal(cost.usdPerHour, 0.0134);
      assert.equal(cost.usdPerMonth, 9.782);
    });
  });

  describe("exit status 1: an expectation does not hold", () => {
    it("marks the row MISMATCH, names it in the summary line, and says so on stderr too", async () => {
      const { code, out, err } = await runMain(["public-vs-private"], [WRONG]);
      assert.equal(code, 1);
      assert.match(out, /Expectations \(3; the connectivity model agrees with 2\)/);
      assert.match(out, /MISMATCH {2}private-host {2}s3 \(lab\) {2}request {2}works {12}times-out/);
      assert.match(out, /model {2}no route to s3's public addresses from rtb-/);
      const summary =
        "1 lab, 3 expectations: 1 of 3 differs: public-vs-private private-host -> s3 (lab) (request)";
      assert.equal(out.trimEnd().split("\n").pop(), summary);
      assert.equal(err, `${summary}\n`);
    });

    it("says so on stderr with --json as well, where stdout is only JSON", async () => {
      const { code, out, err } = await runMain(["public-vs-private", "--json"], [WRONG]);
      assert.equal(code, 1);
      assert.equal(JSON.parse(out).ok, false);
      assert.match(err, /^1 lab, 3 expectations: 1 of 3 differs: /);
    });
  });

  describe("exit status 2: usage and config errors, one line and a pointer to --help", () => {
    const cases: { argv: string[]; line: string | RegExp }[] = [
      {
        argv: ["no-such-lab"],
        line: /^"no-such-lab" is not a lab; valid names: public-vs-private, /,
      },
      { argv: ["--verbose"], line: "unknown option --verbose" },
      {
        argv: ["public-vs-private", "--config", "bucketPolicy=deny"],
        line: 'config "bucketPolicy" is not a key of public-vs-private; its keys: instanceType, azCount, reachabilityAnalyzer, aws:region',
      },
      {
        argv: ["public-vs-private", "--config", "instanceType=banana"],
        line: 'config "instanceType" is "banana": not an EC2 instance type; give one such as t4g.nano or t3.micro',
      },
      {
        argv: ["public-vs-private", "--config", "aws:region=mars-1"],
        line: 'config "aws:region" is "mars-1": the plan has no prices or zones for that Region; use one of ap-northeast-2, us-east-1',
      },
      {
        argv: ["dynamodb-bastion", "--config", "adminCidr=10.0.0.0/8"],
        line: /^config "adminCidr" \(scenario dynamodb-bastion\) "10\.0\.0\.0\/8" lies in 10\.0\.0\.0\/8, a range that never appears on the internet/,
      },
      {
        // Refused inside an apply, once the zones on offer are known: still one line, exit 2.
        argv: [
          "cloudformation-private-dns",
          "--config",
          "azCount=4",
          "--config",
          "aws:region=us-east-1",
        ],
        line: /^LabVpc lab: azCount 4 needs 4 Availability Zones offering instanceType "t4g\.nano" and the AWS CloudFormation interface endpoint .*; lower azCount/,
      },
      {
        argv: ["public-vs-private", "--config", "azCount=9"],
        line: 'config "azCount" (scenario public-vs-private) must be between 1 and 4; got 9',
      },
      {
        argv: ["--stack-export", "."],
        line: "--stack-export .: is a directory; give the JSON file `pulumi stack export` wrote",
      },
      {
        argv: ["--stack-export", "missing.json"],
        line: "--stack-export missing.json: no such file",
      },
    ];
    for (const c of cases) {
      it(`${c.argv.join(" ")}`, async () => {
        const { code, out, err } = await runMain(c.argv, undefined, { cwd: tmp });
        assert.equal(code, 2);
        assert.equal(out, "");
        const lines = err.split("\n");
        assert.equal(lines.length, 3, err);
        if (typeof c.line === "string") assert.equal(lines[0], c.line);
        else assert.match(lines[0], c.line);
        assert.equal(lines[1], "see `vpc-endpoint-labs plan --help`");
      });
    }

    it("refuses options npm kept for itself instead of running without them", async () => {
      const { code, err } = await runMain(["s3-gateway"], undefined, { npmTook: ["--json"] });
      assert.equal(code, 2);
      assert.match(
        err,
        /^npm kept --json for itself: options go after `--` \(npm start -- <lab> --json \.\.\.\), or run `npx vpc-endpoint-labs plan <lab> --json \.\.\.`\n/,
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
  });

  describe("paths are read from where the command runs (INIT_CWD under npm start)", () => {
    it("takes INIT_CWD over the process's directory, which npm moved to the package root", () => {
      assert.equal(invocationDir({ INIT_CWD: "/home/me/work" }, "/repo"), "/home/me/work");
      assert.equal(invocationDir({}, "/home/me/work"), "/home/me/work");
    });

    it("writes --diagram and reads --stack-export relative to that directory", async () => {
      const where = fs.mkdtempSync(path.join(tmp, "cwd-"));
      fs.copyFileSync(FIXTURE, path.join(where, "stack.json"));
      const { code, out } = await runMain(
        ["--stack-export", "stack.json", "--diagram", "out/lab.svg"],
        undefined,
        { cwd: where },
      );
      assert.equal(code, 0, out);
      assert.match(out, /deployed stack, from stack\.json/);
      assert.match(fs.readFileSync(path.join(where, "out/lab.svg"), "utf8"), /^<svg|<\?xml/);
      assert.ok(out.includes("Diagram written to out/lab.svg"));
    });
  });

  describe("--stack-export: a deployed lab judged by the same model", () => {
    it("checks the expectations the stack exported against its resources", async () => {
      const { code, out } = await runMain(["--stack-export", FIXTURE]);
      assert.equal(code, 0, out);
      assert.match(out, /deployed stack, from\s+\S*s3-gateway\.stack-export\.json/);
      assert.match(out, /Expectations \(4; the connectivity model agrees with 4\)/);
      assert.equal(out.trimEnd().split("\n").pop(), "1 lab, 4 expectations: all hold");
    });

    it("refuses, with exit 2, an export that is not one of these labs", async () => {
      const file = exportVariant(tmp, (doc) => {
        const stack = doc.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
        delete stack.outputs.scenario;
      });
      const { code, err } = await runMain(["--stack-export", file]);
      assert.equal(code, 2);
      assert.match(err, /^--stack-export .*: stack export has no `scenario` output naming a lab/);
    });
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

  it("colours only on a terminal and never with NO_COLOR set", () => {
    assert.equal(colorEnabled(true, {}), true);
    assert.equal(colorEnabled(false, {}), false);
    assert.equal(colorEnabled(undefined, {}), false);
    assert.equal(colorEnabled(true, { NO_COLOR: "1" }), false);
    assert.equal(colorEnabled(true, { NO_COLOR: "" }), true);
  });

  it("takes a terminal's width, and 100 columns anywhere else", () => {
    assert.equal(outputWidth(true, 132), 132);
    assert.equal(outputWidth(false, 132), 100);
    assert.equal(outputWidth(undefined, undefined), 100);
  });

  it("prints the usage with exit 0 for --help", async () => {
    const { code, out } = await runMain(["--help"]);
    assert.equal(code, 0);
    assert.match(out, /^Usage: npx vpc-endpoint-labs plan \[<lab>\.\.\.\] \[options\]/);
  });

  describe("end to end, as a shell runs it", () => {
    it("`npx vpc-endpoint-labs plan --json` writes pure JSON to a pipe and exits 0", () => {
      const run = spawn("npx", [
        "--no-install",
        "vpc-endpoint-labs",
        "plan",
        "s3-gateway",
        "--json",
      ]);
      assert.equal(run.status, 0, run.err);
      assert.equal(run.out[0], "{", "nothing before the JSON");
      assert.equal(JSON.parse(run.out).summary, "1 lab, 4 expectations: all hold");
    });

    it("exits 1 on a deployed stack that no longer does what the lab expects, saying so on stderr", () => {
      const file = exportVariant(tmp, withoutEndpointRoutes);
      const run = spawn(process.execPath, [
        "bin/vpc-endpoint-labs.js",
        "plan",
        "--stack-export",
        file,
      ]);
      assert.equal(run.status, 1, run.err);
      assert.match(
        run.out,
        /MISMATCH {2}private-host {2}s3 \(lab\) {2}request {2}works {12}times-out/,
      );
      assert.equal(
        run.err,
        "1 lab, 4 expectations: 1 of 4 differs: s3-gateway private-host -> s3 (lab) (request)\n",
      );
    });
  });
});
