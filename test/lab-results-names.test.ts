// Two runs of the same command that start in the same second (a script running two `gclab run`s,
// or two processes at once) each get a results file of their own: the second is named `…-2`, and
// neither overwrites the other.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { provenance, readResults, ResultsWriter } from '../src/lab/store.js';

describe('results file names', () => {
  it('runs started in the same second get distinct files, each kept whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-names-'));
    // One second for all three: the clock is held.
    vi.useFakeTimers({ now: new Date('2026-11-22T04:00:00.250Z'), toFake: ['Date'] });
    let writers: ResultsWriter[];
    try {
      writers = [0, 1, 2].map(() => new ResultsWriter(dir, 'run', provenance('run', {})));
    } finally {
      vi.useRealTimers();
    }
    for (const w of writers) w.finish();
    const paths = writers.map((w) => w.path);
    expect(new Set(paths).size).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(paths.map((p) => p.slice(dir.length + 1)).sort());
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual([
      '20261122T040000Z-run.msgpack',
      '20261122T040000Z-run-2.msgpack',
      '20261122T040000Z-run-3.msgpack',
    ]);
    for (const p of paths) expect(readResults(p).complete).toBe(true);
  });
});
