/** How a table's preflight reads on the pull request: its facts, the transform's losses, the backfill's estimate. */
import { formatDuration } from '../manifest/units.js';
import type { Plan } from '../plan/types.js';
import { invalidWriteBehaviour, type InvalidPolicy } from '../providers/postgres/column-sync.js';
import { defaultThrottleLimits } from '../providers/postgres/backfill-throttle.js';
import { isPlainKeyType, keyShown, sqlStateShown, valueShape } from '../providers/value-shape.js';
import { backfillFootprint } from './backfill-footprint.js';
import type { HeapFacts, PreflightFacts, PreflightTarget, TransformFacts } from './ports.js';

const n = (v: number) => v.toLocaleString('en-US');

/**
 * What the plan says a throttled backfill does per second while the application is calm (the lab's
 * bench measures the real figure).
 */
export const expectedBackfillRowsPerSecond = 20_000;

/** The rows' values as a pull request may show them: by their shape (see value-shape.ts). */
export function redacted(facts: PreflightFacts): PreflightFacts {
  const t = facts.transform;
  if (!t) return facts;
  const keyType = 'type' in facts.key ? facts.key.type : undefined;
  return {
    ...facts,
    transform: {
      ...t,
      failing: {
        count: t.failing.count,
        examples: t.failing.examples.map((e) => ({
          key: keyShown(e.key, keyType),
          value: valueShape(e.value),
          code: e.code,
        })),
      },
      nulled: {
        count: t.nulled.count,
        examples: t.nulled.examples.map((e) => ({ key: keyShown(e.key, keyType), value: valueShape(e.value) })),
      },
    },
  };
}

