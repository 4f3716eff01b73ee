import { strict as assert } from "assert";
import { fromRecorded, fromStackExport, nameOf, stackOutputs } from "../../model/graph";
import { RecordedResource } from "../../engine/mock-engine";
import { TYPE } from "../../model/type-tokens";

const STACK_URN = "urn:pulumi:dev::labs::pulumi:pulumi:Stack::labs-dev";
const PROVIDER_URN = "urn:pulumi:dev::labs::pulumi:providers:aws::default_7_48_0";
const BUCKET_URN =
  "urn:pulumi:dev::labs::vpc-endpoint-labs:storage:LabBucket$aws:s3/bucket:Bucket::lab-bucket";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

function exportOf(resources: unknown[], extra: Record<string, unknown> = {}) {
  return { version: 3, deployment: { manifest: {}, resources }, ...extra };
}

const bucket = {
  urn: BUCKET_URN,
  custom: true,
  id: "lab-bucket-1a2b3c4",
  type: TYPE.bucket,
  inputs: { forceDestroy: true, tags: { Name: "lab" } },
  outputs: {
    bucket: "lab-bucket-1a2b3c4",
    arn: "arn:aws:s3:::lab-bucket-1a2b3c4",
    forceDestroy: true,
  },
  parent: "urn:pulumi:dev::labs::vpc-endpoint-labs:storage:LabBucket::lab",
  provider: `${PROVIDER_URN}::0000`,
  dependencies: [],
  propertyDependencies: { forceDestroy: [] },
};

describe("model/graph nameOf", () => {
  const cases: [string, string][] = [
    ["urn:pulumi:dev::labs::aws:ec2/vpc:Vpc::lab-vpc", "lab-vpc"],
    [BUCKET_URN, "lab-bucket"],
    ["urn:pulumi:dev::labs::aws:iam/policy:Policy::odd::name", "odd::name"],
  ];
  for (const [urn, name] of cases) {
    it(`${urn} -> ${name}`, () => assert.equal(nameOf(urn), name));
  }

  it("refuses what is not a URN", () => {
    assert.throws(
      () => nameOf("lab-vpc"),
      /"lab-vpc" is not a Pulumi URN \(urn:pulumi:<stack>::<project>::<type>::<name>\)/,
    );
  });
});

describe("model/graph fromRecorded", () => {
  it("merges outputs over inputs, keeps parent and dependencies, drops component ids", () => {
    const recorded: RecordedResource[] = [
      {
        type: "vpc-endpoint-labs:storage:LabBucket",
        name: "lab",
        urn: "urn:pulumi:dev::labs::vpc-endpoint-labs:storage:LabBucket::lab",
        id: "lab-labbucket-0fb44aea",
        custom: false,
        dependencies: [],
        propertyDependencies: {},
        inputs: {},
        outputs: { bucketName: "lab-bucket-1a2b3c4" },
      },
      {
        type: TYPE.bucket,
        name: "lab-bucket",
        urn: BUCKET_URN,
        id: "lab-bucket-1a2b3c4",
        custom: true,
        parent: "urn:pulumi:dev::labs::vpc-endpoint-labs:storage:LabBucket::lab",
        dependencies: ["urn:x"],
        propertyDependencies: { tags: [] },
        inputs: { forceDestroy: true, tags: { Name: "lab" }, bucket: "asked" },
        outputs: { bucket: "lab-bucket-1a2b3c4", arn: "arn:aws:s3:::lab-bucket-1a2b3c4" },
      },
    ];
    const graph = fromRecorded(recorded);
    assert.equal(graph[0].id, undefined);
    assert.deepEqual(graph[1], {
      type: TYPE.bucket,
      urn: BUCKET_URN,
      name: "lab-bucket",
      id: "lab-bucket-1a2b3c4",
      parent: "urn:pulumi:dev::labs::vpc-endpoint-labs:storage:LabBucket::lab",
      dependencies: ["urn:x"],
      propertyDependencies: { tags: [] },
      props: {
        forceDestroy: true,
        tags: { Name: "lab" },
        bucket: "lab-bucket-1a2b3c4",
        arn: "arn:aws:s3:::lab-bucket-1a2b3c4",
      },
    });
  });
});

