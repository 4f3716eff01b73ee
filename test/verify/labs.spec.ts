/**
 * Every registered lab, in every config mode, run under the offline engine: each expectation
 * maps to a probe on the client that runs it (a lab host, or the laptop), no probe carries an
 * outcome, the user data of every host stays under EC2's 16 KB, and a console on which every
 * probe reported what the lab expects reads back, through verify, as all agree.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { probeAgentUserData, USER_DATA_LIMIT } from "../../components/probe-agent";
import type { Expectation } from "../../model/expectations";
import { probeFor, probesFor, type Measured } from "../../model/probes";
import { SCENARIOS } from "../../scenarios";
import { compare, expectedWord } from "../../verify/compare";
import { formatLine, parseConsole } from "../../verify/console-line";
import { probeNamesFromGraph } from "../../verify/names";
import { graphOf, modesOf } from "../model/plans";

/** What the agent writes when the lab is right: a lookup the model calls times-out has no answer. */
function measuredFor(e: Expectation): Measured {
  return e.probe === "dns" && e.outcome === "times-out" ? "no-answer" : expectedWord(e.outcome);
}

describe("probes on every lab", function () {
  this.timeout(60_000);

  for (const scenario of SCENARIOS) {
    for (const mode of modesOf(scenario)) {
      describe(`${scenario.name} (${mode.name})`, () => {
        it("maps every expectation to a probe of its client: a lab host, or the laptop", async () => {
          const { graph, expectations } = await graphOf(scenario, mode.config);
          const names = probeNamesFromGraph(graph, expectations);
          for (const e of expectations) {
            const client = names.hosts[e.from] ? "host" : "laptop";
            if (client === "laptop")
              assert.equal(e.from, "laptop", `${e.from} is no host in the graph`);
            else assert.ok(names.hosts[e.from].instanceId, `${e.from} has an instance id`);
            const ids = probesFor(e.from, expectations, names).map((p) => p.id);
            assert.ok(ids.includes(probeFor(e, names).id), `${e.from}: ${JSON.stringify(e.to)}`);
          }
          const all = [...new Set(expectations.map((e) => e.from))].flatMap((c) =>
            probesFor(c, expectations, names),
          );
          for (const probe of all) {
            assert.deepEqual(
              Object.keys(probe).filter((k) => /outcome|expect/i.test(k)),
              [],
              `${probe.id} carries no expected result`,
            );
          }
        });

        it("keeps each host's user data under 16 KB", async () => {
          const { graph, expectations } = await graphOf(scenario, mode.config);
          const names = probeNamesFromGraph(graph, expectations);
          for (const host of Object.keys(names.hosts)) {
            const probes = probesFor(host, expectations, names);
            const size = Buffer.byteLength(
              probeAgentUserData({ lab: scenario.name, host, probes }),
            );
            assert.ok(size < USER_DATA_LIMIT, `${host}: ${size} bytes`);
          }
        });

        it("reads a console on which every probe showed what the lab expects as all agree", async () => {
          const { graph, expectations } = await graphOf(scenario, mode.config);
          const names = probeNamesFromGraph(graph, expectations);
          const lines = expectations.map((e) =>
            formatLine({
              lab: scenario.name,
              host: e.from,
              probe: probeFor(e, names).id,
              outcome: measuredFor(e),
              ms: 120,
              detail: "recorded",
              at: "2025-01-01T00:05:00Z",
            }),
          );
          const console = [
            "[   3.1] systemd[1]: Started vel-probe.timer",
            ...lines,
            "login: ",
          ].join("\r\n");
          const rows = compare(scenario.name, expectations, names, parseConsole(console).results);
          assert.deepEqual(
            rows
              .filter((r) => r.state !== "agree")
              .map((r) => `${r.expectation.from} ${r.probe.id}: ${r.state}`),
            [],
          );
          assert.equal(rows.length, expectations.length);
        });
      });
    }
  }

  it("measures the same probes in every mode of the labs whose modes change policies or DNS", async () => {
    const changing: string[] = [];
    for (const scenario of SCENARIOS) {
      const sets = new Set<string>();
      for (const mode of modesOf(scenario)) {
        const { expectations } = await graphOf(scenario, mode.config);
        const clients = [...new Set(expectations.map((e) => e.from))].sort();
        sets.add(
          JSON.stringify(
            clients.map((c) => [
              c,
              expectations
                .filter((e) => e.from === c)
                .map((e) => `${e.probe}:${JSON.stringify(e.to)}`)
                .sort(),
            ]),
          ),
        );
      }
      if (sets.size > 1) changing.push(scenario.name);
    }
    // Their modes add or remove targets (an interface endpoint, a lab user, web servers), so the
    // hosts' probes change with them, in place (test/scenarios/probes.spec.ts).
    assert.deepEqual(changing, ["dynamodb-bastion", "endpoint-service"]);
  });

  it("writes user data that bash parses", async () => {
    const scenario = SCENARIOS.find((s) => s.name === "s3-interface")!;
    const { graph, expectations } = await graphOf(scenario);
    const names = probeNamesFromGraph(graph, expectations);
    const script = probeAgentUserData({
      lab: scenario.name,
      host: "private-host",
      probes: probesFor("private-host", expectations, names),
    });
    execFileSync("bash", ["-n"], { input: script });
  });
});
