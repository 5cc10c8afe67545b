/**
 * `zeroops start` and `zeroops worker`: check the App's credentials, run until SIGINT or SIGTERM,
 * then drain for at most ZEROOPS_DRAIN_SECONDS and exit, even when Redis or GitHub are gone.
 */
import { checkCredentials } from '../credentials.js';
import { interrupted } from '../interrupted.js';
import { startRuntime } from '../runtime.js';
import { settingsFromEnv, workerSettingsFromEnv } from '../settings.js';

export async function serveCommand(
  command: 'start' | 'worker',
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const settings = { ...settingsFromEnv(env), ...workerSettingsFromEnv(env) };
  await checkCredentials(settings, env);
  const runtime = await startRuntime(settings, { server: command === 'start', workers: true });
  const stopAsked = interrupted();
  out(command === 'start' ? `ZeroOps listening on port ${runtime.port}` : 'ZeroOps workers running');
  await stopAsked;
  // A second signal while draining: stop waiting.
  const again = interrupted().then(() => 'interrupted' as const);
  const outcome = await Promise.race([
    runtime.stop().then(() => 'stopped' as const),
    again,
    new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), settings.drainSeconds * 1000).unref()),
  ]);
  if (outcome === 'stopped') {
    // Everything of ours is closed; BullMQ may still hold retry timers while Redis is gone: do not wait for them.
    setTimeout(() => process.exit(0), 500).unref();
    return 0;
  }
  const why =
    outcome === 'late'
      ? `still draining after ZEROOPS_DRAIN_SECONDS (${settings.drainSeconds} s)`
      : 'interrupted while draining';
  err(`zeroops: ${why}: exiting; unfinished jobs go to another worker`);
  process.exit(0);
}
