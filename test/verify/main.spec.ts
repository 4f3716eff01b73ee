/**
 * `verify` against a mocked EC2 API (aws-sdk-client-mock): the s3-gateway fixture's outputs and
 * stack export, consoles with kernel noise, a window cut mid-line, a line half written, two rounds
 * of results, a host that never reported, and a probe whose result differs.
 */
import { strict as assert } from "assert";
import { EC2Client, GetConsoleOutputCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Measured } from "../../model/probes";
import { formatLine } from "../../verify/console-line";
import type { LaptopRun } from "../../verify/laptop";
import { verifyMain, type VerifyDeps } from "../../verify/main";
import { fromStackExport, stackOutputs } from "../../model/graph";

const EXPORT = path.join(__dirname, "..", "fixtures", "s3-gateway.stack-export.json");
const PRIVATE = "i-f50b0aa19821e1365";
const PUBLIC = "i-1d78b72b7607d7d66";
const ec2 = mockClient(EC2Client);

function line(host: string, probe: string, outcome: Measured, at = "2025-01-01T00:05:00Z"): string {
  const detail =
    outcome === "denied"
      ? "An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied"
      : outcome.startsWith("resolves")
        ? "52.95.164.12 52.95.165.40"
        : "exit 0";
  return formatLine({ lab: "s3-gateway", host, probe, outcome, ms: 412, detail, at });
}

/** A console as GetConsoleOutput returns it: the window starts mid-line, kernel messages around. */
function consoleOf(...lines: string[]): { Output: string; InstanceId: string } {
  const text = [
    'uting":"dns-s3-lab","outcome":"works","ms":3,"detail":"x","at":"2025-01-01T00:00:00Z"}',
    "[    0.000000] Linux version 6.1.119-129.201.amzn2023.aarch64",
    "[   14.204761] cloud-init[1622]: Cloud-init v. 22.2.2 finished",
    ...lines,
    "[  101.337210] systemd[1]: vel-probe.service: Deactivated successfully.",
  ].join("\r\n");
  return { InstanceId: "i", Output: Buffer.from(text).toString("base64") };
}

function answer(instanceId: string, console: { Output: string } | Record<string, never>): void {
  ec2.on(GetConsoleOutputCommand, { InstanceId: instanceId, Latest: true }).resolves(console);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  laptop: LaptopRun[];
  sleeps: number[];
}

