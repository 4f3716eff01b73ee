/**
 * What `verify` decides: for each of the lab's expectations, the newest result of its probe on
 * the client that runs it, and whether the two agree. Pure: results in, rows out.
 */
import { describeTarget, type Expectation, type Outcome } from "../model/expectations";
import { agrees, type Measured, type Probe, probeFor, type ProbeNames } from "../model/probes";
import { newestByProbe, type ProbeResult } from "./console-line";

export type RowState = "agree" | "DIFFER" | "missing";

export interface Row {
  expectation: Expectation;
  probe: Probe;
  state: RowState;
  measured?: ProbeResult;
  /** For a difference, what the connectivity model says and why (with --stack-export). */
  model?: { outcome: Outcome; detail: string };
}

/** One row per expectation, in the lab's order. */
export function compare(
  lab: string,
  expectations: readonly Expectation[],
  names: ProbeNames,
  results: readonly ProbeResult[],
): Row[] {
  const newest = newestByProbe(results.filter((r) => r.lab === lab));
  return expectations.map((expectation) => {
    const probe = probeFor(expectation, names);
    const measured = newest.get(`${expectation.from}\u0000${probe.id}`);
    const state: RowState = !measured
      ? "missing"
      : agrees(expectation.outcome, measured.outcome, probe.kind)
        ? "agree"
        : "DIFFER";
    return { expectation, probe, state, ...(measured ? { measured } : {}) };
  });
}

/** What the lab expects, in the words the agent measures with. */
export function expectedWord(outcome: Outcome): Measured {
  return outcome === "403" ? "denied" : outcome;
}

/** The table a person reads; differences carry the model's reason when there is one. */
export function renderTable(lab: string, rows: readonly Row[]): string {
  const header = ["from", "expectation", "expected", "measured", "", "detail"];
  const body = rows.map((r) => [
    r.expectation.from,
    `${r.expectation.probe} ${describeTarget(r.expectation.to)}`,
    expectedWord(r.expectation.outcome),
    r.measured?.outcome ?? "(no result yet)",
    r.state === "missing" ? "missing" : r.state,
    r.measured ? `${r.measured.detail} (${r.measured.ms} ms, ${r.measured.at})` : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const out = [`== ${lab}: ${summary(rows)}`, line(header)];
  for (const [i, r] of rows.entries()) {
    out.push(line(body[i]));
    if (r.state === "DIFFER") {
      out.push(
        r.model
          ? `    model: ${r.model.outcome}: ${r.model.detail}`
          : "    model: pass --stack-export <file> (pulumi stack export --show-secrets) for the model's reasons",
      );
    }
  }
  return out.join("\n") + "\n";
}

export function summary(rows: readonly Row[]): string {
  const count = (s: RowState): number => rows.filter((r) => r.state === s).length;
  return `${count("agree")} of ${rows.length} agree, ${count("DIFFER")} differ, ${count("missing")} not measured yet`;
}

/** 0 when every expectation was measured and agrees, 1 otherwise. */
export function exitCodeOf(rows: readonly Row[]): 0 | 1 {
  return rows.every((r) => r.state === "agree") ? 0 : 1;
}
