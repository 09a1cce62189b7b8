/**
 * A results file made before the report's fields existed (no generation-size telemetry, no
 * pause start times, no size-class snapshots) still reads and reports: the charts it can draw
 * are drawn, and each one it cannot is a line saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { readResults } from '../src/lab/store.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-report-old-'));
const gclab = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 240_000 });

describe('a report of an older results file', () => {
  it('draws what the file has and says what it lacks', () => {
    const r = gclab('run', 'slots-vs-dict', '--variant', 'dict', '--param', 'n=20000', '--no-timing', '--sample-interval', '2');
    expect(r.status, r.stderr).toBe(0);
    const path = /results: (\S+)/.exec(r.stdout)![1];
    const file = readResults(path);
    // As the store wrote files before: the new fields absent.
    const old = {
      ...file,
      records: file.records.map((rec) => {
        const { sizeClasses: _s, ...memory } = rec.metrics!.memory;
        const { pauseStartNs: _p, ...gc } = rec.metrics!.gc;
        const { gcGen0Size: _0, gcGen1Size: _1, gcGen2Size: _2, gcPermanentSize: _f, ...columns } = rec.telemetry!.columns;
        return { ...rec, metrics: { ...rec.metrics!, memory, gc }, telemetry: { ...rec.telemetry!, columns } };
      }),
    };
    const oldPath = join(dir, 'old.msgpack');
    writeFileSync(oldPath, new Packr({ moreTypes: true, useRecords: false }).pack(old));

    const out = join(dir, 'old.html');
    const rep = gclab('report', oldPath, '--out', out);
    expect(rep.status, rep.stderr).toBe(0);
    expect(rep.stderr).toBe('');
    const html = readFileSync(out, 'utf8');
    const drawn = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]).sort();
    expect(drawn).toEqual(['memory', 'pauses']);
    expect(html).toContain('Generation sizes: not recorded in this results file');
    expect(html).toContain('Collections timeline: pause start times are not in this results file');
    expect(html).toContain('Size-class occupancy: not in this results file');
  }, 240_000);
});
