/** `zeroops lab up`: start the whole lab, print its endpoints, run until interrupted. */
import { readOpsRepo } from '../src/forge/local/working-tree.js';
import { startLab, type Lab } from './lab.js';

const templateDir = new URL('../ops-repo-template/', import.meta.url).pathname;

export async function labUp(out: (line: string) => void): Promise<number> {
  const started = Date.now();
  const files = Object.fromEntries(
    (await readOpsRepo(templateDir)).filter((f) => !f.path.startsWith('tasks/')).map((f) => [f.path, f.text]),
  );
  const lab = await startLab({
    githubFiles: files,
    onProgress: (event) => out(`  ✓ ${event} (${((Date.now() - started) / 1000).toFixed(1)}s)`),
  });
  out(describeLab(lab));
  out('\nThe lab runs until you press Ctrl-C.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
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
