import { strict as assert } from "assert";
import {
  formatLine,
  newestByProbe,
  parseConsole,
  type ProbeResult,
} from "../../verify/console-line";

const result = (over: Partial<ProbeResult> = {}): ProbeResult => ({
  lab: "s3-gateway",
  host: "private-host",
  probe: "request-s3-lab",
  outcome: "works",
  ms: 412,
  detail: "exit 0",
  at: "2025-01-01T00:05:00Z",
  ...over,
});

describe("the console line", () => {
  it("is the prefix and compact JSON in a fixed key order", () => {
    assert.equal(
      formatLine(result()),
      'vel-probe {"lab":"s3-gateway","host":"private-host","probe":"request-s3-lab","outcome":"works","ms":412,"detail":"exit 0","at":"2025-01-01T00:05:00Z"}',
    );
  });

  it("puts a long, multi-line detail on one short line", () => {
    const line = formatLine(result({ detail: `first\n  second ${"x".repeat(300)}` }));
    const [parsed] = parseConsole(line).results;
    assert.ok(parsed.detail.startsWith("first second x"));
    assert.equal(parsed.detail.length, 160);
    assert.ok(parsed.detail.endsWith("..."));
  });

  it("finds results among kernel messages and CRLF line ends, even after a timestamp", () => {
    const text = `[  1.0] kernel\r\n[ 60.2] ${formatLine(result())}\r\nlogin:`;
    assert.deepEqual(parseConsole(text), { results: [result()], damaged: 0 });
  });

  it("counts a half-written line and an unknown outcome as damaged, and ignores a line cut before its prefix", () => {
    const text = [
      '"outcome":"works","ms":1}',
      'vel-probe {"lab":"s3-gateway","host":"priv',
      formatLine(result()).replace('"works"', '"fine"'),
      formatLine(result({ probe: "dns-s3-lab", outcome: "resolves-public" })),
    ].join("\n");
    const parsed = parseConsole(text);
    assert.equal(parsed.damaged, 2);
    assert.deepEqual(
      parsed.results.map((r) => r.probe),
      ["dns-s3-lab"],
    );
  });

  it("keeps the newest result of each probe on each host", () => {
    const newest = newestByProbe([
      result({ outcome: "times-out", at: "2025-01-01T00:01:00Z" }),
      result({ host: "public-host", outcome: "denied" }),
      result({ outcome: "works", at: "2025-01-01T00:02:00Z" }),
    ]);
    assert.equal(newest.size, 2);
    assert.equal(newest.get("private-host\u0000request-s3-lab")?.outcome, "works");
  });
});
