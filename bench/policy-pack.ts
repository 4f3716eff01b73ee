/**
 * Cold start and AnalyzeStack time of the policy pack, measured at its gRPC boundary: the
 * compiled pack is started exactly as the Pulumi CLI starts it (median of several starts), and
 * sent stacks of 1,000, 10,000 and 50,000 resources (half buckets, half bucket policies that
 * restrict them), at least 20 calls per size, so the medians show whether time grows linearly.
 *
 *   npm run bench:policy
 */
import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import {
  ResourceSpec,
  analyzeStackRequest,
  diagnosticsOf,
  startPack,
  unary,
} from "../harness/pack-process";

const SIZES = [1_000, 10_000, 50_000];
/** AnalyzeStack calls per size, pack side (request serialised beforehand). */
const RUNS = 20;
/** Calls per size that include this client's protobuf encoding, for comparison. */
const FULL_RUNS = 3;
/** Pack starts for the cold-start median. */
const STARTS = 9;

/**
 * AnalyzeStack with a request serialised beforehand, so the time measured is the pack's (decode,
 * policies, encode) plus the local transport, not this client's protobuf encoding.
 */
function analyzeStackBytes(
  client: grpc.Client,
  bytes: Uint8Array,
): Promise<analyzer.AnalyzeResponse> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      "/pulumirpc.Analyzer/AnalyzeStack",
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => analyzer.AnalyzeResponse.deserializeBinary(new Uint8Array(b)),
      bytes,
      (err, res) => (err ? reject(err) : resolve(res!)),
    ),
  );
}

function stack(size: number): ResourceSpec[] {
  const specs: ResourceSpec[] = [];
  for (let i = 0; i < size / 2; i++) {
    const name = `lab-bucket-${i}`;
    const arn = `arn:aws:s3:::${name}`;
    const bucketUrn = `urn:pulumi:bench::vpc-endpoint-labs::aws:s3/bucket:Bucket::${name}`;
    specs.push({
      type: "aws:s3/bucket:Bucket",
      urn: bucketUrn,
      name,
      props: { bucket: name, id: name, arn, forceDestroy: true, tags: { lab: "bench" } },
    });
    specs.push({
      type: "aws:s3/bucketPolicy:BucketPolicy",
      urn: `urn:pulumi:bench::vpc-endpoint-labs::aws:s3/bucketPolicy:BucketPolicy::${name}-policy`,
      name: `${name}-policy`,
      props: {
        bucket: name,
        id: name,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyUnlessThroughVpcEndpoint",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [arn, `${arn}/*`],
              Condition: { StringNotEquals: { "aws:SourceVpce": ["vpce-0123456789abcdef0"] } },
            },
          ],
        }),
      },
      propertyDependencies: { bucket: [bucketUrn] },
      dependencies: [bucketUrn],
    });
  }
  return specs;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const starts: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const p = await startPack();
    starts.push(p.startupMs);
    await p.stop();
  }
  console.log(
    `cold start (spawn to port on stdout, as the CLI starts the pack): median ${median(starts)} ms ` +
      `over ${STARTS} starts (${[...starts].sort((a, b) => a - b).join(", ")})`,
  );
  const pack = await startPack();
  try {
    // Warm the server's code paths once, as a preview's first AnalyzeStack would not be.
    await unary(pack.client.analyzeStack, pack.client, analyzeStackRequest(stack(100)));
    for (const size of SIZES) {
      let t = process.hrtime.bigint();
      const request = analyzeStackRequest(stack(size));
      const buildMs = Number(process.hrtime.bigint() - t) / 1e6;
      t = process.hrtime.bigint();
      const bytes = request.serializeBinary();
      const encodeMs = Number(process.hrtime.bigint() - t) / 1e6;
      const packTimes: number[] = [];
      const fullTimes: number[] = [];
      let diagnostics = 0;
      for (let run = 0; run < RUNS; run++) {
        t = process.hrtime.bigint();
        const res = await analyzeStackBytes(pack.client, bytes);
        packTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
        diagnostics = diagnosticsOf(res).length;
        if (run < FULL_RUNS) {
          t = process.hrtime.bigint();
          await unary<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(
            pack.client.analyzeStack,
            pack.client,
            request,
          );
          fullTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
      }
      console.log(
        `${size.toLocaleString("en-US")} resources (${(bytes.length / 1e6).toFixed(1)} MB request; ` +
          `built in ${buildMs.toFixed(0)} ms, encoded in ${encodeMs.toFixed(0)} ms):\n` +
          `  AnalyzeStack, pack side: best ${Math.min(...packTimes).toFixed(0)} ms, ` +
          `median ${median(packTimes).toFixed(0)} ms over ${RUNS} calls, ${diagnostics} diagnostics\n` +
          `  AnalyzeStack, with client encoding: best ${Math.min(...fullTimes).toFixed(0)} ms, ` +
          `median ${median(fullTimes).toFixed(0)} ms over ${FULL_RUNS} calls`,
      );
    }
  } finally {
    await pack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
