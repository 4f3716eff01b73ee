import { strict as assert } from "assert";
import {
  accountRootArn,
  principalArnProblem,
  principalSlug,
  splitList,
} from "../../components/principal-arns";

describe("principal-arns", () => {
  describe("principalArnProblem", () => {
    const good = [
      "arn:aws:iam::111122223333:root",
      "arn:aws:iam::111122223333:role/Deployer",
      "arn:aws:iam::111122223333:role/ops/team-a/Deployer",
      "arn:aws:iam::111122223333:user/alice@example.com",
      "arn:aws-cn:iam::111122223333:root",
      "arn:aws-us-gov:iam::111122223333:role/x",
    ];
    for (const arn of good)
      it(`accepts ${arn}`, () => assert.equal(principalArnProblem(arn), undefined));

    const bad: [string, RegExp][] = [
      ["*", /"\*" would let every AWS account connect/],
      [
        "111122223333",
        /"111122223333" is an account id, not an ARN; write arn:aws:iam::111122223333:root/,
      ],
      [
        "arn:aws:iam::1111:root",
        /is not an IAM principal ARN; use arn:aws:iam::<12-digit account>:root/,
      ],
      ["arn:aws:iam::111122223333:group/admins", /is not an IAM principal ARN/],
      ["arn:aws:sts::111122223333:assumed-role/r/s", /is not an IAM principal ARN/],
      ["arn:aws:iam::111122223333:role/", /is not an IAM principal ARN/],
      ["ec2.amazonaws.com", /is not an IAM principal ARN/],
    ];
    for (const [arn, problem] of bad) {
      it(`refuses ${arn}`, () => assert.match(principalArnProblem(arn) ?? "(accepted)", problem));
    }
  });

  describe("principalSlug", () => {
    const cases: [string, string][] = [
      ["arn:aws:iam::111122223333:root", "111122223333-root"],
      ["arn:aws:iam::111122223333:role/ops/Deployer", "111122223333-role-ops-Deployer"],
      ["arn:aws:iam::111122223333:user/alice@example.com", "111122223333-user-alice-example-com"],
    ];
    for (const [arn, want] of cases)
      it(`${arn} -> ${want}`, () => assert.equal(principalSlug(arn), want));
    it("refuses what is not a principal ARN", () =>
      assert.throws(() => principalSlug("*"), /every AWS account/));
  });

  it("accountRootArn keeps the partition", () => {
    assert.equal(accountRootArn("aws", "123456789012"), "arn:aws:iam::123456789012:root");
    assert.equal(accountRootArn("aws-cn", "123456789012"), "arn:aws-cn:iam::123456789012:root");
  });

  describe("splitList", () => {
    const cases: [string, string[]][] = [
      ["", []],
      ["  ", []],
      ["a", ["a"]],
      [" a , b ,, c ,", ["a", "b", "c"]],
    ];
    for (const [text, want] of cases) {
      it(JSON.stringify(text), () => assert.deepEqual(splitList(text), want));
    }
  });
});
