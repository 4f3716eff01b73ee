import { Finding, ResourceRule, StackResource, numberList, unknownFinding } from "./rules";
import { PropertyPath, isUnknown } from "./unknowns";

export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const SECURITY_GROUP_INGRESS_RULE =
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const INSTANCE = "aws:ec2/instance:Instance";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

/** Three-valued: a rule certainly opens the port, certainly not, or depends on unknown values. */
type Verdict = { open: true; cidr: string } | { open: false } | { unknown: PropertyPath };

interface IngressShape {
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  /** Each source with the path it sits at. */
  readonly sources: readonly { value: unknown; path: PropertyPath }[];
  readonly base: PropertyPath;
}

function judgeIngress(rule: IngressShape, port: number): Verdict {
  const { protocol, fromPort, toPort, base } = rule;
  if (isUnknown(protocol)) {
    return { unknown: [...base, "protocol"] };
  }
  const proto = String(protocol ?? "").toLowerCase();
  const allProtocols = proto === "-1" || proto === "all";
  if (!allProtocols && proto !== "tcp" && proto !== "6") {
    return { open: false };
  }
  if (!allProtocols) {
    if (isUnknown(fromPort) || isUnknown(toPort)) {
      return { unknown: [...base, isUnknown(fromPort) ? "fromPort" : "toPort"] };
    }
    const from = fromPort === undefined || fromPort === null ? 0 : Number(fromPort);
    const to = toPort === undefined || toPort === null ? 65535 : Number(toPort);
    // 0-0 on TCP is not "all ports"; only protocol -1 means every port.
    if (!(from <= port && port <= to)) {
      return { open: false };
    }
  }
  let pending: PropertyPath | undefined;
  for (const { value, path } of rule.sources) {
    if (isUnknown(value)) {
      pending ??= path;
    } else if (typeof value === "string" && WORLD.has(value.trim())) {
      return { open: true, cidr: value.trim() };
    }
  }
  return pending ? { unknown: pending } : { open: false };
}

function listSources(props: Record<string, unknown>, base: PropertyPath, keys: readonly string[]) {
  const out: { value: unknown; path: PropertyPath }[] = [];
  for (const key of keys) {
    const v = props[key];
    if (Array.isArray(v)) {
      v.forEach((item, i) => out.push({ value: item, path: [...base, key, i] }));
    } else if (v !== undefined && v !== null) {
      out.push({ value: v, path: [...base, key] });
    }
  }
  return out;
}

export interface SshSettings {
  readonly ports: readonly number[];
}

export const ec2SecurityGroupNoPublicSsh: ResourceRule<SshSettings> = {
  kind: "resource",
  name: "ec2-security-group-no-public-ssh",
  description:
    "Checks that no security group rule opens TCP port 22 (SSH) to the whole internet (0.0.0.0/0 or ::/0).",
  enforcementLevel: "mandatory",
  types: [SECURITY_GROUP, SECURITY_GROUP_RULE, SECURITY_GROUP_INGRESS_RULE],
  configSchema: {
    properties: {
      ports: {
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 65535 },
        description: "TCP ports that must not be open to the internet (add 3389 for RDP).",
        default: [22],
      },
    },
  },
  settings: (config) => ({ ports: numberList(config, "ports", [22]) }),
  check: (r, settings) => {
    const rules: IngressShape[] = [];
    let pending: PropertyPath | undefined;
    const props = r.props as Record<string, unknown>;
    if (r.type === SECURITY_GROUP) {
      const ingress = props.ingress;
      if (isUnknown(ingress)) {
        return [unknownFinding(r, r, ["ingress"], `Security group '${r.name}'`)];
      }
      if (Array.isArray(ingress)) {
        ingress.forEach((entry, i) => {
          const base = ["ingress", i];
          if (isUnknown(entry)) {
            pending ??= base;
          } else if (entry && typeof entry === "object") {
            const e = entry as Record<string, unknown>;
            rules.push({
              protocol: e.protocol,
              fromPort: e.fromPort,
              toPort: e.toPort,
              sources: listSources(e, base, ["cidrBlocks", "ipv6CidrBlocks"]),
              base,
            });
          }
        });
      }
    } else if (r.type === SECURITY_GROUP_RULE) {
      if (isUnknown(props.type)) {
        return [unknownFinding(r, r, ["type"], `Security group rule '${r.name}'`)];
      }
      if (props.type !== "ingress") {
        return [];
      }
      rules.push({
        protocol: props.protocol,
        fromPort: props.fromPort,
        toPort: props.toPort,
        sources: listSources(props, [], ["cidrBlocks", "ipv6CidrBlocks"]),
        base: [],
      });
    } else {
      rules.push({
        protocol: props.ipProtocol,
        fromPort: props.fromPort,
        toPort: props.toPort,
        sources: listSources(props, [], ["cidrIpv4", "cidrIpv6"]),
        base: [],
      });
    }

    const findings: Finding[] = [];
    for (const rule of rules) {
      for (const port of settings.ports) {
        const verdict = judgeIngress(rule, port);
        if ("unknown" in verdict) {
          pending ??= verdict.unknown;
        } else if (verdict.open) {
          const where = rule.base.length ? ` (ingress[${rule.base[1]}])` : "";
          findings.push({
            urn: r.urn,
            message:
              `'${r.name}'${where} opens TCP ${port} to ${verdict.cidr}: it must not be reachable from ` +
              "the internet. Reach hosts through an EC2 Instance Connect Endpoint (see the " +
              "instance-connect scenario), or allow the port only from a known CIDR or security group.",
          });
        }
      }
    }
    if (!findings.length && pending) {
      findings.push(unknownFinding(r, r, pending, `'${r.name}'`));
    }
    return findings;
  },
};

export const ec2InstanceImdsv2Required: ResourceRule<Record<string, never>> = {
  kind: "resource",
  name: "ec2-instance-imdsv2-required",
  description:
    'Checks that EC2 instances and launch templates require IMDSv2 (metadataOptions.httpTokens is "required").',
  enforcementLevel: "advisory",
  types: [INSTANCE, LAUNCH_TEMPLATE],
  settings: () => ({}),
  check: (r: StackResource) => {
    const kind = r.type === INSTANCE ? "EC2 instance" : "Launch template";
    const options = r.props.metadataOptions;
    if (isUnknown(options)) {
      return [unknownFinding(r, r, ["metadataOptions"], `${kind} '${r.name}'`)];
    }
    const o = options && typeof options === "object" ? (options as Record<string, unknown>) : {};
    if (isUnknown(o.httpTokens)) {
      return [unknownFinding(r, r, ["metadataOptions", "httpTokens"], `${kind} '${r.name}'`)];
    }
    if (o.httpTokens === "required" || o.httpEndpoint === "disabled") {
      return [];
    }
    if (r.type === INSTANCE && o.httpTokens === undefined && r.props.launchTemplate) {
      return []; // the launch template's metadata options apply; that template is checked itself
    }
    const current = o.httpTokens === undefined ? "not set" : `"${o.httpTokens}"`;
    return [
      {
        urn: r.urn,
        message:
          `${kind} '${r.name}' does not require IMDSv2 (metadataOptions.httpTokens is ${current}): ` +
          "any process or SSRF bug that can make the host send a plain HTTP GET can read its role " +
          'credentials through IMDSv1. Set metadataOptions: { httpTokens: "required" }.',
      },
    ];
  },
};