describe("model/graph fromStackExport", () => {
  const stack = {
    urn: STACK_URN,
    custom: false,
    type: "pulumi:pulumi:Stack",
    outputs: { expectations: [] },
  };
  const provider = { urn: PROVIDER_URN, custom: true, id: "0000", type: "pulumi:providers:aws" };

  it("reads deployment.resources, leaving out the stack and its providers", () => {
    const graph = fromStackExport(exportOf([stack, provider, bucket]));
    assert.deepEqual(graph, [
      {
        type: TYPE.bucket,
        urn: BUCKET_URN,
        name: "lab-bucket",
        id: "lab-bucket-1a2b3c4",
        parent: "urn:pulumi:dev::labs::vpc-endpoint-labs:storage:LabBucket::lab",
        dependencies: [],
        propertyDependencies: { forceDestroy: [] },
        props: {
          forceDestroy: true,
          tags: { Name: "lab" },
          bucket: "lab-bucket-1a2b3c4",
          arn: "arn:aws:s3:::lab-bucket-1a2b3c4",
        },
      },
    ]);
  });

  it("accepts the export as JSON text, and skips resources pending deletion", () => {
    const old = { ...bucket, urn: `${BUCKET_URN}-old`, delete: true };
    const graph = fromStackExport(JSON.stringify(exportOf([bucket, old])));
    assert.deepEqual(
      graph.map((r) => r.urn),
      [BUCKET_URN],
    );
  });

  it("unwraps secrets shown with --show-secrets and leaves encrypted ones out", () => {
    const key = {
      urn: "urn:pulumi:dev::labs::aws:iam/accessKey:AccessKey::k",
      custom: true,
      id: "AKIA0000",
      type: TYPE.accessKey,
      outputs: {
        secret: { ...SECRET, ciphertext: "v1:abc" },
        user: { ...SECRET, plaintext: '"lab-user"' },
        tags: { ...SECRET, plaintext: '{"Name":"k"}' },
      },
    };
    const [graph] = fromStackExport(exportOf([key]));
    assert.deepEqual(graph.props, { secret: undefined, user: "lab-user", tags: { Name: "k" } });
  });

  it("returns the stack's own outputs apart (a lab stack's expectations)", () => {
    assert.deepEqual(stackOutputs(exportOf([stack, bucket])), { expectations: [] });
    assert.deepEqual(stackOutputs(exportOf([bucket])), {});
  });

  const refusals: [string, unknown, RegExp][] = [
    ["text that is not JSON", "{", /^ExportError: stack export is not JSON/],
    [
      "a list",
      [],
      /^ExportError: stack export must be an object with "version" and "deployment"; got a list$/,
    ],
    [
      "an unsupported version",
      { version: 1, deployment: { resources: [] } },
      /^ExportError: stack export has version 1; this reader supports versions 3 and 4/,
    ],
    [
      "stack outputs instead of an export",
      { bucketName: "x" },
      /^ExportError: stack export has no "deployment" object; export a stack with `pulumi stack export --file <file>`/,
    ],
    [
      "resources that are not a list",
      { version: 3, deployment: { resources: {} } },
      /^ExportError: stack export deployment.resources must be a list; got an object$/,
    ],
    [
      "a resource without a URN",
      exportOf([{ ...bucket, urn: undefined }]),
      /^ExportError: stack export deployment.resources\[0\].urn must be a non-empty string; got nothing$/,
    ],
    [
      "a resource without a type",
      exportOf([stack, { ...bucket, type: 7 }]),
      /^ExportError: stack export deployment.resources\[1\].type must be a non-empty string; got a number$/,
    ],
    [
      "dependencies that are not URNs",
      exportOf([{ ...bucket, dependencies: [1] }]),
      /^ExportError: stack export deployment.resources\[0\].dependencies must be a list of URNs$/,
    ],
    [
      "outputs that are not an object",
      exportOf([{ ...bucket, outputs: "x" }]),
      /^ExportError: stack export deployment.resources\[0\].outputs must be an object; got a string$/,
    ],
  ];
  for (const [what, doc, message] of refusals) {
    it(`refuses ${what}, naming the place`, () => {
      assert.throws(() => fromStackExport(doc), message);
    });
  }
});
