/**
 * The command line of `vpc-endpoint-labs plan` (and `npm start`), parsed and checked without
 * running anything: every mistake is a UsageError naming the argument or config key, the value
 * and what to write instead.
 */
import { availabilityZones, PROJECT } from "../engine/mock-engine";
import { ConfigKey, SHARED_CONFIG } from "../scenarios/scenario";
import { architectureOf } from "../components/ami";
import { PRICE_TABLE } from "./prices";

export interface PlanArgs {
  /** Labs to plan; empty means every lab. */
  scenarios: string[];
  /** `--config` pairs as given: key (maybe with a namespace) -> value. */
  config: Record<string, string>;
  json: boolean;
  /** `--tree`: also print each lab's resource tree. */
  tree: boolean;
  /** `--diagram <file.svg>`: draw the one lab named. */
  diagram?: string;
  /** `--diagrams <dir>`: draw every chosen lab to `<dir>/<scenario>.svg`. */
  diagramsDir?: string;
  /** `--variant <name>`: run the one lab named in one of its config modes. */
  variant?: string;
  /** `--stack-export <file.json>`: judge a deployed stack instead of planning a lab. */
  stackExport?: string;
  help: boolean;
}

/** A mistake on the command line or in a config value; the plan prints it and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Provider keys a lab may be given besides its own: the Region prices and ids depend on. */
export const PROVIDER_KEYS: readonly ConfigKey[] = [
  {
    key: "aws:region",
    type: "string",
    default: "ap-northeast-2",
    description: "AWS Region the stack deploys to (prices and names follow it)",
  },
];

/** The command as a person types it; `npm start -- <args>` runs the same. */
export const COMMAND = "vpc-endpoint-labs plan";

/**
 * Regions the plan can price and the engine can lay out zones for. Anything else would plan
 * silently at a total of 0.00, so it is refused.
 */
export const KNOWN_REGIONS: readonly string[] = Object.keys(PRICE_TABLE.regions)
  .filter((region) => availabilityZones(region).zoneIds.every((id) => !id.includes("undefined")))
  .sort();

export function usage(labs: readonly string[]): string {
  return [
    `Usage: npx ${COMMAND} [<lab>...] [options]`,
    "       npm start -- [<lab>...] [options]",
    "",
    "Prints the offline plan of every lab, or of the labs named: each expectation with the",
    "connectivity model's verdict, the checks to run on each host, the policy pack's verdicts, an",
    "hourly and monthly cost estimate and the quotas it takes. No AWS account or Pulumi CLI is",
    "needed.",
    "",
    "Options:",
    "  --config <key>=<value>  set a config key as `pulumi config set` would; repeatable, one lab",
    `                          only (keys: the lab's own, instanceType, azCount, aws:region, one`,
    `                          of ${KNOWN_REGIONS.join(", ")})`,
    "  --variant <name>        run the lab in one of its config modes (one lab only; --config",
    "                          values win over the variant's)",
    "  --tree                  also print each lab's resource tree",
    "  --json                  print one JSON document instead of text",
    "  --diagram <file.svg>    also draw the lab's topology to an SVG file (one lab only)",
    "  --diagrams <dir>        also draw each lab planned to <dir>/<lab>.svg",
    "  --stack-export <file>   judge a deployed lab instead: the JSON of `pulumi stack export`,",
    "                          checked against the expectations the stack itself exports",
    "  -h, --help              print this help",
    "",
    "Relative paths are read from the directory the command runs in.",
    "",
    `Labs: ${labs.join(", ")}`,
    "",
    "Exit status: 0 every expectation holds; 1 an expectation does not hold, or a lab failed to",
    "build; 2 a usage or config error (nothing is planned).",
  ].join("\n");
}

/**
 * Options of ours that `npm start` kept for itself because they came before `--`: npm sets
 * `npm_config_<name>` for each and passes on only what follows, so `--json` would vanish and
 * `--variant x` would turn `x` into a lab name.
 */
export function optionsNpmTook(env: NodeJS.ProcessEnv): string[] {
  if (env.npm_lifecycle_event === undefined) return [];
  return ["json", "tree", "config", "variant", "diagram", "diagrams", "stack_export"]
    .filter((name) => env[`npm_config_${name}`] !== undefined)
    .map((name) => `--${name.replace("_", "-")}`);
}

