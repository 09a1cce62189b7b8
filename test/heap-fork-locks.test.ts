/**
 * A forked child's runtime re-creates its locks (`PyOS_AfterFork_Child` → `_PyThread_at_fork_reinit`:
 * a new lock from `PyMem_RawMalloc`, the old one leaked): the simulated fork allocates
 * `Profile.forkReinitLocks` traced 32-byte raw blocks, and a bare `os.fork()` under tracemalloc
 * on each real interpreter found here leaves the same bytes in the child. An interpreter that
 * imports `threading` at start-up (a site `.pth` file can) also runs threading's fork hook, which
 * allocates more: it is skipped, saying so.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap/heap.js';
import { Stat } from '../src/heap/layout.js';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../src/heap/profiles.js';
import { realInterpreters } from './support/gc-scenarios.js';

function simulatedFork(profile: ProfileName): { traced: number; rawBlocks: number } {
  const heap = new Heap({ profile, heapBytes: 16 << 20 });
  heap.startTracing();
  const rawBefore = heap.counters[Stat.RawBlocks];
  heap.forkPoint();
  const result = { traced: heap.tracedCurrent, rawBlocks: heap.counters[Stat.RawBlocks] - rawBefore };
  // The process ends: the locks go with it, and nothing else is left.
  heap.teardown();
  return result;
}

const SCRIPT = `
import json, os, sys, tracemalloc
threaded = 'threading' in sys.modules
tracemalloc.start()
pid = os.fork()
if pid:
    os.waitpid(pid, 0)
else:
    print(json.dumps({'threaded': threaded, 'current': tracemalloc.get_traced_memory()[0]}), flush=True)
    os._exit(0)
`;

describe('a forked child re-creates the runtime locks', () => {
  for (const profile of PROFILE_NAMES) {
    const n = PROFILES[profile].forkReinitLocks;
    it(`${profile}: ${n} traced raw block${n === 1 ? '' : 's'} of 32 bytes`, () => {
      expect(simulatedFork(profile)).toEqual({ traced: 32 * n, rawBlocks: n });
    });
  }
});

const interpreters = realInterpreters();
if (interpreters.length === 0) console.log('heap-fork-locks: no CPython 3.11-3.13 found; skipping the real-interpreter checks');

describe.skipIf(interpreters.length === 0)('the real child allocates the same', () => {
  for (const interp of interpreters) {
    it(`${interp.version}`, (ctx) => {
      const real = JSON.parse(execFileSync(interp.python, ['-c', SCRIPT], { encoding: 'utf8' })) as { threaded: boolean; current: number };
      if (real.threaded) {
        console.log(`heap-fork-locks: ${interp.python} imports threading at start-up (its fork hook allocates too); skipping it`);
        ctx.skip();
      }
      expect(real.current).toBe(simulatedFork(interp.profile).traced);
    });
  }
});
