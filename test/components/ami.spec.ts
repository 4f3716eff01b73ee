import { strict as assert } from "assert";
import { al2023Parameter, architectureOf } from "../../components/ami";

describe("ami", () => {
  const cases: [string, string][] = [
    ["t4g.nano", "arm64"],
    ["m7g.large", "arm64"],
    ["c6gn.xlarge", "arm64"],
    ["r8gd.medium", "arm64"],
    ["a1.medium", "arm64"],
    ["t3.micro", "x86_64"],
    ["t3a.nano", "x86_64"],
    ["m7i.large", "x86_64"],
    ["g5.xlarge", "x86_64"],
  ];
  for (const [type, arch] of cases) {
    it(`${type} boots the ${arch} image`, () => assert.equal(architectureOf(type), arch));
  }
  it("refuses a string that is not an instance type, naming instanceType", () => {
    assert.throws(() => architectureOf("nano"), /instanceType: "nano" is not an EC2 instance type/);
  });
  it("reads the public Amazon Linux 2023 parameter of the architecture", () => {
    assert.equal(
      al2023Parameter("arm64"),
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    );
  });
});
