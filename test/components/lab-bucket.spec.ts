import { strict as assert } from "assert";
import { LabBucket } from "../../components/lab-bucket";
import { build, engine, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

describe("LabBucket", () => {
  useEngine();

  it("empties itself on destroy by default", async () => {
    await build(() => new LabBucket("lab"));
    assert.equal(engine.get(TYPE.bucket, "lab-bucket").inputs.forceDestroy, true);
  });

  it("blocks every kind of public access", async () => {
    await build(() => new LabBucket("lab"));
    const bucket = engine.get(TYPE.bucket, "lab-bucket");
    const pab = engine.get(TYPE.bucketPublicAccessBlock, "lab-public-access");
    assert.deepEqual(
      [
        pab.inputs.bucket,
        pab.inputs.blockPublicAcls,
        pab.inputs.blockPublicPolicy,
        pab.inputs.ignorePublicAcls,
        pab.inputs.restrictPublicBuckets,
      ],
      [bucket.id, true, true, true, true],
    );
  });

  it("disables ACLs and encrypts by default", async () => {
    await build(() => new LabBucket("lab"));
    const ownership = engine.get(TYPE.bucketOwnershipControls, "lab-ownership");
    assert.deepEqual(ownership.inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    const sse = engine.get(TYPE.bucketServerSideEncryptionConfiguration, "lab-encryption");
    assert.deepEqual(sse.inputs.rules, [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
    ]);
  });

  it("applies the settings one after another, the public access block last", async () => {
    await build(() => new LabBucket("lab"));
    const urn = (type: string, name: string) => engine.get(type, name).urn;
    const ownership = urn(TYPE.bucketOwnershipControls, "lab-ownership");
    const sse = engine.get(TYPE.bucketServerSideEncryptionConfiguration, "lab-encryption");
    const pab = engine.get(TYPE.bucketPublicAccessBlock, "lab-public-access");
    assert.ok(sse.dependencies.includes(ownership));
    assert.ok(pab.dependencies.includes(sse.urn));
  });
});
