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
/** A heap update record's own header and item pointer, and one B-tree entry's WAL record, in bytes. */
const updateRecordBytes = 50;
const indexRecordBytes = 64;

export function backfillFootprint(rows: number, indexes: number, heap: HeapFacts): BackfillFootprint {
  const newRowBytes = heap.rowBytes + heap.sourceColumnBytes; // the new column about as wide as the old
  const rowsPerPage = Math.max(1, Math.floor((pageBytes * heap.fillfactor) / 100 / Math.max(1, heap.rowBytes)));
  const freePerPage = (pageBytes * (100 - heap.fillfactor)) / 100;
  // The versions that fit in the room fillfactor left stay on their page (HOT); the rest move.
  const stayingShare = Math.min(1, Math.floor(freePerPage / newRowBytes) / rowsPerPage);
  const movedRows = Math.round(rows * (1 - stayingShare));
  // The first change of a page after a checkpoint logs the whole page: at most one image per old page.
  const pageImageBytesPerRow = pageBytes / rowsPerPage;
  const walBytesPerRow = Math.round(
    newRowBytes + updateRecordBytes + pageImageBytesPerRow + (1 - stayingShare) * indexes * indexRecordBytes,
  );
  return {
    movedRows,
    indexEntries: movedRows * indexes,
    deadRows: rows,
    heapGrowthBytes: Math.round(movedRows * newRowBytes),
    walBytesPerRow,
    walBytes: walBytesPerRow * rows,
  };
}
