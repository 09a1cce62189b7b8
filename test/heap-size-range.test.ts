/**
 * The whole accepted `--heap-mib` range works. A SAB of 2 GiB or more once made every task fail
 * (`Invalid typed array length: -536608768`, a signed 32-bit shift of its byte length), and one
 * past 4 GiB cannot have a byte view at all, so the range stops at the largest heap that fits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeapExhausted } from '../src/heap/errors.js';
import { MAX_HEAP_BYTES, MAX_VIEW_BYTES, regionLayout } from '../src/heap/layout.js';
import { MiB, setupAllocator } from './support/allocator.js';
import { expectOneLineError } from './support/one-line-error.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-heap-size-'));
const gclab = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gclab.js', ...args, '--results-dir', dir], { encoding: 'utf8', timeout: 120_000 });

describe('heap sizes from 2 GiB to the largest accepted', () => {
  it('the largest heap fits a byte view; one MiB more would not', () => {
    expect(regionLayout(MAX_HEAP_BYTES).sabBytes).toBeLessThanOrEqual(MAX_VIEW_BYTES);
    expect(regionLayout(MAX_HEAP_BYTES + MiB).sabBytes).toBeGreaterThan(MAX_VIEW_BYTES);
  });

  it('a block above the 2 GiB and 3 GiB marks is written and read through every view', () => {
    const { mem, alloc } = setupAllocator({ heapBytes: MAX_HEAP_BYTES });
    expect(mem.u8.length).toBe(regionLayout(MAX_HEAP_BYTES).sabBytes);
    // A raw run of chunks that is never written (so never paged in) pushes the next arena past 3 GiB.
    const big = alloc.malloc(3 * 1024 * MiB);
    const small = alloc.malloc(64);
    expect(small * 4).toBeGreaterThan(3 * 1024 * MiB);
    mem.i32[small] = -7;
    mem.f64[(small >> 1) + 2] = 2.5;
    mem.u8[small * 4 + 40] = 200;
    expect(mem.i32[small]).toBe(-7);
    expect(mem.f64[(small >> 1) + 2]).toBe(2.5);
    expect(mem.u8[small * 4 + 40]).toBe(200);
    alloc.free(small, 64);
    alloc.free(big, 3 * 1024 * MiB);
    // The last chunk of the data region is reachable, and one request more than the heap is refused.
    expect(() => alloc.malloc(MAX_HEAP_BYTES)).toThrow(HeapExhausted);
  });

  it('gclab run works at 2047, 2048 and 4095 MiB and refuses 4096 naming the range', () => {
    for (const mib of ['2047', '2048', '4095']) {
      const r = gclab('run', 'container-churn', '--heap-mib', mib, '--no-timing', '--json');
      expect(r.status, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { status: string }).status).toBe('ok');
    }
    expectOneLineError(gclab('run', 'container-churn', '--heap-mib', '4096'), /--heap-mib must be between 4 and 4095, got 4096/);
  }, 120_000);

  it('the heap-exhausted message names the largest --heap-mib it may be raised to', () => {
    expect(new HeapExhausted(8 * MiB, 100).message).toMatch(/raise it with --heap-mib, at most 4095\b/);
  });
});
