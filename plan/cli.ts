/**
 * The command line of `npm start`, parsed and checked without running anything: every mistake
 * is a UsageError naming the argument and what to write instead.
 */
import { PROJECT } from "../engine/mock-engine";
import { ConfigKey, SHARED_CONFIG } from "../scenarios/scenario";

export interface PlanArgs {
  /** Labs to plan; empty means every lab. */
  scenarios: string[];
  /** `--config` pairs as given: key (maybe with a namespace) -> value. */
  config: Record<string, string>;
  json: boolean;
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

/** A mistake on the command line; `npm start` prints it with the usage and exits 2. */
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

export function usage(labs: readonly string[]): string {
  return [
    "Usage: npm start -- [<lab>...] [options]",
    "",
    "Prints the offline plan of every lab, or of the labs named: the resource tree, each",
    "expectation with the connectivity model's verdict, the policy pack's verdicts, an hourly and",
    "monthly cost estimate, and the checks to run. No AWS account or Pulumi CLI is needed.",
    "",
    "Options:",
    "  --config <key>=<value>  set a config key as `pulumi config set` would; repeatable, one lab",
    "                          only (keys: the lab's own, instanceType, azCount, aws:region)",
    "  --json                  print JSON instead of text",
    "  --variant <name>        run the lab in one of its config modes (one lab only; --config",
    "                          values win over the variant's)",
    "  --diagram <file.svg>    also draw the lab's topology to an SVG file (one lab only)",
    "  --diagrams <dir>        also draw each lab planned to <dir>/<lab>.svg",
    "  --stack-export <file>   judge a deployed lab instead: the JSON of `pulumi stack export`,",
    "                          checked against the expectations the stack itself exports",
    "  -h, --help              print this help",
    "",
    `Labs: ${labs.join(", ")}`,
    "",
    "Exit status: 0 every expectation holds; 1 an expectation does not hold (or a lab failed to",
    "build); 2 a usage or config error.",
  ].join("\n");
}

/** Parses `npm start` arguments. Throws UsageError on anything it does not understand. */
export function parseArgs(argv: readonly string[]): PlanArgs {
  const args: PlanArgs = { scenarios: [], config: {}, json: false, help: false };
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
    if (inline !== undefined && (flag === "--help" || flag === "--json")) {
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
      "--config applies to one lab: name it first, e.g. `npm start -- public-vs-private --config azCount=2`",
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
        `config "scenario" is chosen by naming the lab (npm start -- <lab>), not with --config`,
      );
    }
    if (!valid.includes(key)) {
      throw new UsageError(
        `config "${given}" is not a key of ${scenario.name}; its keys: ${valid.join(", ")}`,
      );
    }
    checked[key] = value;
  }
  return checked;
}

function splitOnce(arg: string): [string, string] {
  const eq = arg.indexOf("=");
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}
