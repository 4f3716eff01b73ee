/**
 * Every lab, in every config mode: each host's user data carries exactly the probes of the
 * lab's expectations from that host, the stack exports the probe names `verify` reads, a
 * recorded console on which every probe showed what the lab expects replays through `verify`
 * as all agree, and a config change keeps every host (its probes change in place, if at all).
 */
import { strict as assert } from "assert";
import { EC2Client, GetConsoleOutputCommand } from "@aws-sdk/client-ec2";
import * as pulumi from "@pulumi/pulumi";
import { mockClient } from "aws-sdk-client-mock";
import { PROBE_LIST_DELIMITER } from "../../components/probe-agent";
import type { Expectation } from "../../model/expectations";
import {
  type Measured,
  type Probe,
  probeFor,
  type ProbeNames,
  probesFor,
} from "../../model/probes";
import { TYPE } from "../../model/type-tokens";
import { SCENARIOS } from "../../scenarios";
import type { Scenario } from "../../scenarios/scenario";
import { expectedWord } from "../../verify/compare";
import { formatLine } from "../../verify/console-line";
import type { LaptopRun } from "../../verify/laptop";
import { verifyMain } from "../../verify/main";
import { graphOf, modesOf } from "../model/plans";

interface Lab {
  expectations: Expectation[];
  outputs: Record<string, unknown>;
  names: ProbeNames;
  /** Each instance's recorded inputs, by host name. */
  instances: Map<string, Record<string, unknown>>;
}

async function labOf(scenario: Scenario, config: Record<string, string>): Promise<Lab> {
  const { plan, expectations } = await graphOf(scenario, config);
  const outputs = (await (
    pulumi.output(plan.outputs) as unknown as { promise(): Promise<Record<string, unknown>> }
  ).promise()) as Record<string, unknown>;
  const instances = new Map(
    plan.resources
      .filter((r) => r.type === TYPE.instance)
      .map((r) => [r.name.replace(/-instance$/, ""), r.inputs]),
  );
  return { expectations, outputs, names: outputs.probeNames as ProbeNames, instances };
}

/** The probe list the user data writes to /etc/vel-probe/probes.json, or none without an agent. */
function userDataProbes(
  userData: unknown,
): { lab: string; host: string; probes: Probe[] } | undefined {
  if (typeof userData !== "string") return undefined;
  const lines = userData.split("\n");
  const start = lines.findIndex((l) => l.endsWith(`<<'${PROBE_LIST_DELIMITER}'`));
  if (start < 0) return undefined;
  return JSON.parse(lines[start + 1]);
}

/** What the agent writes when the lab is right: a lookup the model calls times-out has no answer. */
function measuredFor(e: Expectation): Measured {
  return e.probe === "dns" && e.outcome === "times-out" ? "no-answer" : expectedWord(e.outcome);
}

function lineFor(lab: string, e: Expectation, probe: string): string {
  return formatLine({
    lab,
    host: e.from,
    probe,
    outcome: measuredFor(e),
    ms: 130,
    detail: "recorded",
    at: "2025-01-01T00:05:00Z",
  });
}

