// Deallocation cascades through referents in a loop, not by JS recursion: a linked chain of
// 10 million objects frees without a stack overflow, and every block comes back.
import { expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import { Stat } from '../src/heap/layout.js';

it('frees a 10-million-object chain from its head without overflowing the stack', () => {
  const heap = new Heap({ profile: '3.13', heapBytes: 1024 << 20 });
  const Node = heap.defineClass({ name: 'Node', slots: ['next'] });
  const n = 10_000_000;
  let head = heap.None;
  for (let i = 0; i < n; i++) {
    const node = heap.newInstance(Node);
    heap.setSlot(node, 0, head); // node.next = head
    heap.decref(head);
    head = node;
  }
  // 16 B GC head + 16 B header + one 8 B slot = 40 B, a 48-byte block.
  expect(heap.objectBytes(head)).toBe(40);
  expect(heap.counters[Stat.BlocksInUse]).toBe(n);
  expect(heap.requestedCurrent).toBe(40 * n);
  heap.decref(head);
  expect(heap.counters[Stat.BlocksInUse]).toBe(0);
  expect(heap.requestedCurrent).toBe(0);
  expect(heap.counters[Stat.ObjectsFreed]).toBe(n);
  heap.teardown();
}, 120_000);

it('frees a chain through lists and tuples (mixed container kinds)', () => {
  const heap = new Heap({ profile: '3.11', heapBytes: 256 << 20 });
  let head = heap.None;
  for (let i = 0; i < 200_000; i++) {
    const value = heap.int(i + 1000);
    const t = heap.tupleOf(head, value);
    heap.decref(value);
    heap.decref(head);
    const l = heap.list.literal([t]);
    heap.decref(t);
    head = l;
  }
  heap.decref(head);
  heap.teardown();
  expect(heap.counters[Stat.BlocksInUse]).toBe(0);
});
