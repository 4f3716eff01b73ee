/**
 * Reads what Graphviz wrote into an SVG, for the diagram specs: every node, edge and cluster
 * with its texts and the box its shapes take, so a spec can judge the picture a viewer gets
 * rather than the DOT that asked for it.
 */

/** Advance widths of DejaVu Sans, U+0020 to U+007E, in thousandths of an em (from its hmtx). */
const DEJAVU_SANS = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
  636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
  575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
  611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
  278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];

/**
 * The width a line of text takes in DejaVu Sans, the widest of the sans-serif faces viewers fall
 * back to (Verdana's advances are the same within 0.3 %; Arial and Helvetica are narrower).
 * Anything outside ASCII counts a full em.
 */
export function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) {
    // Graphviz writes runs of spaces as no-break spaces, which are as wide as a space.
    const code = ch === "\u00a0" ? 32 : ch.codePointAt(0)!;
    units += code >= 32 && code < 127 ? DEJAVU_SANS[code - 32] : 1000;
  }
  return (units * fontSize) / 1000;
}

export interface SvgText {
  x: number;
  y: number;
  anchor: "start" | "middle" | "end";
  size: number;
  family: string;
  content: string;
}

export interface Box {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export interface SvgGroup {
  kind: "node" | "edge" | "cluster";
  /** The `id` attribute: a node's resource id, `nodeN` when none was given. */
  id: string;
  /** Graphviz's title: the DOT name of a node or cluster, `tail->head` for an edge. */
  title: string;
  classes: string[];
  texts: SvgText[];
  /** The extent of its polygons, paths and ellipses; undefined when it draws none. */
  box?: Box;
}

export interface ParsedSvg {
  width: number;
  height: number;
  /** How far right of the picture's left edge the graph's x = 0 lies. */
  shift: number;
  /** Texts outside every node, edge and cluster: the graph's title. */
  graphTexts: SvgText[];
  groups: SvgGroup[];
}

export function decode(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function textsOf(fragment: string): SvgText[] {
  return [...fragment.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(attr(m[1], "x")),
    y: Number(attr(m[1], "y")),
    anchor: (attr(m[1], "text-anchor") ?? "start") as SvgText["anchor"],
    size: Number(attr(m[1], "font-size")),
    family: attr(m[1], "font-family") ?? "",
    content: decode(m[2]),
  }));
}

function boxOf(fragment: string): Box | undefined {
  const points: [number, number][] = [];
  for (const m of fragment.matchAll(/<(polygon|polyline|path)\b([^>]*)>/g)) {
    const data = attr(m[2], m[1] === "path" ? "d" : "points") ?? "";
    const numbers = [...data.matchAll(/-?\d+(?:\.\d+)?/g)].map((n) => Number(n[0]));
    for (let i = 0; i + 1 < numbers.length; i += 2) points.push([numbers[i], numbers[i + 1]]);
  }
  for (const m of fragment.matchAll(/<ellipse\b([^>]*)>/g)) {
    const [cx, cy, rx, ry] = ["cx", "cy", "rx", "ry"].map((a) => Number(attr(m[1], a)));
    points.push([cx - rx, cy - ry], [cx + rx, cy + ry]);
  }
  if (points.length === 0) return undefined;
  return {
    minX: Math.min(...points.map((p) => p[0])),
    maxX: Math.max(...points.map((p) => p[0])),
    minY: Math.min(...points.map((p) => p[1])),
    maxY: Math.max(...points.map((p) => p[1])),
  };
}

/** Graphviz writes nodes, edges and clusters as flat `<g class=...>` siblings, in that form. */
export function parseSvg(svg: string): ParsedSvg {
  const viewBox = /viewBox="([^"]+)"/.exec(svg)?.[1].split(/\s+/).map(Number) ?? [];
  const opening = /<g id="([^"]*)" class="((?:node|edge|cluster)[^"]*)">/g;
  const starts = [...svg.matchAll(opening)];
  const groups = starts.map((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : svg.length;
    const fragment = svg.slice(m.index + m[0].length, end);
    const classes = decode(m[2]).split(/\s+/);
    return {
      kind: classes[0] as SvgGroup["kind"],
      id: decode(m[1]),
      title: decode(/<title>([^<]*)<\/title>/.exec(fragment)?.[1] ?? ""),
      classes,
      texts: textsOf(fragment),
      box: boxOf(fragment),
    };
  });
  const head = starts.length > 0 ? svg.slice(0, starts[0].index) : svg;
  // Everything is drawn in the graph's frame, shifted from the picture's by its translate().
  const shift = Number(/<g id="graph0"[^>]*translate\((-?[\d.]+)/.exec(svg)?.[1] ?? 0);
  return { width: viewBox[2], height: viewBox[3], shift, graphTexts: textsOf(head), groups };
}

/** Where a text starts and ends horizontally, measured in the widest fallback face. */
export function textSpan(t: SvgText): { from: number; to: number } {
  const w = textWidth(t.content, t.size);
  const from = t.anchor === "middle" ? t.x - w / 2 : t.anchor === "end" ? t.x - w : t.x;
  return { from, to: from + w };
}

/** An edge's ends, by the DOT names of its tail and head nodes. */
export function endsOf(edge: SvgGroup): { tail: string; head: string } {
  const [tail, head] = edge.title.split("->");
  return { tail, head };
}
