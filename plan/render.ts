/**
 * The plan as text for a terminal (verdicts first, lines that fit the width, colour only when
 * asked) and as JSON for machines. Pure: reports in, strings out.
 */
import type { LabReport } from "./report";
import type { CostEstimate } from "./cost";
import { available, QUOTAS, QuotaUse, regionFit, RegionFit } from "./quotas";
import { describeTarget } from "../scenarios/scenario";

/** ANSI styling, or none: every function returns its text unchanged when colour is off. */
export interface Style {
  good(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function styles(color: boolean): Style {
  const sgr = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { good: sgr("32"), bad: sgr("31"), warn: sgr("33"), dim: sgr("2"), bold: sgr("1") };
}

/** How the text is laid out. */
export interface Layout {
  /** Columns a line may take. */
  width: number;
  /** Print each lab's resource tree after its verdicts. */
  tree: boolean;
}

/** Terminals report their width; pipes and files get this. */
export const DEFAULT_WIDTH = 100;

const DEFAULT_LAYOUT: Layout = { width: DEFAULT_WIDTH, tree: false };

/**
 * `text` in lines of at most `width` columns, broken between words; the first line starts with
 * `first`, the others with `rest`. A word longer than a line keeps a line of its own, whole: a
 * URL or an ARN cut in two is worse than a long line.
 */
export function wrap(text: string, width: number, first = "", rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? "" : " ") + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/**
 * A shell command in lines of at most `width`, broken only at spaces outside quotes and each
 * continued with ` \`, so the lines pasted into bash or sh run as the one command.
 */
export function wrapCommand(command: string, width: number, first: string, rest: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote: string | undefined;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === " ") {
      if (word !== "") words.push(word);
      word = "";
      continue;
    }
    word += ch;
  }
  if (word !== "") words.push(word);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of words) {
    // Room for the ` \` that continues the line.
    if (!empty && line.length + 1 + w.length + 2 > width) {
      lines.push(`${line} \\`);
      line = rest + w;
    } else {
      line += (empty ? "" : " ") + w;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** A table cell: its text, and how to paint it once padded (so colour never skews widths). */
type Cell = string | { text: string; paint: (text: string) => string };

const textOf = (c: Cell | undefined) => (c === undefined ? "" : typeof c === "string" ? c : c.text);
const paintOf = (c: Cell | undefined) => (typeof c === "object" ? c.paint : (t: string) => t);

/**
 * Rows as aligned columns, two spaces apart. A column is at most `maxWidth` wide: a longer cell
 * pushes only its own row. The last column is not padded; when it would cross `width` it wraps,
 * aligned under its own start, or under the row when too little room is left beside it.
 */
export function table(
  rows: readonly Cell[][],
  { indent = "  ", width = DEFAULT_WIDTH, maxWidth = 60 } = {},
): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.min(maxWidth, Math.max(...rows.map((r) => textOf(r[i]).length))),
  );
  const out: string[] = [];
  for (const r of rows) {
    const head = r
      .slice(0, -1)
      .map((cell, i) => paintOf(cell)(textOf(cell).padEnd(widths[i])))
      .join("  ");
    const start =
      indent.length +
      r.slice(0, -1).reduce((n, c, i) => n + Math.max(widths[i], textOf(c).length) + 2, 0);
    const last = r[r.length - 1];
    const paint = paintOf(last);
    const lead = indent + (r.length > 1 ? `${head}  ` : "");
    if (start + textOf(last).length <= width || width - start >= 24) {
      const [firstLine, ...more] = wrap(textOf(last), width, "".padEnd(start), "".padEnd(start));
      out.push((lead + paint(firstLine.slice(start))).trimEnd());
      out.push(...more.map((l) => "".padEnd(start) + paint(l.slice(start))));
    } else {
      out.push(lead.trimEnd());
      const under = `${indent}    `;
      out.push(
        ...wrap(textOf(last), width, under).map((l) => under + paint(l.slice(under.length))),
      );
    }
  }
  return out;
}

