/**
 * The DOT the diagram writes, and the face it is measured in. Graphviz sizes every box from its
 * own table of advance widths; it has one for DejaVu Sans, the widest of the sans-serif faces a
 * viewer falls back to (Verdana's advances match it within 0.3 %, Arial's and Helvetica's are
 * narrower). Layout therefore asks for DejaVu Sans, and the SVG then names the generic family
 * behind it, so every viewer draws in a sans-serif face no wider than the boxes were made for.
 */

/** The face the layout is measured in. */
export const LAYOUT_FONT = "DejaVu Sans";
/** What the SVG asks the viewer for: the measured face, its twin, then any sans-serif. */
export const VIEWER_FONTS = "DejaVu Sans,Verdana,sans-serif";

/** Point sizes; the smallest sets how wide a diagram may be and still read at 880 px. */
export const FONT = { title: 14, cluster: 13, node: 12, note: 12, edge: 12 } as const;

export interface Cluster {
  id: string;
  attrs: string;
  lines: string[];
  children: Cluster[];
}

export function newCluster(parent: Cluster, id: string, label: string, attrs: string): Cluster {
  const cluster: Cluster = { id, attrs: `label=${q(label)}, ${attrs}`, lines: [], children: [] };
  parent.children.push(cluster);
  return cluster;
}

/** The point every cluster holds, so that an empty one keeps its label and can be ranked. */
export function anchorOf(cluster: Cluster): string {
  return `${cluster.id}_anchor`;
}

export function emit(cluster: Cluster, indent: string): string[] {
  const inner = indent + "  ";
  const body = [
    ...cluster.lines.map((l) => `${inner}${l}`),
    ...cluster.children.flatMap((c) => emit(c, inner)),
  ];
  if (cluster.id === "") return body.map((l) => l.slice(2));
  return [
    `${indent}subgraph ${cluster.id} {`,
    `${inner}graph [${cluster.attrs}];`,
    `${inner}${anchorOf(cluster)} [shape=point, style=invis, width=0.01, label=""];`,
    ...body,
    `${indent}}`,
  ];
}

export function lines(parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== "").join("\n");
}

export function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * A DOT string literal. Newlines become centred line breaks; with `raw`, the text already holds
 * DOT escapes (`\l` for left-justified lines) and only quotes are escaped.
 */
export function q(s: string, raw = false): string {
  const escaped = raw
    ? s.replace(/"/g, '\\"')
    : s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return `"${escaped}"`;
}

/** A long DNS name broken after its first label, so its node stays narrow. */
export function breakName(name: string, width = 34): string[] {
  const dot = name.indexOf(".");
  return name.length > width && dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name];
}
