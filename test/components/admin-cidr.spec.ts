import { strict as assert } from "assert";
import { checkAdminCidr } from "../../components/admin-cidr";

describe("checkAdminCidr", () => {
  const good: [string, string][] = [
    ["203.0.113.10/32", "203.0.113.10/32"],
    [" 198.51.100.0/24 ", "198.51.100.0/24"],
    ["192.0.2.128/25", "192.0.2.128/25"],
  ];
  for (const [text, want] of good) {
    it(`accepts ${JSON.stringify(text)} as ${want}`, () =>
      assert.deepEqual(checkAdminCidr(text), { ok: true, cidr: want }));
  }

  const bad: [string, string, RegExp][] = [
    ["the whole IPv4 internet", "0.0.0.0/0", /"0\.0\.0\.0\/0" \(0\.0\.0\.0\/0\) would open SSH/],
    ["a /0 written with host bits", "10.1.2.3/0", /\(0\.0\.0\.0\/0\) would open SSH/],
    ["the whole IPv6 internet", "::/0", /"::\/0" \(::\/0\) would open SSH on the bastion/],
    ["::/0 spelled out", "0:0:0:0:0:0:0:0/0", /\(::\/0\) would open SSH/],
    ["an IPv6 block", "2001:db8::/64", /IPv6 block, but the lab VPC and the bastion are IPv4 only/],
    [
      "a bare address",
      "203.0.113.10",
      /is an address, not a CIDR block; did you mean 203\.0\.113\.10\/32\?/,
    ],
    ["host bits", "203.0.113.10/24", /has host bits set; did you mean 203\.0\.113\.0\/24\?/],
    ["garbage", "my-laptop", /"my-laptop" is not an IPv4 CIDR block/],
    ["an empty value", "  ", /is empty; set it with `pulumi config set adminCidr/],
    [
      "a private (RFC 1918) block",
      "10.0.0.0/8",
      /"10\.0\.0\.0\/8" lies in 10\.0\.0\.0\/8, a range that never/,
    ],
    ["a home network address", "192.168.1.20/32", /lies in 192\.168\.0\.0\/16, a range that never/],
    ["an address inside 172.16/12", "172.31.5.0/24", /lies in 172\.16\.0\.0\/12/],
    ["carrier-grade NAT space", "100.64.1.1/32", /lies in 100\.64\.0\.0\/10/],
    ["loopback", "127.0.0.1/32", /lies in 127\.0\.0\.0\/8/],
  ];
  for (const [title, text, problem] of bad) {
    it(`refuses ${title}`, () => {
      const checked = checkAdminCidr(text);
      assert.equal(checked.ok, false);
      assert.match((checked as { problem: string }).problem, problem);
    });
  }

  it("explains a world-open block and points to the Instance Connect Endpoint", () => {
    const checked = checkAdminCidr("0.0.0.0/0") as { problem: string };
    assert.match(checked.problem, /whole internet/);
    assert.match(
      checked.problem,
      /pulumi config set adminCidr \$\(curl -s https:\/\/checkip\.amazonaws\.com\)\/32/,
    );
    assert.match(checked.problem, /EC2 Instance Connect Endpoint/);
  });
});
