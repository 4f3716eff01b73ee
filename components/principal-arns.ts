/**
 * The principals an endpoint service may admit, as IAM ARNs. Pure: no Pulumi, no AWS.
 *
 * AWS accepts an account root, an IAM role or an IAM user (and `*`, which this project refuses:
 * it would let every AWS account discover the service and ask to connect).
 */
import { UserError } from "./user-error";

const PRINCIPAL_ARN =
  /^arn:(aws[a-z-]*):iam::(\d{12}):(root|(?:role|user)\/[\w+=,.@-]+(?:\/[\w+=,.@-]+)*)$/;

/** What is wrong with an allowed-principal ARN, or undefined when it is one. */
export function principalArnProblem(arn: string): string | undefined {
  if (arn === "*") {
    return `"*" would let every AWS account connect; list account roots (arn:aws:iam::<account>:root), roles or users instead`;
  }
  if (/^\d{12}$/.test(arn)) {
    return `"${arn}" is an account id, not an ARN; write arn:aws:iam::${arn}:root`;
  }
  if (!PRINCIPAL_ARN.test(arn)) {
    return `"${arn}" is not an IAM principal ARN; use arn:aws:iam::<12-digit account>:root, :role/<name> or :user/<name>`;
  }
  return undefined;
}

/**
 * A resource-name fragment for a principal (`111122223333-role-ops-deployer`), so each allowed
 * principal keeps its resource when the list is reordered.
 */
export function principalSlug(arn: string): string {
  const match = PRINCIPAL_ARN.exec(arn);
  if (!match) throw new UserError(principalArnProblem(arn) ?? `"${arn}" is not a principal ARN`);
  return `${match[2]}-${match[3].replace(/[^A-Za-z0-9-]+/g, "-")}`;
}

/** The root ARN of an account: every principal of that account the account's IAM permits. */
export function accountRootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** A comma-separated list, trimmed, empty items dropped. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
