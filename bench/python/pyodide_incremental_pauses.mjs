// Measure CPython 3.14 incremental-GC pause behaviour under Pyodide (CPython compiled to WASM).
//
// How to run (pyodide is NOT a dependency of this repo; install it in a scratch dir):
//   mkdir -p /tmp/pyo && cd /tmp/pyo && npm init -y && npm install pyodide@314.0.7
//   PYODIDE_DIR=/tmp/pyo/node_modules/pyodide node bench/python/pyodide_incremental_pauses.mjs
// Env vars:
//   PYODIDE_DIR   directory of the installed pyodide npm package (containing pyodide.mjs).
//                 If unset, the bare specifier 'pyodide' is imported (works when run from /tmp/pyo).
//   TREE_N        outer/inner size of the long-lived tree, TREE_N*TREE_N lists (default 1000 -> 10^6)
//   CHURN_ITERS   number of cyclic-pair iterations of churn (default 500000)
//   ONLY          'tree' or 'notree' to run just one configuration (default: both)
//   PRE_COLLECT   1 (default): call gc.collect() once more after building the tree, right before the
//                 churn, so the incremental cycle starts fresh (first automatic collection = mark phase).
//                 0: start the churn in whatever GC state the tree build left behind.
// Each configuration runs in a fresh Pyodide interpreter. Requires Node >= 18 (tested with Node 20).
//
// Output columns for per-collection rows: idx, generation reported to gc.callbacks, work
// (1 = gc.get_stats()[gen]['collections'] advanced, i.e. an increment that really ran a collection;
// 0 = mark step or an increment that did no collection work), start time since churn began (ms),
// pause (ms, perf_counter between the 'start' and 'stop' callbacks), info['collected'],
// info.get('candidates', -1) (-1 = key absent, as in 3.14.2).

import path from 'node:path';
import { pathToFileURL } from 'node:url';

const spec = process.env.PYODIDE_DIR
  ? pathToFileURL(path.join(path.resolve(process.env.PYODIDE_DIR), 'pyodide.mjs')).href
  : 'pyodide';
const { loadPyodide } = await import(spec);

const TREE_N = parseInt(process.env.TREE_N ?? '1000', 10);
const CHURN_ITERS = parseInt(process.env.CHURN_ITERS ?? '500000', 10);
const ONLY = process.env.ONLY ?? '';
const PRE_COLLECT = (process.env.PRE_COLLECT ?? '1') !== '0';

