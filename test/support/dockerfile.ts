/** Reads the Dockerfile as Docker does, enough for tests: stages, their instructions, exec-form arguments. */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

export const dockerfilePath = new URL('../../Dockerfile', import.meta.url).pathname;

export function dockerfileStages(text = readFileSync(dockerfilePath, 'utf8')): Stage[] {
  const args = new Map<string, string>();
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, rest] = /^(\S+)\s+(.*)$/.exec(line)!;
    const instruction = { keyword: keyword!.toUpperCase(), args: rest! };
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name, value] = rest!.split('=');
      args.set(name!, value ?? '');
    } else if (instruction.keyword === 'FROM') {
      const [image, , name] = rest!.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? '').split(/\s+/);
      stages.push({ image: image!, name, instructions: [] });
    } else stages.at(-1)!.instructions.push(instruction);
  }
  return stages;
}

/** The instructions of a stage with this keyword, in order. */
export const all = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** The last one wins, as in Docker (ENTRYPOINT, CMD, USER, WORKDIR). */
export const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);

/** ENV a=b c=d, and ENV a b. */
export function environment(stage: Stage): Record<string, string> {
  return Object.fromEntries(
    all(stage, 'ENV').flatMap((args) =>
      args.includes('=')
        ? args.split(/\s+/).map((pair) => pair.split('=') as [string, string])
        : [args.split(/\s+/, 2)],
    ),
  );
}

/** The command the image runs: ENTRYPOINT then CMD, both in exec form. */
export function imageCommand(stage: Stage): string[] {
  return [...JSON.parse(last(stage, 'ENTRYPOINT') ?? '[]'), ...JSON.parse(last(stage, 'CMD') ?? '[]')];
}