/** Parses the plan's arguments. Throws UsageError on anything it does not understand. */
export function parseArgs(argv: readonly string[]): PlanArgs {
  const args: PlanArgs = { scenarios: [], config: {}, json: false, tree: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg) : [arg];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("-")) {
        throw new UsageError(`${flag} needs a value`);
      }
      i++;
      return next;
    };
    if (inline !== undefined && (flag === "--help" || flag === "--json" || flag === "--tree")) {
      throw new UsageError(`${flag} takes no value`);
    }
    switch (flag) {
      case "-h":
      case "--help":
        args.help = true;
        break;
      case "--json":
        args.json = true;
        break;
      case "--tree":
        args.tree = true;
        break;
      case "-c":
      case "--config": {
        const pair = value();
        const eq = pair.indexOf("=");
        if (eq <= 0) {
          throw new UsageError(
            `--config takes key=value (as in \`pulumi config set key value\`); got "${pair}"`,
          );
        }
        args.config[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case "--diagram":
        args.diagram = value();
        if (!args.diagram.endsWith(".svg")) {
          throw new UsageError(
            `--diagram writes SVG; give a file name ending in .svg, got "${args.diagram}"`,
          );
        }
        break;
      case "--diagrams":
        args.diagramsDir = value();
        break;
      case "--variant":
        args.variant = value();
        break;
      case "--stack-export":
        args.stackExport = value();
        break;
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${flag}`);
        args.scenarios.push(arg);
    }
  }
  if (Object.keys(args.config).length > 0 && args.scenarios.length !== 1) {
    throw new UsageError(
      `--config applies to one lab: name it first, e.g. \`${COMMAND} public-vs-private --config azCount=2\``,
    );
  }
  if (args.diagram !== undefined && args.scenarios.length !== 1 && !args.stackExport) {
    throw new UsageError("--diagram draws one lab: name it, or use --diagrams <dir> for several");
  }
  if (args.variant !== undefined && args.scenarios.length !== 1) {
    throw new UsageError("--variant applies to one lab: name it first");
  }
  if (
    args.stackExport !== undefined &&
    (args.scenarios.length > 0 ||
      Object.keys(args.config).length > 0 ||
      args.variant !== undefined ||
      args.diagramsDir !== undefined)
  ) {
    throw new UsageError(
      "--stack-export judges the deployed stack as it is: give no lab, --config, --variant or --diagrams with it",
    );
  }
  if (args.diagram !== undefined && args.diagramsDir !== undefined) {
    throw new UsageError("give --diagram <file.svg> or --diagrams <dir>, not both");
  }
  return args;
}

/**
 * The `--config` pairs as the engine's config: keys of the lab or shared keys (bare, or with
 * the project prefix, as `pulumi config set` accepts them) and `aws:region`. Values stay the
 * strings `pulumi config set` would store. An unknown key is a UsageError listing the valid ones.
 */
export function checkConfig(
  scenario: { name: string; config: readonly ConfigKey[] },
  config: Readonly<Record<string, string>>,
): Record<string, string> {
  const declared = [...SHARED_CONFIG, ...scenario.config].filter((k) => k.key !== "scenario");
  const valid = [...declared.map((k) => k.key), ...PROVIDER_KEYS.map((k) => k.key)];
  const checked: Record<string, string> = {};
  for (const [given, value] of Object.entries(config)) {
    const key = given.startsWith(`${PROJECT}:`) ? given.slice(PROJECT.length + 1) : given;
    if (key === "scenario") {
      throw new UsageError(
        `config "scenario" is chosen by naming the lab (${COMMAND} <lab>), not with --config`,
      );
    }
    if (!valid.includes(key)) {
      throw new UsageError(
        `config "${given}" is not a key of ${scenario.name}; its keys: ${valid.join(", ")}`,
      );
    }
    checkValue(key, value);
    checked[key] = value;
  }
  return checked;
}

/**
 * The values AWS would refuse later, refused now with the fix: an instance type that is not
 * one, and a Region the plan cannot price. A lab refuses its own keys (a bastion's `adminCidr`,
 * say) as `pulumi up` would.
 */
function checkValue(key: string, value: string): void {
  const refuse = (problem: string) => {
    throw new UsageError(`config "${key}" is "${value}": ${problem}`);
  };
  if (key === "instanceType") {
    try {
      architectureOf(value);
    } catch {
      refuse("not an EC2 instance type; give one such as t4g.nano or t3.micro");
    }
  }
  if (key === "aws:region" && !KNOWN_REGIONS.includes(value)) {
    refuse(
      `the plan has no prices or zones for that Region; use one of ${KNOWN_REGIONS.join(", ")}`,
    );
  }
}

function splitOnce(arg: string): [string, string] {
  const eq = arg.indexOf("=");
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}