/** The resource tree: each component with its children indented under it. */
export function resourceTree(
  resources: readonly {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    custom?: boolean;
  }[],
): [string, string][] {
  const urns = new Set(resources.map((r) => r.urn));
  const children = new Map<string, (typeof resources)[number][]>();
  const roots: (typeof resources)[number][] = [];
  for (const r of resources) {
    if (r.parent && urns.has(r.parent)) {
      children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    } else {
      roots.push(r);
    }
  }
  const rows: [string, string][] = [];
  const walk = (r: (typeof resources)[number], depth: number) => {
    // A component shows its class name (LabVpc); a cloud resource its full type token.
    const label = r.type.startsWith("aws:") ? r.type : (r.type.split(":").pop() ?? r.type);
    rows.push([`${"  ".repeat(depth)}${label}`, r.name]);
    for (const child of children.get(r.urn) ?? []) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return rows;
}

/**
 * A policy message split into its prose and the JSON statement it asks to add, so the statement
 * can be shown as an indented block instead of one long line.
 */
export function splitStatement(message: string): { before: string; json?: unknown; after: string } {
  for (let start = message.indexOf("{"); start >= 0; start = message.indexOf("{", start + 1)) {
    const end = matchingBrace(message, start);
    if (end < 0) continue;
    try {
      const json: unknown = JSON.parse(message.slice(start, end + 1));
      return { before: message.slice(0, start).trim(), json, after: message.slice(end + 1).trim() };
    } catch {
      // Not JSON: braces in prose. Try the next one.
    }
  }
  return { before: message, after: "" };
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === "{") {
      depth++;
    } else if (ch === "}" && --depth === 0) {
      return i;
    }
  }
  return -1;
}

function money(value: number | "unknown", digits: number): string {
  return value === "unknown" ? "unknown" : value.toFixed(digits);
}

function costLines(cost: CostEstimate, style: Style, width: number): string[] {
  const out: string[] = [];
  out.push(
    style.bold(
      `Cost estimate (${cost.region}, ${cost.currency} on-demand, prices of ${cost.asOf}, month = ${cost.hoursPerMonth} h)`,
    ),
  );
  const unknown = (v: number | "unknown", digits: number): Cell =>
    v === "unknown" ? { text: "unknown", paint: style.warn } : money(v, digits);
  const rows: Cell[][] = [
    ["resource", "qty", "USD/unit-h", "USD/hour", "USD/month", "billed"].map((h) => ({
      text: h,
      paint: style.dim,
    })),
    ...cost.lines.map((l) => [
      l.name,
      String(l.quantity),
      l.usdPerUnitHour === 0 ? "free" : unknown(l.usdPerUnitHour, 4),
      unknown(l.usdPerHour, 4),
      unknown(l.usdPerMonth, 2),
      l.what,
    ]),
    [
      { text: cost.complete ? "total" : "total of known prices", paint: style.bold },
      "",
      "",
      { text: cost.usdPerHour.toFixed(4), paint: style.bold },
      { text: cost.usdPerMonth.toFixed(2), paint: style.bold },
      "",
    ],
  ];
  out.push(...table(rows, { width }));
  for (const u of cost.unknown) {
    out.push(...wrap(`${u}: look it up on the pages below`, width, "  ").map(style.warn));
  }
  if (cost.oneTime.lines.length) {
    const n = cost.oneTime.lines.length;
    const text = `plus USD ${cost.oneTime.usd.toFixed(2)} once: ${n} Reachability Analyzer ${n === 1 ? "analysis" : "analyses"} (USD 0.10 each, when created)`;
    out.push(...wrap(text, width, "  "));
  }
  return out;
}

