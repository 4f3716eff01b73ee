import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  PACK_NAME,
  evaluateStack,
  initialConfig,
  policies,
  rules,
} from "../../policy-pack/policies";
import { PACK_DIR, REPO_ROOT, ensurePackBuilt } from "../../harness/pack-process";
import { TYPE } from "../../model/type-tokens";

describe("policy pack structure", () => {
  it("names every policy in kebab-case and describes it with 'Checks that ...'", () => {
    assert.strictEqual(rules.length, 9);
    for (const rule of rules) {
      assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, rule.name);
      assert.match(rule.description, /^Checks that /, rule.name);
    }
    assert.strictEqual(new Set(rules.map((r) => r.name)).size, rules.length, "names are unique");
  });

  it("makes the VPC-endpoint bucket rule and public SSH mandatory, the other guardrails advisory", () => {
    const levels = Object.fromEntries(rules.map((r) => [r.name, r.enforcementLevel]));
    assert.deepStrictEqual(levels, {
      "s3-bucket-requires-vpce": "mandatory",
      "s3-access-point-requires-vpce": "advisory",
      "vpc-endpoint-private-dns-requires-vpc-dns": "advisory",
      "s3-interface-endpoint-resolver-dns-requires-gateway": "advisory",
      "vpc-gateway-endpoint-service-supported": "advisory",
      "ec2-instance-connect-endpoint-one-per-vpc": "advisory",
      "ec2-security-group-no-public-ssh": "mandatory",
      "ec2-instance-imdsv2-required": "advisory",
      "aws-input-constraints": "advisory",
    });
    assert.strictEqual(rules.find((r) => r.name === "s3-bucket-requires-vpce")!.kind, "stack");
  });

  it("gives every initialConfig entry an explicit enforcement level, the policy's own", () => {
    const config = initialConfig();
    assert.deepStrictEqual(Object.keys(config).sort(), rules.map((r) => r.name).sort());
    for (const rule of rules) {
      const entry = config[rule.name];
      assert.ok(typeof entry === "object", rule.name);
      assert.strictEqual(entry.enforcementLevel, rule.enforcementLevel, rule.name);
    }
  });

  it("declares settings through configSchema, whose defaults are the settings used when unset", () => {
    for (const rule of rules) {
      const props = rule.configSchema?.properties ?? {};
      assert.ok(!("enforcementLevel" in props), `${rule.name} must not declare enforcementLevel`);
      const defaults = Object.fromEntries(
        Object.entries(props).map(([k, s]) => [k, typeof s === "object" ? s.default : undefined]),
      );
      const settings = rule.settings({}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(defaults)) {
        assert.deepStrictEqual(settings[key], value, `${rule.name}.${key}`);
      }
    }
    assert.deepStrictEqual(
      Object.keys(
        rules.find((r) => r.name === "s3-bucket-requires-vpce")!.configSchema!.properties,
      ).sort(),
      ["allowedExemptions", "approvedEndpointIds", "exemptBuckets", "exemptionKeys"],
    );
  });

  it("turns every rule into a policy of the same name, level and kind", () => {
    assert.deepStrictEqual(
      policies.map((p) => [
        p.name,
        p.enforcementLevel,
        "validateStack" in p ? "stack" : "resource",
      ]),
      rules.map((r) => [r.name, r.enforcementLevel, r.kind]),
    );
  });

  it("never throws on odd input, reporting through violations instead", () => {
    const odd = [
      { type: TYPE.bucket, urn: "u1", name: "b", props: { bucket: 42, policy: [1, 2] } },
      {
        type: TYPE.bucketPolicy,
        urn: "u2",
        name: "p",
        props: { bucket: null, policy: 7 },
      },
      {
        type: TYPE.securityGroup,
        urn: "u3",
        name: "sg",
        props: { ingress: [null, "x", { protocol: 6 }] },
      },
      {
        type: TYPE.vpcEndpoint,
        urn: "u4",
        name: "e",
        props: { serviceName: 5, dnsOptions: "x" },
      },
      { type: TYPE.instance, urn: "u5", name: "i", props: { metadataOptions: "x" } },
    ];
    const violations = evaluateStack(odd);
    assert.ok(
      violations.every((v) => !/could not finish its check/.test(v.message)),
      JSON.stringify(violations),
    );
  });

  describe("files", () => {
    it("has PulumiPolicy.yaml with the nodejs runtime", () => {
      const yaml = fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8");
      assert.match(yaml, /^runtime: nodejs$/m);
      assert.match(yaml, /^description: .+/m);
    });

    it("has a versioned package whose main is the compiled pack", () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
      assert.match(pkg.version, /^\d+\.\d+\.\d+/);
      assert.strictEqual(pkg.main, "bin/index.js");
      assert.strictEqual(pkg.dependencies["@pulumi/policy"], "1.21.0");
    });

    it("ships the config files README names, each naming only policies of the pack", () => {
      const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
      const named = new Set<string>();
      for (const m of readme.matchAll(/--(?:policy-pack-)?config[ =](\S+\.json)/g)) named.add(m[1]);
      for (const m of readme.matchAll(/policy-pack\/config\/[\w.-]+\.json/g)) named.add(m[0]);
      assert.ok(named.size >= 3, [...named].join(", "));
      for (const file of named) {
        // Commands run from the repository root, or from policy-pack/ after `cd policy-pack`.
        const found = [REPO_ROOT, PACK_DIR].some((dir) => fs.existsSync(path.join(dir, file)));
        assert.ok(found, `README names ${file}, which does not exist`);
      }
      const names = new Set(rules.map((r) => r.name));
      for (const file of fs.readdirSync(path.join(PACK_DIR, "config"))) {
        const config = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "config", file), "utf8"));
        for (const [name, entry] of Object.entries(config)) {
          assert.ok(names.has(name), `${file} names ${name}`);
          assert.ok(
            typeof entry === "object" && entry && "enforcementLevel" in entry,
            `${file}: ${name} states its level`,
          );
          const schema = rules.find((r) => r.name === name)!.configSchema?.properties ?? {};
          for (const key of Object.keys(entry as object)) {
            assert.ok(key === "enforcementLevel" || key in schema, `${file}: ${name}.${key}`);
          }
        }
      }
      const example = JSON.parse(
        fs.readFileSync(path.join(PACK_DIR, "config", "organisation.example.json"), "utf8"),
      );
      for (const rule of rules) {
        const keys = Object.keys(rule.configSchema?.properties ?? {});
        assert.deepStrictEqual(
          Object.keys(example[rule.name] ?? {})
            .filter((k) => k !== "enforcementLevel")
            .sort(),
          keys.sort(),
          `organisation.example.json shows every setting of ${rule.name}`,
        );
      }
    });

    it("keeps index.ts to constructing the PolicyPack", () => {
      const source = fs.readFileSync(path.join(PACK_DIR, "index.ts"), "utf8");
      assert.strictEqual(source.match(/new PolicyPack\(/g)?.length, 1);
      assert.match(source, new RegExp(`PACK_NAME`));
      const statements = source
        .replace(/\/\/.*$/gm, "")
        .split(/;\s*$/m)
        .map((s) => s.trim())
        .filter(Boolean);
      assert.deepStrictEqual(
        statements.map((s) => s.split(/\s|\(/)[0]),
        ["import", "import", "import", "new"],
        "only imports (fast-start first) and new PolicyPack(...)",
      );
      assert.strictEqual(PACK_NAME, "vpc-endpoint-labs");
    });

    it("loads the compiled policies without @pulumi/pulumi or a policy server", () => {
      ensurePackBuilt();
      const loaded = execFileSync(
        process.execPath,
        [
          "-e",
          `require(${JSON.stringify(path.join(PACK_DIR, "bin", "policies"))});` +
            "console.log(JSON.stringify(Object.keys(require.cache)))",
        ],
        { cwd: PACK_DIR, encoding: "utf8", timeout: 15000 },
      );
      const modules: string[] = JSON.parse(loaded);
      assert.deepStrictEqual(
        modules.filter((m) => m.includes(`${path.sep}node_modules${path.sep}`)),
        [],
        "policies/ must not load packages at run time",
      );
    });
  });
});
