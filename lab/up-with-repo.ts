/**
 * `zeroops lab up --repo DIR`: the lab in the shape of the repo's first service, the repo on the
 * lab's GitHub double (its providers pointed at the lab), ZeroOps running against it, a control
 * endpoint for `zeroops lab pr …`, and a feed of what ZeroOps says, until Ctrl-C.
 */
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { notAnOpsRepo } from '../src/forge/local/working-tree.js';
import { startControlServer } from './control-server.js';
import { startFeed } from './feed.js';
import type { GitHubDouble } from './github-double/index.js';
import { startLab, type Lab } from './lab.js';
import { removeLabState, writeLabState, type LabState } from './lab-state.js';
import { firstServiceShape, onTheLab, readOwnRepo } from './own-repo.js';
import { startZeroOpsOnLab } from './zeroops-on-lab.js';

export interface RunningRepoLab {
  lab: Lab;
  state: LabState;
  stop(): Promise<void>;
}

export async function startRepoLab(
  dir: string,
  progress: (line: string) => void,
  feedTo: (line: string) => void,
): Promise<RunningRepoLab> {
  const repo = resolve(dir);
  const problem = await notAnOpsRepo(repo);
  if (problem) throw new Error(problem);
  const files = await readOwnRepo(repo);
  const service = firstServiceShape(files);
  // No PostgreSQL: nothing in this version executes against a database (SchemaChange is planned only).
  const lab = await startLab({
    components: ['redis', 'fleet', 'haproxy', 'prometheus', 'load', 'github'],
    service,
    onProgress: progress,
    githubFiles: { 'README.md': `# ${repo}\n` },
  });
  try {
    const github = lab.github!;
    const endpoints = { prometheusUrl: lab.prometheus!.url, haproxySocket: lab.haproxy!.socketPath };
    await github.state.git.commit(github.state.defaultBranch, onTheLab(files, endpoints), `Ops repo from ${repo}`);
    const users = labUsers(github, files);
    const zeroops = await startZeroOpsOnLab(lab);
    const control = await startControlServer(github, repo, endpoints);
    const feed = startFeed(github, feedTo);
    const state: LabState = { url: control.url, token: control.token, repo, pid: process.pid, users };
    writeLabState(state);
    return {
      lab,
      state,
      async stop() {
        removeLabState();
        feed.stop();
        await control.close();
        await zeroops.stop();
        await lab.stop();
      },
    };
  } catch (error) {
    await lab.stop();
    throw error;
  }
}

/** The people of the lab: the service owners who are logins, a member of each owning team, a developer, an admin. */
function labUsers(github: GitHubDouble, files: Record<string, string>): LabState['users'] {
  const owners = Object.entries(files)
    .filter(([path]) => path.startsWith('services/'))
    .flatMap(([, text]) => ownersIn(text));
  const users: LabState['users'] = [
    { login: 'developer', permission: 'write', note: 'opens and merges pull requests' },
    { login: 'lab-admin', permission: 'admin', note: 'an admin: approves config changes' },
  ];
  for (const owner of new Set(owners)) {
    if (owner.includes('/')) {
      const member = `${owner.split('/')[1]}-member`;
      github.setTeam(owner, [member]);
      users.push({ login: member, permission: 'write', note: `a member of ${owner}` });
    } else users.push({ login: owner, permission: 'write', note: 'owner of a service' });
  }
  for (const user of users) github.setPermission(user.login, user.permission as 'write' | 'admin');
  return users;
}

function ownersIn(text: string): string[] {
  try {
    const owners = (parse(text) as { spec?: { owners?: unknown } } | null)?.spec?.owners;
    return Array.isArray(owners) ? owners.filter((o): o is string => typeof o === 'string') : [];
  } catch {
    return []; // a service that does not parse: validate and the plan say why
  }
}
