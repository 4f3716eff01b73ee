/**
 * The registry of labs. A stack's config `scenario` picks one; anything else fails before a
 * single resource is registered, listing the valid names.
 */
import * as pulumi from "@pulumi/pulumi";
import { cloudformationPrivateDns } from "./cloudformation-private-dns";
import { dynamodbBastion } from "./dynamodb-bastion";
import { endpointService } from "./endpoint-service";
import { instanceConnect } from "./instance-connect";
import { publicVsPrivate } from "./public-vs-private";
import { s3Gateway } from "./s3-gateway";
import { s3Interface } from "./s3-interface";
import { ConfigError, Scenario, ScenarioConfig, ScenarioResult, UserError } from "./scenario";

export const SCENARIOS: readonly Scenario[] = [
  publicVsPrivate,
  s3Gateway,
  s3Interface,
  dynamodbBastion,
  cloudformationPrivateDns,
  instanceConnect,
  endpointService,
];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

/** The scenario of that name, or an error that lists every valid name. */
export function findScenario(name: string | undefined): Scenario {
  const valid = scenarioNames().join(", ");
  if (name === undefined || name === "") {
    throw new ConfigError(
      undefined,
      "scenario",
      `is not set; set it with \`pulumi config set scenario <name>\`, one of: ${valid}`,
    );
  }
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) {
    throw new ConfigError(
      undefined,
      "scenario",
      `is "${name}", which is not a lab; valid names: ${valid}`,
    );
  }
  return found;
}

/**
 * Runs the scenario the stack's config names and returns its stack outputs.
 *
 * A plain `Error` thrown while the lab is built is a component refusing an argument (the
 * components validate before creating anything, and their messages name the argument), so it
 * reaches `pulumi up` as its message alone, like a ConfigError. Other errors (TypeError and the
 * like) are bugs and keep their stack.
 */
export function runProgram(config: pulumi.Config = new pulumi.Config()): Record<string, unknown> {
  const scenario = findScenario(config.get("scenario"));
  let result: ScenarioResult;
  try {
    result = scenario.run(new ScenarioConfig(scenario.name, scenario.config, config));
  } catch (e) {
    if (e instanceof Error && e.constructor === Error) {
      throw new UserError(`scenario ${scenario.name}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  return {
    scenario: scenario.name,
    ...result.outputs,
    expectations: result.expectations,
    checks: result.checks,
  };
}
