/** What one statement of a change means for the statements after it. */
import type { SqlStatement } from './statement-class.js';

/**
 * A column an earlier statement retires (a drop, a type change, a rename: each renames it away, then
 * drops it) is gone for the statements after it: one that names it would fail days later, at its turn.
 */
export function withColumnsRetired(statements: SqlStatement[]): SqlStatement[] {
  const retired = new Map<string, string>();
  return statements.map((s) => {
    const c = s.class;
    if (!('table' in c) || !c.table) return s;
    const keyOf = (column: string) => `${c.table!.replace(/^public\./, '')}.${column}`;
    const named = [...('column' in c ? [c.column] : []), ...(c.type === 'additive' ? (c.reads ?? []) : [])];
    const gone = named.find((column) => retired.has(keyOf(column)));
    if (gone)
      return {
        ...s,
        class: {
          type: 'refused',
          reason: `${c.table}.${gone} is retired by an earlier statement of this change (${retired.get(keyOf(gone))})`,
        },
      };
    if (!('column' in c)) return s;
    const key = keyOf(c.column);
    if (c.type === 'drop-column') retired.set(key, 'DROP COLUMN');
    if (c.type === 'rename-column') retired.set(key, `renamed to ${c.newName}`);
    if (c.type === 'alter-column-type')
      retired.set(key, `the type change copies it into ${c.column}_new and drops it: name that one`);
    return s;
  });
}

/**
 * ADD CONSTRAINT … USING INDEX only of an index the same change built before it: the constraint's
 * undo drops the index with it, and an index that was there before the change is somebody's.
 */
export function withIndexesTaken(statements: SqlStatement[]): SqlStatement[] {
  const built = new Set<string>();
  return statements.map((s) => {
    const c = s.class;
    if (c.type !== 'additive') return s;
    if (c.createsIndex) built.add(c.createsIndex);
    if (!c.takesIndex || built.has(c.takesIndex)) return s;
    const reason =
      `the constraint takes over the index ${c.takesIndex}, and undoing it (DROP CONSTRAINT) drops that index too: ` +
      "build the index CONCURRENTLY earlier in this same change, so that what a rollback drops is the change's own";
    return { ...s, class: { type: 'refused', reason } };
  });
}