describe("every lab's hosts carry their probes", function () {
  this.timeout(60_000);

  for (const scenario of SCENARIOS) {
    for (const mode of modesOf(scenario)) {
      describe(`${scenario.name} (${mode.name})`, () => {
        it("writes into each host's user data exactly the probes of the expectations from it", async () => {
          const lab = await labOf(scenario, mode.config);
          const clients = [...new Set(lab.expectations.map((e) => e.from))];
          for (const client of clients) {
            if (!lab.names.hosts[client]) {
              assert.equal(client, "laptop", `${client} is neither a lab host nor the laptop`);
              continue;
            }
            assert.match(String(lab.names.hosts[client].instanceId), /^i-[0-9a-f]{17}$/);
            const written = userDataProbes(lab.instances.get(client)?.userData);
            assert.ok(written, `${client} has no probe agent in its user data`);
            assert.equal(written.lab, scenario.name);
            assert.equal(written.host, client);
            assert.deepEqual(written.probes, probesFor(client, lab.expectations, lab.names));
            const ids = written.probes.map((p) => p.id);
            for (const e of lab.expectations.filter((x) => x.from === client)) {
              assert.ok(
                ids.includes(probeFor(e, lab.names).id),
                `${client}: ${JSON.stringify(e.to)}`,
              );
            }
          }
          for (const [host, inputs] of lab.instances) {
            if (clients.includes(host)) continue;
            assert.equal(userDataProbes(inputs.userData), undefined, `${host} probes nothing`);
          }
        });

        it("replays a recorded console through verify as every expectation agreeing", async () => {
          const lab = await labOf(scenario, mode.config);
          const ec2 = new EC2Client({ region: lab.names.region });
          const mock = mockClient(ec2);
          for (const [host, entry] of Object.entries(lab.names.hosts)) {
            const written = userDataProbes(lab.instances.get(host)?.userData);
            if (!written) continue;
            // One round per probe the host really carries, with the outcome the lab expects.
            const lines = written.probes.map((p) => {
              const e = lab.expectations.find(
                (x) => x.from === host && probeFor(x, lab.names).id === p.id,
              )!;
              return lineFor(scenario.name, e, p.id);
            });
            const text = ["[    3.100000] systemd[1]: Started vel-probe.timer", ...lines].join(
              "\r\n",
            );
            mock
              .on(GetConsoleOutputCommand, { InstanceId: entry.instanceId, Latest: true })
              .resolves({ Output: Buffer.from(text).toString("base64") });
          }
          const laptopRuns: LaptopRun[] = [];
          let stdout = "";
          const code = await verifyMain(["--stack", scenario.name, "--json"], {
            stackOutputs: async () => ({
              ...lab.outputs,
              scenario: scenario.name,
              expectations: lab.expectations,
            }),
            ec2: () => ec2,
            laptop: async (run) => {
              laptopRuns.push(run);
              return run.probes
                .map((p) => {
                  const e = lab.expectations.find(
                    (x) => x.from === run.client && probeFor(x, lab.names).id === p.id,
                  )!;
                  return lineFor(scenario.name, e, p.id);
                })
                .join("\n");
            },
            stdout: (t) => (stdout += t),
            stderr: () => undefined,
          });
          const rows = JSON.parse(stdout).rows as { from: string; probe: string; state: string }[];
          assert.deepEqual(
            rows.filter((r) => r.state !== "agree").map((r) => `${r.from} ${r.probe}: ${r.state}`),
            [],
          );
          assert.equal(rows.length, lab.expectations.length);
          assert.equal(code, 0);
          const laptop = lab.expectations.filter((e) => !lab.names.hosts[e.from]);
          assert.deepEqual(
            laptopRuns.map((r) => r.client),
            laptop.length ? ["laptop"] : [],
          );
        });
      });
    }
  }

  /**
   * Which config changes change which host's probes (by id). A change here updates the user data
   * in place; the host itself stays, because nothing else of its instance changes.
   */
  const PROBES_CHANGE: Record<string, string[]> = {
    "public-vs-private": [],
    "s3-gateway": [],
    "s3-interface": [],
    "dynamodb-bastion": ["interface: bastion", "interface-lab-user: bastion"],
    "cloudformation-private-dns": [],
    "instance-connect": [],
    "endpoint-service": ["pending-acceptance: consumer-host", "two-servers-two-azs: consumer-host"],
  };

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: keeps every host across its config modes, changing only the probes listed`, async () => {
      const [defaults, ...variants] = modesOf(scenario);
      const base = await labOf(scenario, defaults.config);
      const changed: string[] = [];
      for (const mode of variants) {
        const lab = await labOf(scenario, mode.config);
        for (const [host, inputs] of base.instances) {
          const other = lab.instances.get(host);
          if (!other) continue;
          const { userData: before, ...kept } = inputs;
          const { userData: after, ...now } = other;
          assert.deepEqual(now, kept, `${host}'s instance changes in ${mode.name}`);
          const written = userDataProbes(before);
          if (!written) {
            assert.equal(after, before, `${host}'s own script changes in ${mode.name}`);
            continue;
          }
          assert.equal(inputs.userDataReplaceOnChange, false, `${host} is replaced on a change`);
          const ids = (u: unknown) => JSON.stringify(userDataProbes(u)!.probes.map((p) => p.id));
          if (ids(before) !== ids(after)) changed.push(`${mode.name}: ${host}`);
        }
      }
      assert.deepEqual(changed, PROBES_CHANGE[scenario.name]);
    });
  }
});
