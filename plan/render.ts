/**
 * The plan as text for a terminal (aligned tables, colour only when asked) and as JSON for
 * machines. Pure: reports in, strings out.
 */
import type { LabReport } from "./report";
import type { CostEstimate } from "./cost";
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

/** A table cell: its text, and how to paint it once padded (so colour never skews widths). */
type Cell = string | { text: string; paint: (text: string) => string };

/**
 * Rows as aligned columns, two spaces apart; the last column is not padded. A column is at most
 * `maxWidth` wide: a longer cell pushes only its own row, not the whole table.
 */
export function table(rows: readonly Cell[][], indent = "  ", maxWidth = 60): string[] {
  const textOf = (c: Cell | undefined) =>
    c === undefined ? "" : typeof c === "string" ? c : c.text;
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.min(maxWidth, Math.max(...rows.map((r) => textOf(r[i]).length))),
  );
  return rows.map((r) =>
    (
      indent +
      r
        .map((cell, i) => {
          const padded = i === r.length - 1 ? textOf(cell) : textOf(cell).padEnd(widths[i]);
          return typeof cell === "string" ? padded : cell.paint(padded);
        })
        .join("  ")
    ).trimEnd(),
  );
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

function money(value: number | "unknown", digits: number): string {
  return value === "unknown" ? "unknown" : value.toFixed(digits);
}

function costLines(cost: CostEstimate, style: Style): string[] {
  const out: string[] = [];
  out.push(
    style.bold(
      `Cost estimate (${cost.region}, ${cost.currency}, on-demand; prices ${cost.asOf}; month = ${cost.hoursPerMonth} h)`,
    ),
  );
  const unknown = (v: number | "unknown", digits: number): Cell =>
    v === "unknown" ? { text: "unknown", paint: style.warn } : money(v, digits);
  const rows: Cell[][] = [
    ["resource", "billed", "qty", "USD/unit-hour", "USD/hour", "USD/month"].map((h) => ({
      text: h,
      paint: style.dim,
    })),
    ...cost.lines.map((l) => [
      l.name,
      l.what,
      String(l.quantity),
      l.usdPerUnitHour === 0 ? "free" : unknown(l.usdPerUnitHour, 4),
      unknown(l.usdPerHour, 4),
      unknown(l.usdPerMonth, 2),
    ]),
    [
      { text: cost.complete ? "total" : "total of known prices", paint: style.bold },
      "",
      "",
      "",
      { text: cost.usdPerHour.toFixed(4), paint: style.bold },
      { text: cost.usdPerMonth.toFixed(2), paint: style.bold },
    ],
  ];
  out.push(...table(rows));
  for (const u of cost.unknown) out.push(style.warn(`  ${u}: look it up on the page below`));
  for (const n of cost.notes) out.push(style.dim(`  ${n}`));
  out.push(style.dim(`  Sources: ${cost.sources.join(" ")}`));
  return out;
}

export function renderText(report: LabReport, style: Style = styles(false)): string {
  const { scenario } = report;
  const lines: string[] = [];
  const given = Object.entries(report.config).map(([k, v]) => `${k}=${v}`);
  lines.push(style.bold(`== ${scenario.name}: ${scenario.title}`));
  const variant = report.variant ? ` (variant ${report.variant})` : "";
  const source = report.stackExport
    ? `deployed stack, from ${report.stackExport}`
    : `config ${given.length > 0 ? given.join(" ") : "defaults"}${variant}`;
  lines.push(
    style.dim(`   seeds ${scenario.seeds.join(", ")}; region ${report.region}; ${source}`),
  );
  const variants = (scenario.variants ?? []).map((v) => v.name);
  if (variants.length > 0 && !report.variant && !report.stackExport) {
    lines.push(
      style.dim(
        `   variants: ${variants.join(", ")} (npm start -- ${scenario.name} --variant <name>)`,
      ),
    );
  }
  lines.push("");

  lines.push(style.bold(`Resources (${report.resources.length})`));
  lines.push(...table(resourceTree(report.resources), "  ", 64));
  lines.push("");

  const agree = report.judged.filter((j) => j.ok).length;
  const heading = `Expectations (${report.judged.length}; the connectivity model agrees with ${agree})`;
  lines.push(style.bold(agree === report.judged.length ? heading : style.bad(heading)));
  const rows: Cell[][] = [
    ["", "from", "to", "probe", "expected", "model", "why"].map((h) => ({
      text: h,
      paint: style.dim,
    })),
    ...report.judged.map((j) => [
      j.ok ? { text: "ok", paint: style.good } : { text: "MISMATCH", paint: style.bad },
      j.expectation.from,
      describeTarget(j.expectation.to),
      j.expectation.probe,
      j.expectation.outcome,
      j.ok
        ? (j.verdict?.outcome ?? "")
        : { text: j.verdict?.outcome ?? "no verdict", paint: style.bad },
      j.expectation.why,
    ]),
  ];
  const tableLines = table(rows);
  lines.push(tableLines[0]);
  report.judged.forEach((j, i) => {
    lines.push(tableLines[i + 1]);
    const detail = `      model: ${j.verdict?.detail ?? j.error}`;
    lines.push(j.ok ? style.dim(detail) : style.bad(detail));
  });
  lines.push("");

  const mandatory = report.policy.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = report.policy.length - mandatory;
  lines.push(
    style.bold(
      `Policy pack (information; mandatory would block \`pulumi up\`): ${mandatory} mandatory, ${advisory} advisory`,
    ),
  );
  const flagged =
    (report.variant
      ? report.scenario.variants?.find((v) => v.name === report.variant)?.flaggedBy
      : report.scenario.flaggedBy) ?? [];
  if (flagged.length > 0) {
    lines.push(
      style.dim(
        `  expected: this lab is meant to trip ${flagged.join(", ")}; the weak setup is the lesson`,
      ),
    );
  }
  if (report.policy.length === 0) lines.push("  no violations");
  lines.push(
    ...table(
      report.policy.map((v) => [
        v.enforcementLevel === "mandatory"
          ? { text: v.enforcementLevel, paint: style.bad }
          : { text: v.enforcementLevel, paint: style.warn },
        v.policyName,
        v.urn ? (v.urn.split("::").pop() ?? v.urn) : "(stack)",
        v.message,
      ]),
    ),
  );
  lines.push("");

  lines.push(...costLines(report.cost, style));
  lines.push("");

  lines.push(style.bold("Checks"));
  for (const check of report.checks) {
    lines.push(`  ${check.host}: ${check.connect}`);
    for (const step of check.steps) {
      lines.push(`    $ ${step.run}`);
      lines.push(style.dim(`      expect: ${step.expect}`));
    }
  }
  if (report.diagram) {
    lines.push("");
    lines.push(`Diagram written to ${report.diagram}`);
  }
  lines.push("");
  return lines.join("\n") + "\n";
}

/** Every report as one JSON document; `ok` is false when the exit status would be non-zero. */
export function renderJson(
  reports: readonly LabReport[],
  failures: readonly { scenario: string; error: string }[] = [],
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
    checks: r.checks,
    ...(r.diagram ? { diagram: r.diagram } : {}),
  }));
  const ok = failures.length === 0 && reports.every((r) => r.judged.every((j) => j.ok));
  return JSON.stringify({ ok, labs, failures }, null, 2);
}
