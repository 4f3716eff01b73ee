import * as pulumi from "@pulumi/pulumi";

/**
 * A refusal the user fixes by changing config or an argument: the message names it and says how.
 * Every argument check in `components/` throws it, so a refusal inside an `apply` (a check that
 * needs a resolved value, such as the Availability Zones on offer) is as quick and as short as one
 * made before any resource exists, and the offline plan exits 2 for it, as for any usage error.
 * Under `pulumi up` it reaches the user as that one line. A `pulumi.RunError` is printed without
 * its stack (@pulumi/pulumi 3.248.0, cmd/run/run.js, `uncaughtHandler`), but that handler then
 * formats every uncaught error with `util.inspect` for a tracing span; for an error thrown inside
 * an `apply` the lazily built, source-mapped stack makes that take 30-50 s and ~3.5 GB on Node 20.
 * So the stack is set to the one line when the error is made, and nothing is left to format.
 */
export class UserError extends pulumi.RunError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.stack = `${this.name}: ${message}`;
  }
}
