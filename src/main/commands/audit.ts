/** `zeroops audit verify <run>`: check a run's event chain; exit 1 when anything was altered or removed. */
import { verifyChain } from '../../knowledge/event-chain.js';
import { openStore, storeName } from '../../store/open-store.js';
import type { WorkerSettings } from '../settings.js';

export async function auditVerify(
  storage: WorkerSettings,
  runId: string,
  out: (line: string) => void,
): Promise<number> {
  const store = await openStore(storage);
  try {
    const run = await store.run(runId);
    if (!run) {
      out(`no run ${runId} in ${storeName(storage)}`);
      return 1;
    }
    const result = verifyChain(await store.events(runId), run.events);
    out(
      result.ok
        ? `run ${runId} (${run.plan.task.name}, ${run.status}): ${result.events} events, chain intact`
        : `run ${runId}: the event chain does NOT verify:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    return result.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
