/**
 * The registry of built-in workloads and tips: the names `gclab list`, `run`, `bench`, `tips` and
 * `calibrate` use. Each built-in workload is a Python program in workloads/python/ (also its own
 * twin on the real interpreters); what is here is what the lab needs to know without reading it:
 * its group, a one-line description, each variant's description, the parameters' descriptions and
 * ranges, the sizes the tests run it at, and the tips it measures. The variants, parameter names
 * and defaults, probes and reports must be what the program's `twin.main(...)` declares (checked
 * when a run loads it, and for every built-in by test/workloads-every-profile.test.ts).
 *
 * The entry points hand BUILT_INS to the lab (src/lab/registry.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtInWorkload, type BuiltInDeclaration } from '../src/python/program.js';
import type { BuiltIns } from '../src/lab/registry.js';
import type { Tip } from '../src/lab/tips.js';
import type { Workload } from '../src/lab/workload.js';

/** workloads/python/, from the sources (tsx) and from dist/workloads/ alike. */
const PROGRAMS_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './python/' : '../../workloads/python/', import.meta.url));

/** The workloads users see (list, suites, calibrate), the mission's three first. */
const DECLARATIONS: readonly BuiltInDeclaration[] = [
  {
    name: 'generators-vs-lists',
    program: 'generators_vs_lists.py',
    group: 'mission',
    description: 'sum of i*i over range(n): a list comprehension holds every square, a generator one at a time',
    variants: {
      list: 'sum([i * i for i in range(n)])',
      generator: 'sum(i * i for i in range(n))',
    },
    params: {
      n: { description: 'items summed', default: 100_000, min: 0, max: 50_000_000 },
    },
    testParams: { n: 20_000 },
  },
  {
    name: 'slots-vs-dict',
    program: 'slots_vs_dict.py',
    group: 'mission',
    description: 'n three-attribute instances held in a list, then dropped: __dict__ instances vs __slots__',
    variants: {
      dict: 'class WithDict: def __init__(self, a, b, c): self.a = a; ...',
      slots: "class WithSlots: __slots__ = ('a', 'b', 'c'); same __init__",
    },
    params: {
      n: { description: 'instances held', default: 100_000, min: 0, max: 20_000_000 },
    },
    probes: ['held'],
    testParams: { n: 20_000 },
  },
  {
    name: 'cyclic-graphs',
    program: 'cyclic_graphs.py',
    group: 'mission',
    description: 'cyclic garbage only the collector frees: pairs, rings of k, or a random graph dropped at once',
    variants: {
      pairs: 'a = Node(); b = Node(); a.other = b; b.other = a; del a, b  (n times)',
      rings: 'rings of k nodes, each dropped when closed (n nodes in all)',
      random: 'n nodes with `degree` random edges each, dropped at once, then gc.collect()',
    },
    params: {
      n: { description: 'objects (pairs: pairs)', default: 100_000, min: 0, max: 20_000_000 },
      k: { description: 'ring size (rings)', default: 10, min: 2, max: 1_000_000, usedBy: ['rings'] },
      degree: { description: 'edges per node (random)', default: 4, min: 0, max: 1000, usedBy: ['random'] },
    },
    testParams: { n: 20_000 },
  },
  {
    name: 'globals-and-del',
    program: 'globals_and_del.py',
    group: 'tip',
    description: 'a bytes(n) in a global, in a local, or del-ed when done, while later work runs: peak and retained memory',
    variants: {
      global: 'global big; big = bytes(n); ...; later_work(m) (big outlives the call)',
      local: 'big = bytes(n); ...; later_work(m) (big dies when the function returns)',
      del: 'big = bytes(n); ...; del big; later_work(m) (big dies before the later work)',
    },
    params: {
      n: { description: 'bytes in the big object', default: 8_000_000, min: 1, max: 500_000_000 },
      m: { description: 'items in the later work’s temporary list', default: 100_000, min: 0, max: 20_000_000 },
    },
    testParams: { n: 1_000_000, m: 20_000 },
  },
  {
    name: 'small-ints-and-interning',
    program: 'small_ints_and_interning.py',
    group: 'tip',
    description: 'n values from 256 distinct ones held in a list: cached small ints vs new ints, interned vs fresh strings',
    variants: {
      small_int: '[i % 256 for i in range(n)]: every item is a cached small int',
      large_int: '[i % 256 + 1000 for i in range(n)]: every item is a new int',
      interned_str: '[sys.intern("key%d" % (i % 256)) for i in range(n)]: 256 shared strings',
      fresh_str: '["key%d" % (i % 256) for i in range(n)]: a new string per item',
    },
    params: {
      n: { description: 'items held', default: 100_000, min: 0, max: 20_000_000 },
    },
    probes: ['held'],
    testParams: { n: 20_000 },
  },
  {
    name: 'container-churn',
    program: 'container_churn.py',
    group: 'stress',
    description: 'a dict of n*n tuple keys, each value from three lookups through temporary tuples (CPython gh-139951)',
    variants: {
      tuple_keys: 'd[(i, j)] = (i + j + d[(i - 1, j)] + d[(i, j - 1)] + d[(i - 1, j - 1)]) % 1000 for i, j < n',
    },
    params: {
      n: { description: 'rows and columns (the dict ends with about n*n entries)', default: 200, min: 1, max: 5000 },
    },
    testParams: { n: 150 },
  },
  {
    name: 'cycles-with-finalizers',
    program: 'cycles_with_finalizers.py',
    group: 'stress',
    description: 'rings of k objects dropped when closed, then gc.collect(): no finalizer, __del__ (PEP 442), a legacy tp_del, a resurrecting __del__',
    variants: {
      plain: 'class Plain: pass (the baseline: the collector frees the rings)',
      del: 'class WithDel with __del__: finalized once, then collected (PEP 442)',
      legacy: 'a class with a C-level tp_del (_testcapi.with_tp_del): uncollectable, kept in gc.garbage',
      resurrect: '__del__ appends self to a global list: finalized once, survives; freed after the list is cleared',
    },
    params: {
      n: { description: 'rings', default: 50_000, min: 0, max: 10_000_000 },
      k: { description: 'objects per ring', default: 2, min: 2, max: 100_000 },
    },
    reports: ['finalized', 'garbage', 'survivors'],
    testParams: { n: 10_000, k: 2 },
  },
  {
    name: 'weakref-cache',
    program: 'weakref_cache.py',
    group: 'tip',
    description: 'a module-level cache of n objects whose outside references are then dropped: dict vs WeakValueDictionary',
    variants: {
      dict: 'cache = {}: the cache keeps every object alive',
      weakvalue: 'cache = weakref.WeakValueDictionary(): entries (KeyedRef + dict slot) go when their objects die',
    },
    params: {
      n: { description: 'objects cached', default: 100_000, min: 1, max: 10_000_000 },
    },
    probes: ['held', 'retained'],
    testParams: { n: 20_000 },
  },
  {
    name: 'long-lived-churn',
    program: 'long_lived_churn.py',
    group: 'stress',
    description: 'a tree of n long-lived lists, then m two-list cycles: the 25 % rule, full-collection pauses, gc.freeze()',
    variants: {
      garbage: 'tree = build_tree(n); then m cycles, all garbage',
      retain: 'tree = build_tree(n); then m cycles, every 4th kept (long_lived_pending grows)',
      notree: 'no tree; m cycles, every 4th kept',
      freeze: 'tree = build_tree(n); gc.freeze(); then m cycles, every 4th kept',
    },
    params: {
      n: { description: 'lists in the long-lived tree (not notree)', default: 1_000_000, min: 1, max: 10_000_000, usedBy: ['garbage', 'retain', 'freeze'] },
      m: { description: 'churn steps (one two-list cycle each)', default: 1_000_000, min: 0, max: 20_000_000 },
    },
    probes: ['tree'],
    reports: ['churn_full', 'churn_pause_max_ns'],
    testParams: { n: 10_000, m: 20_000 },
  },
  {
    name: 'gc-manual',
    program: 'gc_manual.py',
    group: 'tip',
    description: 'a long-lived tree, then m dropped cycles: automatic GC vs gc.disable() + gc.collect() every k vs a tuned threshold',
    variants: {
      auto: "the automatic collector at the profile's thresholds",
      manual: 'gc.disable(); gc.collect(gen) every k steps; gc.enable()',
      tuned: 'gc.set_threshold(t0, t1, t2) before the loop',
    },
    params: {
      n: { description: 'lists in the long-lived tree', default: 100_000, min: 1, max: 10_000_000 },
      m: { description: 'steps (one dropped two-list cycle each)', default: 1_000_000, min: 0, max: 20_000_000 },
      k: { description: 'manual: steps between hand collections', default: 100_000, min: 1, max: 20_000_000, usedBy: ['manual'] },
      gen: { description: 'manual: the generation gc.collect() collects', default: 2, min: 0, max: 2, usedBy: ['manual'] },
      t0: { description: 'tuned: threshold0', default: 50_000, min: 0, max: 100_000_000, usedBy: ['tuned'] },
      t1: { description: 'tuned: threshold1', default: 10, min: 0, max: 1_000_000, usedBy: ['tuned'] },
      t2: { description: 'tuned: threshold2', default: 10, min: 0, max: 1_000_000, usedBy: ['tuned'] },
    },
    probes: ['tree'],
    reports: ['churn_pause_max_ns'],
    testParams: { n: 10_000, m: 40_000, k: 10_000, t0: 10_000 },
  },
  {
    name: 'freeze-before-fork',
    program: 'freeze_before_fork.py',
    group: 'tip',
    description: "a pre-fork server: n long-lived records, fork, the child's work and a full collection: pages the child dirties",
    variants: {
      nofreeze: 'load; fork; work',
      freeze: 'load; gc.freeze(); fork; work',
      'collect-freeze': 'load; gc.collect(); gc.freeze(); fork; work',
      'disable-freeze': 'gc.disable(); load; gc.freeze(); fork; gc.enable() in the child; work (the gc docs recipe)',
    },
    params: {
      n: { description: 'long-lived records the parent loads', default: 200_000, min: 0, max: 10_000_000 },
      m: { description: "steps of the child's work (one dropped two-list cycle each)", default: 100_000, min: 0, max: 20_000_000 },
    },
    probes: ['loaded'],
    reports: ['pages_dirtied'],
    testParams: { n: 10_000, m: 20_000 },
  },
  {
    name: 'binary-trees',
    program: 'binary_trees.py',
    group: 'canonical',
    description: "the Benchmarks Game's binary-trees: a stretch tree, a long-lived tree, many short-lived bottom-up trees, each checked by a walk",
    variants: {
      tuples: 'nodes are tuples (left, right); leaves are the constant (None, None), as in the Benchmarks Game Python programs',
      nodes: "nodes are instances of class Node: __slots__ = ('left', 'right'), leaves included",
    },
    params: {
      n: { description: 'max_depth (the Benchmarks Game runs 21 and checks the output at 10); trees of up to n + 1 levels', default: 13, min: 0, max: 22 },
    },
    reports: ['stretch_check', 'trees_check', 'long_lived_check'],
    testParams: { n: 10 },
  },
  {
    name: 'gcbench',
    program: 'gcbench.py',
    group: 'canonical',
    description: 'GCBench: a stretch tree, a long-lived tree and float array, then many short-lived trees built top-down and bottom-up',
    variants: {
      full: 'the whole benchmark: at each depth, trees built top-down (populate) then bottom-up (make_tree)',
      'top-down': 'only the top-down trees: Node() first, then populate(depth, node) assigns children into it',
      'bottom-up': 'only the bottom-up trees: make_tree(depth) builds the children before their parent',
    },
    params: {
      stretch: { description: 'depth of the stretch tree; sets how many nodes each depth builds (GCBench: 18)', default: 14, min: 1, max: 22 },
      long_lived: { description: 'depth of the long-lived tree (GCBench: 16)', default: 12, min: 0, max: 20 },
      array: { description: 'floats in the long-lived array; half are set to 1/i (GCBench: 500000)', default: 50_000, min: 0, max: 10_000_000 },
      min_depth: { description: 'smallest short-lived tree depth (GCBench: 4)', default: 4, min: 0, max: 20 },
      max_depth: { description: 'largest short-lived tree depth, in steps of 2 from min_depth (GCBench: 16)', default: 12, min: 0, max: 20 },
    },
    reports: ['long_lived_nodes'],
    testParams: { stretch: 11, long_lived: 8, array: 5000, min_depth: 4, max_depth: 10 },
  },
  {
    name: 'pyperf-gc',
    program: 'pyperf_gc.py',
    group: 'canonical',
    description: "pyperformance's gc_collect (rings of linked nodes freed by gc.collect()) and gc_traversal (a deep web of lists, nothing to free)",
    variants: {
      collect: 'gc_collect: per loop, gc.collect(); build `cycles` rings of `links` + 1 nodes; drop them; gc.collect()',
      traversal: 'gc_traversal: `levels` + 1 lists, list k holding k references to list k - 1; two gc.collect()s per loop',
    },
    params: {
      loops: { description: 'timed loops (pyperformance calibrates its loop count; each loop is one timing)', default: 40, min: 0, max: 100_000 },
      cycles: { description: 'rings per loop (collect; pyperformance: 100)', default: 100, min: 0, max: 1_000_000, usedBy: ['collect'] },
      links: { description: 'links per ring: each ring has links + 1 nodes (collect; pyperformance: 20)', default: 20, min: 0, max: 1_000_000, usedBy: ['collect'] },
      levels: { description: 'levels of lists, levels^2 / 2 references (traversal; pyperformance: 1000)', default: 1000, min: 0, max: 5000, usedBy: ['traversal'] },
    },
    testParams: { loops: 2, cycles: 100, links: 20, levels: 300 },
    twinTolerance: {
      currentBytes: 64,
      reason: 'current: traversal: on 3.11 and 3.12 the trashcan (50 levels) frees the 301-deep chain in another order than the model, and one list fewer stays on the free list (56 B below)',
    },
  },
  {
    name: 'pyperf-btree',
    program: 'pyperf_btree.py',
    group: 'canonical',
    description: "pyperformance's btree: records in a B-tree of order 16 (tuples, lists, slots nodes), keys shuffled, 20 % deleted and re-inserted, gc.collect()",
    variants: {
      'gc-only': 'btree_gc_only: build the records and the tree, re-create the lowest keys, one gc.collect() over the whole graph',
      all: 'btree: the same, then iterate every key through nested generators and look each record up, then random lookups',
    },
    params: {
      nodes: { description: 'keys and records in the tree (pyperformance: 200000)', default: 50_000, min: 1, max: 2_000_000 },
      recreate: { description: 'percent of the keys deleted and inserted again (pyperformance: 20)', default: 20, min: 0, max: 100 },
    },
    probes: ['tree'],
    reports: ['root_items'],
    testParams: { nodes: 2000, recreate: 20 },
  },
];

