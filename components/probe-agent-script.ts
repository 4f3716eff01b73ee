/**
 * The probe agent, as the text user data installs on a host. It lives in a TypeScript string so
 * that it travels with the program under any loader (tsx, the Pulumi CLI's ts-node) without a
 * file to find at `pulumi up` time. Python 3 standard library and the AWS CLI v2 only: what the
 * standard Amazon Linux 2023 image ships, and all a closed host has.
 *
 * The result line it writes is the one verify/console-line.ts parses; a spec runs this agent and
 * parses its lines with that module.
 */
export const AGENT_PY = String.raw`#!/usr/bin/env python3
"""vel-probe: measures this host's probes for a vpc-endpoint-labs lab.

  vel-probe run [--probes FILE] [--imds URL] [--console DEV] [--log FILE] [--hosts-file FILE]
                [--stdout] [--timeout SECONDS] [--aws CLI]
  vel-probe table [--log FILE]

Each result is one line, "vel-probe {json}", on the serial console (read from the laptop with
ec2 get-console-output), in the log file, and with --stdout on standard output.

--imds: read the probes from the user data each round; an update rewrites it without rerunning it.
"""
import argparse, ipaddress, json, os, socket, subprocess, sys, threading, time
import urllib.error, urllib.request

PREFIX = "vel-probe "
DETAIL_MAX = 160
TIMEOUT = 5
AWS_CALLS = {
    "s3": ["s3", "ls"],
    "dynamodb": ["dynamodb", "list-tables", "--max-items", "1"],
    "cloudformation": ["cloudformation", "list-stacks", "--max-items", "1"],
    "sts": ["sts", "get-caller-identity"],
}
LOG_MAX = 1 << 20
LIST_DELIMITER = "VEL_PROBE_LIST"


def short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 3] + "..."


def resolve(name, hosts_file):
    if hosts_file:
        found = []
        with open(hosts_file) as f:
            for line in f:
                fields = line.split("#", 1)[0].split()
                if len(fields) > 1 and name in fields[1:]:
                    found.append(fields[0])
        return found
    answer = {}

    def lookup():
        try:
            infos = socket.getaddrinfo(name, None, socket.AF_INET, socket.SOCK_STREAM)
            answer["addresses"] = sorted({i[4][0] for i in infos})
        except socket.gaierror as e:
            answer["error"] = e

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    return answer.get("addresses", [])


def probe_dns(p, opts):
    addresses = resolve(p["name"], opts.hosts_file)
    if not addresses:
        return "no-answer", p["name"] + " has no address"
    networks = [ipaddress.ip_network(c, strict=False) for c in p.get("privateCidrs", [])]
    inside = [a for a in addresses if any(ipaddress.ip_address(a) in n for n in networks)]
    outcome = "resolves-private" if inside else "resolves-public"
    return outcome, " ".join(addresses)


def probe_request(p, opts):
    command = [opts.aws] + AWS_CALLS[p["service"]]
    if p.get("bucket"):
        command.append("s3://" + p["bucket"])
    command += ["--region", p["region"], "--output", "json"]
    command += ["--cli-connect-timeout", str(TIMEOUT), "--cli-read-timeout", str(TIMEOUT)]
    if p.get("endpointUrl"):
        command += ["--endpoint-url", p["endpointUrl"]]
    env = dict(os.environ, AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard", AWS_PAGER="")
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=4 * TIMEOUT)
    except subprocess.TimeoutExpired:
        return "times-out", "no answer in %d s" % (4 * TIMEOUT)
    except OSError as e:
        return "error", "cannot run the AWS CLI: %s" % e
    if done.returncode == 0:
        return "works", "exit 0"
    return classify_cli(done.stderr, done.returncode)


def classify_cli(stderr, code):
    lines = [l for l in stderr.splitlines() if l.strip()]
    message = lines[-1] if lines else "exit %d" % code
    if "Connect timeout" in message or "Read timeout" in message:
        return "times-out", message
    if any(k in message for k in ("AccessDenied", "(403)", "Forbidden", "not authorized")):
        return "denied", message
    return "error", message


def probe_tunnel(p, opts):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        local = s.getsockname()[1]
    t = p["tunnel"]
    command = [opts.aws, "ec2-instance-connect", "open-tunnel", "--instance-id", t["instanceId"],
               "--remote-port", str(p["port"]), "--local-port", str(local), "--region", t["region"]]
    tunnel = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 3 * TIMEOUT
        while time.monotonic() < deadline:
            if tunnel.poll() is not None:
                return classify_cli(tunnel.stderr.read(), tunnel.returncode)
            try:
                with socket.create_connection(("127.0.0.1", local), timeout=TIMEOUT) as c:
                    c.settimeout(2 * TIMEOUT)
                    banner = c.recv(128).decode("ascii", "replace").strip()
            except ConnectionRefusedError:
                time.sleep(0.2)
                continue
            except socket.timeout:
                return "times-out", "no answer through Instance Connect in %d s" % (2 * TIMEOUT)
            if banner:
                return "works", "through Instance Connect: " + banner
            return "error", "the tunnel closed without an answer"
        return "times-out", "the tunnel did not open in %d s" % (3 * TIMEOUT)
    finally:
        tunnel.kill()
        tunnel.wait()


def probe_tcp(p, opts):
    if p.get("tunnel"):
        return probe_tunnel(p, opts)
    try:
        socket.create_connection((p["host"], p["port"]), timeout=TIMEOUT).close()
        return "works", "connected to %s:%d" % (p["host"], p["port"])
    except socket.timeout:
        return "times-out", "no answer from %s:%d in %d s" % (p["host"], p["port"], TIMEOUT)
    except ConnectionRefusedError:
        return "refused", "%s:%d refused the connection" % (p["host"], p["port"])
    except OSError as e:
        return "error", str(e)


def probe_http(p, opts):
    try:
        with urllib.request.urlopen(p["url"], timeout=TIMEOUT) as response:
            return "works", "HTTP %d" % response.status
    except urllib.error.HTTPError as e:
        return ("denied" if e.code == 403 else "error"), "HTTP %d %s" % (e.code, e.reason)
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, socket.timeout) or isinstance(reason, TimeoutError):
            return "times-out", "no answer from %s in %d s" % (p["url"], TIMEOUT)
        if isinstance(reason, ConnectionRefusedError):
            return "refused", "%s refused the connection" % p["url"]
        if isinstance(reason, socket.gaierror):
            return "no-answer", str(reason)
        return "error", str(reason)
    except (socket.timeout, TimeoutError):
        return "times-out", "no answer from %s in %d s" % (p["url"], TIMEOUT)


PROBES = {"dns": probe_dns, "request": probe_request, "tcp": probe_tcp, "http": probe_http}


def line(lab, host, probe, outcome, ms, detail):
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    record = {"lab": lab, "host": host, "probe": probe, "outcome": outcome, "ms": ms,
              "detail": short(detail), "at": at}
    return PREFIX + json.dumps(record, separators=(",", ":"))


def emit(text, opts):
    if opts.stdout:
        print(text, flush=True)
    for path in (opts.console, opts.log):
        if not path:
            continue
        try:
            if path == opts.log and os.path.exists(path) and os.path.getsize(path) > LOG_MAX:
                with open(path) as f:
                    kept = f.readlines()[-500:]
                with open(path, "w") as f:
                    f.writelines(kept)
            with open(path, "a") as f:
                f.write(text + "\n")
        except OSError as e:
            print("vel-probe: cannot write %s: %s" % (path, e), file=sys.stderr)


def user_data_probes(imds):
    token = urllib.request.Request(imds + "/latest/api/token", method="PUT",
                                   headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"})
    with urllib.request.urlopen(token, timeout=2) as response:
        secret = response.read().decode()
    fetch = urllib.request.Request(imds + "/latest/user-data",
                                   headers={"X-aws-ec2-metadata-token": secret})
    with urllib.request.urlopen(fetch, timeout=2) as response:
        lines = response.read().decode().split("\n")
    start = next(i for i, l in enumerate(lines) if l.endswith("<<'%s'" % LIST_DELIMITER))
    end = lines.index(LIST_DELIMITER, start + 1)
    return json.loads("\n".join(lines[start + 1:end]))


def load_probes(opts):
    if opts.probes == "-":
        return json.load(sys.stdin)
    if opts.imds:
        try:
            return user_data_probes(opts.imds)
        except Exception as e:
            print("vel-probe: user data unreadable (%s); using %s" % (e, opts.probes), file=sys.stderr)
    with open(opts.probes) as f:
        return json.load(f)


def run(opts):
    spec = load_probes(opts)
    for p in spec["probes"]:
        started = time.monotonic()
        try:
            outcome, detail = PROBES[p["kind"]](p, opts)
        except Exception as e:
            outcome, detail = "error", "%s: %s" % (type(e).__name__, e)
        ms = int((time.monotonic() - started) * 1000)
        emit(line(spec["lab"], spec["host"], p["id"], outcome, ms, detail), opts)
    return 0


def table(opts):
    newest = {}
    try:
        with open(opts.log) as f:
            for text in f:
                if text.startswith(PREFIX):
                    record = json.loads(text[len(PREFIX):])
                    newest[record["probe"]] = record
    except (OSError, ValueError) as e:
        print("vel-probe: no results in %s yet (%s)" % (opts.log, e), file=sys.stderr)
        return 1
    rows = [("probe", "outcome", "ms", "at", "detail")]
    rows += [(r["probe"], r["outcome"], str(r["ms"]), r["at"], r["detail"]) for r in newest.values()]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    return 0


def main(argv):
    global TIMEOUT
    parser = argparse.ArgumentParser(prog="vel-probe")
    parser.add_argument("command", choices=["run", "table"])
    parser.add_argument("--probes", default="/etc/vel-probe/probes.json")
    parser.add_argument("--imds", default="")
    parser.add_argument("--console", default="/dev/ttyS0" if os.path.exists("/dev/ttyS0") else "/dev/console")
    parser.add_argument("--log", default="/var/log/vel-probe.log")
    parser.add_argument("--hosts-file", default="")
    parser.add_argument("--stdout", action="store_true")
    parser.add_argument("--timeout", type=int, default=TIMEOUT)
    parser.add_argument("--aws", default="aws")
    opts = parser.parse_args(argv)
    TIMEOUT = opts.timeout
    return run(opts) if opts.command == "run" else table(opts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
`;
