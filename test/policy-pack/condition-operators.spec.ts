import { strict as assert } from "assert";
import { parseOperator, ParsedOperator } from "../../policy-pack/policies/policy-document";

describe("parseOperator (shared by the pack and the connectivity model)", () => {
  const cases: [string, ParsedOperator][] = [
    ["StringNotEquals", { base: "stringnotequals", set: undefined, ifExists: false }],
    ["stringnotequalsIFEXISTS", { base: "stringnotequals", set: undefined, ifExists: true }],
    ["ForAnyValue:StringLike", { base: "stringlike", set: "any", ifExists: false }],
    ["ForAllValues:StringNotLikeIfExists", { base: "stringnotlike", set: "all", ifExists: true }],
    ["ArnNotLike", { base: "arnnotlike", set: undefined, ifExists: false }],
    ["Null", { base: "null", set: undefined, ifExists: false }],
  ];
  for (const [operator, want] of cases) {
    it(`reads ${operator}`, () => assert.deepEqual(parseOperator(operator), want));
  }
});
