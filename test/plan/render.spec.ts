import { strict as assert } from "assert";
import { splitStatement, table, wrap, wrapCommand } from "../../plan/render";

describe("plan text layout", () => {
  it("wraps words under a hanging indent, keeping a word longer than a line whole", () => {
    assert.deepEqual(wrap("alpha beta gamma delta", 17, "  why ", "      "), [
      "  why alpha beta",
      "      gamma delta",
    ]);
    assert.deepEqual(
      wrap("see https://docs.aws.amazon.com/vpc/latest/userguide/x.html", 20, "  "),
      ["  see", "  https://docs.aws.amazon.com/vpc/latest/userguide/x.html"],
    );
  });

  it("wraps a command only outside quotes, continuing each line with a backslash", () => {
    const lines = wrapCommand(
      `aws ec2 describe-route-tables --query "Routes[?GatewayId=='vpce-1'].[A, B]" --output text`,
      42,
      "$ ",
      "    ",
    );
    assert.deepEqual(lines, [
      "$ aws ec2 describe-route-tables --query \\",
      `    "Routes[?GatewayId=='vpce-1'].[A, B]" \\`,
      "    --output text",
    ]);
    // What bash would run: continuations joined back into the one command.
    assert.equal(
      lines
        .join("\n")
        .replace(/ \\\n +/g, " ")
        .slice(2),
      `aws ec2 describe-route-tables --query "Routes[?GatewayId=='vpce-1'].[A, B]" --output text`,
    );
  });

  it("wraps a table's last column under its own start", () => {
    assert.deepEqual(
      table(
        [
          ["a", "1", "short"],
          ["bb", "22", "a last cell that is much too long for the width given"],
        ],
        { width: 40 },
      ),
      [
        "  a   1   short",
        "  bb  22  a last cell that is much too",
        "          long for the width given",
      ],
    );
  });

  it("splits the JSON statement out of a policy message", () => {
    assert.deepEqual(
      splitStatement(
        'Bucket {x} is open. Fix: add this statement: {"Effect":"Deny","Sid":"a}"} then apply.',
      ),
      {
        before: "Bucket {x} is open. Fix: add this statement:",
        json: { Effect: "Deny", Sid: "a}" },
        after: "then apply.",
      },
    );
    assert.deepEqual(splitStatement("no statement here"), {
      before: "no statement here",
      after: "",
    });
  });
});
