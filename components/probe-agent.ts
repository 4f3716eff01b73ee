/**
 * The user data that installs the probe agent on a lab host: the agent, the host's probes, and a
 * systemd timer that runs them at boot and every minute, so a config change that reaches the host
 * without replacing it (a bucket policy, a DNS mode) shows within a minute. Pure: strings in,
 * a shell script out.
 */
import type { Probe } from "../model/probes";
import { AGENT_PY } from "./probe-agent-script";
import { UserError } from "./user-error";

/** What the agent on one host measures, and the names it reports under. */
export interface ProbeAgentSpec {
  /** The lab (the stack's `scenario`). */
  lab: string;
  /** The host's logical name, as the lab's expectations name it. */
  host: string;
  probes: Probe[];
}

/** The instance metadata service, where the agent re-reads its probes each round. */
export const IMDS = "http://169.254.169.254";

/** EC2 refuses user data over 16 KB, counted before base64. */
export const USER_DATA_LIMIT = 16 * 1024;

/** Ends the probes' here-document; the agent finds its probes in the user data by it. */
export const PROBE_LIST_DELIMITER = "VEL_PROBE_LIST";

const UNITS = {
  service: [
    "[Unit]",
    "Description=vpc-endpoint-labs probes (results on the serial console and in /var/log/vel-probe.log)",
    "After=network-online.target",
    "Wants=network-online.target",
    "[Service]",
    "Type=oneshot",
    `ExecStart=/usr/bin/python3 /opt/vel-probe/vel-probe run --imds ${IMDS}`,
  ],
  timer: [
    "[Unit]",
    "Description=vpc-endpoint-labs probes, at boot and every minute",
    "[Timer]",
    "OnBootSec=30s",
    "OnUnitActiveSec=60s",
    "AccuracySec=5s",
    "[Install]",
    "WantedBy=timers.target",
  ],
};

/**
 * A bash script that installs the agent. With `userData` (the lab's own script), the agent is
 * installed first, so a lab script that exits early or fails under `set -e` still leaves a host
 * that reports. Throws, naming the host, when the result exceeds EC2's 16 KB or the lab's script
 * is not a shell script.
 */
export function probeAgentUserData(spec: ProbeAgentSpec, userData?: string): string {
  const probes = JSON.stringify({ lab: spec.lab, host: spec.host, probes: spec.probes });
  const install = [
    "# vel-probe: the lab's probes for this host (vpc-endpoint-labs, verify)",
    "install -d -m 0755 /opt/vel-probe /etc/vel-probe",
    heredoc("/opt/vel-probe/vel-probe", AGENT_PY, "VEL_PROBE_AGENT"),
    "chmod 0755 /opt/vel-probe/vel-probe && ln -sf /opt/vel-probe/vel-probe /usr/local/bin/vel-probe",
    heredoc("/etc/vel-probe/probes.json", probes, PROBE_LIST_DELIMITER),
    heredoc("/etc/systemd/system/vel-probe.service", UNITS.service.join("\n"), "VEL_PROBE_UNIT"),
    heredoc("/etc/systemd/system/vel-probe.timer", UNITS.timer.join("\n"), "VEL_PROBE_UNIT"),
    "systemctl daemon-reload && systemctl enable --now vel-probe.timer",
  ];
  let script: string[];
  if (userData === undefined) {
    script = ["#!/bin/bash", ...install];
  } else {
    const [shebang, ...rest] = userData.split("\n");
    if (!/^#!\s*\/(usr\/)?bin\/(env\s+)?(ba)?sh\b/.test(shebang)) {
      throw new UserError(
        `LabInstance ${spec.host}: probes are added to a shell script, but userData starts with "${shebang.slice(0, 40)}"; start it with #!/bin/bash`,
      );
    }
    script = [shebang, ...install, ...rest];
  }
  const text = script.join("\n").replace(/\n*$/, "\n");
  const size = Buffer.byteLength(text, "utf8");
  if (size > USER_DATA_LIMIT) {
    throw new UserError(
      `LabInstance ${spec.host}: user data with ${spec.probes.length} probes is ${size} bytes; EC2 accepts at most ${USER_DATA_LIMIT} (16 KB before base64): pass fewer probes`,
    );
  }
  return text;
}

/** A file written by a quoted here-document, so the shell expands nothing in it. */
function heredoc(path: string, body: string, delimiter: string): string {
  if (body.split("\n").includes(delimiter)) {
    throw new UserError(`${path}: its text holds a line "${delimiter}", which would end it early`);
  }
  return `cat > ${path} <<'${delimiter}'\n${body.replace(/\n$/, "")}\n${delimiter}`;
}
