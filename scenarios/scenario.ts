/**
 * What a lab is, as data: its config, what it builds, what the seed observed and the commands a
 * person runs to see it. Every file in this folder but index.ts exports one `Scenario`.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../components/user-error";

export * from "../model/expectations";
import type { Check, Expectation } from "../model/expectations";

export type ConfigType = "string" | "integer" | "boolean";

/** A config key a scenario reads. Pulumi.yaml declares the same key with the same default. */
export interface ConfigKey {
  key: string;
  type: ConfigType;
  description: string;
  default?: string | number | boolean;
  /** The accepted values, for a string key with a fixed set. */
  allowed?: readonly string[];
}

/** What a scenario's program returns: stack outputs, and the lab's expectations and checks. */
export interface ScenarioResult {
  outputs: Record<string, pulumi.Input<unknown>>;
  expectations: Expectation[];
  checks: pulumi.Input<Check[]>;
}

export interface Scenario {
  /** The stack name and the value of config `scenario`. */
  name: string;
  title: string;
  /** Seed files this lab rebuilds (shared/seeds). */
  seeds: string[];
  /** One paragraph: what the lab shows. */
  summary: string;
  /** Config keys this scenario reads, beyond the shared ones. */
  config: readonly ConfigKey[];
  /**
   * Values the offline plan uses for keys a real stack must set (an admin CIDR, say): examples,
   * never defaults.
   */
  offlineConfig?: Record<string, string>;
  /**
   * Config modes the offline checks run besides the defaults, each merged over `offlineConfig`
   * (e.g. `{ name: "private-dns-off", config: { privateDns: "off" } }`). Together they set every
   * value of every boolean or enumerated key at least once.
   * @default none: one run with `offlineConfig`
   */
  variants?: Variant[];
  /**
   * Mandatory policies of the pack (as policy-pack/config/labs.json configures it) that the
   * lab's defaults are meant to violate, because the weak setup is the lesson.
   * @default none: the lab passes every mandatory policy
   */
  flaggedBy?: string[];
  run(config: ScenarioConfig): ScenarioResult;
}

/** One config mode of a lab. */
export interface Variant {
  name: string;
  /** Values as `pulumi config set` stores them. */
  config: Record<string, string>;
  /**
   * Mandatory policies this mode is meant to violate (the seed's weak bucket policies, say).
   * @default none
   */
  flaggedBy?: string[];
}

/** Keys every scenario may read. */
export const SHARED_CONFIG: readonly ConfigKey[] = [
  {
    key: "scenario",
    type: "string",
    description: "Which lab this stack builds (see README). Each Pulumi.<scenario>.yaml sets it.",
  },
  {
    key: "instanceType",
    type: "string",
    default: "t4g.nano",
    description:
      "EC2 instance type of the lab hosts. Graviton types (t4g, m7g...) boot the arm64 image, others x86_64.",
  },
  {
    key: "azCount",
    type: "integer",
    default: 1,
    description:
      "How many Availability Zones the lab VPC spans (1-4). One is enough for every lab.",
  },
  {
    key: "reachabilityAnalyzer",
    type: "boolean",
    default: false,
    description:
      "Also run AWS's Reachability Analyzer on each network expectation it can express (USD 0.10 per analysis, " +
      "run at each create); npm run verify prints whether it agrees with the connectivity model.",
  },
];

/**
 * Typed access to a scenario's config. Reading a key the scenario did not declare is a
 * programming error; a value of the wrong type or outside `allowed` is the user's, and the
 * error names the key and how to fix it.
 */
export class ScenarioConfig {
  private readonly keys: Map<string, ConfigKey>;

  constructor(
    readonly scenario: string,
    declared: readonly ConfigKey[],
    private readonly config: pulumi.Config = new pulumi.Config(),
  ) {
    this.keys = new Map([...SHARED_CONFIG, ...declared].map((k) => [k.key, k]));
  }

  string(key: string): string {
    const spec = this.spec(key, "string");
    const value = this.raw(key) ?? (spec.default as string | undefined);
    if (value === undefined || value === "") {
      throw new ConfigError(
        this.scenario,
        key,
        `is required: set it with \`pulumi config set ${key} <value>\` (${spec.description})`,
      );
    }
    if (spec.allowed && !spec.allowed.includes(value)) {
      throw new ConfigError(
        this.scenario,
        key,
        `must be one of ${spec.allowed.join(", ")}; got "${value}"`,
      );
    }
    return value;
  }

  /** A string key whose empty default means "not set". */
  optionalString(key: string): string | undefined {
    const spec = this.spec(key, "string");
    const value = this.raw(key) ?? (spec.default as string | undefined);
    return value === "" ? undefined : value;
  }

  integer(key: string, range: { min?: number; max?: number } = {}): number {
    const spec = this.spec(key, "integer");
    const raw = this.raw(key);
    const value = raw === undefined ? (spec.default as number | undefined) : Number(raw);
    if (value === undefined) {
      throw new ConfigError(this.scenario, key, "is required: set it with `pulumi config set`");
    }
    if (!Number.isInteger(value)) {
      throw new ConfigError(this.scenario, key, `must be a whole number; got "${raw}"`);
    }
    if (
      (range.min !== undefined && value < range.min) ||
      (range.max !== undefined && value > range.max)
    ) {
      throw new ConfigError(
        this.scenario,
        key,
        `must be between ${range.min ?? "-"} and ${range.max ?? "-"}; got ${value}`,
      );
    }
    return value;
  }

  boolean(key: string): boolean {
    const spec = this.spec(key, "boolean");
    const raw = this.raw(key);
    if (raw === undefined) return spec.default as boolean;
    if (raw !== "true" && raw !== "false") {
      throw new ConfigError(this.scenario, key, `must be true or false; got "${raw}"`);
    }
    return raw === "true";
  }

  /**
   * The stack's value, or undefined when unset. An empty string also counts as unset: Pulumi.yaml
   * gives a key that labs default differently the default "", meaning "this lab's default".
   */
  private raw(key: string): string | undefined {
    const value = this.config.get(key);
    return value === "" ? undefined : value;
  }

  private spec(key: string, type: ConfigType): ConfigKey {
    const spec = this.keys.get(key);
    if (!spec) {
      throw new Error(
        `scenario ${this.scenario} reads config "${key}" without declaring it in its \`config\` list`,
      );
    }
    if (spec.type !== type) {
      throw new Error(`config "${key}" is declared as ${spec.type}, read as ${type}`);
    }
    return spec;
  }
}

export { UserError };

/** A config value the lab refuses. Throw it inside an `apply` too, where a check needs a resolved value. */
export class ConfigError extends UserError {
  constructor(scenario: string | undefined, key: string, problem: string) {
    super(`config "${key}"${scenario === undefined ? "" : ` (scenario ${scenario})`} ${problem}`);
  }
}
