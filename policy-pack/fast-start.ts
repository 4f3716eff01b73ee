/**
 * Starts the pack without loading the whole Pulumi SDK. @pulumi/policy 1.21.0 requires
 * `@pulumi/pulumi` in one module (deserialize.js) and reads only `asset` from it, but the SDK's
 * index loads the Automation API and, through it, @npmcli/arborist: about 330 ms of a 700 ms
 * start on a quiet machine, and most of it again on a busy one. This registers a stand-in for
 * the index that holds `asset` and loads the real index the first time anything else is read,
 * so nothing changes for code that does need more. It must be imported before @pulumi/policy,
 * and does nothing when the index is loaded already.
 */
import { Module } from "module";
import * as path from "path";

// This module's whole job is to place modules in require's cache, so it uses require directly.
/* eslint-disable @typescript-eslint/no-require-imports */

const policyDir = path.dirname(require.resolve("@pulumi/policy"));
const sdkIndex = require.resolve("@pulumi/pulumi", { paths: [policyDir] });

if (!require.cache[sdkIndex]) {
  const asset: unknown = require(require.resolve("@pulumi/pulumi/asset", { paths: [policyDir] }));
  let full: Record<string | symbol, unknown> | undefined;
  const real = (): Record<string | symbol, unknown> => {
    if (!full) {
      delete require.cache[sdkIndex];
      full = require(sdkIndex) as Record<string | symbol, unknown>;
    }
    return full;
  };
  const standIn = new Proxy({} as Record<string | symbol, unknown>, {
    get: (_, key) => (key === "asset" ? asset : real()[key]),
    has: (_, key) => key === "asset" || key in real(),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(real(), key),
  });
  const stub = new Module(sdkIndex, module);
  stub.filename = sdkIndex;
  stub.loaded = true;
  stub.exports = standIn;
  require.cache[sdkIndex] = stub;
}
