/**
 * A graph indexed once: by URN, by type and physical id, by parent and by logical name. Every
 * question the model asks is a map lookup, so checking all the labs stays fast.
 *
 * Ids are only unique within a type (a bucket and its bucket policy share the bucket's name as
 * id), so lookups by id always name the type.
 */
import { GraphResource } from "./graph";

export class Lookup {
  private readonly byUrn = new Map<string, GraphResource>();
  private readonly byType = new Map<string, GraphResource[]>();
  private readonly byTypeId = new Map<string, GraphResource>();
  private readonly byParent = new Map<string, GraphResource[]>();
  private readonly byName = new Map<string, GraphResource[]>();
  /** Derived facts other modules compute once per graph. */
  private readonly memo = new Map<string, unknown>();

  constructor(readonly resources: readonly GraphResource[]) {
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      push(this.byType, r.type, r);
      push(this.byName, r.name, r);
      if (r.parent) push(this.byParent, r.parent, r);
      const id = r.id ?? (typeof r.props.id === "string" ? r.props.id : undefined);
      if (id) this.byTypeId.set(`${r.type}|${id}`, r);
    }
  }

  urn(urn: string): GraphResource | undefined {
    return this.byUrn.get(urn);
  }

  ofType(type: string): readonly GraphResource[] {
    return this.byType.get(type) ?? [];
  }

  /** The resource of `type` whose physical id is `id`. */
  byId(type: string, id: unknown): GraphResource | undefined {
    return typeof id === "string" && id !== "" ? this.byTypeId.get(`${type}|${id}`) : undefined;
  }

  childrenOf(urn: string): readonly GraphResource[] {
    return this.byParent.get(urn) ?? [];
  }

  named(name: string): readonly GraphResource[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * The resource of `type` that `resource.props[property]` names: by id, else through the
   * property's dependencies (a value not known yet still has its dependency).
   */
  ref(resource: GraphResource, property: string, type: string): GraphResource | undefined {
    const value = resource.props[property];
    return this.byId(type, value) ?? this.viaDependency(resource, property, type);
  }

  /** Every resource of `type` named by the list `resource.props[property]`. */
  refs(resource: GraphResource, property: string, type: string): GraphResource[] {
    const value = resource.props[property];
    const ids = Array.isArray(value) ? value : [];
    const found = ids
      .map((id) => this.byId(type, id))
      .filter((r): r is GraphResource => r !== undefined);
    if (found.length > 0 || ids.length > 0) return found;
    return (resource.propertyDependencies[property] ?? [])
      .map((u) => this.byUrn.get(u))
      .filter((r): r is GraphResource => r?.type === type);
  }

  /** A value computed once per graph and kept. */
  cached<T>(key: string, compute: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }

  private viaDependency(
    resource: GraphResource,
    property: string,
    type: string,
  ): GraphResource | undefined {
    for (const urn of resource.propertyDependencies[property] ?? []) {
      const found = this.byUrn.get(urn);
      if (found?.type === type) return found;
    }
    return undefined;
  }
}

const LOOKUPS = new WeakMap<readonly GraphResource[], Lookup>();

/**
 * The index of a graph, built on first use and kept as long as the graph is. A graph is read,
 * never changed: a mutation spec builds a new list rather than editing this one.
 */
export function lookupOf(graph: readonly GraphResource[]): Lookup {
  let found = LOOKUPS.get(graph);
  if (!found) {
    found = new Lookup(graph);
    LOOKUPS.set(graph, found);
  }
  return found;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A string property, or undefined when absent, empty or not a string. */
export function str(resource: GraphResource | undefined, property: string): string | undefined {
  const value = resource?.props[property];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A list-of-strings property (empty when absent). */
export function strs(resource: GraphResource | undefined, property: string): string[] {
  const value = resource?.props[property];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The physical id: the resource's id, else its `id` property. */
export function idOf(resource: GraphResource): string | undefined {
  return resource.id ?? str(resource, "id");
}
