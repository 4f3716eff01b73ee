#!/usr/bin/env node
/*
 * `npx vpc-endpoint-labs plan ...`: the offline plan as a command of its own, so that `--json`
 * writes nothing but JSON and no option falls into npm's hands.
 *
 * The sources are TypeScript and run as they are, compiled on load by tsx, which `npm ci`
 * installs (a dev dependency, like everything this clone-and-run project needs): a build step
 * would leave compiled copies to keep in step with the sources for no gain here.
 */
"use strict";

const COMMANDS = { plan: "../plan/main.ts" };
const HELP = [
  "Usage: npx vpc-endpoint-labs <command> [options]",
  "",
  "Commands:",
  "  plan   the offline plan of every lab, or of the labs named (see `plan --help`)",
].join("\n");

const [command, ...args] = process.argv.slice(2);
if (command === "-h" || command === "--help") {
  process.stdout.write(`${HELP}\n`);
} else if (!(command in COMMANDS)) {
  const said = command === undefined ? "no command given" : `"${command}" is not a command`;
  process.stderr.write(`${said}; the command is \`plan\`\nsee \`vpc-endpoint-labs --help\`\n`);
  process.exitCode = 2;
} else {
  let tsx;
  try {
    tsx = require("tsx/cjs/api");
  } catch {
    process.stderr.write(
      "tsx is missing: it loads the TypeScript sources; run `npm ci` in the repository first\n",
    );
    process.exitCode = 1;
  }
  if (tsx) {
    tsx.register();
    const { runCommand } = require(COMMANDS[command]);
    runCommand(args);
  }
}
