import { strict as assert } from "assert";
import { InstanceConnectEndpoint } from "../../components/instance-connect-endpoint";
import { build, engine, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

describe("InstanceConnectEndpoint", () => {
  useEngine();

  const eice = () =>
    new InstanceConnectEndpoint("eice", {
      vpcId: "vpc-1",
      subnetId: "subnet-1",
      targets: [
        { name: "web", securityGroupId: "sg-web" },
        { name: "db", securityGroupId: "sg-db" },
      ],
    });

  it("lets the endpoint's group send TCP 22 to each host group, and nothing else", async () => {
    await build(eice);
    const sg = engine.get(TYPE.securityGroup, "eice-sg");
    const egress = engine.ofType(TYPE.securityGroupEgressRule).map((r) => ({
      sg: r.inputs.securityGroupId,
      proto: r.inputs.ipProtocol,
      ports: [r.inputs.fromPort, r.inputs.toPort],
      to: r.inputs.referencedSecurityGroupId,
      cidr: r.inputs.cidrIpv4,
    }));
    assert.deepEqual(egress, [
      { sg: sg.id, proto: "tcp", ports: [22, 22], to: "sg-web", cidr: undefined },
      { sg: sg.id, proto: "tcp", ports: [22, 22], to: "sg-db", cidr: undefined },
    ]);
  });

  it("opens TCP 22 on each host group to the endpoint's group only", async () => {
    await build(eice);
    const sg = engine.get(TYPE.securityGroup, "eice-sg");
    const ingress = engine
      .ofType(TYPE.securityGroupIngressRule)
      .map((r) => [
        r.name,
        r.inputs.securityGroupId,
        r.inputs.fromPort,
        r.inputs.referencedSecurityGroupId,
        r.inputs.cidrIpv4,
      ]);
    assert.deepEqual(ingress, [
      ["eice-web-in-ssh-from-eice", "sg-web", 22, sg.id, undefined],
      ["eice-db-in-ssh-from-eice", "sg-db", 22, sg.id, undefined],
    ]);
  });

  it("creates the endpoint in the subnet with its group and preserveClientIp set to false", async () => {
    await build(eice);
    const endpoint = engine.get(TYPE.instanceConnectEndpoint, "eice-eice");
    const sg = engine.get(TYPE.securityGroup, "eice-sg");
    assert.equal(endpoint.inputs.subnetId, "subnet-1");
    assert.deepEqual(endpoint.inputs.securityGroupIds, [sg.id]);
    assert.equal(endpoint.inputs.preserveClientIp, false);
  });

  it("refuses an empty target list and duplicate target names before creating anything", async () => {
    assert.throws(
      () => new InstanceConnectEndpoint("e", { vpcId: "v", subnetId: "s", targets: [] }),
      /targets is empty/,
    );
    assert.throws(
      () =>
        new InstanceConnectEndpoint("e", {
          vpcId: "v",
          subnetId: "s",
          targets: [
            { name: "a", securityGroupId: "sg-1" },
            { name: "a", securityGroupId: "sg-2" },
          ],
        }),
      /two targets are named "a"/,
    );
    assert.deepEqual(await engine.settle(), []);
  });
});
