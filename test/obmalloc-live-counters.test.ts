/**
 * Live counters (stats.ts): the heap keeps its books as Float64 and publishes a snapshot of uint32
 * (low, high) pairs under a sequence word, so another thread can read a consistent set with
 * Atomics.load. Checked on this thread with readLiveCounters and from a real worker_threads Worker
 * that imports nothing and reads the SAB with the layout constants it is given.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { Allocator } from '../src/heap/allocator.js';
import { HEADER_LAYOUT, LIVE_FIRST_WORD, LIVE_SEQ_WORD, Stat, STAT_NAMES } from '../src/heap/layout.js';
import { readLiveCounters } from '../src/heap/stats.js';
import { MiB, setupAllocator } from './support/allocator.js';

/** A mixed workload: pymalloc blocks of several classes, raw blocks, frees, reallocs, a released arena. */
function workload(alloc: Allocator): void {
  const keep: Array<[number, number]> = [];
  for (let i = 0; i < 3000; i++) keep.push([alloc.malloc((i % 512) + 1), (i % 512) + 1]);
  for (let i = 0; i < 3000; i += 3) alloc.free(keep[i][0], keep[i][1]);
  const big = alloc.malloc(3 * MiB);
  const r = alloc.realloc(alloc.malloc(100), 100, 2000);
  const pool = Array.from({ length: 63 * 31 }, () => alloc.malloc(512));
  for (const b of pool) alloc.free(b, 512);
  alloc.free(big, 3 * MiB);
  alloc.malloc(0);
  void r;
}

