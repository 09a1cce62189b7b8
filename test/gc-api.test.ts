// The gc module's API on the simulated heap (fact sheet §4.5): enable/disable, collect(generation)
// and its argument check, get_count, get/set_threshold, get_stats, callbacks with their info,
// is_tracked, the size of each generation, freeze counts.
import { describe, expect, it } from 'vitest';
import { programHeap } from './support/gc-scenarios.js';
import type { GcCallbackInfo } from '../src/heap/gc/collector.js';

describe('gc module API', () => {
  it('callbacks get start and stop with generation, collected and uncollectable', () => {
    const heap = programHeap('3.12');
    const calls: [string, GcCallbackInfo][] = [];
    heap.gc.callbacks.push((phase, info) => calls.push([phase, info]));
    const C = heap.defineClass({ name: 'C' });
    const a = heap.newInstance(C);
    heap.setAttr(a, 'me', a);
    heap.decref(a);
    expect(heap.gc.collect(1)).toBe(1);
    expect(calls).toEqual([
      ['start', { generation: 1, collected: 0, uncollectable: 0 }],
      ['stop', { generation: 1, collected: 1, uncollectable: 0 }],
    ]);
    heap.teardown();
  });

  it('enable/disable, thresholds and argument checks', () => {
    const heap = programHeap('3.11');
    const gc = heap.gc;
    expect(gc.isEnabled()).toBe(true);
    gc.disable();
    expect(gc.isEnabled()).toBe(false);
    for (let i = 0; i < 5000; i++) heap.decref(heap.list.newList(0)); // no collection while disabled
    expect(gc.pauses.count).toBe(0);
    gc.enable();
    expect(gc.getThreshold()).toEqual([700, 10, 10]);
    gc.setThreshold(100);
    expect(gc.getThreshold()).toEqual([100, 10, 10]);
    expect(() => gc.setThreshold(-1)).toThrow(RangeError);
    expect(() => gc.collect(3)).toThrow(RangeError);
    heap.teardown();
  });

  it('get_count, is_tracked and generation sizes follow objects through collections', () => {
    const heap = programHeap('3.13');
    const gc = heap.gc;
    gc.disable();
    expect(gc.getCount()).toEqual([0, 0, 0]);
    const l = heap.list.newList(0);
    heap.roots.setGlobal('l', l);
    expect(gc.getCount()[0]).toBe(1);
    expect(gc.isTracked(l)).toBe(true);
    expect(gc.isTracked(heap.int(5))).toBe(false);
    const before = gc.generationSizes();
    gc.collect(0);
    expect(gc.getCount()).toEqual([0, 1, 0]);
    const after = gc.generationSizes();
    expect(after[0]).toBe(0);
    expect(after[1]).toBe(before[0] + before[1]);
    gc.collect(1);
    expect(gc.getCount()).toEqual([0, 0, 1]);
    expect(gc.generationSizes()[2]).toBe(before.reduce((a, b) => a + b, 0));
    heap.decref(l);
    heap.teardown();
  });

  it('freeze moves every tracked object to the permanent generation', () => {
    const heap = programHeap('3.11');
    const total = heap.gc.generationSizes().reduce((a, b) => a + b, 0);
    heap.gc.freeze();
    expect(heap.gc.getFreezeCount()).toBe(total);
    expect(heap.gc.generationSizes()).toEqual([0, 0, 0]);
    heap.gc.unfreeze();
    expect(heap.gc.generationSizes()[2]).toBe(total);
    heap.teardown();
  });
});
