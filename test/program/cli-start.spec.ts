/**
 * The program started as the Pulumi CLI's nodejs language host starts it: `@pulumi/pulumi/cmd/run`
 * with the CLI's flags, PULUMI_CONFIG and the runtime options of Pulumi.yaml, against the gRPC
 * engine and monitor of harness/language-host.ts. Each run spawns one program (~2 s), so there
 * are three: a preview, an update and a config error, started together before the specs read them.
 */
import { strict as assert } from "assert";
import { ProgramRun, Registration, runLikeTheCli } from "../../harness/language-host";

const STACK = "s3-gateway";
const STACK_URN = `urn:pulumi:${STACK}::vpc-endpoint-labs::pulumi:pulumi:Stack::vpc-endpoint-labs-${STACK}`;

function find(run: ProgramRun, type: string, name: string): Registration {
  const found = run.registrations.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `one ${type} named ${name}; got ${found.length}`);
  return found[0];
}

function errors(run: ProgramRun): string[] {
  return run.logs.filter((l) => l.severity === "error").map((l) => l.message);
}

/** The registrations every run of the s3-gateway lab makes, with the parent each belongs to. */
function assertS3GatewayGraph(run: ProgramRun): void {
  assert.deepEqual(errors(run), [], run.stderr);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal(run.registrations[0].urn, STACK_URN);
  const gateway = find(run, "vpc-endpoint-labs:endpoints:GatewayEndpoint", "s3-gateway");
  assert.equal(gateway.parent, STACK_URN);
  const vpce = find(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "s3-gateway-vpce");
  assert.equal(vpce.custom, true);
  assert.equal(vpce.parent, gateway.urn);
  assert.equal(
    vpce.urn,
    `urn:pulumi:${STACK}::vpc-endpoint-labs::vpc-endpoint-labs:endpoints:GatewayEndpoint$aws:ec2/vpcEndpoint:VpcEndpoint::s3-gateway-vpce`,
  );
  find(run, "vpc-endpoint-labs:network:LabVpc", "lab");
  find(run, "aws:ec2/vpc:Vpc", "lab-vpc");
  find(run, "aws:s3/bucketPolicy:BucketPolicy", "lab-policy");
  assert.equal(run.registrations.filter((r) => r.type === "aws:ec2/instance:Instance").length, 2);
  assert.equal(run.outputs.scenario, STACK);
}

describe("the program started as the Pulumi CLI starts it", function () {
  this.timeout(60_000);
  let runs: Promise<ProgramRun>[];

  before(() => {
    runs = [
      runLikeTheCli({ stack: STACK, config: { scenario: STACK }, dryRun: true }),
      runLikeTheCli({ stack: STACK, config: { scenario: STACK }, dryRun: false }),
      runLikeTheCli({
        stack: STACK,
        config: { scenario: STACK, bucketPolicyMode: "deny-all" },
        dryRun: true,
        measure: true,
      }),
    ];
    // Each spec awaits its own run; the others' failures are theirs to report.
    for (const run of runs) run.catch(() => undefined);
  });

  it("previews the s3-gateway lab: every resource registered, its outputs unknown", async () => {
    const run = await runs[0];
    assertS3GatewayGraph(run);
    // A preview answers new resources with their inputs only: the endpoint's id is not known.
    assert.equal(run.outputs.gatewayEndpointId, undefined);
  });

  it("updates the s3-gateway lab: stack outputs resolve from the engine's answers", async () => {
    const run = await runs[1];
    assertS3GatewayGraph(run);
    assert.match(String(run.outputs.gatewayEndpointId), /^vpce-[0-9a-f]{17}$/);
    assert.ok(Array.isArray(run.outputs.checks), "checks resolved");
  });

  it("shows a bad config value as one line naming the key, with no stack, in well under 5 s of CPU", async () => {
    const run = await runs[2];
    assert.deepEqual(errors(run), [
      'config "bucketPolicyMode" (scenario s3-gateway) must be one of deny-outside-endpoint, allow-only, deny-through-endpoint; got "deny-all"',
    ]);
    // 32: the program logged an actionable message and the CLI adds nothing (cmd/run/index.js).
    assert.equal(run.exitCode, 32);
    assert.deepEqual(
      run.registrations.map((r) => r.type),
      ["pulumi:pulumi:Stack"],
    );
    // CPU rather than wall time: the spec shares two cores with other work. bench/program-start.ts
    // measures the wall time.
    assert.ok(run.firstErrorCpuMs! < 5000, `the error took ${run.firstErrorCpuMs} ms of CPU`);
  });
});
