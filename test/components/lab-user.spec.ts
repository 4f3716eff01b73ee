import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { LabUser } from "../../components/lab-user";
import { build, engine, resolve, useEngine } from "../helpers/engine";
import { TYPE } from "../../model/type-tokens";

const POLICY_ARN = "arn:aws:iam::123456789012:policy/lab";

describe("LabUser", () => {
  useEngine();

  it("attaches exactly the given managed policies to the user", async () => {
    await build(() => new LabUser("tester", { managedPolicyArns: [POLICY_ARN] }));
    const user = engine.get(TYPE.user, "tester-user");
    const attachments = engine.ofType(TYPE.userPolicyAttachment);
    assert.deepEqual(
      attachments.map((a) => [a.name, a.inputs.user, a.inputs.policyArn, a.parent]),
      [["tester-policy-1", user.outputs.name, POLICY_ARN, user.urn]],
    );
  });

  it("deletes the user with anything added by hand on destroy", async () => {
    await build(() => new LabUser("tester", { managedPolicyArns: [POLICY_ARN] }));
    assert.equal(engine.get(TYPE.user, "tester-user").inputs.forceDestroy, true);
  });

  it("creates one access key and hands it out only as secrets", async () => {
    const user = new LabUser("tester", { managedPolicyArns: [POLICY_ARN] });
    await engine.settle();
    const key = engine.get(TYPE.accessKey, "tester-key");
    assert.equal(key.inputs.user, engine.get(TYPE.user, "tester-user").outputs.name);
    assert.equal(key.inputs.pgpKey, undefined);
    assert.equal(await pulumi.isSecret(user.accessKeyId), true);
    assert.equal(await pulumi.isSecret(user.secretAccessKey), true);
    assert.equal(await resolve(user.accessKeyId), key.id);
    assert.equal(await resolve(user.secretAccessKey), key.outputs.secret);
  });

  it("refuses a user with no policy before creating anything", async () => {
    assert.throws(
      () => new LabUser("tester", { managedPolicyArns: [] }),
      /LabUser tester: managedPolicyArns is empty/,
    );
    assert.deepEqual(await engine.settle(), []);
  });
});
