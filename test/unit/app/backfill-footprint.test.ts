import { backfillFootprint } from '../../../src/app/backfill-footprint.js';

const heap = { bytes: 150 * 1048576, indexBytes: 20_000_000, fillfactor: 100, rowBytes: 130, newColumnBytes: 60 };

describe('what a backfill leaves behind', () => {
  it('at fillfactor 100 every row moves: one index entry per index, one dead version per row', () => {
    const f = backfillFootprint(1_000_000, 2, heap);
    expect(f).toMatchObject({ movedRows: 1_000_000, indexEntries: 2_000_000, deadRows: 1_000_000 });
    expect(f.heapGrowthBytes).toBe(194_000_000); // the new version and its line pointer
    // record (55) + old page image (134) + new version (190) + its lock (108) + 2 index entries (128)
    // + a share of the index splits (30)
    expect(f.walBytesPerRow).toBe(645);
    expect(f.walBytes).toBe(645_000_000);
  });

  it('room left by a lower fillfactor keeps some versions on their page: fewer entries, less WAL', () => {
    const full = backfillFootprint(1_000_000, 3, heap);
    const roomy = backfillFootprint(1_000_000, 3, { ...heap, fillfactor: 70 });
    expect(roomy.movedRows).toBeLessThan(full.movedRows);
    expect(roomy.movedRows).toBeGreaterThan(0);
    expect(roomy.indexEntries).toBe(roomy.movedRows * 3);
    expect(roomy.walBytesPerRow).toBeLessThan(full.walBytesPerRow);
    expect(roomy.deadRows).toBe(1_000_000);
  });

  it('fills new pages to the fillfactor too', () => {
    const half = backfillFootprint(1000, 1, { ...heap, fillfactor: 50, newColumnBytes: 5000 });
    expect(half.movedRows).toBe(1000); // a version that large never fits in the room left
    expect(half.heapGrowthBytes).toBe(2 * 1000 * (130 + 5000 + 4));
  });

  it('wider rows cost more WAL per row', () => {
    const narrow = backfillFootprint(1000, 1, heap);
    const wide = backfillFootprint(1000, 1, { ...heap, rowBytes: 900, newColumnBytes: 700 });
    expect(wide.walBytesPerRow).toBeGreaterThan(narrow.walBytesPerRow);
  });
});