export function lossiness(t: TransformFacts, target: PreflightTarget): string | undefined {
  const parts = [
    t.failing.count > 0 &&
      `${n(t.failing.count)} row(s) fail (e.g. ${t.failing.examples
        .slice(0, 2)
        .map((e) => `key ${e.key}, '${e.value}': ${sqlStateShown(e.code)}`)
        .join('; ')})`,
    t.nulled.count > 0 &&
      `${n(t.nulled.count)} row(s) become NULL (e.g. key ${t.nulled.examples[0]?.key}, ` +
        `'${t.nulled.examples[0]?.value}')`,
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  return (
    `${target.transform!.using} over ${target.table}: ${parts.join(', and ')} of ` +
    `${n(t.checked)} checked${t.partial ? ' (the first rows only)' : ''}`
  );
}

/** Why the values read as `xxx 99`, and how someone allowed to read the table sees them. */
function examplesNote(target: PreflightTarget, facts: PreflightFacts, examples: { key: string }[]): string[] {
  if (examples.length === 0) return [];
  const keys = examples.map((e) => e.key);
  const look =
    'column' in facts.key && isPlainKeyType(facts.key.type)
      ? ` To see them: \`SELECT ${facts.key.column}, ${target.transform!.from} FROM ${target.table} WHERE ` +
        `${facts.key.column} IN (${[...new Set(keys)].map((k) => `'${k}'`).join(', ')})\`.`
      : '';
  return [
    '',
    `Values are shown by their shape (punctuation as written, anything else as x), errors by their SQLSTATE, ` +
      `and keys only when they are integers: anyone who can open a pull request reads this.${look}`,
  ];
}

export function renderFacts(
  target: PreflightTarget,
  facts: PreflightFacts,
  plan: Plan,
  policy: InvalidPolicy | undefined,
  retired: string[],
): string {
  const key = 'column' in facts.key ? `\`${facts.key.column}\`` : `none usable: ${facts.key.problem}`;
  const mysql = facts.engine === 'mysql';
  const replicas = facts.replicas.map((r) => `${r.name} (lag ${r.lagSeconds.toFixed(1)}s)`).join(', ') || 'none';
  const lines = [
    `### Preflight of \`${target.table}\` in ${target.database} (read-only)`,
    '',
    '| Rows | Size | Key | Indexes | Triggers | Foreign keys | Replicas |',
    '|---|---|---|---|---|---|---|',
    `| ${mysql ? '~' : ''}${n(facts.rows)} | ${(facts.bytes / 1048576).toFixed(1)} MiB | ${key} | ` +
      `${facts.indexes.length} | ${facts.triggers.join(', ') || 'none'} | ${facts.foreignKeys.length} | ` +
      `${mysql ? 'found by pt-online-schema-change, which waits for their lag' : replicas} |`,
  ];
  if (mysql && plan.steps.some((s) => s.action.operation === 'online-alter'))
    lines.push(
      '',
      `**Copy:** pt-online-schema-change copies about ${n(facts.rows)} rows into a shadow table in chunks of ` +
        'about 0.1 s, kept in step by triggers, pausing while more than 25 threads run, then swaps the two ' +
        'with one atomic RENAME; progress shows in the run.',
    );
  if (retired.length > 0) lines.push('', '**Columns it drops, as the catalog has them:**', '', ...retired);
  if (facts.tableBlockers?.length === 0) lines.push('', '**Before the table goes:** no view or other table uses it.');
  const backfill = plan.steps.find((s) => s.action.operation === 'backfill');
  if (facts.transform) {
    const t = facts.transform;
    lines.push(
      '',
      `**Transform** \`${target.transform!.using}\` tried on ${n(t.checked)} ` +
        `row(s)${t.partial ? ' (the first rows only)' : ''}: ` +
        `${n(t.failing.count)} fail, ${n(t.nulled.count)} become NULL.`,
      ...t.failing.examples.map((e) => `- key ${e.key}: \`${e.value.replace(/`/g, "'")}\` — ${sqlStateShown(e.code)}`),
      ...t.nulled.examples.map((e) => `- key ${e.key}: \`${e.value.replace(/`/g, "'")}\` — becomes NULL`),
      ...examplesNote(target, facts, [...t.failing.examples, ...t.nulled.examples]),
    );
  }
  if (backfill && policy) {
    const params = backfill.action.params as { from: string; to: string; batchSize: number };
    // As slow as pressure can make it: the longest pause against the shortest.
    const { minPauseRatio, maxPauseRatio } = defaultThrottleLimits(params.batchSize);
    const slowestBackfillRowsPerSecond = (expectedBackfillRowsPerSecond * (1 + minPauseRatio)) / (1 + maxPauseRatio);
    const took = (rowsPerSecond: number) => formatDuration(Math.max(1, Math.round(facts.rows / rowsPerSecond)));
    lines.push(
      '',
      `**Writes during the change:** ` +
        `${invalidWriteBehaviour({ from: params.from, to: params.to, onInvalid: policy })}.`,
      '',
      `**Backfill estimate:** ${n(facts.rows)} rows at about ${n(expectedBackfillRowsPerSecond)} rows/s ≈ ` +
        `${took(expectedBackfillRowsPerSecond)} while the application is calm, from batches of ` +
        `${n(params.batchSize)}; up to ${took(slowestBackfillRowsPerSecond)} if it feels the backfill throughout ` +
        `(the pace slows as far as about ${n(slowestBackfillRowsPerSecond)} rows/s). The run reports the real rate.`,
    );
    if (facts.heap && facts.rows > 0)
      lines.push('', footprintLine(facts.rows, facts.indexes.length, facts.heap, facts.replicas.length));
  }
  return lines.join('\n');
}

function footprintLine(rows: number, indexes: number, heap: HeapFacts, replicas: number): string {
  const f = backfillFootprint(rows, indexes, heap);
  const mib = (bytes: number) => `${(bytes / 1048576).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
  const moved =
    f.movedRows === rows
      ? `at fillfactor ${heap.fillfactor} no page has room for them, so about every one moves`
      : f.movedRows === 0
        ? `fillfactor ${heap.fillfactor} leaves room for them on their pages, so about none moves`
        : `about ${n(f.movedRows)} cannot stay on their page (fillfactor ${heap.fillfactor}) and move`;
  return (
    `**What the backfill leaves behind:** ${n(rows)} new row versions; ${moved}: ` +
    `about ${n(f.indexEntries)} new index entries over ${indexes} index(es), the heap (${mib(heap.bytes)}) ` +
    `grows by about ${mib(f.heapGrowthBytes)} and keeps ${n(f.deadRows)} dead versions until vacuum makes their ` +
    'space reusable (the file does not shrink), and ' +
    `about ${mib(f.walBytes)} of WAL (~${n(f.walBytesPerRow)} B per row)` +
    (replicas > 0 ? ` that each of the ${replicas} replica(s) replays.` : '.')
  );
}