/** The worker's whole program: no imports of ours, only the SAB and the layout numbers. */
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const { sab, liveWord, seqWord, firstWord, count, stopAtBlocks, blocksIndex, requestedIndex, deadlineMs } = workerData;
const live = new Int32Array(sab, liveWord * 4, firstWord + 2 * count);
function read() {
  for (;;) {
    const seq = Atomics.load(live, seqWord);
    if (seq & 1) continue;
    const values = [];
    for (let i = 0; i < count; i++) {
      const lo = Atomics.load(live, firstWord + 2 * i) >>> 0;
      const hi = Atomics.load(live, firstWord + 2 * i + 1);
      values.push(hi * 4294967296 + lo);
    }
    if (Atomics.load(live, seqWord) === seq) return { seq, values };
  }
}
if (stopAtBlocks < 0) {
  parentPort.postMessage(read());
} else {
  // Follow a heap that keeps publishing: every consistent snapshot must satisfy the workload's invariant.
  parentPort.postMessage('ready');
  const deadline = Date.now() + deadlineMs;
  let snapshots = 0, distinct = 0, lastSeq = -1, violations = [], last;
  for (;;) {
    last = read();
    snapshots++;
    if (last.seq !== lastSeq) { distinct++; lastSeq = last.seq; }
    const blocks = last.values[blocksIndex], requested = last.values[requestedIndex];
    if (requested !== 16 * blocks && violations.length < 5) violations.push([last.seq, blocks, requested]);
    if (blocks >= stopAtBlocks || Date.now() > deadline) break;
  }
  parentPort.postMessage({ snapshots, distinct, violations, last });
}
`;

function runReader(sab: SharedArrayBuffer, stopAtBlocks = -1, onReady?: () => void): Promise<any> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(READER, {
      eval: true,
      workerData: {
        sab,
        liveWord: HEADER_LAYOUT.live,
        seqWord: LIVE_SEQ_WORD,
        firstWord: LIVE_FIRST_WORD,
        count: Stat.COUNT,
        stopAtBlocks,
        blocksIndex: Stat.BlocksInUse,
        requestedIndex: Stat.RequestedCurrent,
        deadlineMs: 20000,
      },
    });
    worker.on('message', (m) => {
      if (m === 'ready') onReady?.();
      else {
        resolve(m);
        void worker.terminate();
      }
    });
    worker.on('error', reject);
  });
}

describe('live counters on this thread', () => {
  it('readLiveCounters returns exactly stats.values after publish()', () => {
    const { mem, stats, s, alloc } = setupAllocator();
    workload(alloc);
    alloc.publish();
    const live = readLiveCounters(mem.sab);
    expect(live).toBeDefined();
    expect(Object.keys(live!)).toEqual([...STAT_NAMES]);
    for (let i = 0; i < Stat.COUNT; i++) expect(live![STAT_NAMES[i]], STAT_NAMES[i]).toBe(s[i]);
    expect(live).toEqual(stats.snapshot());
    // The workload really moved the counters.
    expect(live!.blocksInUse).toBe(2000); // 3000 - 1000 freed; the realloc moved its block to raw
    expect(live!.rawBlocks).toBe(2);
    // 65 pools after the first loop (arenas 0 and 1); the 512-byte loop needs 62 new pools, one of them
    // in arena 2, which is wholly free again at the end but is the last usable arena: kept.
    expect(live!.arenasInUse).toBe(3);
    expect(live!.arenasPeak).toBe(3);
    expect(live!.arenasReclaimedTotal).toBe(0);
  });

  it('is a snapshot: later changes show only after the next publish', () => {
    const { mem, s, alloc } = setupAllocator();
    alloc.malloc(16);
    alloc.publish();
    alloc.malloc(16);
    expect(s[Stat.BlocksInUse]).toBe(2);
    expect(readLiveCounters(mem.sab)!.blocksInUse).toBe(1);
    expect(readLiveCounters(mem.sab)!.requestedCurrent).toBe(16);
    alloc.publish();
    expect(readLiveCounters(mem.sab)!.blocksInUse).toBe(2);
  });

  it('publishes by itself every 4096 counted mallocs and frees', () => {
    const { mem, alloc } = setupAllocator();
    for (let i = 0; i < 4095; i++) alloc.malloc(8);
    expect(readLiveCounters(mem.sab)!.blocksInUse).toBe(0);
    alloc.malloc(8);
    expect(readLiveCounters(mem.sab)!.blocksInUse).toBe(4096);
    expect(readLiveCounters(mem.sab)!.requestedCurrent).toBe(4096 * 8);
  });

  it('round-trips values beyond 32 bits exactly', () => {
    const { mem, stats, s } = setupAllocator();
    const values = [2 ** 40 + 12345, 2 ** 32, 2 ** 32 - 1, 2 ** 31, 2 ** 53 - 1, 7];
    const slots = [Stat.GcVisited, Stat.RequestedPeak, Stat.RequestedCurrent, Stat.RawHeld, Stat.ObjectsAllocated, Stat.GcCount0];
    slots.forEach((slot, k) => (s[slot] = values[k]));
    stats.publish();
    const live = readLiveCounters(mem.sab)!;
    slots.forEach((slot, k) => expect(live[STAT_NAMES[slot]]).toBe(values[k]));
  });

  it('gives up (undefined) while a writer is stuck mid-publish', () => {
    const { mem } = setupAllocator();
    const seq = new Int32Array(mem.sab, HEADER_LAYOUT.live * 4, 1);
    Atomics.store(seq, LIVE_SEQ_WORD, 1); // odd: a publish in progress
    expect(readLiveCounters(mem.sab)).toBeUndefined();
  });
});

describe('live counters from a worker thread', () => {
  it('a Worker reading the SAB with Atomics sees the published counters', async () => {
    const { mem, s, alloc } = setupAllocator();
    workload(alloc);
    alloc.publish();
    const seqBefore = Atomics.load(new Int32Array(mem.sab), HEADER_LAYOUT.live + LIVE_SEQ_WORD);
    const first = await runReader(mem.sab);
    expect(first.seq).toBe(seqBefore);
    expect(first.seq % 2).toBe(0);
    expect(first.values).toEqual(Array.from(s));

    // More work and another publish: a second reader sees the new numbers.
    const extra = Array.from({ length: 10 }, () => alloc.malloc(300));
    alloc.publish();
    const second = await runReader(mem.sab);
    expect(second.seq).toBe(first.seq + 2);
    expect(second.values).toEqual(Array.from(s));
    expect(second.values[Stat.BlocksInUse]).toBe(first.values[Stat.BlocksInUse] + extra.length);
  });

  it('every snapshot a Worker reads while the heap keeps publishing is consistent', async () => {
    const { mem, s, alloc } = setupAllocator();
    const N = 100_000;
    let release!: () => void;
    const ready = new Promise<void>((r) => (release = r));
    const result = runReader(mem.sab, N, release);
    await ready;
    for (let i = 0; i < N; i++) {
      alloc.malloc(16);
      if (i % 8 === 0) alloc.publish();
    }
    alloc.publish();
    const r = await result;
    expect(r.violations).toEqual([]);
    expect(r.last.values).toEqual(Array.from(s));
    expect(r.last.values[Stat.BlocksInUse]).toBe(N);
    expect(r.last.values[Stat.RequestedCurrent]).toBe(16 * N);
    expect(r.snapshots).toBeGreaterThan(0);
  }, 30000);
});
