/**
 * Loaded by mocha before any spec (.mocharc.json `require`). Pulumi's SDK wraps each promise it
 * makes in debuggablePromise (runtime/debuggable.js), which takes a stack trace for it: a lab run
 * makes thousands, and under tsx every frame is mapped through source maps, so those traces were
 * over half of the specs' CPU time. The SDK reads them only to print leaked promises when
 * PULUMI_DEBUG_PROMISE_LEAKS is set (its `debugPromiseLeaks`); otherwise the trace is left empty.
 * The leak detector, and every other stack trace, are untouched.
 */
// The SDK's .d.ts strips this internal module's declarations, and a namespace import would be a
// copy that callers inside the SDK never see: patch the module object itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;

interface Debuggable {
  debugPromiseLeaks: boolean;
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
}

const traced = debuggable.debuggablePromise;
if (typeof traced !== "function") {
  throw new Error(
    "test/helpers/sdk-stacks.ts: @pulumi/pulumi/runtime/debuggable no longer exports debuggablePromise; update or remove this helper",
  );
}

debuggable.debuggablePromise = function untraced<T>(p: Promise<T>, ctx: unknown): Promise<T> {
  if (debuggable.debugPromiseLeaks) return traced(p, ctx);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return traced(p, ctx);
  } finally {
    Error.stackTraceLimit = limit;
  }
};
