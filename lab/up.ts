/** `zeroops lab up`: start the whole lab, print its endpoints, run until interrupted. */
import { interrupted } from '../src/main/interrupted.js';
import { readOpsRepo } from '../src/forge/local/working-tree.js';
import { startLab, type Lab } from './lab.js';
import { startRepoLab } from './up-with-repo.js';

export { labPr } from './pr-client.js';

const templateDir = new URL('../ops-repo-template/', import.meta.url).pathname;

export async function labUp(out: (line: string) => void, repo?: string): Promise<number> {
  if (repo) return labUpWithRepo(out, repo);
  const started = Date.now();
  const files = Object.fromEntries(
    (await readOpsRepo(templateDir)).filter((f) => !f.path.startsWith('tasks/')).map((f) => [f.path, f.text]),
  );
  const lab = await startLab({
    githubFiles: files,
    onProgress: (event) => out(`  ✓ ${event} (${((Date.now() - started) / 1000).toFixed(1)}s)`),
  });
  const stopAsked = interrupted();
  out(describeLab(lab));
  out('\nThe lab runs until you press Ctrl-C.');
  await stopAsked;
  out('\nStopping the lab...');
  await lab.stop();
  out('Stopped; nothing left running.');
  return 0;
}

export function describeLab(lab: Lab): string {
  const rows: [string, string][] = [
    ['directory', lab.dir],
    ['processes', lab.pids().join(' ')],
    ['redis', lab.redis?.url ?? '-'],
    ['postgres', lab.postgres?.url ?? '-'],
    [
      'haproxy',
      lab.haproxy
        ? `${lab.haproxy.url} (admin socket ${lab.haproxy.socketPath}, metrics ${lab.haproxy.metricsUrl})`
        : '-',
    ],
    ['prometheus', lab.prometheus?.url ?? '-'],
    [
      'github double',
      lab.github ? `${lab.github.url} (app ${lab.github.appId}, installation ${lab.github.installationId})` : '-',
    ],
    ...lab.instances.map((i): [string, string] => [
      `  ${i.name}`,
      `${i.url} ${i.version} ${i.dc}${i.pool === 'canary' ? ' (canary pool)' : ''}`,
    ]),
  ];
  return ['', 'Lab endpoints:', ...rows.map(([k, v]) => `  ${k.padEnd(16)} ${v}`)].join('\n');
}

async function labUpWithRepo(out: (line: string) => void, repo: string): Promise<number> {
  const started = Date.now();
  const progress = (event: string) => out(`  ✓ ${event} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  const running = await startRepoLab(repo, progress, out);
  const { lab, state } = running;
  const stopAsked = interrupted();
  out(describeLab(lab));
  out(`\nZeroOps runs against the lab's GitHub double, which holds ${state.repo} as its main branch`);
  out(`(its Prometheus and HAProxy pointed at the lab's). The lab's people:`);
  for (const user of state.users) out(`  @${user.login.padEnd(14)} ${user.permission.padEnd(6)} ${user.note}`);
  out(`
In another terminal, change a file of ${state.repo} (add a task to tasks/), then:
  npx zeroops lab pr open --title "drain ${lab.service.datacenters[0]?.name ?? 'a datacenter'}"   # a pull request of your changes; prints the plan
  npx zeroops lab pr review 1 --as ${state.users.find((u) => u.note.startsWith('owner'))?.login ?? 'lab-admin'}                    # approve it
  npx zeroops lab pr merge 1                                 # merge it, and follow the run
  npx zeroops lab pr comment 1 "/zeroops status"             # steer a run
  npx zeroops lab pr show 1                                  # checks and comments
What ZeroOps says appears below as it says it. Ctrl-C stops everything.
`);
  await stopAsked;
  out('\nStopping the lab...');
  await running.stop();
  out('Stopped; nothing left running.');
  return 0;
}
