/**
 * The user data that installs the agent, alone and ahead of a lab's own script, and LabInstance's
 * `probes` argument, recorded by the engine.
 */
import { strict as assert } from "assert";
import { LabInstance } from "../../components/lab-instance";
import { probeAgentUserData, USER_DATA_LIMIT } from "../../components/probe-agent";
import { AGENT_PY } from "../../components/probe-agent-script";
import type { Probe } from "../../model/probes";
import { build, engine, useEngine } from "../helpers/engine";

const request = (n: number): Probe => ({
  id: `request-s3-lab-via-s3-interface-${n}`,
  kind: "request",
  service: "s3",
  region: "ap-northeast-2",
  bucket: "lab-storage-bucket-9ba4657",
  endpointUrl:
    "https://bucket.vpce-0a1b2c3d4e5f67890-abcdefgh.s3.ap-northeast-2.vpce.amazonaws.com",
});

/** The body of the here-document that writes `path`. */
function written(script: string, path: string): string {
  const match = new RegExp(`^cat > ${path} <<'(\\w+)'\\n([\\s\\S]*?)\\n\\1$`, "m").exec(script);
  assert.ok(match, `no here-document for ${path}`);
  return match[2];
}

describe("the probe agent's user data", () => {
  it("installs the agent as is, the host's probes, and a timer running them every minute", () => {
    const probes = [request(1)];
    const script = probeAgentUserData({ lab: "s3-interface", host: "private-host", probes });
    assert.ok(script.startsWith("#!/bin/bash\n"));
    assert.equal(written(script, "/opt/vel-probe/vel-probe"), AGENT_PY.replace(/\n$/, ""));
    assert.deepEqual(JSON.parse(written(script, "/etc/vel-probe/probes.json")), {
      lab: "s3-interface",
      host: "private-host",
      probes,
    });
    assert.match(written(script, "/etc/systemd/system/vel-probe.timer"), /^OnUnitActiveSec=60s$/m);
    assert.match(script, /^systemctl daemon-reload && systemctl enable --now vel-probe.timer$/m);
  });

  it("stays under 16 KB for a host with 18 endpoint-specific S3 probes (the busiest lab host has 6)", () => {
    const probes = Array.from({ length: 18 }, (_, i) => request(i));
    const size = Buffer.byteLength(probeAgentUserData({ lab: "s3-interface", host: "h", probes }));
    assert.ok(size < USER_DATA_LIMIT, `${size} bytes`);
  });

  it("refuses more than EC2 accepts, naming the host", () => {
    const probes = Array.from({ length: 60 }, (_, i) => request(i));
    assert.throws(
      () => probeAgentUserData({ lab: "s3-interface", host: "private-host", probes }),
      /LabInstance private-host: user data with 60 probes is \d+ bytes; EC2 accepts at most 16384/,
    );
  });

  it("goes ahead of a lab's own script, keeping its shebang", () => {
    const script = probeAgentUserData(
      { lab: "endpoint-service", host: "web-server-1", probes: [] },
      "#!/bin/bash\nset -euo pipefail\nsystemctl enable --now lab-web\n",
    );
    assert.ok(script.startsWith("#!/bin/bash\n# vel-probe"));
    assert.ok(
      script.endsWith("vel-probe.timer\nset -euo pipefail\nsystemctl enable --now lab-web\n"),
    );
  });

  it("refuses a lab script that is not a shell script", () => {
    assert.throws(
      () =>
        probeAgentUserData({ lab: "l", host: "web", probes: [] }, "#cloud-config\npackages: []"),
      /LabInstance web: probes are added to a shell script, but userData starts with "#cloud-config"/,
    );
  });
});

describe("LabInstance probes", () => {
  useEngine();

  it("puts the agent and the host's probes in the instance's user data, kept in place when they change", async () => {
    await build(
      () =>
        new LabInstance("private-host", {
          vpcId: "vpc-1",
          subnetId: "subnet-1",
          probes: { lab: "s3-interface", probes: [request(1)] },
        }),
    );
    const instance = engine.get("aws:ec2/instance:Instance", "private-host-instance");
    const userData = instance.inputs.userData as string;
    assert.deepEqual(JSON.parse(written(userData, "/etc/vel-probe/probes.json")), {
      lab: "s3-interface",
      host: "private-host",
      probes: [request(1)],
    });
    // The provider stops the host, rewrites its user data and starts it: same instance id.
    assert.equal(instance.inputs.userDataReplaceOnChange, false);
    assert.match(
      written(userData, "/etc/systemd/system/vel-probe.service"),
      /^ExecStart=\/usr\/bin\/python3 \/opt\/vel-probe\/vel-probe run --imds http:\/\/169\.254\.169\.254$/m,
    );
  });

  it("replaces a host whose own script changes: cloud-init runs it only at first boot", async () => {
    await build(
      () =>
        new LabInstance("web-server-1", {
          vpcId: "vpc-1",
          subnetId: "subnet-1",
          userData: "#!/bin/bash\nsystemctl enable --now lab-web\n",
          probes: { lab: "endpoint-service", probes: [request(1)] },
        }),
    );
    const instance = engine.get("aws:ec2/instance:Instance", "web-server-1-instance");
    assert.equal(instance.inputs.userDataReplaceOnChange, true);
  });

  it("has no agent without probes", async () => {
    await build(() => new LabInstance("plain", { vpcId: "vpc-1", subnetId: "subnet-1" }));
    const instance = engine.get("aws:ec2/instance:Instance", "plain-instance");
    assert.equal(instance.inputs.userData, undefined);
  });
});
