/**
 * The twin harness's preamble (workloads/python/twin.py: gc.collect(), gc.get_stats() and its
 * reading, before tracemalloc.start()) leaves lists and dicts (with their keys objects) on the free
 * lists, so a body's first few `[]` and `{'a': 1}` cost no traced bytes. The simulated preamble
 * (prepareRun) must leave as many: the traced bytes after each of a body's first four lists and
 * dicts, in the simulation and in each real interpreter found (python3, pythonX.Y, pyenv).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareRun } from '../src/lab/measure.js';
import { resolveRunSpec } from '../src/lab/options.js';
import type { ProfileName } from '../src/heap/profiles.js';
import { projectRoot } from '../src/sizes/real.js';
import { realInterpreters } from './support/gc-scenarios.js';

const STEPS = 4;

// A twin whose bodies make four lists or four dicts, probing the traced bytes after each. A probe
// allocates a 2-tuple and two ints, which go back to the tuple free list and the allocator.
const TWIN = `
import twin
def lists(p):
    a = []
    twin.probe("p1")
    b = []
    twin.probe("p2")
    c = []
    twin.probe("p3")
    d = []
    twin.probe("p4")
def dicts(p):
    a = {"a": 1}
    twin.probe("p1")
    b = {"a": 1}
    twin.probe("p2")
    c = {"a": 1}
    twin.probe("p3")
    d = {"a": 1}
    twin.probe("p4")
twin.main("preamble", {"lists": lists, "dicts": dicts}, {}, probes=("p1", "p2", "p3", "p4"))
`;

type Made = 'lists' | 'dicts';

/** The traced bytes after each of the body's first STEPS lists or dicts, all kept alive. */
function simulated(profile: ProfileName, made: Made): number[] {
  const spec = resolveRunSpec({ workload: 'generators-vs-lists', variant: 'list', profile, heapMiB: 16 });
  const { heap } = prepareRun(spec);
  const key = heap.intern('a'); // a code constant: made before tracing starts
  heap.startTracing();
  const traced: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    if (made === 'lists') heap.list.newList(0);
    else heap.dict.setItem(heap.dict.newDict(), key, heap.int(1));
    traced.push(heap.tracedCurrent);
  }
  return traced;
}

function real(python: string, made: Made): number[] {
  const env = { ...process.env, PYTHONPATH: join(projectRoot(), 'workloads', 'python') };
  const out = JSON.parse(execFileSync(python, ['-c', TWIN, '--variant', made], { encoding: 'utf8', env })) as {
    tracemalloc: { probes: Record<string, number> };
  };
  return Array.from({ length: STEPS }, (_, i) => out.tracemalloc.probes[`p${i + 1}`]);
}

describe('the simulated twin preamble', () => {
  it('leaves more than one list and more than one dict on the free lists', () => {
    // All made, then all freed: freeing each at once would hand it straight back to the next.
    expect(simulated('3.13', 'lists')[1]).toBe(0);
    expect(simulated('3.13', 'dicts')[1]).toBe(0);
  });

  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('lab-twin-preamble: no CPython 3.11-3.13 found; real comparison skipped');
  for (const interp of interpreters) {
    it(`${interp.version}: a body's first lists and dicts cost what they cost after the real preamble`, () => {
      expect(simulated(interp.profile, 'lists')).toEqual(real(interp.python, 'lists'));
      expect(simulated(interp.profile, 'dicts')).toEqual(real(interp.python, 'dicts'));
    });
  }
});
