/**
 * Which Amazon Linux 2023 image a lab host boots. Pure: no Pulumi, no AWS.
 */
import { UserError } from "./user-error";

export type Architecture = "arm64" | "x86_64";

/**
 * Graviton families carry a `g` right after the generation digit (t4g, m7g, c6gn, r8gd, im4gn,
 * x2gd, g5g), plus the first-generation a1. Everything else in EC2 today is x86_64.
 */
export function architectureOf(instanceType: string): Architecture {
  const match = /^([a-z0-9-]+)\.[a-z0-9]+$/.exec(instanceType);
  if (!match) {
    throw new UserError(
      `instanceType: "${instanceType}" is not an EC2 instance type such as t4g.nano or t3.micro`,
    );
  }
  const family = match[1];
  return family === "a1" || /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}

/**
 * AWS's public SSM parameter holding the latest standard Amazon Linux 2023 AMI id. Standard, not
 * minimal: the checks run `dig` (bind-utils), which only the standard image ships, and closed
 * hosts cannot install it.
 */
export function al2023Parameter(architecture: Architecture): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}
