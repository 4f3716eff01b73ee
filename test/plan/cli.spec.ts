import { strict as assert } from "assert";
import {
  checkConfig,
  KNOWN_REGIONS,
  optionsNpmTook,
  parseArgs,
  PlanArgs,
  usage,
  UsageError,
} from "../../plan/cli";
import { ConfigKey } from "../../scenarios/scenario";

const DEFAULTS: PlanArgs = { scenarios: [], config: {}, json: false, tree: false, help: false };

describe("npm start command line", () => {
  describe("parseArgs accepts", () => {
    const cases: { argv: string[]; want: Partial<PlanArgs> }[] = [
      { argv: [], want: {} },
      { argv: ["public-vs-private"], want: { scenarios: ["public-vs-private"] } },
      { argv: ["a", "b"], want: { scenarios: ["a", "b"] } },
      { argv: ["--json"], want: { json: true } },
      { argv: ["lab", "--tree"], want: { scenarios: ["lab"], tree: true } },
      { argv: ["-h"], want: { help: true } },
      { argv: ["--help"], want: { help: true } },
      {
        argv: ["lab", "--config", "azCount=2", "--config", "instanceType=t3.micro"],
        want: { scenarios: ["lab"], config: { azCount: "2", instanceType: "t3.micro" } },
      },
      {
        argv: ["lab", "--config=aws:region=us-east-1"],
        want: { scenarios: ["lab"], config: { "aws:region": "us-east-1" } },
      },
      {
        argv: ["-c", "azCount=1", "lab", "-c", "azCount=3"],
        want: { scenarios: ["lab"], config: { azCount: "3" } },
      },
      {
        argv: ["lab", "--config", "userData=a=b"],
        want: { scenarios: ["lab"], config: { userData: "a=b" } },
      },
      {
        argv: ["lab", "--config", "adminCidr="],
        want: { scenarios: ["lab"], config: { adminCidr: "" } },
      },
      {
        argv: ["lab", "--diagram", "docs/lab.svg", "--json"],
        want: { scenarios: ["lab"], diagram: "docs/lab.svg", json: true },
      },
      { argv: ["--diagrams", "docs"], want: { diagramsDir: "docs" } },
      { argv: ["lab", "--variant", "two-azs"], want: { scenarios: ["lab"], variant: "two-azs" } },
      {
        argv: ["--stack-export", "stack.json", "--diagram", "lab.svg"],
        want: { stackExport: "stack.json", diagram: "lab.svg" },
      },
      { argv: ["--diagrams=docs", "a", "b"], want: { diagramsDir: "docs", scenarios: ["a", "b"] } },
    ];
    for (const c of cases) {
      it(JSON.stringify(c.argv), () => {
        assert.deepEqual(parseArgs(c.argv), { ...DEFAULTS, ...c.want });
      });
    }
  });

  describe("parseArgs refuses", () => {
    const cases: { argv: string[]; error: RegExp }[] = [
      { argv: ["--verbose"], error: /^unknown option --verbose$/ },
      { argv: ["-x"], error: /^unknown option -x$/ },
      { argv: ["lab", "--config"], error: /^--config needs a value$/ },
      { argv: ["lab", "--config", "--json"], error: /^--config needs a value$/ },
      { argv: ["lab", "--config", "azCount"], error: /--config takes key=value .*got "azCount"/ },
      { argv: ["lab", "--config", "=2"], error: /--config takes key=value/ },
      { argv: ["--config", "azCount=2"], error: /--config applies to one lab: name it first/ },
      { argv: ["a", "b", "--config", "azCount=2"], error: /--config applies to one lab/ },
      { argv: ["--diagram", "x.svg"], error: /--diagram draws one lab/ },
      { argv: ["lab", "--diagram", "x.png"], error: /ending in \.svg, got "x\.png"/ },
      { argv: ["lab", "--diagram"], error: /^--diagram needs a value$/ },
      { argv: ["lab", "--diagram", "x.svg", "--diagrams", "d"], error: /not both/ },
      { argv: ["--json=yes"], error: /^--json takes no value$/ },
      { argv: ["--tree=yes"], error: /^--tree takes no value$/ },
      { argv: ["--variant", "two-azs"], error: /^--variant applies to one lab/ },
      {
        argv: ["lab", "--stack-export", "stack.json"],
        error: /^--stack-export judges the deployed stack as it is: give no lab/,
      },
      {
        argv: ["--stack-export", "stack.json", "--diagrams", "docs"],
        error: /^--stack-export judges the deployed stack as it is/,
      },
    ];
    for (const c of cases) {
      it(`${JSON.stringify(c.argv)} -> ${c.error}`, () => {
        assert.throws(
          () => parseArgs(c.argv),
          (e: unknown) => e instanceof UsageError && c.error.test(e.message),
        );
      });
    }
  });

  describe("checkConfig", () => {
    const lab = {
      name: "s3-gateway",
      config: [
        { key: "bucketPolicy", type: "string", description: "mode" },
      ] as readonly ConfigKey[],
    };

    it("keeps the lab's keys, the shared keys and aws:region, values as strings", () => {
      assert.deepEqual(
        checkConfig(lab, {
          bucketPolicy: "deny-unless-vpce",
          azCount: "2",
          "vpc-endpoint-labs:instanceType": "t3.micro",
          "aws:region": "us-east-1",
        }),
        {
          bucketPolicy: "deny-unless-vpce",
          azCount: "2",
          instanceType: "t3.micro",
          "aws:region": "us-east-1",
        },
      );
    });

    it("refuses an unknown key, listing every key the lab takes", () => {
      assert.throws(
        () => checkConfig(lab, { bucketPolicyMode: "x" }),
        (e: unknown) =>
          e instanceof UsageError &&
          e.message ===
            'config "bucketPolicyMode" is not a key of s3-gateway; its keys: instanceType, azCount, reachabilityAnalyzer, bucketPolicy, aws:region',
      );
    });

    it("refuses another provider's or namespace's key", () => {
      assert.throws(() => checkConfig(lab, { "aws:profile": "x" }), /"aws:profile" is not a key/);
      assert.throws(() => checkConfig(lab, { "other:azCount": "1" }), /"other:azCount" is not/);
    });

    const bastion = {
      name: "dynamodb-bastion",
      config: [{ key: "adminCidr", type: "string", description: "cidr" }] as readonly ConfigKey[],
    };
    const refusals: { config: Record<string, string>; message: RegExp }[] = [
      {
        config: { instanceType: "banana" },
        message:
          /^config "instanceType" is "banana": not an EC2 instance type; give one such as t4g\.nano or t3\.micro$/,
      },
      {
        config: { "aws:region": "mars-1" },
        message:
          /^config "aws:region" is "mars-1": the plan has no prices or zones for that Region; use one of ap-northeast-2, us-east-1$/,
      },
    ];
    for (const r of refusals) {
      it(`refuses the value ${JSON.stringify(r.config)} with the key, the value and the fix`, () => {
        assert.throws(
          () => checkConfig(bastion, r.config),
          (e: unknown) => e instanceof UsageError && r.message.test(e.message),
        );
      });
    }

    it("leaves adminCidr to the lab's own check, which pulumi up runs too", () => {
      assert.deepEqual(checkConfig(bastion, { adminCidr: "203.0.113.10/32" }), {
        adminCidr: "203.0.113.10/32",
      });
      assert.deepEqual(checkConfig(bastion, { adminCidr: "10.0.0.0/8" }), {
        adminCidr: "10.0.0.0/8",
      });
      assert.deepEqual(checkConfig(bastion, { adminCidr: "0.0.0.0/0" }), {
        adminCidr: "0.0.0.0/0",
      });
    });

    it("knows the Regions both the price table and the engine know", () => {
      assert.deepEqual(KNOWN_REGIONS, ["ap-northeast-2", "us-east-1"]);
    });

    it("refuses `scenario`: the lab is chosen by naming it", () => {
      assert.throws(() => checkConfig(lab, { scenario: "x" }), /chosen by naming the lab/);
    });
  });

  describe("options npm kept for itself (`npm start --json` without `--`)", () => {
    it("names them from npm_config_* when npm ran the script", () => {
      assert.deepEqual(
        optionsNpmTook({
          npm_lifecycle_event: "start",
          npm_config_json: "true",
          npm_config_stack_export: "true",
          npm_config_cache: "/x",
        }),
        ["--json", "--stack-export"],
      );
    });

    it("names none outside an npm script", () => {
      assert.deepEqual(optionsNpmTook({ npm_config_json: "true" }), []);
    });
  });

  it("usage lists the options and the labs", () => {
    const text = usage(["a-lab", "b-lab"]);
    for (const option of [
      "--config <key>=<value>",
      "--json",
      "--diagram <file.svg>",
      "--diagrams <dir>",
      "--tree",
      "npx vpc-endpoint-labs plan",
    ]) {
      assert.ok(text.includes(option), option);
    }
    assert.match(text, /^Labs: a-lab, b-lab$/m);
  });
});
