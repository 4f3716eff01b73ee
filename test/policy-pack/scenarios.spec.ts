/**
 * Every lab in every config mode passes every mandatory policy of the pack, except the modes
 * whose lesson is a weak bucket policy (public-vs-private's unrestricted bucket, the seed's
 * Allow-only policy and its Allow->Deny flip), which must be flagged, and by exactly the policies
 * they declare.
 */
import { strict as assert } from "assert";
import { LAB_PACK_CONFIG, policyVerdicts } from "../../plan/report";
import { SCENARIOS } from "../../scenarios";
import { graphOf, modesOf } from "../model/plans";

describe("the policy pack on the labs", () => {
  for (const scenario of SCENARIOS) {
    for (const mode of modesOf(scenario)) {
      const variant = scenario.variants?.find((v) => v.name === mode.name);
      const flagged = (variant ? variant.flaggedBy : scenario.flaggedBy) ?? [];
      const title = flagged.length
        ? `flags ${scenario.name} (${mode.name}) by ${flagged.join(", ")} only`
        : `passes ${scenario.name} (${mode.name}) with no mandatory violation`;
      it(title, async () => {
        const { graph } = await graphOf(scenario, mode.config);
        const mandatory = policyVerdicts(graph).filter((v) => v.enforcementLevel === "mandatory");
        assert.deepEqual(
          [...new Set(mandatory.map((v) => v.policyName))].sort(),
          [...flagged].sort(),
          mandatory.map((v) => `${v.policyName}: ${v.message}`).join("\n"),
        );
      });
    }
  }

  it("needs the labs' exemption key: the S3 labs exempt the deployer by aws:PrincipalArn", async () => {
    assert.deepEqual(LAB_PACK_CONFIG["s3-bucket-requires-vpce"], {
      enforcementLevel: "mandatory",
      exemptionKeys: ["aws:PrincipalArn"],
    });
    const s3Gateway = SCENARIOS.find((s) => s.name === "s3-gateway")!;
    const { graph } = await graphOf(s3Gateway, {});
    const strict = policyVerdicts(graph, {});
    assert.ok(
      strict.some(
        (v) =>
          v.policyName === "s3-bucket-requires-vpce" &&
          v.enforcementLevel === "mandatory" &&
          /aws:PrincipalArn/.test(v.message),
      ),
      strict.map((v) => v.message).join("\n"),
    );
  });
});