/** The mission's three workloads (the default suite). */
const MISSION: readonly string[] = ['generators-vs-lists', 'slots-vs-dict', 'cyclic-graphs'];

const readSource = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

export const WORKLOADS: readonly Workload[] = DECLARATIONS.map((d) => builtInWorkload(d, PROGRAMS_DIR + d.program, readSource));

/** Every tip the scoreboard shows, in its order. */
export const TIPS: readonly Tip[] = [
  // the mission
  {
    name: 'use generators',
    advice: 'sum a generator expression instead of building a list first',
    workload: 'generators-vs-lists',
    without: 'list',
    with: 'generator',
    metric: { kind: 'peak' },
  },
  {
    name: 'use __slots__',
    advice: 'give classes with many instances __slots__',
    workload: 'slots-vs-dict',
    without: 'dict',
    with: 'slots',
    metric: { kind: 'bytes-per-item', probe: 'held', per: 'n' },
  },
  // how long objects live (globals-and-del, small-ints-and-interning)
  {
    name: 'del what you no longer need',
    advice: 'del a big local as soon as you are done with it, so later work does not stack its peak on it',
    workload: 'globals-and-del',
    without: 'local',
    with: 'del',
    metric: { kind: 'peak' },
  },
  {
    name: 'avoid globals',
    advice: 'keep big objects in locals: a global outlives the function that made it',
    workload: 'globals-and-del',
    without: 'global',
    with: 'local',
    metric: { kind: 'retained' },
  },
  {
    name: 'small ints are shared',
    advice: 'values in -5..256 cost nothing per use: every one is the same cached object',
    workload: 'small-ints-and-interning',
    without: 'large_int',
    with: 'small_int',
    metric: { kind: 'bytes-per-item', probe: 'held', per: 'n' },
  },
  {
    name: 'intern repeated strings',
    advice: 'sys.intern strings that repeat (keys, tokens, field names) so each distinct one is stored once',
    workload: 'small-ints-and-interning',
    without: 'fresh_str',
    with: 'interned_str',
    metric: { kind: 'bytes-per-item', probe: 'held', per: 'n' },
  },
  // finalizers and weak references
  {
    // Not "avoid __del__": since PEP 442 (3.4) a cycle through a Python __del__ is finalized and
    // freed like any other (the `del` variant collects everything the `plain` one does). What
    // still leaks is a C-level tp_del, so that is the comparison. Judged by the peak: the legacy
    // rings pile up for the whole run, while `del` never holds more than the garbage between two
    // collections (what stays at the end is the same story, but the simulated end figure of `del`
    // carries a few hundred bytes of harness artefacts around zero).
    name: 'legacy finalizers in cycles',
    advice:
      'a Python __del__ no longer blocks cycle collection (PEP 442), but a cycle through a C type with a legacy tp_del is never freed and piles up in gc.garbage: give such types tp_finalize, or break the cycle',
    workload: 'cycles-with-finalizers',
    without: 'legacy',
    with: 'del',
    metric: { kind: 'peak' },
  },
  {
    name: 'weak references for caches',
    advice:
      'cache objects in a weakref.WeakValueDictionary, not a dict, so they die with their last outside reference (the emptied table itself stays allocated)',
    workload: 'weakref-cache',
    without: 'dict',
    with: 'weakvalue',
    metric: { kind: 'retained' },
  },
  // tuning the collector
  {
    name: 'freeze before fork',
    advice: 'call gc.freeze() just before os.fork() in a pre-fork server, so collections in the workers leave the shared pages alone',
    workload: 'freeze-before-fork',
    without: 'nofreeze',
    with: 'freeze',
    metric: { kind: 'pages-dirtied' },
  },
  {
    // Judged by time: the advice promises throughput. pause-p99 would compare the 99th percentile
    // of ~1000 automatic pauses with the longest of 10 hand collections, each of which walks the
    // whole long-lived tree (the hand collections are the longest pauses of the run).
    name: 'disable GC, collect by hand',
    advice: 'gc.disable() and call gc.collect() every k steps instead of letting the thresholds decide',
    workload: 'gc-manual',
    without: 'auto',
    with: 'manual',
    metric: { kind: 'time' },
  },
  {
    // Judged by the objects the largest collection after the tree was built examined
    // (deterministic; the churn's collections): the pause times themselves are wall time and vary
    // with the machine's load more than with freeze.
    name: 'gc.freeze() long-lived data',
    advice: 'after building a big long-lived structure, gc.freeze() it so full collections stop walking it',
    workload: 'long-lived-churn',
    without: 'retain',
    with: 'freeze',
    metric: { kind: 'most-visited', after: 'tree' },
  },
];

/** What the entry points hand to the lab (src/lab/registry.ts). */
export const BUILT_INS: BuiltIns = { workloads: WORKLOADS, mission: MISSION, tips: TIPS };
