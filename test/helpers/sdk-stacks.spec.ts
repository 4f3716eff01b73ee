import { strict as assert } from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";

// The module object the helper patched (.mocharc.json loads it before any spec).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debugPromiseLeaks: boolean;
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as {
  getStore(): { leakCandidates: Set<Promise<unknown>> };
};

type Traced = Promise<unknown> & { _debugStackTrace?: string; _debugCtx?: unknown };

describe("the SDK's promise stack traces in specs (test/helpers/sdk-stacks.ts)", () => {
  it("takes none for the SDK's promises, keeping their context and the stack trace limit", async () => {
    const limit = Error.stackTraceLimit;
    const p = Promise.resolve(7) as Traced;
    const wrapped = debuggable.debuggablePromise(p, "spec context");
    assert.equal(p._debugStackTrace, "Error");
    assert.equal(p._debugCtx, "spec context");
    assert.equal(Error.stackTraceLimit, limit);
    assert.equal(await wrapped, 7);
  });

  it("still reports a promise that never settles as leaked", () => {
    const pending = new Promise<never>(() => {}) as Traced;
    debuggable.debuggablePromise(pending, "never settles");
    const candidates = state.getStore().leakCandidates;
    try {
      assert.ok(candidates.has(pending), "the pending promise is a leak candidate");
    } finally {
      // Left there, it would fail the mocha process at exit as a leak.
      candidates.delete(pending);
    }
  });

  it("takes the full trace when PULUMI_DEBUG_PROMISE_LEAKS asks for it", () => {
    const p = Promise.resolve() as Traced;
    debuggable.debugPromiseLeaks = true;
    try {
      debuggable.debuggablePromise(p, "debugging leaks");
    } finally {
      debuggable.debugPromiseLeaks = false;
    }
    assert.match(p._debugStackTrace ?? "", /^Error\n {4}at debuggablePromise /);
    assert.match(p._debugStackTrace ?? "", /sdk-stacks\.spec\.ts:\d+:\d+/);
  });

  it("leaves other stack traces mapped to the TypeScript line, SDK errors included", () => {
    const source = fs.readFileSync(__filename, "utf8").split("\n");
    const line = source.findIndex((l) => l.trimStart().startsWith("() => new pulumi.Config")) + 1;
    assert.throws(
      () => new pulumi.Config("sdk-stacks-spec").require("missing"),
      (err: Error) => {
        assert.match(err.message, /Missing required configuration variable/);
        assert.match(err.stack ?? "", new RegExp(`sdk-stacks\\.spec\\.ts:${line}:`));
        return true;
      },
    );
  });
});
