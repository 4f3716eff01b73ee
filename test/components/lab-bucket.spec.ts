import { strict as assert } from "assert";
import { LabBucket } from "../../components/lab-bucket";
import { build, engine, useEngine } from "../helpers/engine";

describe("LabBucket", () => {
  useEngine();

  it("empties itself on destroy by default", async () => {
    await build(() => new LabBucket("lab"));
    assert.equal(engine.get("aws:s3/bucket:Bucket", "lab-bucket").inputs.forceDestroy, true);
  });

  it("blocks every kind of public access", async () => {
    await build(() => new LabBucket("lab"));
    const bucket = engine.get("aws:s3/bucket:Bucket", "lab-bucket");
    const pab = engine.get(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "lab-public-access",
    );
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
    const ownership = engine.get(
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "lab-ownership",
    );
    assert.deepEqual(ownership.inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    const sse = engine.get(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "lab-encryption",
    );
    assert.deepEqual(sse.inputs.rules, [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
    ]);
  });

  it("applies the settings one after another, the public access block last", async () => {
    await build(() => new LabBucket("lab"));
    const urn = (type: string, name: string) => engine.get(type, name).urn;
    const ownership = urn(
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "lab-ownership",
    );
    const sse = engine.get(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "lab-encryption",
    );
    const pab = engine.get(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "lab-public-access",
    );
    assert.ok(sse.dependencies.includes(ownership));
    assert.ok(pab.dependencies.includes(sse.urn));
  });
});
