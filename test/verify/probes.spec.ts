/** probeFor: what each kind of expectation makes a client measure, and how it refuses a gap. */
import { strict as assert } from "assert";
import type { Expectation, Target } from "../../model/expectations";
import { agrees, probeFor, type ProbeNames } from "../../model/probes";

const names: ProbeNames = {
  region: "ap-northeast-2",
  hosts: {
    "private-host": { vpcCidrs: ["10.0.0.0/16"], privateIp: "10.0.1.10", instanceId: "i-1" },
    bastion: {
      vpcCidrs: ["10.0.0.0/16"],
      privateIp: "10.0.0.10",
      publicIp: "3.37.1.2",
      instanceId: "i-2",
    },
    host: { vpcCidrs: ["10.9.0.0/24"], privateIp: "10.9.0.10", instanceId: "i-3" },
  },
  buckets: { lab: "lab-bucket-9b7a59d" },
  endpoints: { "s3-interface": "*.vpce-0abc-1234.s3.ap-northeast-2.vpce.amazonaws.com" },
};
const e = (from: string, to: Target, probe: "dns" | "request" = "request"): Expectation => ({
  from,
  to,
  probe,
  outcome: "works",
  why: "",
});

describe("probeFor", () => {
  it("sends an S3 request through the endpoint-specific bucket. name", () => {
    assert.deepEqual(
      probeFor(
        e("private-host", {
          kind: "aws-service",
          service: "s3",
          resource: "lab",
          via: "s3-interface",
        }),
        names,
      ),
      {
        id: "request-s3-lab-via-s3-interface",
        kind: "request",
        service: "s3",
        region: "ap-northeast-2",
        bucket: "lab-bucket-9b7a59d",
        endpointUrl: "https://bucket.vpce-0abc-1234.s3.ap-northeast-2.vpce.amazonaws.com",
      },
    );
  });

  it("resolves the bucket's default name and calls private addresses those inside the host's VPC", () => {
    assert.deepEqual(
      probeFor(
        e("private-host", { kind: "aws-service", service: "s3", resource: "lab" }, "dns"),
        names,
      ),
      {
        id: "dns-s3-lab",
        kind: "dns",
        name: "lab-bucket-9b7a59d.s3.ap-northeast-2.amazonaws.com",
        privateCidrs: ["10.0.0.0/16"],
      },
    );
  });

  it("connects from the laptop to a public host directly, and to a closed one through Instance Connect", () => {
    assert.deepEqual(
      probeFor(e("laptop", { kind: "instance", host: "bastion", port: 22 }), names),
      {
        id: "request-bastion-22",
        kind: "tcp",
        host: "3.37.1.2",
        port: 22,
      },
    );
    assert.deepEqual(probeFor(e("laptop", { kind: "instance", host: "host", port: 22 }), names), {
      id: "request-host-22",
      kind: "tcp",
      host: "i-3",
      port: 22,
      tunnel: { instanceId: "i-3", region: "ap-northeast-2" },
    });
  });

  it("uses a host's private address within its VPC, and GETs port 80 over HTTP", () => {
    assert.deepEqual(
      probeFor(e("private-host", { kind: "instance", host: "bastion", port: 80 }), names),
      {
        id: "request-bastion-80",
        kind: "http",
        url: "http://10.0.0.10/",
      },
    );
  });

  it("names the expectation and the missing name when the stack lacks one", () => {
    assert.throws(
      () =>
        probeFor(
          e("private-host", { kind: "aws-service", service: "s3", resource: "logs" }),
          names,
        ),
      /expectation private-host -> s3 \(logs\) \(request\): the probe names give no bucket "logs"/,
    );
  });

  it("counts denied as the lab's 403, and no answer as a lookup that times out", () => {
    assert.equal(agrees("403", "denied", "request"), true);
    assert.equal(agrees("times-out", "no-answer", "dns"), true);
    assert.equal(agrees("times-out", "no-answer", "request"), false);
    assert.equal(agrees("times-out", "refused", "request"), false);
  });
});
