/**
 * One-element changes to a resource graph, for specs that prove the model depends on that
 * element. Each returns a new graph and leaves the given one as it was (the model indexes a
 * graph once and keeps the index).
 */
import { GraphResource } from "../../model/graph";

export type Match = (r: GraphResource) => boolean;

/** The resource of this type and logical name. */
export function named(type: string, name: string): Match {
  const match = (r: GraphResource) => r.type === type && r.name === name;
  match.toString = () => `${type} "${name}"`;
  return match;
}

function only(graph: readonly GraphResource[], match: Match): number {
  const found = graph.flatMap((r, i) => (match(r) ? [i] : []));
  if (found.length !== 1) {
    const names = graph.filter(match).map((r) => r.name);
    throw new Error(`expected one ${String(match)}, found ${found.length} (${names.join(", ")})`);
  }
  return found[0];
}

/** The graph without the one resource `match` selects. */
export function without(graph: readonly GraphResource[], match: Match): GraphResource[] {
  const i = only(graph, match);
  return [...graph.slice(0, i), ...graph.slice(i + 1)];
}

/** The graph with the one resource `match` selects given new properties. */
export function withProps(
  graph: readonly GraphResource[],
  match: Match,
  change: (props: Record<string, unknown>) => Record<string, unknown>,
): GraphResource[] {
  const i = only(graph, match);
  const copy = structuredClone(graph[i]);
  copy.props = change(copy.props);
  return [...graph.slice(0, i), copy, ...graph.slice(i + 1)];
}

/** The graph with one more resource. */
export function withResource(
  graph: readonly GraphResource[],
  resource: GraphResource,
): GraphResource[] {
  return [...graph, resource];
}

/** A resource of the graph, by type and name. */
export function get(graph: readonly GraphResource[], type: string, name: string): GraphResource {
  return graph[only(graph, named(type, name))];
}