const pyCode = (buildTree) => `
import sys, gc, time
from array import array

BUILD_TREE = ${buildTree ? 'True' : 'False'}
TREE_N = ${TREE_N}
CHURN_ITERS = ${CHURN_ITERS}
pc = time.perf_counter

print("=" * 72)
print("config:", "WITH long-lived tree of %d lists" % (TREE_N * TREE_N) if BUILD_TREE else "WITHOUT tree (churn only)")
print("sys.version:", sys.version)
print("gc.get_threshold():", gc.get_threshold())

gc.collect()
t = pc()
if BUILD_TREE:
    tree = [[[] for j in range(TREE_N)] for i in range(TREE_N)]
print("tree build: %.1f ms" % ((pc() - t) * 1e3))
if ${PRE_COLLECT ? 'True' : 'False'}:
    t = pc(); gc.collect()
    print("PRE_COLLECT: gc.collect() after tree build took %.1f ms (incremental cycle restarts at mark phase)" % ((pc() - t) * 1e3))
else:
    print("PRE_COLLECT=0: churn starts in whatever incremental-GC state the tree build left")

class C:
    pass

# Preallocated record storage (arrays hold raw C values -> no per-record tracked objects).
MAXREC = 1 << 20
r_gen = array('b', bytes(MAXREC))
r_dur = array('d', bytes(8 * MAXREC))
r_at = array('d', bytes(8 * MAXREC))      # start time relative to churn start (s)
r_coll = array('q', bytes(8 * MAXREC))
r_cand = array('q', bytes(8 * MAXREC))
r_work = array('b', bytes(MAXREC))       # 1 if gc.get_stats()[gen]['collections'] advanced (real collection work)
st_ncoll = array('q', [0])
st_idx = array('q', [0])
st_t0 = array('d', [0.0])
st_base = array('d', [0.0])

get_stats = gc.get_stats

def cb(phase, info):
    if phase == 'start':
        st_ncoll[0] = get_stats()[info['generation']]['collections']   # before the clock starts
        st_t0[0] = pc()
        return
    t1 = pc()
    i = st_idx[0]
    if i < MAXREC:
        g = info['generation']
        r_work[i] = get_stats()[g]['collections'] - st_ncoll[0]       # after the clock stopped
        r_gen[i] = g
        r_dur[i] = t1 - st_t0[0]
        r_at[i] = st_t0[0] - st_base[0]
        r_coll[i] = info['collected']
        r_cand[i] = info.get('candidates', -1)
        st_idx[0] = i + 1

def churn(n):
    for _ in range(n):
        a = C(); b = C(); a.o = b; b.o = a
        del a, b

baseline_objs = len(gc.get_objects())
print("tracked objects before churn: %d" % baseline_objs)

gc.callbacks.append(cb)
st_idx[0] = 0
st_base[0] = pc()
churn(CHURN_ITERS)
churn_s = pc() - st_base[0]
n = st_idx[0]
gc.callbacks.remove(cb)

after_objs = len(gc.get_objects())
c_live = sum(1 for o in gc.get_objects() if type(o) is C)

def pct(sorted_ms, p):
    if not sorted_ms:
        return float('nan')
    k = min(len(sorted_ms) - 1, max(0, int(round(p / 100.0 * (len(sorted_ms) - 1)))))
    return sorted_ms[k]

ms = [r_dur[i] * 1e3 for i in range(n)]
per_gen = {}
coll_gen = {}
for i in range(n):
    g = r_gen[i]
    per_gen[g] = per_gen.get(g, 0) + 1
    coll_gen[g] = coll_gen.get(g, 0) + r_coll[i]
sms = sorted(ms)
print("churn: %d iterations (%d C objects, all cyclic garbage) in %.1f ms" % (CHURN_ITERS, 2 * CHURN_ITERS, churn_s * 1e3))
print("automatic collections during churn: %d, per generation: %s" % (n, dict(sorted(per_gen.items()))))
print("collected per generation: %s (total %d)" % (dict(sorted(coll_gen.items())), sum(coll_gen.values())))
nwork = sum(r_work[i] for i in range(n))
print("  of which counted in gc.get_stats() (increments that did collection work): %d; not counted (mark step or no-op): %d" % (nwork, n - nwork))
print("total time in GC: %.1f ms (%.1f%% of churn)" % (sum(ms), 100.0 * sum(ms) / (churn_s * 1e3)))
max_pause = sms[-1] if sms else float('nan')
print("pause ms: max %.3f  p50 %.3f  p90 %.3f  p99 %.3f  min %.3f" % (max_pause, pct(sms, 50), pct(sms, 90), pct(sms, 99), sms[0] if sms else float('nan')))
print("first 8 collections (idx, gen, work, at_ms, pause_ms, collected, candidates):")
for i in range(min(8, n)):
    print("   %4d  g%d  %d  %9.1f  %9.3f  %7d  %d" % (i, r_gen[i], r_work[i], r_at[i] * 1e3, ms[i], r_coll[i], r_cand[i]))
top = sorted(range(n), key=lambda i: -ms[i])[:8]
print("largest 8 pauses (idx, gen, work, at_ms, pause_ms, collected, candidates):")
for i in sorted(top):
    print("   %4d  g%d  %d  %9.1f  %9.3f  %7d  %d" % (i, r_gen[i], r_work[i], r_at[i] * 1e3, ms[i], r_coll[i], r_cand[i]))
big = [i for i in range(n) if ms[i] > 10 * pct(sms, 50)]
print("pauses > 10x median: %d, at indices %s" % (len(big), big[:20]))
print("outstanding after churn: tracked objects %d (+%d vs before churn); live C instances (uncollected garbage): %d"
      % (after_objs, after_objs - baseline_objs, c_live))

# Explicit full collection on the same heap (garbage still outstanding).
full_rec = []
def cb2(phase, info):
    if phase == 'start':
        st_t0[0] = pc()
    else:
        full_rec.append((info['generation'], pc() - st_t0[0], info['collected'], info.get('candidates', -1)))
gc.callbacks.append(cb2)
t = pc(); got = gc.collect(); full_s = pc() - t
t = pc(); got2 = gc.collect(); full2_s = pc() - t
gc.callbacks.remove(cb2)
print("explicit gc.collect() #1: %.3f ms wall (callback-measured %.3f ms, gen %d), returned %d, collected %d"
      % (full_s * 1e3, full_rec[0][1] * 1e3, full_rec[0][0], got, full_rec[0][2]))
print("explicit gc.collect() #2 (no garbage left): %.3f ms wall (callback %.3f ms), returned %d"
      % (full2_s * 1e3, full_rec[1][1] * 1e3, got2))
print("RATIO full gc.collect()#1 / largest automatic pause = %.2f ; #2 / largest = %.2f"
      % (full_rec[0][1] * 1e3 / max_pause, full_rec[1][1] * 1e3 / max_pause))
print("RATIO largest automatic pause / median automatic pause = %.1f" % (max_pause / pct(sms, 50)))
`;

const configs = ONLY === 'tree' ? [true] : ONLY === 'notree' ? [false] : [true, false];
for (const buildTree of configs) {
  const py = await loadPyodide();
  py.runPython(pyCode(buildTree));
}
