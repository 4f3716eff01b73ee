/**
 * The probe agent's result line, both directions: `vel-probe {"lab":…,"host":…,"probe":…,
 * "outcome":…,"ms":…,"detail":…,"at":…}`. The agent (components/probe-agent-script.ts) writes it
 * to the serial console; `verify` finds it in `GetConsoleOutput`'s text among kernel messages,
 * with the first line of the 64 KB window cut anywhere and the last one possibly half written.
 */
import { MEASURED, type Measured } from "../model/probes";

export const LINE_PREFIX = "vel-probe ";
/** The agent shortens details to this many characters, so a round stays small on the console. */
export const DETAIL_MAX = 160;

export interface ProbeResult {
  lab: string;
  host: string;
  /** The probe's id (model/probes.ts probeId). */
  probe: string;
  outcome: Measured;
  ms: number;
  detail: string;
  /** UTC, ISO 8601 to the second. */
  at: string;
}

/**
 * One result as the agent writes it: the same keys in the same order, compact JSON, the detail on
 * one line and shortened.
 */
export function formatLine(r: ProbeResult): string {
  const flat = r.detail.split(/\s+/).filter(Boolean).join(" ");
  const detail = flat.length <= DETAIL_MAX ? flat : `${flat.slice(0, DETAIL_MAX - 3)}...`;
  const record = {
    lab: r.lab,
    host: r.host,
    probe: r.probe,
    outcome: r.outcome,
    ms: r.ms,
    detail,
    at: r.at,
  };
  return LINE_PREFIX + JSON.stringify(record);
}

export interface ParsedConsole {
  /** Every well-formed result, in the order written. */
  results: ProbeResult[];
  /** Lines that carry the prefix but no whole result (cut by the window, half written). */
  damaged: number;
}

/** Every result in a console's text; anything else on it is ignored. */
export function parseConsole(text: string): ParsedConsole {
  const results: ProbeResult[] = [];
  let damaged = 0;
  for (const raw of text.split(/\r?\n|\r/)) {
    const at = raw.indexOf(LINE_PREFIX + "{");
    if (at < 0) continue;
    const result = parseRecord(raw.slice(at + LINE_PREFIX.length).trim());
    if (result) results.push(result);
    else damaged += 1;
  }
  return { results, damaged };
}

/** The newest result of each probe: the last one written wins. */
export function newestByProbe(results: readonly ProbeResult[]): Map<string, ProbeResult> {
  const newest = new Map<string, ProbeResult>();
  for (const r of results) newest.set(`${r.host}\u0000${r.probe}`, r);
  return newest;
}

function parseRecord(json: string): ProbeResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const strings = ["lab", "host", "probe", "detail", "at"] as const;
  if (strings.some((k) => typeof v[k] !== "string")) return undefined;
  if (typeof v.ms !== "number" || !MEASURED.includes(v.outcome as Measured)) return undefined;
  return {
    lab: v.lab as string,
    host: v.host as string,
    probe: v.probe as string,
    outcome: v.outcome as Measured,
    ms: v.ms,
    detail: v.detail as string,
    at: v.at as string,
  };
}
