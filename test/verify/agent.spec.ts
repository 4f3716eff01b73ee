/**
 * The probe agent as it runs on a host, against servers on loopback: one that never answers, one
 * that answers S3's 403 AccessDenied, one that answers 200, a port nobody listens on; names
 * resolved through a hosts file; the AWS CLI replaced by a stand-in that talks to those servers
 * and fails with the CLI's messages. Its console lines are read back by verify's parser.
 */
import { strict as assert } from "assert";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { probeAgentUserData } from "../../components/probe-agent";
import { AGENT_PY } from "../../components/probe-agent-script";
import type { Probe } from "../../model/probes";
import { formatLine, parseConsole, type ProbeResult } from "../../verify/console-line";

const FAKE_AWS = path.join(__dirname, "fixtures", "fake-aws.py");
const S3_DENIED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>' +
  "<RequestId>4442587FB7D0A2F9</RequestId></Error>";

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)),
  );
}

describe("the probe agent, on loopback", function () {
  this.timeout(20_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vel-agent-spec-"));
  const consolePath = path.join(dir, "ttyS0");
  const logPath = path.join(dir, "vel-probe.log");
  const agent = path.join(dir, "vel-probe");
  const held: net.Socket[] = [];
  const silent = net.createServer((socket) => held.push(socket));
  const denied = http.createServer((_req, res) => {
    res.writeHead(403, { "Content-Type": "application/xml" });
    res.end(S3_DENIED);
  });
  const ssh = net.createServer((socket) => socket.end("SSH-2.0-OpenSSH_8.7\r\n"));
  const ok = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end("<h1>web-server-1</h1>");
  });
  let byProbe: Map<string, ProbeResult>;
  let consoleText: string;
  let ports: { silent: number; denied: number; ok: number; ssh: number; closed: number };

  before(async () => {
    const closedServer = net.createServer();
    ports = {
      silent: await listen(silent),
      denied: await listen(denied),
      ok: await listen(ok),
      ssh: await listen(ssh),
      closed: await listen(closedServer),
    };
    await new Promise((resolve) => closedServer.close(resolve));

    fs.writeFileSync(agent, AGENT_PY);
    fs.writeFileSync(
      path.join(dir, "hosts"),
      [
        "# the VPC resolver, as a hosts file",
        "10.0.1.5   bucket.vpce-0a1b2c3d-4e5f.s3.ap-northeast-2.vpce.amazonaws.com",
        "10.0.1.6   bucket.vpce-0a1b2c3d-4e5f.s3.ap-northeast-2.vpce.amazonaws.com",
        "52.95.1.1  lab-bucket-9b7a59d.s3.ap-northeast-2.amazonaws.com",
      ].join("\n") + "\n",
    );
    const loop = (port: number) => `http://127.0.0.1:${port}`;
    const s3 = {
      kind: "request",
      service: "s3",
      region: "ap-northeast-2",
      bucket: "lab-bucket-9b7a59d",
    } as const;
    const probes: Probe[] = [
      {
        id: "dns-s3-lab-via-s3-interface",
        kind: "dns",
        name: "bucket.vpce-0a1b2c3d-4e5f.s3.ap-northeast-2.vpce.amazonaws.com",
        privateCidrs: ["10.0.0.0/16"],
      },
      {
        id: "dns-s3-lab",
        kind: "dns",
        name: "lab-bucket-9b7a59d.s3.ap-northeast-2.amazonaws.com",
        privateCidrs: ["10.0.0.0/16"],
      },
      { id: "dns-nowhere", kind: "dns", name: "nowhere.invalid", privateCidrs: ["10.0.0.0/16"] },
      { ...s3, id: "request-denied", endpointUrl: loop(ports.denied) },
      { ...s3, id: "request-silent", endpointUrl: loop(ports.silent) },
      { ...s3, id: "request-ok", endpointUrl: loop(ports.ok) },
      { id: "http-ok", kind: "http", url: `${loop(ports.ok)}/` },
      { id: "http-denied", kind: "http", url: `${loop(ports.denied)}/` },
      { id: "http-silent", kind: "http", url: `${loop(ports.silent)}/` },
      { id: "http-refused", kind: "http", url: `${loop(ports.closed)}/` },
      { id: "tcp-ok", kind: "tcp", host: "127.0.0.1", port: ports.ok },
      { id: "tcp-refused", kind: "tcp", host: "127.0.0.1", port: ports.closed },
      {
        id: "tcp-tunnel",
        kind: "tcp",
        host: "i-0a1b2c3d4e5f67890",
        port: ports.ssh,
        tunnel: { instanceId: "i-0a1b2c3d4e5f67890", region: "ap-northeast-2" },
      },
      {
        id: "tcp-tunnel-denied",
        kind: "tcp",
        host: "i-denied",
        port: ports.ssh,
        tunnel: { instanceId: "i-denied", region: "ap-northeast-2" },
      },
    ];
    fs.writeFileSync(
      path.join(dir, "probes.json"),
      JSON.stringify({ lab: "s3-interface", host: "private-host", probes }),
    );
    // Asynchronously: the servers answer from this process's event loop.
    await new Promise<void>((resolve, reject) => {
      execFile(
        "python3",
        [
          agent,
          "run",
          ...["--probes", path.join(dir, "probes.json"), "--console", consolePath],
          ...[
            "--log",
            logPath,
            "--hosts-file",
            path.join(dir, "hosts"),
            "--timeout",
            "1",
            "--aws",
            FAKE_AWS,
          ],
        ],
        (error, _stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
      );
    });
    consoleText = fs.readFileSync(consolePath, "utf8");
    byProbe = new Map(parseConsole(consoleText).results.map((r) => [r.probe, r]));
  });

  after(() => {
    held.forEach((s) => s.destroy());
    silent.close();
    denied.close();
    ok.close();
    ssh.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const expect = (probe: string, outcome: string, detail?: RegExp) => {
    const result = byProbe.get(probe);
    assert.ok(result, `no result for ${probe} on the console:\n${consoleText}`);
    assert.equal(result.outcome, outcome, `${probe}: ${result.detail}`);
    if (detail) assert.match(result.detail, detail);
    assert.equal(result.lab, "s3-interface");
    assert.equal(result.host, "private-host");
  };

  it("classifies a name inside the VPC's CIDR as resolves-private, with the addresses", () =>
    expect("dns-s3-lab-via-s3-interface", "resolves-private", /^10\.0\.1\.5 10\.0\.1\.6$/));
  it("classifies a name outside it as resolves-public", () =>
    expect("dns-s3-lab", "resolves-public", /52\.95\.1\.1/));
  it("reports a name with no address as no-answer", () => expect("dns-nowhere", "no-answer"));

  it("reports S3's 403 AccessDenied as denied, with the CLI's message", () =>
    expect(
      "request-denied",
      "denied",
      /An error occurred \(AccessDenied\) when calling the ListObjectsV2 operation: Access Denied/,
    ));
  it("reports a request nobody answers as times-out", () =>
    expect("request-silent", "times-out", /Read timeout on endpoint URL/));
  it("reports a CLI call that exits 0 as works", () => expect("request-ok", "works"));

  it("reports HTTP 200 as works, 403 as denied, silence as times-out, a closed port as refused", () => {
    expect("http-ok", "works", /HTTP 200/);
    expect("http-denied", "denied", /HTTP 403/);
    expect("http-silent", "times-out");
    expect("http-refused", "refused");
  });

  it("reports TCP connections as works or refused", () => {
    expect("tcp-ok", "works");
    expect("tcp-refused", "refused");
  });

  it("reaches a host through an Instance Connect tunnel when the far end speaks first", () => {
    expect("tcp-tunnel", "works", /^through Instance Connect: SSH-2\.0-OpenSSH_8\.7$/);
    expect("tcp-tunnel-denied", "denied", /AccessDeniedException.*OpenTunnel/);
  });

  it("writes one line per probe, which verify's parser reads and writes back byte for byte", () => {
    const lines = consoleText.split("\n").filter(Boolean);
    assert.equal(lines.length, 14);
    const parsed = parseConsole(consoleText);
    assert.equal(parsed.damaged, 0);
    assert.deepEqual(parsed.results.map(formatLine), lines);
  });

  it("keeps a round short enough for the console's last 64 KB to hold many", () => {
    for (const line of consoleText.split("\n").filter(Boolean)) {
      assert.ok(line.length <= 400, `${line.length} characters: ${line}`);
    }
  });

  it("appends the same lines to its log, and prints them as a table", () => {
    assert.equal(fs.readFileSync(logPath, "utf8"), consoleText);
    const table = execFileSync("python3", [agent, "table", "--log", logPath], { encoding: "utf8" });
    assert.match(table, /^probe\s+outcome\s+ms\s+at\s+detail$/m);
    assert.match(
      table,
      /^request-denied\s+denied\s+\d+\s+\S+Z\s+An error occurred \(AccessDenied\)/m,
    );
  });
});

describe("the probe agent, re-reading its probes from the instance's user data", function () {
  this.timeout(20_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vel-imds-spec-"));
  const agent = path.join(dir, "vel-probe");
  const dnsProbe = (id: string): Probe => ({
    id,
    kind: "dns",
    name: "lab-bucket-9b7a59d.s3.ap-northeast-2.amazonaws.com",
    privateCidrs: ["10.0.0.0/16"],
  });
  // IMDSv2: a PUT for a token, then the token on every GET; without it, 401.
  const imds = http.createServer((req, res) => {
    if (req.method === "PUT" && req.url === "/latest/api/token") {
      res.end("imds-token-1");
    } else if (
      req.url === "/latest/user-data" &&
      req.headers["x-aws-ec2-metadata-token"] === "imds-token-1"
    ) {
      // What `pulumi up` wrote in place after the probes changed: a new probe id.
      res.end(
        probeAgentUserData({
          lab: "s3-gateway",
          host: "private-host",
          probes: [dnsProbe("dns-from-user-data")],
        }),
      );
    } else {
      res.writeHead(401);
      res.end();
    }
  });
  let port: number;
  let closed: number;

  before(async () => {
    port = await listen(imds);
    const closedServer = net.createServer();
    closed = await listen(closedServer);
    await new Promise((resolve) => closedServer.close(resolve));
    fs.writeFileSync(agent, AGENT_PY);
    fs.writeFileSync(
      path.join(dir, "hosts"),
      "52.95.1.1  lab-bucket-9b7a59d.s3.ap-northeast-2.amazonaws.com\n",
    );
    // What the first boot wrote.
    fs.writeFileSync(
      path.join(dir, "probes.json"),
      JSON.stringify({
        lab: "s3-gateway",
        host: "private-host",
        probes: [dnsProbe("dns-from-file")],
      }),
    );
  });

  after(() => {
    imds.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (imdsUrl: string) =>
    new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        "python3",
        [
          agent,
          "run",
          ...["--imds", imdsUrl, "--probes", path.join(dir, "probes.json"), "--stdout"],
          ...["--console", "", "--log", "", "--hosts-file", path.join(dir, "hosts")],
        ],
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
      );
    });

  it("measures the probes the user data holds now, not those of the first boot", async () => {
    const { stdout } = await run(`http://127.0.0.1:${port}`);
    const results = parseConsole(stdout).results;
    assert.deepEqual(
      results.map((r) => [r.lab, r.host, r.probe, r.outcome]),
      [["s3-gateway", "private-host", "dns-from-user-data", "resolves-public"]],
    );
  });

  it("falls back to the first boot's file when the metadata service does not answer", async () => {
    const { stdout, stderr } = await run(`http://127.0.0.1:${closed}`);
    assert.deepEqual(
      parseConsole(stdout).results.map((r) => r.probe),
      ["dns-from-file"],
    );
    assert.match(stderr, /^vel-probe: user data unreadable \(.*\); using .*probes\.json$/m);
  });
});