async function run(argv: string[], deps: Partial<VerifyDeps> = {}): Promise<Run> {
  const r: Run = { code: -1, stdout: "", stderr: "", laptop: [], sleeps: [] };
  let clock = 0;
  r.code = await verifyMain(argv, {
    stdout: (t) => (r.stdout += t),
    stderr: (t) => (r.stderr += t),
    laptop: async (l) => {
      r.laptop.push(l);
      return "";
    },
    sleep: async (ms) => {
      r.sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    ...deps,
  });
  return r;
}

describe("verify", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vel-verify-spec-"));
  const outputsFile = path.join(dir, "outputs.json");
  const exported = JSON.parse(fs.readFileSync(EXPORT, "utf8"));
  const outputs = stackOutputs(exported);
  fs.writeFileSync(outputsFile, JSON.stringify(outputs));
  const base = ["--outputs", outputsFile, "--stack-export", EXPORT];

  beforeEach(() => ec2.reset());
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const agreeing = {
    private: [
      line("private-host", "dns-s3-lab", "resolves-public"),
      line("private-host", "request-s3-lab", "works"),
    ],
    public: [
      line("public-host", "dns-s3-lab", "resolves-public"),
      line("public-host", "request-s3-lab", "denied"),
    ],
  };

  it("prints a table and exits 0 when every expectation agrees, reading each host's latest console", async () => {
    answer(PRIVATE, consoleOf(...agreeing.private));
    answer(PUBLIC, consoleOf(...agreeing.public));
    const r = await run(base);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^== s3-gateway: 4 of 4 agree, 0 differ, 0 not measured yet$/m);
    assert.match(
      r.stdout,
      /^public-host\s+request s3 \(lab\)\s+denied\s+denied\s+agree\s+An error occurred \(AccessDenied\)/m,
    );
    assert.match(
      r.stdout,
      /^private-host\s+dns s3 \(lab\)\s+resolves-public\s+resolves-public\s+agree/m,
    );
    const calls = ec2.commandCalls(GetConsoleOutputCommand).map((c) => c.args[0].input);
    assert.deepEqual(
      calls.sort((a, b) => a.InstanceId!.localeCompare(b.InstanceId!)),
      [
        { InstanceId: PUBLIC, Latest: true },
        { InstanceId: PRIVATE, Latest: true },
      ],
    );
  });

  it("takes the newest of two rounds, and skips a line cut by the window or half written", async () => {
    answer(
      PRIVATE,
      consoleOf(
        line("private-host", "request-s3-lab", "times-out", "2025-01-01T00:01:00Z"),
        ...agreeing.private,
        'vel-probe {"lab":"s3-gateway","host":"private-ho',
      ),
    );
    answer(
      PUBLIC,
      consoleOf(
        line("public-host", "request-s3-lab", "works", "2025-01-01T00:01:00Z"),
        ...agreeing.public,
      ),
    );
    const r = await run(base);
    assert.equal(r.code, 0, r.stdout);
  });

  it("marks a probe whose result differs DIFFER, exits 1, and prints the model's reason", async () => {
    answer(
      PRIVATE,
      consoleOf(agreeing.private[0], line("private-host", "request-s3-lab", "times-out")),
    );
    answer(PUBLIC, consoleOf(...agreeing.public));
    const r = await run(base);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^private-host\s+request s3 \(lab\)\s+works\s+times-out\s+DIFFER/m);
    assert.match(
      r.stdout,
      /^ {4}model: works: via gateway endpoint vpce-\w+ \(prefix list pl-\w+ in rtb-\w+\)/m,
    );
    assert.match(r.stdout, /3 of 4 agree, 1 differ/);
  });

  it("without a stack export, says how to get the model's reason", async () => {
    answer(
      PRIVATE,
      consoleOf(agreeing.private[0], line("private-host", "request-s3-lab", "times-out")),
    );
    answer(PUBLIC, consoleOf(...agreeing.public));
    const withNames = path.join(dir, "with-names.json");
    const names = (await import("../../verify/names")).probeNamesFromGraph(
      fromStackExport(exported),
      outputs.expectations as never,
    );
    fs.writeFileSync(withNames, JSON.stringify({ ...outputs, probeNames: names }));
    const r = await run(["--outputs", withNames]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /model: pass --stack-export <file>/);
  });

  it("reports a host that never wrote a result as not measured, and exits 1", async () => {
    answer(PRIVATE, consoleOf(...agreeing.private));
    answer(PUBLIC, {});
    const r = await run(base);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /^public-host\s+dns s3 \(lab\)\s+resolves-public\s+\(no result yet\)\s+missing/m,
    );
    assert.match(r.stdout, /2 of 4 agree, 0 differ, 2 not measured yet/);
  });

  it("with --wait, polls until the missing host reports, with a progress line on stderr", async () => {
    answer(PRIVATE, consoleOf(...agreeing.private));
    ec2
      .on(GetConsoleOutputCommand, { InstanceId: PUBLIC, Latest: true })
      .resolvesOnce({})
      .resolves(consoleOf(...agreeing.public));
    const r = await run([...base, "--wait", "--interval", "15"]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stderr, "verify: 2 of 4 probes not reported yet (public-host); 600 s left\n");
    assert.deepEqual(r.sleeps, [15_000]);
  });

  it("with --wait, gives up at --timeout", async () => {
    answer(PRIVATE, consoleOf(...agreeing.private));
    answer(PUBLIC, {});
    const r = await run([...base, "--wait", "--timeout", "60", "--interval", "20"]);
    assert.equal(r.code, 1);
    assert.deepEqual(r.sleeps, [20_000, 20_000, 20_000]);
    assert.match(r.stdout, /2 not measured yet/);
  });

  it("names the host whose console cannot be read, and carries on", async () => {
    answer(PRIVATE, consoleOf(...agreeing.private));
    ec2
      .on(GetConsoleOutputCommand, { InstanceId: PUBLIC })
      .rejects(new Error("You are not authorized to perform this operation."));
    const r = await run(base);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read the console of public-host: You are not authorized/);
  });

  it("prints --json for machines", async () => {
    answer(
      PRIVATE,
      consoleOf(agreeing.private[0], line("private-host", "request-s3-lab", "times-out")),
    );
    answer(PUBLIC, consoleOf(...agreeing.public));
    const r = await run([...base, "--json"]);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.lab, "s3-gateway");
    const differ = doc.rows.find((row: { state: string }) => row.state === "DIFFER");
    assert.deepEqual(
      {
        from: differ.from,
        probe: differ.probe,
        kind: differ.kind,
        expected: differ.expected,
        measured: differ.measured,
      },
      {
        from: "private-host",
        probe: "request-s3-lab",
        kind: "request",
        expected: "works",
        measured: "times-out",
      },
    );
    assert.equal(differ.model.outcome, "works");
  });

  it("probes a laptop expectation from the laptop, as the lab's user when the lab made one", async () => {
    const laptopOutputs = path.join(dir, "laptop.json");
    const expectation = {
      from: "laptop",
      to: { kind: "aws-service", service: "s3", resource: "lab" },
      probe: "request",
      outcome: "403",
      why: "no aws:SourceVpce from outside",
    };
    fs.writeFileSync(
      laptopOutputs,
      JSON.stringify({
        ...outputs,
        expectations: [...(outputs.expectations as unknown[]), expectation],
        labUserAccessKeyId: "AKIAEXAMPLE",
        labUserSecretAccessKey: "secret-example",
      }),
    );
    answer(PRIVATE, consoleOf(...agreeing.private));
    answer(PUBLIC, consoleOf(...agreeing.public));
    const laptop: LaptopRun[] = [];
    const r = await run(["--outputs", laptopOutputs, "--stack-export", EXPORT], {
      laptop: async (l) => {
        laptop.push(l);
        return `noise\n${formatLine({ lab: "s3-gateway", host: "laptop", probe: "request-s3-lab", outcome: "denied", ms: 90, detail: "AccessDenied", at: "2025-01-01T00:05:00Z" })}\n`;
      },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(laptop, [
      {
        lab: "s3-gateway",
        client: "laptop",
        probes: [
          {
            id: "request-s3-lab",
            kind: "request",
            service: "s3",
            region: "ap-northeast-2",
            bucket: "lab-storage-bucket-9ba4657",
          },
        ],
        env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret-example" },
      },
    ]);
    assert.match(r.stdout, /^laptop\s+request s3 \(lab\)\s+denied\s+denied\s+agree/m);
  });

  describe("usage errors exit 2 and name the argument", () => {
    const cases: [string, string[], RegExp][] = [
      ["no source of outputs", [], /give one of --stack <name> or --outputs <file>/],
      ["both sources", ["--stack", "s3-gateway", "--outputs", "x.json"], /give one of/],
      ["an unknown flag", ["--outputs", "x.json", "--colour"], /unknown argument "--colour"/],
      ["a flag without its value", ["--outputs"], /--outputs needs a value/],
      [
        "a timeout that is not a number",
        ["--outputs", "x.json", "--timeout", "soon"],
        /--timeout takes a number of seconds above 0; got "soon"/,
      ],
      [
        "an outputs file that does not exist",
        ["--outputs", "/nonexistent/outputs.json"],
        /--outputs \/nonexistent\/outputs.json: ENOENT; write it with `pulumi stack output --json --show-secrets/,
      ],
    ];
    for (const [what, argv, message] of cases) {
      it(what, async () => {
        const r = await run(argv);
        assert.equal(r.code, 2);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /usage: npm run verify/);
        assert.equal(ec2.commandCalls(GetConsoleOutputCommand).length, 0);
      });
    }

    it("outputs without probe names and no stack export", async () => {
      const r = await run(["--outputs", outputsFile]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /exports no probeNames: pass --stack-export <file>/);
    });

    it("outputs that are not a lab's", async () => {
      const other = path.join(dir, "other.json");
      fs.writeFileSync(other, JSON.stringify({ url: "https://example.com" }));
      const r = await run(["--outputs", other]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no scenario and expectations/);
    });
  });
});
