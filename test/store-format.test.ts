/**
 * The results file's format (schema 2): records appended as frames, so the store writes about
 * what it keeps (issue 20, defect 3: it used to rewrite the whole file after every task, 1.19 GB
 * for a 2.3 MB file), and a file cut at any byte reads as the records it holds whole. Schema-1
 * files (one msgpack map) still read.
 */
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../src/lab/coordinator.js';
import { UsageError } from '../src/core/errors.js';
import { baselineRecord } from '../src/lab/baselines.js';
import { listResults, provenance, readResults, resolveResultsPath, ResultsWriter } from '../src/lab/store.js';
import { sampleRecords } from './support/sample-records.js';

let samples: TaskRecord[] = [];
beforeAll(async () => {
  samples = await sampleRecords();
  expect(samples.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'heap-exhausted']);
}, 120_000);

const newDir = (): string => mkdtempSync(join(tmpdir(), 'gclab-format-'));

/** `count` records: the samples over and over, each with its own id. */
const manyRecords = (count: number): TaskRecord[] => Array.from({ length: count }, (_, i) => ({ ...samples[i % samples.length], id: i, repetition: i }));

function wcharNow(): number {
  return Number(/^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
}

describe('the results file is appended to', () => {
  it('writes about the bytes it keeps: 300 records written one by one cost under 1.5x the file', () => {
    const dir = newDir();
    const records = manyRecords(300);
    const before = wcharNow();
    const writer = new ResultsWriter(dir, 'appended', provenance('test', {}));
    for (const r of records) writer.add(r);
    writer.finish();
    const written = wcharNow() - before;
    const size = statSync(writer.path).size;
    // Rewriting the file after each record would write about 150x its size here.
    expect(written).toBeLessThan(1.5 * size);
    expect(written).toBeGreaterThanOrEqual(size);
    const file = readResults(writer.path);
    expect(file.schema).toBe(2);
    expect(file.complete).toBe(true);
    expect(file.records.map((r) => r.id)).toEqual(records.map((r) => r.id));
  });

  it('reads back what was written, typed arrays typed', () => {
    const dir = newDir();
    const writer = new ResultsWriter(dir, 'roundtrip', provenance('test', { a: 1 }));
    writer.addAll(samples);
    writer.finish();
    const file = readResults(writer.path);
    expect(file.provenance.options).toEqual({ a: 1 });
    expect(file.records).toHaveLength(samples.length);
    const [first] = file.records;
    expect(first.metrics!.gc.pauseNs).toBeInstanceOf(Float64Array);
    expect(first.telemetry!.t).toBeInstanceOf(Float64Array);
    expect(Array.from(first.telemetry!.t)).toEqual(Array.from(samples[0].telemetry!.t));
    expect(first.metrics!.memory.requested).toEqual(samples[0].metrics!.memory.requested);
    expect(file.records[3].error).toBe(samples[3].error);
  });
});

describe('a file cut short', () => {
  it('cut at every byte: reads as the records whole before the cut, or is one line saying it has no header', () => {
    const dir = newDir();
    const writer = new ResultsWriter(dir, 'cut', provenance('test', {}));
    // Sizes after the header and after each record: where whole frames end.
    const ends: number[] = [statSync(writer.path).size];
    // Records as a baseline keeps them (no telemetry, pause lists or size classes): a file small
    // enough to cut at every byte.
    const small = [baselineRecord(samples[3]), { ...baselineRecord(samples[0]), id: 1 }, { ...baselineRecord(samples[3]), id: 2 }];
    for (const r of small) {
      writer.add(r);
      ends.push(statSync(writer.path).size);
    }
    writer.finish();
    const whole = readFileSync(writer.path);
    const cutPath = join(dir, 'cut.msgpack');
    let noHeader = 0;
    for (let length = 0; length <= whole.length; length++) {
      writeFileSync(cutPath, whole.subarray(0, length));
      let file;
      try {
        file = readResults(cutPath);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        expect((err as Error).message).not.toContain('\n');
        expect(length).toBeLessThan(ends[0]);
        noHeader++;
        continue;
      }
      const wholeRecords = ends.filter((end) => end <= length).length - 1;
      expect(file.records.map((r) => r.id)).toEqual(small.slice(0, wholeRecords).map((r) => r.id));
      expect(file.complete).toBe(length === whole.length);
    }
    expect(noHeader).toBe(ends[0]);
  });

  it('a file with zeros in place of its last records reads as the records before them', () => {
    const dir = newDir();
    const writer = new ResultsWriter(dir, 'zeros', provenance('test', {}));
    writer.add(samples[0]);
    const kept = statSync(writer.path).size;
    writer.add(samples[1]);
    writer.close();
    const bytes = readFileSync(writer.path);
    bytes.fill(0, kept);
    writeFileSync(writer.path, bytes);
    const file = readResults(writer.path);
    expect(file.records.map((r) => r.id)).toEqual([samples[0].id]);
    expect(file.complete).toBe(false);
  });

  it('damage in the middle is one line, not a silently shorter file', () => {
    const dir = newDir();
    const writer = new ResultsWriter(dir, 'damaged', provenance('test', {}));
    const headerEnd = statSync(writer.path).size;
    writer.addAll(samples);
    writer.finish();
    const bytes = readFileSync(writer.path);
    bytes[headerEnd + 40] ^= 0xff;
    writeFileSync(writer.path, bytes);
    expect(() => readResults(writer.path)).toThrow(new RegExp(`is damaged: the frame at byte ${headerEnd} fails its checksum`));
  });

  it("'latest' is never a file without its header", () => {
    const dir = newDir();
    const good = new ResultsWriter(dir, 'good', provenance('test', {}));
    good.add(samples[0]);
    good.finish();
    // Newer files, cut inside their header, and an empty one (as a crash of an older gclab left).
    for (const [name, length] of [['z-cut', 20], ['z-sig', 10], ['z-empty', 0]] as const) {
      const w = new ResultsWriter(dir, name, provenance('test', {}));
      w.close();
      truncateSync(w.path, length);
    }
    expect(resolveResultsPath('latest', dir)).toBe(good.path);
    expect(listResults(dir).filter((r) => r.problem !== null)).toHaveLength(3);
  });
});

describe('schema-1 files', () => {
  it('still read: one msgpack map of the whole file', () => {
    const dir = newDir();
    const old = { magic: 'gclab-results', schema: 1, name: 'old', createdAt: '2026-11-22T04:00:00.000Z', provenance: provenance('run', {}), complete: true, records: samples };
    const path = join(dir, '20261122T040000Z-old.msgpack');
    writeFileSync(path, new Packr({ moreTypes: true, useRecords: false }).pack(old));
    const file = readResults(path);
    expect(file.schema).toBe(1);
    expect(file.records.map((r) => r.status)).toEqual(samples.map((r) => r.status));
    expect(resolveResultsPath('latest', dir)).toBe(path);
  });
});
