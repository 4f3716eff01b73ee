/**
 * README.md renders as written: parsed as Markdown (by `marked`, a CommonMark/GFM lexer), every
 * in-page link reaches a heading and every code fence closes. A fence closed by the wrong number
 * of backticks turns the rest of the page into code, and the headings it swallows vanish from
 * the rendered page while the text still reads fine.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Lexer, Token, Tokens } from "marked";

const README = path.resolve(__dirname, "..", "README.md");

/** Every token of a parsed document, depth first, table cells included. */
function allTokens(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  const visit = (list: readonly Token[]) => {
    for (const t of list) {
      out.push(t);
      if (t.type === "table") {
        const table = t as Tokens.Table;
        for (const cell of [...table.header, ...table.rows.flat()]) visit(cell.tokens);
      } else if (t.type === "list") {
        for (const item of (t as Tokens.List).items) visit(item.tokens);
      } else if ("tokens" in t && Array.isArray(t.tokens)) {
        visit(t.tokens);
      }
    }
  };
  visit(tokens);
  return out;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

interface Rendered {
  anchors: Set<string>;
  /** `#anchor` targets of the document's links, with the link text. */
  inPageLinks: { text: string; anchor: string }[];
  /** The first line of each fenced block that runs to the end of the document unclosed. */
  unclosedFences: string[];
}

function render(markdown: string): Rendered {
  const tokens = allTokens(Lexer.lex(markdown));
  const anchors = new Set<string>();
  for (const t of tokens) {
    if (t.type !== "heading") continue;
    const base = slug((t as Tokens.Heading).text);
    let anchor = base;
    // GitHub numbers a repeated heading's anchor: "setup", "setup-1", ...
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  const inPageLinks = tokens
    .filter((t): t is Tokens.Link => t.type === "link" && t.href.startsWith("#"))
    .map((t) => ({ text: t.text, anchor: t.href.slice(1) }));
  const unclosedFences = tokens
    .filter((t): t is Tokens.Code => t.type === "code" && t.codeBlockStyle !== "indented")
    .filter((t) => !closesItself(t.raw))
    .map((t) => t.raw.split("\n")[0]);
  return { anchors, inPageLinks, unclosedFences };
}

/** A fenced block's raw text ends with a fence of its opening character, at least as long. */
function closesItself(raw: string): boolean {
  const lines = raw.replace(/\n+$/, "").split("\n");
  const open = /^ {0,3}(`{3,}|~{3,})/.exec(lines[0]);
  if (!open || lines.length < 2) return false;
  const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[lines.length - 1]);
  return !!close && close[1][0] === open[1][0] && close[1].length >= open[1].length;
}

/** The labs table: the first table after the "The labs" heading, its first column's links. */
function labTableLinks(markdown: string): { text: string; anchor: string }[] {
  const tokens = Lexer.lex(markdown);
  const start = tokens.findIndex(
    (t) => t.type === "heading" && (t as Tokens.Heading).text === "The labs",
  );
  const table = tokens.slice(start + 1).find((t) => t.type === "table") as Tokens.Table | undefined;
  if (start < 0 || !table) return [];
  return table.rows
    .flatMap((row) => allTokens(row[0].tokens))
    .filter((t): t is Tokens.Link => t.type === "link" && t.href.startsWith("#"))
    .map((t) => ({ text: t.text, anchor: t.href.slice(1) }));
}

describe("README.md renders", () => {
  const markdown = fs.readFileSync(README, "utf8");
  const rendered = render(markdown);

  it("links every lab in the labs table to a heading that renders", () => {
    const links = labTableLinks(markdown);
    assert.deepEqual(
      links.map((l) => l.anchor),
      [
        "public-vs-private",
        "s3-gateway",
        "s3-interface",
        "dynamodb-bastion",
        "cloudformation-private-dns",
        "instance-connect",
        "endpoint-service",
      ],
    );
    const missing = links.filter((l) => !rendered.anchors.has(l.anchor));
    assert.deepEqual(missing, [], "lab table links without a heading");
  });

  it("has a heading for every in-page link", () => {
    const missing = rendered.inPageLinks.filter((l) => !rendered.anchors.has(l.anchor));
    assert.deepEqual(missing, [], "in-page links without a heading");
  });

  it("closes every code fence", () => {
    assert.deepEqual(rendered.unclosedFences, []);
  });

  it("keeps the sections that follow the sample output as headings", () => {
    for (const anchor of ["deploy-for-real", "config", "public-vs-private", "layout"]) {
      assert.ok(rendered.anchors.has(anchor), `heading #${anchor}`);
    }
  });
});

describe("README check", () => {
  it("sees a heading swallowed by a fence closed with too few backticks", () => {
    const doc = "[lab](#lab)\n\n````\nsample```\n\n## lab\n\ntext\n````\n";
    const r = render(doc);
    assert.equal(r.anchors.has("lab"), false);
    assert.deepEqual(r.inPageLinks, [{ text: "lab", anchor: "lab" }]);
    assert.deepEqual(r.unclosedFences, []);
  });

  it("sees a fence that never closes", () => {
    const r = render("# Title\n\n```sh\necho hi\n\n## Lost\n");
    assert.deepEqual(r.unclosedFences, ["```sh"]);
    assert.deepEqual([...r.anchors], ["title"]);
  });

  it("accepts a fence closed by a longer one, and a tilde fence", () => {
    const r = render("```\na\n`````\n\n~~~\nb\n~~~\n");
    assert.deepEqual(r.unclosedFences, []);
  });

  it("anchors headings as GitHub does", () => {
    const r = render(
      "# Policy pack: S3 buckets\n\n## Bring your own VPC (awsx)\n\n## Setup\n\n## Setup\n",
    );
    assert.deepEqual(
      [...r.anchors],
      ["policy-pack-s3-buckets", "bring-your-own-vpc-awsx", "setup", "setup-1"],
    );
  });
});