/** The quotas a lab takes, those it uses at all, as "VPCs 1 of 5". */
function quotaLines(use: QuotaUse, style: Style, width: number): string[] {
  const taken = QUOTAS.filter((q) => use[q.key] > 0).map((q) => {
    const text = `${q.name} ${use[q.key]} of ${q.limit}`;
    return use[q.key] > available(q) ? style.bad(`${text} (too many for one Region)`) : text;
  });
  return [
    style.bold("Quotas it takes (AWS defaults, per Region unless named)"),
    ...wrap(taken.length > 0 ? taken.join(", ") : "none", width, "  "),
  ];
}

export function renderText(
  report: LabReport,
  style: Style = styles(false),
  layout: Layout = DEFAULT_LAYOUT,
): string {
  const { scenario } = report;
  const { width } = layout;
  const lines: string[] = [];
  const given = Object.entries(report.config).map(([k, v]) => `${k}=${v}`);
  lines.push(...wrap(`== ${scenario.name}: ${scenario.title}`, width, "", "   ").map(style.bold));
  const variant = report.variant ? ` (variant ${report.variant})` : "";
  const source = report.stackExport
    ? `deployed stack, from ${report.stackExport}`
    : `config ${given.length > 0 ? given.join(" ") : "defaults"}${variant}`;
  lines.push(
    ...wrap(
      `seeds ${scenario.seeds.join(", ")}; region ${report.region}; ${source}`,
      width,
      "   ",
    ).map(style.dim),
  );
  const variants = (scenario.variants ?? []).map((v) => v.name);
  if (variants.length > 0 && !report.variant && !report.stackExport) {
    lines.push(
      ...wrap(`variants: ${variants.join(", ")} (--variant <name>)`, width, "   ", "     ").map(
        style.dim,
      ),
    );
  }
  lines.push("");

  const agree = report.judged.filter((j) => j.ok).length;
  const heading = `Expectations (${report.judged.length}; the connectivity model agrees with ${agree})`;
  lines.push(style.bold(agree === report.judged.length ? heading : style.bad(heading)));
  const rows: Cell[][] = [
    ["", "from", "to", "probe", "expected", "model"].map((h) => ({ text: h, paint: style.dim })),
    ...report.judged.map((j) => [
      j.ok ? { text: "ok", paint: style.good } : { text: "MISMATCH", paint: style.bad },
      j.expectation.from,
      describeTarget(j.expectation.to),
      j.expectation.probe,
      j.expectation.outcome,
      j.ok
        ? (j.verdict?.outcome ?? "")
        : { text: j.verdict?.outcome ?? "no verdict", paint: style.bad },
    ]),
  ];
  const tableLines = table(rows, { width });
  const detailIndent = "      ";
  lines.push(tableLines[0]);
  report.judged.forEach((j, i) => {
    lines.push(tableLines[i + 1]);
    const hang = `${detailIndent}       `;
    lines.push(...wrap(j.expectation.why, width, `${detailIndent}why    `, hang).map(style.dim));
    const model = wrap(j.verdict?.detail ?? j.error ?? "", width, `${detailIndent}model  `, hang);
    lines.push(...model.map(j.ok ? style.dim : style.bad));
  });
  lines.push("");

  lines.push(style.bold("Checks (run them on the deployed lab)"));
  for (const check of report.checks) {
    // A command to open the shell is printed as one, so it pastes whole; prose is wrapped.
    const command = /^(aws|ssh) /.test(check.connect)
      ? /^(.*?)(?: \((.*)\))?$/.exec(check.connect)!
      : undefined;
    if (command) {
      lines.push(`  ${check.host}:${command[2] ? style.dim(` (${command[2]})`) : ""}`);
      lines.push(...wrapCommand(command[1], width, "    $ ", "        "));
    } else {
      lines.push(...wrap(`${check.host}: ${check.connect}`, width, "  ", "      "));
    }
    for (const step of check.steps) {
      lines.push(...wrapCommand(step.run, width, "    $ ", "        "));
      lines.push(...wrap(step.expect, width, "      expect: ", "              ").map(style.dim));
    }
  }
  lines.push("");

  const mandatory = report.policy.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = report.policy.length - mandatory;
  lines.push(
    ...wrap(
      `Policy pack: ${mandatory} mandatory, ${advisory} advisory (information here; a mandatory one would block \`pulumi up\`)`,
      width,
    ).map(style.bold),
  );
  const flagged =
    (report.variant
      ? report.scenario.variants?.find((v) => v.name === report.variant)?.flaggedBy
      : report.scenario.flaggedBy) ?? [];
  if (flagged.length > 0) {
    lines.push(
      ...wrap(
        `expected: this lab is meant to trip ${flagged.join(", ")}; the weak setup is the lesson`,
        width,
        "  ",
        "    ",
      ).map(style.dim),
    );
  }
  if (report.policy.length === 0) lines.push("  no violations");
  for (const v of report.policy) {
    const level = v.enforcementLevel === "mandatory" ? style.bad : style.warn;
    const where = v.urn ? (v.urn.split("::").pop() ?? v.urn) : "(stack)";
    lines.push(`  ${level(v.enforcementLevel)}  ${v.policyName}  ${where}`);
    const { before, json, after } = splitStatement(v.message);
    lines.push(...wrap(before, width, "      "));
    if (json !== undefined) {
      lines.push(
        ...JSON.stringify(json, null, 2)
          .split("\n")
          .map((l) => `        ${l}`),
      );
    }
    if (after) lines.push(...wrap(after, width, "      "));
  }
  lines.push("");

  lines.push(...costLines(report.cost, style, width));
  lines.push("");
  lines.push(...quotaLines(report.quotas, style, width));

  if (layout.tree) {
    lines.push("");
    lines.push(style.bold(`Resources (${report.resources.length})`));
    lines.push(...table(resourceTree(report.resources), { width, maxWidth: 64 }));
  } else {
    lines.push("");
    lines.push(style.dim(`Resources: ${report.resources.length} (--tree lists them)`));
  }
  if (report.diagram) {
    lines.push("");
    lines.push(...wrap(`Diagram written to ${report.diagram}`, width));
  }
  lines.push("");
  return lines.join("\n") + "\n";
}

