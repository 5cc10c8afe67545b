/** GitHub's official example payloads (@octokit/webhooks-examples), adjusted to a test's repository. */
import { createRequire } from 'node:module';

type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Example[];
}[];

/** The first example of an event and action that carries an installation (a GitHub App delivery). */
export function examplePayload(event: string, action: string): Example {
  const found = examples.find((e) => e.name === event)?.examples.find((x) => x.action === action && x.installation);
  if (!found) throw new Error(`no example of ${event}.${action} with an installation`);
  return structuredClone(found);
}
