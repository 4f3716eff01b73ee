/**
 * A host's serial console, read from the laptop: `GetConsoleOutput` with `Latest` (Nitro
 * instances; the most recent 64 KB), base64 in the answer.
 */
import { EC2Client, GetConsoleOutputCommand } from "@aws-sdk/client-ec2";

/** The console's text, or "" when the host has written nothing yet. */
export async function readConsole(ec2: EC2Client, instanceId: string): Promise<string> {
  const answer = await ec2.send(
    new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }),
  );
  return answer.Output ? Buffer.from(answer.Output, "base64").toString("utf8") : "";
}