/** A lab that failed to build, and why. */
export interface Failure {
  scenario: string;
  error: string;
}

/** One expectation that does not hold, as the summary names it. */
function differenceName(lab: string, j: LabReport["judged"][number]): string {
  return `${lab} ${j.expectation.from} -> ${describeTarget(j.expectation.to)} (${j.expectation.probe})`;
}

/**
 * The run in one line: "7 labs, 32 expectations: all hold", or which differ and which labs
 * failed to build.
 */
export function summaryLine(
  reports: readonly LabReport[],
  failures: readonly Failure[] = [],
): string {
  const labs = reports.length + failures.length;
  const total = reports.reduce((n, r) => n + r.judged.length, 0);
  const differ = reports.flatMap((r) =>
    r.judged.filter((j) => !j.ok).map((j) => differenceName(r.scenario.name, j)),
  );
  const parts: string[] = [];
  if (differ.length > 0) {
    parts.push(
      `${differ.length} of ${total} ${differ.length === 1 ? "differs" : "differ"}: ${differ.join(", ")}`,
    );
  }
  if (failures.length > 0) {
    parts.push(
      `${failures.length} ${failures.length === 1 ? "lab" : "labs"} failed to build: ${failures.map((f) => f.scenario).join(", ")}`,
    );
  }
  const head = `${labs} ${labs === 1 ? "lab" : "labs"}, ${total} ${total === 1 ? "expectation" : "expectations"}`;
  return `${head}: ${parts.length > 0 ? parts.join("; ") : "all hold"}`;
}

