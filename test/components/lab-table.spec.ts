import { strict as assert } from "assert";
import { LabTable } from "../../components/lab-table";
import { build, engine, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

describe("LabTable", () => {
  useEngine();

  it("bills on demand, keys on a string id and can be destroyed", async () => {
    await build(() => new LabTable("lab", { tableName: "ddb_test" }));
    const table = engine.get(TYPE.table, "lab-table");
    assert.equal(table.inputs.name, "ddb_test");
    assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
    assert.equal(table.inputs.hashKey, "id");
    assert.deepEqual(table.inputs.attributes, [{ name: "id", type: "S" }]);
    assert.equal(table.inputs.deletionProtectionEnabled, false);
    assert.equal(table.inputs.readCapacity, undefined);
    assert.equal(table.inputs.writeCapacity, undefined);
  });

  it("is parented to its component and exposes the table's name and ARN", async () => {
    const lab = new LabTable("lab", { tableName: "ddb_test", hashKey: "pk" });
    await engine.settle();
    const component = engine.get("vpc-endpoint-labs:storage:LabTable", "lab");
    const table = engine.get(TYPE.table, "lab-table");
    assert.equal(table.parent, component.urn);
    assert.equal(table.inputs.hashKey, "pk");
    assert.equal(await resolve(lab.tableName), "ddb_test");
    assert.equal(
      await resolve(lab.arn),
      "arn:aws:dynamodb:ap-northeast-2:123456789012:table/ddb_test",
    );
  });

  it("leaves the physical name to Pulumi when none is given", async () => {
    await build(() => new LabTable("lab"));
    assert.equal(engine.get(TYPE.table, "lab-table").inputs.name, undefined);
  });

  describe("refuses bad input before creating anything", () => {
    const cases: [string, ConstructorParameters<typeof LabTable>[1], RegExp][] = [
      ["a two-character name", { tableName: "ab" }, /tableName "ab" is not a DynamoDB table name/],
      ["a name with a space", { tableName: "my table" }, /3 to 255 letters, digits/],
      ["an empty hash key", { hashKey: "" }, /hashKey must be 1 to 255 characters/],
    ];
    for (const [title, args, error] of cases) {
      it(title, async () => {
        assert.throws(() => new LabTable("bad", args), error);
        assert.deepEqual(await engine.settle(), []);
      });
    }
  });
});
