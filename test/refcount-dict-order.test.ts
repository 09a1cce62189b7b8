/**
 * The order in which a dying dict and a dying instance drop what they hold: a dict from its first
 * entry to its last, each key before its value (`free_keys_object`; `d.clear()` the same), and an
 * instance its attribute values from the first to the last (`_PyObject_FreeInstanceAttributes`,
 * `clear_inline_values`). The order decides which object a free list hands back next, so a model
 * that drops them last-first leaves a different object behind. Each value is an object with a
 * `__del__` that records its name; checked on every profile, and against the real interpreters
 * found here.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { clearDict } from '../src/heap/dict.js';
import { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { PROFILE_NAMES } from '../src/heap/profiles.js';
import { realInterpreters } from './support/gc-scenarios.js';

interface Orders {
  readonly dictDealloc: string[];
  readonly dictClear: string[];
  readonly instanceDealloc: string[];
}

const EXPECTED: Orders = {
  dictDealloc: ['va', 'vb', 'vc'],
  dictClear: ['va', 'vb', 'vc'],
  instanceDealloc: ['x', 'y', 'z'],
};

function simulated(profile: (typeof PROFILE_NAMES)[number]): Orders {
  const heap = new Heap({ profile, heapBytes: 16 << 20 });
  const D = heap.defineClass({ name: 'D', slots: [], finalizer: 'del' });
  const names = new Map<Ref, string>();
  let order: string[] = [];
  heap.hooks.finalize = (_heap, self) => order.push(names.get(self)!);
  const named = (name: string): Ref => {
    const ref = heap.newInstance(D);
    names.set(ref, name);
    return ref;
  };
  const strDict = (): Ref => {
    const d = heap.dict.newDict();
    for (const k of ['a', 'b', 'c']) {
      const v = named(`v${k}`);
      heap.dict.setItem(d, heap.intern(k), v);
      heap.decref(v);
    }
    return d;
  };

  heap.decref(strDict());
  const dictDealloc = order;
  order = [];
  const d = strDict();
  clearDict(heap, d);
  const dictClear = order;
  heap.decref(d);
  order = [];
  const C = heap.defineClass({ name: 'C' });
  const o = heap.newInstance(C);
  for (const attr of ['x', 'y', 'z']) {
    const v = named(attr);
    heap.setAttr(o, attr, v);
    heap.decref(v);
  }
  heap.decref(o);
  return { dictDealloc, dictClear, instanceDealloc: order };
}

const SCRIPT = `
import json
out = []
class D:
    def __init__(self, n): self.n = n
    def __del__(self): out.append(self.n)
def str_dict():
    return {'a': D('va'), 'b': D('vb'), 'c': D('vc')}
d = str_dict(); del d
dict_dealloc = out[:]; out.clear()
d = str_dict(); d.clear()
dict_clear = out[:]; out.clear(); del d
class C: pass
o = C(); o.x = D('x'); o.y = D('y'); o.z = D('z'); del o
print(json.dumps({'dictDealloc': dict_dealloc, 'dictClear': dict_clear, 'instanceDealloc': out}))
`;

describe('a dying dict and instance drop what they hold first to last', () => {
  for (const profile of PROFILE_NAMES) {
    it(`${profile}: dict entries and instance attributes in insertion order`, () => {
      expect(simulated(profile)).toEqual(EXPECTED);
    });
  }
});

const interpreters = realInterpreters();
if (interpreters.length === 0) console.log('refcount-dict-order: no CPython 3.11-3.13 found; skipping the real-interpreter checks');

describe.skipIf(interpreters.length === 0)('the real interpreters drop them in the same order', () => {
  for (const interp of interpreters) {
    it(`${interp.version}`, () => {
      const real = JSON.parse(execFileSync(interp.python, ['-c', SCRIPT], { encoding: 'utf8' })) as Orders;
      expect(real).toEqual(simulated(interp.profile));
    });
  }
});
