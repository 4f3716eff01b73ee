/**
 * Every lab has one shape, so a reader who knows one knows all seven: `run` builds the
 * resources, then takes its expectations from `<lab>Expectations(options)` and its checks from
 * `<lab>Checks(options, values)`, both exported beside it; what labs share lives in
 * scenarios/common.ts, and no lab imports another.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const DIR = path.resolve(__dirname, "..", "..", "scenarios");
/** The folder's files that are not labs. */
const NOT_LABS = new Set(["index.ts", "scenario.ts", "common.ts"]);

interface LabSource {
  file: string;
  /** The exported `Scenario` constant's name (`s3Gateway`). */
  scenario: string;
  /** Relative module specifiers of its imports (`./common`). */
  localImports: string[];
  exportedFunctions: Set<string>;
  /** Names of the functions `run` calls, with the first argument's text. */
  runCalls: { name: string; args: string[] }[];
}

function readLab(file: string, text: string): LabSource {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lab: LabSource = {
    file,
    scenario: "",
    localImports: [],
    exportedFunctions: new Set(),
    runCalls: [],
  };
  const exported = (n: ts.Node) =>
    ts.canHaveModifiers(n) &&
    (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const from = st.moduleSpecifier.text;
      if (from.startsWith("./")) lab.localImports.push(from);
    } else if (ts.isFunctionDeclaration(st) && st.name && exported(st)) {
      lab.exportedFunctions.add(st.name.text);
    } else if (ts.isVariableStatement(st) && exported(st)) {
      for (const d of st.declarationList.declarations) {
        if (d.type?.getText() !== "Scenario" || !ts.isIdentifier(d.name)) continue;
        lab.scenario = d.name.text;
        const run =
          d.initializer && ts.isObjectLiteralExpression(d.initializer)
            ? d.initializer.properties.find((p) => p.name?.getText() === "run")
            : undefined;
        const visit = (n: ts.Node) => {
          if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
            lab.runCalls.push({
              name: n.expression.text,
              args: n.arguments.map((a) => a.getText()),
            });
          }
          ts.forEachChild(n, visit);
        };
        if (run) visit(run);
      }
    }
  }
  return lab;
}

/** What is wrong with a lab's shape; empty when nothing is. */
function shapeProblems(lab: LabSource): string[] {
  const problems: string[] = [];
  if (!lab.scenario) return [`${lab.file} exports no Scenario`];
  for (const from of lab.localImports) {
    if (from !== "./common" && from !== "./scenario") {
      problems.push(`${lab.file} imports ${from}: share it through ./common instead`);
    }
  }
  const expectations = `${lab.scenario}Expectations`;
  const checks = `${lab.scenario}Checks`;
  for (const name of [expectations, checks]) {
    if (!lab.exportedFunctions.has(name)) problems.push(`${lab.file} exports no ${name}`);
  }
  if (!lab.runCalls.some((c) => c.name === expectations && c.args[0] === "options")) {
    problems.push(`${lab.file}: run does not call ${expectations}(options)`);
  }
  if (
    !lab.runCalls.some((c) => c.name === checks && c.args[0] === "options" && c.args.length === 2)
  ) {
    problems.push(`${lab.file}: run does not call ${checks}(options, values)`);
  }
  return problems;
}

describe("lab shape", () => {
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith(".ts") && !NOT_LABS.has(f))
    .sort();

  it("finds the seven labs", () => {
    assert.equal(files.length, 7, files.join(", "));
  });

  for (const file of files) {
    it(`${file}: run builds, then calls <lab>Expectations(options) and <lab>Checks(options, values); imports no other lab`, () => {
      const lab = readLab(file, fs.readFileSync(path.join(DIR, file), "utf8"));
      assert.deepEqual(shapeProblems(lab), []);
    });
  }

  it("names what is wrong with a lab of another shape", () => {
    const other = [
      'import { grantBucket } from "./s3-gateway";',
      'import { Scenario } from "./scenario";',
      "export const oddLab: Scenario = {",
      "  run(config) { return { outputs: {}, expectations: EXPECTATIONS, checks: build(config) }; },",
      "} as never;",
      "export function oddLabChecks() { return []; }",
    ].join("\n");
    assert.deepEqual(shapeProblems(readLab("odd-lab.ts", other)), [
      "odd-lab.ts imports ./s3-gateway: share it through ./common instead",
      "odd-lab.ts exports no oddLabExpectations",
      "odd-lab.ts: run does not call oddLabExpectations(options)",
      "odd-lab.ts: run does not call oddLabChecks(options, values)",
    ]);
  });
});
