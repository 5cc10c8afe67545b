/**
 * What filling a new column leaves behind, estimated before anyone approves. PostgreSQL never
 * updates a row in place: every backfilled row gets a new version. Where its page has no room for
 * it (a table at fillfactor 100 has none), the version moves to another page, every index gains an
 * entry for it, and the old version stays as a dead row until vacuum. All of it goes through the WAL,
 * which every replica replays. Pure: the figures come from the preflight's facts.
 */
import type { HeapFacts } from './ports.js';

export interface BackfillFootprint {
  /** Rows whose new version cannot stay on its page. */
  movedRows: number;
  /** New index entries: one per moved row per index. */
  indexEntries: number;
  /** Dead row versions left for autovacuum (one per row). */
  deadRows: number;
  /** How much the heap grows before vacuum makes the old versions' space reusable. */
  heapGrowthBytes: number;
  walBytesPerRow: number;
  walBytes: number;
}

const pageBytes = 8192;
const linePointerBytes = 4;
/**
 * WAL record sizes beside the tuples, measured with pg_walinspect on the lab's PostgreSQL: a heap
 * update's header and block references; the locks a moved row's old version gets while a page is
 * found for the new one (two records); one B-tree leaf insert.
 */
const updateRecordBytes = 55;
const moveLockBytes = 108;
const indexRecordBytes = 64;
/** Page splits as an index about doubles its entries log about its size again, and a half. */
const indexSplitShare = 1.5;

export function backfillFootprint(rows: number, indexes: number, heap: HeapFacts): BackfillFootprint {
  const newRowBytes = heap.rowBytes + heap.newColumnBytes;
  const rowsPerPage = Math.max(1, Math.floor((pageBytes * heap.fillfactor) / 100 / (heap.rowBytes + linePointerBytes)));
  const freePerPage = (pageBytes * (100 - heap.fillfactor)) / 100;
  // The versions that fit in the room fillfactor left stay on their page (HOT); the rest move.
  const stayingShare = Math.min(1, Math.floor(freePerPage / (newRowBytes + linePointerBytes)) / rowsPerPage);
  const movedShare = 1 - stayingShare;
  const movedRows = Math.round(rows * movedShare);
  // The first change of a page after a checkpoint logs the page, less its free hole: its rows' bytes.
  const pageImageBytesPerRow = heap.rowBytes + linePointerBytes;
  // A version that stays on its page logs only what changed (the new column); one that moves logs
  // itself whole, the lock on its old version, and an entry in every index.
  const stayingRowBytes = heap.newColumnBytes;
  const movedRowBytes =
    newRowBytes + moveLockBytes + indexes * indexRecordBytes + (indexSplitShare * heap.indexBytes) / Math.max(1, rows);
  const walBytesPerRow = Math.round(
    updateRecordBytes + pageImageBytesPerRow + stayingShare * stayingRowBytes + movedShare * movedRowBytes,
  );
  return {
    movedRows,
    indexEntries: movedRows * indexes,
    deadRows: rows,
    // New pages are filled to the fillfactor too.
    heapGrowthBytes: Math.round((movedRows * (newRowBytes + linePointerBytes) * 100) / heap.fillfactor),
    walBytesPerRow,
    walBytes: walBytesPerRow * rows,
  };
}
