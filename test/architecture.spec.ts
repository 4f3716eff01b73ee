import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

/**
 * The house, bottom up. A file may import from its own folder and from folders on a lower floor,
 * never from its own floor or above: the pack knows nothing of the project, the model knows
 * nothing of Pulumi programs, labs or the command line, and nothing imports the specs. `harness/`
 * starts the pack and the program the way the Pulumi CLI does, for the specs and the benchmarks.
 */
const FLOORS: Record<string, number> = {
  "policy-pack": 0,
  model: 1,
  engine: 2,
  components: 2,
  scenarios: 3,
  "index.ts": 4,
  plan: 4,
  verify: 4,
  harness: 4,
  bench: 5,
  test: 6,
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.name === "node_modules" || entry.name === "bin") continue;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

function topOf(rel: string): string {
  return rel.split(path.sep)[0];
}

/** Relative imports of a file (static, dynamic and require), resolved to repository paths. */
function importsOf(rel: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, rel), "utf8");
  const found: string[] = [];
  const pattern = /(?:from\s+|import\(\s*|require\(\s*)["'](\.{1,2}\/[^"']*)["']/g;
  for (const match of text.matchAll(pattern)) {
    const target = path.normalize(path.join(path.dirname(rel), match[1]));
    for (const candidate of [`${target}.ts`, path.join(target, "index.ts"), target]) {
      if (fs.existsSync(path.join(ROOT, candidate)) && /\.(ts|json)$/.test(candidate)) {
        found.push(candidate);
        break;
      }
    }
  }
  return found;
}

const FILES = [
  "index.ts",
  ...Object.keys(FLOORS)
    .filter((f) => f !== "index.ts" && fs.existsSync(path.join(ROOT, f)))
    .flatMap(sourceFiles),
];

describe("the direction of imports", () => {
  it("knows the floor of every top-level folder with TypeScript in it", () => {
    const unknown = [...new Set(FILES.map(topOf))].filter((top) => !(top in FLOORS));
    assert.deepEqual(unknown, []);
  });

  it("has no import from a folder on the same floor or above", () => {
    const upward: string[] = [];
    for (const file of FILES) {
      const from = topOf(file);
      for (const target of importsOf(file)) {
        const to = topOf(target);
        if (to === from) continue;
        if (!(to in FLOORS) || FLOORS[to] >= FLOORS[from]) upward.push(`${file} -> ${target}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it("has no import cycle between files", () => {
    const graph = new Map(FILES.map((f) => [f, importsOf(f).filter((t) => t.endsWith(".ts"))]));
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, "done");
    };
    for (const file of FILES) visit(file, []);
    assert.deepEqual(cycles, []);
  });
});
