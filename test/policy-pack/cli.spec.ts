/**
 * The offline command: every policy of the pack on a `pulumi stack export` file, compiled and
 * run as a user runs it (`node policy-pack/bin/cli.js`), with its exit codes.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { E, restricting } from "./helpers";
import { PACK_DIR, REPO_ROOT, ensurePackBuilt } from "../../harness/pack-process";

const CLI = path.join(PACK_DIR, "bin", "cli.js");
const FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "s3-gateway.stack-export.json");
const LABS = path.join(PACK_DIR, "config", "labs.json");

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A stack export of another organisation's project: aws-native, an existing bucket, secrets. */
function otherOrganisationExport(): unknown {
  const urn = (type: string, name: string) => `urn:pulumi:prod::data-platform::${type}::${name}`;
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-01-01T00:00:00Z", magic: "x", version: "v3.200.0" },
      resources: [
        {
          urn: urn("pulumi:pulumi:Stack", "data-platform-prod"),
          custom: false,
          type: "pulumi:pulumi:Stack",
        },
        {
          urn: urn("aws-native:s3:Bucket", "raw"),
          custom: true,
          id: "raw-data-1234",
          type: "aws-native:s3:Bucket",
          inputs: {},
          outputs: { bucketName: "raw-data-1234", arn: "arn:aws:s3:::raw-data-1234" },
        },
        {
          urn: urn("aws-native:s3:BucketPolicy", "raw-policy"),
          custom: true,
          id: "raw-data-1234",
          type: "aws-native:s3:BucketPolicy",
          outputs: {
            bucket: "raw-data-1234",
            policyDocument: JSON.parse(restricting("raw-data-1234")),
          },
        },
        {
          urn: urn("aws:s3/bucketPolicy:BucketPolicy", "legacy-policy"),
          custom: true,
          id: "legacy-bucket",
          type: "aws:s3/bucketPolicy:BucketPolicy",
          outputs: {
            bucket: "legacy-bucket",
            policy: {
              [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
              plaintext: JSON.stringify(
                JSON.stringify({
                  Statement: [
                    {
                      Effect: "Deny",
                      Principal: "*",
                      Action: "s3:*",
                      Resource: ["arn:aws:s3:::legacy-bucket", "arn:aws:s3:::legacy-bucket/*"],
                      Condition: {
                        StringNotEquals: { "aws:SourceVpce": E },
                        ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*" },
                      },
                    },
                  ],
                }),
              ),
            },
          },
        },
      ],
    },
  };
}

describe("offline policy check of a stack export (policy-pack/bin/cli.js)", function () {
  this.timeout(30000);
  let dir: string;
  before(() => {
    ensurePackBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-cli-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("passes the s3-gateway lab's export under the labs' config (exit 0)", () => {
    const r = run("--file", FIXTURE, "--config", LABS);
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /0 violations, 0 mandatory/);
  });

  it("fails it under the defaults, where the deployer exemption key is not accepted (exit 1)", () => {
    const r = run(FIXTURE);
    assert.strictEqual(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^mandatory +s3-bucket-requires-vpce$/m);
    assert.match(r.stdout, /also requires aws:PrincipalArn \(ArnNotLike\)/);
  });

  it("judges another organisation's export: aws-native shapes, an existing bucket, a revealed secret; --json", () => {
    const file = path.join(dir, "other.json");
    fs.writeFileSync(file, JSON.stringify(otherOrganisationExport()));
    const config = path.join(dir, "org.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        "s3-bucket-requires-vpce": {
          enforcementLevel: "mandatory",
          exemptionKeys: ["aws:PrincipalArn"],
        },
      }),
    );
    const r = run("--file", file, "--config", config, "--json");
    assert.strictEqual(r.status, 1, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.resources, 4);
    assert.deepStrictEqual(
      out.violations.map((v: { policyName: string; urn: string }) => [v.policyName, v.urn]),
      [
        [
          "s3-bucket-requires-vpce",
          "urn:pulumi:prod::data-platform::aws:s3/bucketPolicy:BucketPolicy::legacy-policy",
        ],
      ],
    );
    assert.match(
      out.violations[0].message,
      /"arn:aws:iam::111122223333:role\/\*", which matches every role of account 111122223333/,
    );
  });

  it("exits 2, saying why, on bad input", () => {
    const notJson = path.join(dir, "bad.json");
    fs.writeFileSync(notJson, "{");
    const notExport = path.join(dir, "list.json");
    fs.writeFileSync(notExport, "[]");
    const badConfig = path.join(dir, "typo.json");
    fs.writeFileSync(badConfig, JSON.stringify({ "s3-bucket-require-vpce": "mandatory" }));
    for (const [args, why] of [
      [[], /no stack export given/],
      [[path.join(dir, "missing.json")], /cannot read stack export/],
      [[notJson], /is not JSON/],
      [[notExport], /not a stack export/],
      [[FIXTURE, "--config", badConfig], /names no policy of this pack: s3-bucket-require-vpce/],
    ] as [string[], RegExp][]) {
      const r = run(...args);
      assert.strictEqual(r.status, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, why);
    }
  });
});
