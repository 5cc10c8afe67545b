import { backfillFootprint } from '../../../src/app/backfill-footprint.js';

const heap = { bytes: 150 * 1048576, fillfactor: 100, rowBytes: 130, sourceColumnBytes: 60 };

describe('what a backfill leaves behind', () => {
  it('at fillfactor 100 every row moves: one index entry per index, one dead version per row', () => {
    const f = backfillFootprint(1_000_000, 2, heap);
    expect(f).toMatchObject({ movedRows: 1_000_000, indexEntries: 2_000_000, deadRows: 1_000_000 });
    expect(f.heapGrowthBytes).toBe(190_000_000);
    // new version (190) + record (50) + a page image shared by its 63 rows (130) + two index entries (128)
    expect(f.walBytesPerRow).toBe(498);
    expect(f.walBytes).toBe(498_000_000);
  });

  it('room left by a lower fillfactor keeps some versions on their page: fewer index entries and less growth', () => {
    const full = backfillFootprint(1_000_000, 3, heap);
    const roomy = backfillFootprint(1_000_000, 3, { ...heap, fillfactor: 70 });
    expect(roomy.movedRows).toBeLessThan(full.movedRows);
    expect(roomy.movedRows).toBeGreaterThan(0);
    expect(roomy.indexEntries).toBe(roomy.movedRows * 3);
    expect(roomy.heapGrowthBytes).toBeLessThan(full.heapGrowthBytes);
    expect(roomy.deadRows).toBe(1_000_000);
  });

  it('wider rows cost more WAL per row', () => {
    const narrow = backfillFootprint(1000, 1, heap);
    const wide = backfillFootprint(1000, 1, { ...heap, rowBytes: 900, sourceColumnBytes: 700 });
    expect(wide.walBytesPerRow).toBeGreaterThan(narrow.walBytesPerRow);
  });
});
