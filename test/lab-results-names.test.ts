// Two runs of the same command that start in the same second (a script running two `gclab run`s,
// or two processes at once) each get a results file of their own: the second is named `…-2`, and
// neither overwrites the other.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provenance, readResults, ResultsWriter } from '../src/lab/store.js';

describe('results file names', () => {
  it('runs started in the same second get distinct files, each kept whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-names-'));
    const writers = [0, 1, 2].map(() => new ResultsWriter(dir, 'run', provenance('run', {})));
    for (const w of writers) w.finish();
    const paths = writers.map((w) => w.path);
    expect(new Set(paths).size).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(paths.map((p) => p.slice(dir.length + 1)).sort());
    // Within one second the names are <stamp>-run, <stamp>-run-2, <stamp>-run-3 (the writers were made
    // back to back, so at most a second boundary falls between them).
    const sameSecond = paths.filter((p) => p.startsWith(paths[0].replace(/-run\.msgpack$/, '')));
    if (sameSecond.length === 3) expect(paths.map((p) => p.replace(/^.*Z-/, ''))).toEqual(['run.msgpack', 'run-2.msgpack', 'run-3.msgpack']);
    for (const p of paths) expect(readResults(p).complete).toBe(true);
  });
});
