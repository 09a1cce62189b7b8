// The sys._debugmallocstats()-like report adds up: allocated + available + unused pools + pool
// headers + quantization + alignment loss = the arenas' bytes, as in CPython's own report.
import { expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import { Stat } from '../src/heap/layout.js';
import { formatMallocStats } from '../src/heap/mallocstats.js';

it('accounts for every byte of every arena', () => {
  const heap = new Heap({ profile: '3.11', heapBytes: 64 << 20 });
  const floats = heap.list.comprehension(100_000, (i) => heap.float(i));
  const tuples = heap.list.comprehension(5000, (i) => {
    const v = heap.int(i + 1000);
    const t = heap.tupleOf(v, v, v);
    heap.decref(v);
    return t;
  });
  const u = heap.allocator.pymalloc.usage();
  const parts =
    u.bytesInAllocatedBlocks + u.bytesInAvailableBlocks + u.unusedPools * 16384 + u.bytesLostToPoolHeaders + u.bytesLostToQuantization + u.bytesLostToArenaAlignment;
  expect(parts).toBe(u.bytesInArenas);
  expect(u.classes[1].blocksInUse).toBe(100_000 + 5000); // floats (24 bytes) and the ints (28) → 32-byte blocks
  expect(u.classes[3].blocksInUse).toBe(5000 + 2); // 3-tuples (64) and the two list objects (56 → 64)
  expect(u.classes[1].pools).toBe(Math.ceil(105_000 / 510));
  expect(u.poolsInUse).toBe(heap.counters[Stat.PoolsInUse]);
  const text = formatMallocStats(u, { blocks: heap.counters[Stat.RawBlocks], held: heap.counters[Stat.RawHeld] });
  expect(text).toMatch(/^\s+1\s+32\s+206\s+105000\s+60$/m); // 206 × 510 − 105,000 available
  expect(text).toContain('# arenas allocated current');
  heap.decref(floats);
  heap.decref(tuples);
  heap.teardown();
});
