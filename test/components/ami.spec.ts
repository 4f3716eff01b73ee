import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { al2023Parameter, architectureOf } from "../../components/ami";
import { SCENARIOS } from "../../scenarios";
import { engine, resolve, useEngine } from "../helpers/engine";
import { runLab } from "../helpers/labs";

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

/**
 * What the standard Amazon Linux 2023 image ships that the checks run on hosts (release notes:
 * bash, coreutils and grep, glibc's getent, systemd's journalctl, sudo, python3, the AWS CLI v2,
 * curl-minimal, and bind-utils with `dig`). The minimal image has no bind-utils, and closed hosts
 * cannot install anything, so a check may use only these.
 */
const STANDARD_IMAGE_COMMANDS = new Set([
  "aws",
  "curl",
  "dig",
  "echo",
  "getent",
  "grep",
  "journalctl",
  "python3",
  "sudo",
  "tail",
]);
const STANDARD_IMAGE =
  /^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-(arm64|x86_64)$/;

/** The programs a shell line runs: the first word of each command, after VAR=value prefixes. */
function programsOf(line: string): string[] {
  return line
    .split(/&&|\|\||[|;]/)
    .map((command) => command.trim().split(/\s+/))
    .map((words) => words.find((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w)) ?? "")
    .filter((program) => program !== "");
}

describe("the lab hosts' image and the checks run on them", () => {
  useEngine();

  it("reads program names from a check's shell line", () => {
    assert.deepEqual(
      programsOf('AWS_MAX_ATTEMPTS=1 aws s3 ls && echo "a b" > f; dig +short x | sudo tee y'),
      ["aws", "echo", "dig", "sudo"],
    );
  });

  // Defaults only: a lab's variants change what its checks expect, not which image its hosts
  // boot, and each run costs a few hundred milliseconds.
  for (const lab of SCENARIOS) {
    it(`${lab.name}: hosts boot the standard image, which ships every command their checks run`, async () => {
      const { checks } = await runLab(lab.name, lab.offlineConfig);
      const onHosts = checks.filter((c) => c.host !== "laptop");
      const programs = new Set(onHosts.flatMap((c) => c.steps.flatMap((s) => programsOf(s.run))));
      for (const program of programs) {
        assert.ok(
          STANDARD_IMAGE_COMMANDS.has(program),
          `${lab.name} runs ${program} on a host; the standard AL2023 image does not ship it`,
        );
      }

      const lookups = engine.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter");
      const instances = engine.ofType("aws:ec2/instance:Instance");
      assert.equal(lookups.length, instances.length, "one image lookup per host");
      for (const lookup of lookups) assert.match(String(lookup.inputs.name), STANDARD_IMAGE);
      const standardAmis = await Promise.all(
        (["arm64", "x86_64"] as const).map((arch) =>
          resolve(aws.ssm.getParameterOutput({ name: al2023Parameter(arch) }).value),
        ),
      );
      for (const instance of instances) {
        assert.ok(
          standardAmis.includes(String(instance.inputs.ami)),
          `${instance.name} boots ${String(instance.inputs.ami)}, not the standard image`,
        );
      }
    });
  }
});
