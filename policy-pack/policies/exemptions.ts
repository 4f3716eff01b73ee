import { globCovers, hasWildcard } from "./glob";
import { excerpt } from "./text";

/**
 * Which principals a restricting Deny may leave out, and when such an exemption is narrow enough.
 *
 * An exemption is a value of an `exemptionKeys` condition key under a negated operator
 * (`ArnNotLike aws:PrincipalArn ...`), or an entry of the Deny's `NotPrincipal`. Either way the
 * Deny does not apply to the principals the value names, so the value must name principals of
 * ONE account and a bounded set of them. The grammar, from IAM's ARN formats (IAM User Guide,
 * "IAM identifiers"; role and user names are unique per account whatever their path):
 *
 *   arn:<partition>:iam::<12-digit account>:root
 *   arn:<partition>:iam::<account>:role/<path><name>     <path> may hold * and ?, <name> may not
 *   arn:<partition>:iam::<account>:user/<path><name>     (same)
 *   arn:<partition>:sts::<account>:federated-user/<name>
 *   arn:<partition>:sts::<account>:assumed-role/<role name>/<session>   <session> may hold * and ?
 *
 * `<partition>` (aws, aws-cn, aws-us-gov, ...) and the account are written out; `<name>` is
 * IAM's `[\w+=,.@-]{1,64}`. So a role named `deployer` under any path (`role/` then a star
 * then `/deployer`, as the labs write it) is accepted, and `*`, `arn:aws:iam::*:...`, `...:role/*`, `...:user/*`,
 * `arn:aws:iam::111122223333:*` and `...:role/deploy*` are not. Wildcards are treated as
 * wildcards under every operator, also `StringNotEquals`, where they are literal characters: a
 * value with one there names nobody real, and is refused as written rather than guessed at.
 *
 * In `NotPrincipal` an account (`111122223333` or `arn:aws:iam::111122223333:root`) stands for
 * every principal of the account, `*` for everyone, and service, federated and canonical-user
 * principals belong to no one account: all are refused.
 */

const PARTITION = /^aws(-[a-z]+)*$/;
const ACCOUNT = /^\d{12}$/;
const NAME = /^[\w+=,.@-]{1,64}$/;

/** What an acceptable exemption looks like, for messages. */
export function exemptionExample(account = "111122223333"): string {
  return (
    `arn:aws:iam::${account}:role/break-glass, or arn:aws:iam::${account}:role/*/break-glass ` +
    "(one named role or user of one account; a wildcard only in the IAM path)"
  );
}

/**
 * Why an exempted principal ARN (pattern) is too broad, or undefined when it names a bounded set
 * of principals of one account. `where` is `condition` (an `aws:PrincipalArn`-style value) or
 * `NotPrincipal` (where an account ARN means the whole account).
 */
export function exemptionProblem(
  value: string,
  where: "condition" | "NotPrincipal",
): string | undefined {
  if (value === "*" || /^[*?]+$/.test(value)) {
    return "matches every principal of every account";
  }
  if (where === "NotPrincipal" && ACCOUNT.test(value)) {
    return `is account ${value}, which stands for every principal of that account`;
  }
  const parts = value.split(":");
  if (parts.length < 6 || parts[0] !== "arn") {
    return hasWildcard(value)
      ? "is a pattern that is not a principal ARN, so it may match principals of any account"
      : "is not a principal ARN (arn:<partition>:iam::<account-id>:role/<name>)";
  }
  const [, partition, service, region, account] = parts;
  const resource = parts.slice(5).join(":");
  if (hasWildcard(account)) {
    return "has a wildcard in the account field, so it matches principals of other accounts";
  }
  if (!ACCOUNT.test(account)) {
    return "does not name a 12-digit account id";
  }
  if (hasWildcard(partition) || !PARTITION.test(partition)) {
    return "does not write out the partition (aws, aws-cn, aws-us-gov)";
  }
  if (region !== "") {
    return "has a Region, which principal ARNs never have";
  }
  if (service === "iam") {
    if (resource === "root") {
      return where === "NotPrincipal"
        ? `is account ${account}'s root ARN, which in NotPrincipal stands for every principal of the account`
        : undefined;
    }
    const slash = resource.indexOf("/");
    const type = slash < 0 ? resource : resource.slice(0, slash);
    if (type !== "role" && type !== "user") {
      return hasWildcard(type)
        ? `matches every principal of account ${account}`
        : `is not a role, user or root ARN (${type})`;
    }
    return nameProblem(resource.slice(slash + 1), type, account);
  }
  if (service === "sts") {
    if (resource.startsWith("federated-user/")) {
      const name = resource.slice("federated-user/".length);
      return NAME.test(name) && !hasWildcard(name)
        ? undefined
        : `matches federated users of account ${account} by pattern; name one`;
    }
    const session = /^assumed-role\/([^/]*)\/(.+)$/.exec(resource);
    if (session) {
      return NAME.test(session[1]) && !hasWildcard(session[1])
        ? undefined
        : `matches sessions of several roles of account ${account}; name the role`;
    }
    return `matches every principal of account ${account}`;
  }
  return hasWildcard(service)
    ? `matches every principal of account ${account}`
    : `is not an IAM or STS principal ARN (service ${service})`;
}

function nameProblem(pathAndName: string, type: string, account: string): string | undefined {
  const name = pathAndName.slice(pathAndName.lastIndexOf("/") + 1);
  const plural = type === "role" ? "roles" : "users";
  if (name === "" || /^[*?]+$/.test(name)) {
    return `matches every ${type} of account ${account}`;
  }
  if (hasWildcard(name)) {
    return `matches every ${type} of account ${account} whose name matches ${excerpt(name, 60)}; only the IAM path may hold a wildcard`;
  }
  if (!NAME.test(name)) {
    return `does not end in a valid ${type} name (IAM ${plural} are named [\\w+=,.@-], 1-64 characters)`;
  }
  return undefined;
}

/** Why a value falls outside the organisation's `allowedExemptions`, or undefined. */
export function allowedExemptionProblem(
  value: string,
  allowed: readonly string[],
): string | undefined {
  if (allowed.length === 0 || allowed.some((pattern) => globCovers(pattern, value))) {
    return undefined;
  }
  return `is not inside any of allowedExemptions (${excerpt(allowed.join(", "), 300)})`;
}

/**
 * NotPrincipal entries as exempted values, or why they cannot be: a NotPrincipal in a Deny
 * exempts every principal it names.
 */
export function notPrincipalValues(
  notPrincipal: "*" | Readonly<Record<string, readonly string[]>>,
): { values: string[]; problems: string[] } {
  if (notPrincipal === "*") {
    return { values: [], problems: ['NotPrincipal "*" exempts every principal'] };
  }
  const values: string[] = [];
  const problems: string[] = [];
  for (const [kind, list] of Object.entries(notPrincipal)) {
    if (kind === "AWS") {
      values.push(...list);
    } else {
      problems.push(
        `NotPrincipal exempts ${kind} principals (${excerpt(list.join(", "), 200)}), which belong to no one account`,
      );
    }
  }
  return { values, problems };
}