/** Whether the labs fit in one fresh Region together, in a sentence or two. */
export function fitText(fit: RegionFit): string {
  const regional = QUOTAS.filter((q) => q.scope === "Region" && fit.total[q.key] > 0);
  const needs = regional.map((q) => `${fit.total[q.key]} ${q.name} (${available(q)} free)`);
  const head = `All ${fit.labs.length} labs at once take ${needs.join(", ")}.`;
  if (fit.binding.length === 0) return `${head} They fit in one fresh Region together.`;
  const names = fit.binding.map((q) => q.name);
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0];
  return (
    `${head} At most ${fit.fit.length} fit in one fresh Region at once (for example ${fit.fit.join(", ")}): ` +
    `the quota${names.length > 1 ? "s" : ""} for ${list} run${names.length > 1 ? "" : "s"} out. ` +
    `Run the others after \`pulumi destroy\`, in another Region, or after raising ${names.length > 1 ? "those quotas" : "that quota"} in Service Quotas.`
  );
}

/**
 * What closes a text run: the cost caveats and sources once, how many labs fit in one Region
 * when several were planned, and the summary line.
 */
export function renderFooter(
  reports: readonly LabReport[],
  failures: readonly Failure[],
  style: Style = styles(false),
  layout: Layout = DEFAULT_LAYOUT,
): string {
  const { width } = layout;
  const lines: string[] = [];
  const cost = reports[0]?.cost;
  if (cost) {
    lines.push(style.bold("About the estimates"));
    for (const note of cost.notes) lines.push(...wrap(note, width, "  ", "    ").map(style.dim));
    lines.push(style.dim("  Prices:"));
    for (const source of cost.sources) lines.push(style.dim(`    ${source}`));
    lines.push(
      ...wrap(
        "Quotas: AWS defaults for a fresh Region, where the default VPC already holds one VPC and one internet gateway; all are adjustable in Service Quotas.",
        width,
        "  ",
        "    ",
      ).map(style.dim),
    );
    for (const source of [...new Set(QUOTAS.map((q) => q.source))]) {
      lines.push(style.dim(`    ${source}`));
    }
    lines.push("");
  }
  if (reports.length > 1) {
    const fit = regionFit(reports.map((r) => ({ scenario: r.scenario.name, use: r.quotas })));
    lines.push(style.bold("Running several labs at once"));
    lines.push(...wrap(fitText(fit), width, "  "));
    lines.push("");
  }
  const summary = summaryLine(reports, failures);
  const ok = failures.length === 0 && reports.every((r) => r.judged.every((j) => j.ok));
  lines.push(
    ...wrap(summary, width, "", "  ").map((l) => style.bold(ok ? style.good(l) : style.bad(l))),
  );
  return lines.join("\n") + "\n";
}

/** Every report as one JSON document; `ok` is false when the exit status would be non-zero. */
export function renderJson(
  reports: readonly LabReport[],
  failures: readonly Failure[] = [],
): string {
  const labs = reports.map((r) => ({
    scenario: r.scenario.name,
    title: r.scenario.title,
    seeds: r.scenario.seeds,
    region: r.region,
    config: r.config,
    ...(r.variant ? { variant: r.variant } : {}),
    resources: r.resources.map((x) => ({
      type: x.type,
      name: x.name,
      urn: x.urn,
      ...(x.custom && x.id ? { id: x.id } : {}),
      ...(x.parent ? { parent: x.parent } : {}),
    })),
    expectations: r.judged.map((j) => ({
      ...j.expectation,
      model: j.verdict ?? { error: j.error },
      ok: j.ok,
    })),
    policy: r.policy,
    cost: r.cost,
    quotas: r.quotas,
    checks: r.checks,
    ...(r.diagram ? { diagram: r.diagram } : {}),
  }));
  const ok = failures.length === 0 && reports.every((r) => r.judged.every((j) => j.ok));
  const fit =
    reports.length > 1
      ? regionFit(reports.map((r) => ({ scenario: r.scenario.name, use: r.quotas })))
      : undefined;
  return JSON.stringify(
    {
      ok,
      summary: summaryLine(reports, failures),
      labs,
      failures,
      ...(fit
        ? {
            region: {
              fit: fit.fit,
              total: fit.total,
              exceeds: fit.binding.map((q) => q.key),
              quotas: QUOTAS,
            },
          }
        : {}),
    },
    null,
    2,
  );
}
