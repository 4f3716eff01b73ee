/**
 * AWS's Reachability Analyzer (the stack's `reachability` output, with config
 * `reachabilityAnalyzer`) against the connectivity model's network layer: did the analyzer find
 * a path where the model lets the request through the network (it works, or a policy answers
 * 403), and none where it does not? Pure: rows and the stack's analyses in, entries out.
 */
import { evaluate, ModelError } from "../model/connectivity";
import { describeTarget } from "../model/expectations";
import type { GraphResource } from "../model/graph";
import type { ReachabilityOutput } from "../scenarios/common";
import type { Row } from "./compare";

/** One analysis as the stack exports it. */
export type Analysis = ReachabilityOutput;

export type AnalysisState = "agree" | "DIFFER" | "no verdict";

export interface AnalysisEntry {
  analysis: Analysis;
  row?: Row;
  /** What the network carries by the model (or, without a stack export, by the lab's expectation). */
  reachable?: boolean;
  basis: "model" | "lab";
  state: AnalysisState;
}

/** The stack's analyses, or none when it exports none (the analyzer is off). */
export function analysesOf(value: unknown): Analysis[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (a): a is Analysis =>
      a !== null &&
      typeof a === "object" &&
      typeof a.from === "string" &&
      typeof a.probe === "string" &&
      typeof a.analysisId === "string",
  );
}

export function compareAnalyses(
  analyses: readonly Analysis[],
  rows: readonly Row[],
  graph: readonly GraphResource[] | undefined,
): AnalysisEntry[] {
  return analyses.map((analysis) => {
    const row = rows.find(
      (r) => r.expectation.from === analysis.from && r.probe.id === analysis.probe,
    );
    let reachable: boolean | undefined;
    let basis: AnalysisEntry["basis"] = "lab";
    if (row) {
      reachable = carried(row.expectation.outcome);
      if (graph) {
        try {
          reachable = carried(evaluate(graph, row.expectation).outcome);
          basis = "model";
        } catch (e) {
          if (!(e instanceof ModelError)) throw e;
        }
      }
    }
    const state: AnalysisState =
      analysis.status !== "succeeded" ||
      typeof analysis.pathFound !== "boolean" ||
      reachable === undefined
        ? "no verdict"
        : analysis.pathFound === reachable
          ? "agree"
          : "DIFFER";
    return {
      analysis,
      ...(row ? { row } : {}),
      ...(reachable === undefined ? {} : { reachable }),
      basis,
      state,
    };
  });
}

/** The network carried the request: it worked, or a policy refused it after it arrived. */
function carried(outcome: string): boolean {
  return outcome === "works" || outcome === "403";
}

export function renderAnalyses(entries: readonly AnalysisEntry[]): string {
  if (entries.length === 0) return "";
  const lines = [
    "Reachability Analyzer (AWS, pathFound) against the connectivity model's network layer:",
  ];
  for (const e of entries) {
    const a = e.analysis;
    const what = e.row
      ? `${e.row.expectation.probe} ${describeTarget(e.row.expectation.to)}`
      : a.probe;
    const found =
      a.status !== "succeeded"
        ? `analysis ${a.status}`
        : typeof a.pathFound === "boolean"
          ? a.pathFound
            ? "path found"
            : "no path"
          : "no verdict";
    const by = e.basis === "model" ? "model" : "lab expects (pass --stack-export for the model)";
    const reach =
      e.reachable === undefined ? "?" : e.reachable ? "network carries it" : "network stops it";
    lines.push(
      `  ${a.from}  ${what}  tcp/${a.port}  ${a.analysisId}: ${found}; ${by}: ${reach}  ${e.state}`,
    );
  }
  return lines.join("\n") + "\n";
}
