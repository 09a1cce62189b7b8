/**
 * Deallocation order: as CPython's recursive tp_dealloc, a dying container drops its items (a list
 * or tuple from the last index down), each dying item's whole subtree is deallocated before the
 * next item is dropped, and the container goes to its free list (or back to the allocator) only
 * after all of them. The order shows in the free lists (LIFO): the objects handed back by the
 * next allocations, and which ones still found room. Checked against the rule on every profile,
 * and against the real interpreters found here (python3, pythonX.Y, pyenv).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { PROFILES, type ProfileName } from '../src/heap/profiles.js';
import { realInterpreters } from './support/gc-scenarios.js';

/** A container shape: a name, and its items (containers of the same kind). */
interface Shape {
  readonly name: string;
  readonly items: readonly Shape[];
}

/** The depth-3 binary tree the Python script builds: root, L, R, LL, LR, RL, RR. */
function tree(path = '', depth = 3): Shape {
  const name = path === '' ? 'root' : path;
  if (depth === 1) return { name, items: [] };
  return { name, items: [tree(`${path}L`, depth - 1), tree(`${path}R`, depth - 1)] };
}

/** CPython's release order: the items' subtrees from the last item to the first, then the container. */
function releaseOrder(s: Shape): string[] {
  const order: string[] = [];
  for (let i = s.items.length - 1; i >= 0; i--) order.push(...releaseOrder(s.items[i]));
  order.push(s.name);
  return order;
}

type Kind = 'tuple' | 'list';

/** Builds `shape` on the heap (leaves are `(None, None)` or `[]`), naming every container. */
function build(heap: Heap, kind: Kind, s: Shape, names: Map<Ref, string>): Ref {
  const items = s.items.map((item) => build(heap, kind, item, names));
  let ref: Ref;
  if (kind === 'list') {
    ref = heap.list.newList(items.length);
    items.forEach((item, i) => heap.list.init(ref, i, item));
  } else if (items.length === 0) {
    ref = heap.tupleOf(heap.None, heap.None);
  } else {
    ref = heap.newTuple(items.length);
    items.forEach((item, i) => heap.tupleInit(ref, i, item));
  }
  names.set(ref, s.name);
  return ref;
}

/** The names of the next `count` objects the free list hands out ('-' for a new one). */
function handedOut(heap: Heap, kind: Kind, count: number, names: Map<Ref, string>): string[] {
  const got: string[] = [];
  for (let i = 0; i < count; i++) {
    const ref = kind === 'list' ? heap.list.newList(0) : heap.tupleOf(heap.None, heap.None);
    got.push(names.get(ref) ?? '-');
  }
  return got;
}

/** Frees a depth-3 tree of `kind` from its root and returns the names handed out next. */
function simulatedTree(profile: ProfileName, kind: Kind): string[] {
  const heap = new Heap({ profile, heapBytes: 16 << 20 });
  const names = new Map<Ref, string>();
  heap.decref(build(heap, kind, tree(), names));
  return handedOut(heap, kind, 7, names);
}

/** A list of `n` empty lists, freed: the names of the lists the list free list holds, top first. */
function simulatedWide(profile: ProfileName, n: number): string[] {
  const heap = new Heap({ profile, heapBytes: 16 << 20 });
  const names = new Map<Ref, string>();
  const items: Shape[] = Array.from({ length: n }, (_, i) => ({ name: `item${i}`, items: [] }));
  heap.decref(build(heap, 'list', { name: 'outer', items }, names));
  return handedOut(heap, 'list', PROFILES[profile].freeLists.list, names);
}

const WIDE = 100;

// The same three experiments in CPython: names by id(); the objects handed out are kept alive in
// lists made beforehand, so taking them back allocates no other list or 2-tuple.
const SCRIPT = `
import json
import sys
def tree(kind, names, path="", depth=3):
    if depth == 1:
        n = None
        t = [] if kind == "list" else (n, n)
    else:
        l = tree(kind, names, path + "L", depth - 1)
        r = tree(kind, names, path + "R", depth - 1)
        t = [l, r] if kind == "list" else (l, r)
        del l, r
    names[id(t)] = path or "root"
    return t
def take(kind, keep):
    a = b = None
    for i in range(len(keep)):
        keep[i] = [] if kind == "list" else (a, b)
def freed_tree(kind):
    names = {}
    keep = [None] * 7
    t = tree(kind, names)
    del t
    take(kind, keep)
    return [names.get(id(x), "-") for x in keep]
def freed_wide(n, count):
    names = {}
    keep = [None] * count
    outer = [None] * n
    for i in range(n):
        outer[i] = []
        names[id(outer[i])] = "item%d" % i
    names[id(outer)] = "outer"
    del outer
    take("list", keep)
    return [names.get(id(x), "-") for x in keep]
room = int(sys.argv[1])  # the list free list's size
print(json.dumps({"tuple": freed_tree("tuple"), "list": freed_tree("list"), "wide": freed_wide(${WIDE}, room)}))
`;

describe('deallocation order', () => {
  const profiles: ProfileName[] = ['3.11', '3.12', '3.13', '3.14.0'];
  for (const profile of profiles) {
    it(`${profile}: a tree of tuples or lists is released in post-order, last item first`, () => {
      const expected = releaseOrder(tree()).reverse(); // the free list hands back the last released first
      expect(simulatedTree(profile, 'tuple')).toEqual(expected);
      expect(simulatedTree(profile, 'list')).toEqual(expected);
    });

    it(`${profile}: a container is released after its items, so a full free list has no room for it`, () => {
      const room = PROFILES[profile].freeLists.list;
      // Items are released from the last down: the first `room` of them fill the free list.
      const kept = Array.from({ length: room }, (_, i) => `item${WIDE - room + i}`);
      expect(simulatedWide(profile, WIDE)).toEqual(kept);
    });
  }

  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('refcount-dealloc-order: no CPython 3.11-3.13 found; real comparison skipped');
  for (const interp of interpreters) {
    it(`${interp.version}: the real interpreter hands back the same objects in the same order`, () => {
      const room = String(PROFILES[interp.profile].freeLists.list);
      const real = JSON.parse(execFileSync(interp.python, ['-c', SCRIPT, room], { encoding: 'utf8' })) as Record<string, string[]>;
      expect(simulatedTree(interp.profile, 'tuple')).toEqual(real.tuple);
      expect(simulatedTree(interp.profile, 'list')).toEqual(real.list);
      expect(simulatedWide(interp.profile, WIDE)).toEqual(real.wide);
    });
  }
});
