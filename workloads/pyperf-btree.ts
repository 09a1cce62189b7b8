/**
 * pyperf-btree: pyperformance's `btree` benchmark (pyperformance/data-files/benchmarks/bm_btree),
 * a B-tree of minimum degree 16 holding one record per key: a large, interconnected graph of
 * tuples, lists and `__slots__` nodes for the collector to scan. No cycles: refcounting frees
 * everything and the collections find nothing. Twin: python/pyperf_btree.py.
 *
 *   gc-only  records, the tree (keys inserted in shuffled order, the lowest `recreate` % deleted
 *            and inserted again), gc.collect(): pyperformance's btree_gc_only
 *   all      the same, then `for key in tree: tree[key].d` and max(200, nodes // 20) lookups
 *
 * The Python (pyperformance's, with the changes the twin's docstring lists; the BNode and BTree
 * methods are the original's, without asserts):
 *
 *   def make_records(num_nodes, x):
 *       for node_id in range(num_nodes):
 *           a = node_id
 *           b = f"node {node_id}"
 *           c = bytes(node_id % 100)
 *           x = (x * 1103515245 + 12345) & 0x7FFFFFFF
 *           d = x / 2147483648.0
 *           x = (x * 1103515245 + 12345) & 0x7FFFFFFF
 *           e = sys.intern(str(x % 31))
 *           x = (x * 1103515245 + 12345) & 0x7FFFFFFF
 *           f = (None, True, False)[x % 3]
 *           yield Record(a, b, c, d, e, f)
 *   def make_tree(num_nodes, records, recreate, x):
 *       ids = list(range(num_nodes))
 *       for i in range(num_nodes - 1, 0, -1):         # random.shuffle(ids) with the LCG
 *           x = (x * 1103515245 + 12345) & 0x7FFFFFFF
 *           j = x % (i + 1)
 *           ids[i], ids[j] = ids[j], ids[i]
 *       tree = BTree()
 *       for node_id in ids:
 *           tree[node_id] = records[node_id]
 *       remake_ids = range(num_nodes * recreate // 100)
 *       for node_id in remake_ids:
 *           del tree[node_id]
 *       for node_id in remake_ids:
 *           tree[node_id] = records[node_id]
 *       return tree
 *   def run(p, gc_only):
 *       num_nodes = p["nodes"]
 *       records = list(make_records(num_nodes, p["seed"]))
 *       obj = make_tree(num_nodes, records, p["recreate"], p["seed"])
 *       gc.collect()
 *       probe("tree"); report("root_items", len(obj.root.items))
 *       if not gc_only:
 *           d_total = 0.0
 *           for key in obj:
 *               node = obj[key]
 *               d_total += node.d
 *           num_lookup = max(200, num_nodes // 20)
 *           d_total = 0
 *           x = p["seed"]
 *           for i in range(num_lookup):
 *               x = (x * 1103515245 + 12345) & 0x7FFFFFFF
 *               node_id = x % num_nodes
 *               node = obj.get(node_id)
 *               if node is not None:
 *                   d_total += node.d
 *
 * Where the model stands in for C objects it has no type for: `enumerate` (72 B, MEAS tracemalloc,
 * 3.11-3.13) and the list iterator (48 B, MEAS) are GC-tracked `__slots__` objects of the same size;
 * a generator's frame size is measured per version (sys.getsizeof). Temporary ints of the LCG's
 * arithmetic (x * 1103515245, + 12345, i + 1) are not modelled: non-GC, freed at once.
 */
import type { Heap } from '../src/heap/heap.js';
import { FIELD, type Ref } from '../src/heap/layout.js';
import { clearList } from '../src/heap/list.js';
import type { Frame } from '../src/heap/roots.js';
import type { ClassInfo } from '../src/heap/types.js';
import { Kind } from '../src/heap/types.js';
import { defineWorkload, variant, type WorkloadContext } from '../src/lab/workload.js';
import { clearGeneratorLocal, loopInt, rangeIterator } from './builtins.js';
import { lcgNext } from './cyclic-graphs.js';

/** BNode.minimum_degree (t): a node is full at 2t - 1 items. */
const T = 16;
const FULL = 2 * T - 1;
/** `range(...)` object: header + start, stop, step, length. */
const RANGE_BYTES = 48;
/** BNode slots. */
const ITEMS = 0;
const NODES = 1;
/** Slots of the stand-in objects: enumerate (en_index, en_sit, en_result, en_longindex, one), list iterator (it_index, it_seq). */
const EN_SIT = 1;
const EN_RESULT = 2;
const IT_SEQ = 1;

/**
 * Generator objects, GC head included (MEAS sys.getsizeof on 3.11.7, 3.12.1, 3.13.0): BTree.__iter__,
 * BTree.iterkeys, BNode.__iter__, make_records. 3.14 is taken to have 3.13's frame sizes (inferred).
 */
const GEN_BYTES_311 = [192, 208, 216, 312];
const GEN_BYTES_312 = [192, 200, 216, 304];
const [G_TREE_ITER, G_ITERKEYS, G_NODE_ITER, G_RECORDS] = [0, 1, 2, 3];

interface Module {
  bnode: ClassInfo;
  btree: ClassInfo;
  record: ClassInfo;
  enumerate: ClassInfo;
  listIter: ClassInfo;
  /** `sys.intern(str(n))` for n < 31, interned at module level (borrowed from here on). */
  digits: Ref[];
  /** Frame slots of each generator kind under this profile. */
  genSlots: number[];
  /** 3.11/3.12 `del lst[i]` goes through list_ass_slice, which shrinks the array; 3.13+ only moves items (MEAS). */
  delShrinks: boolean;
}

function setup(heap: Heap): Module {
  const v = heap.profile.pythonVersion;
  const sizes = v === '3.11' ? GEN_BYTES_311 : GEN_BYTES_312;
  const baseOf312 = 168; // generatorBaseBytes of 3.12/3.13: 3.14 keeps their slot counts
  const genSlots = sizes.map((b) => (v === '3.11' || v === '3.12' || v === '3.13' ? (b - heap.profile.generatorBaseBytes) / 8 : (b - baseOf312) / 8));
  const digits: Ref[] = [];
  for (let n = 0; n < 31; n++) digits.push(heap.intern(String(n)));
  return {
    bnode: heap.defineClass({ name: 'BNode', slots: ['items', 'nodes'] }),
    btree: heap.defineClass({ name: 'BTree', slots: ['root'] }),
    record: heap.defineClass({ name: 'Record' }),
    enumerate: heap.defineClass({ name: 'enumerate', slots: ['en_index', 'en_sit', 'en_result', 'en_longindex', 'one'] }),
    listIter: heap.defineClass({ name: 'list_iterator', slots: ['it_index', 'it_seq'] }),
    digits,
    genSlots,
    // 3.14 inferred to keep 3.13's list_ass_item
    delShrinks: v === '3.11' || v === '3.12',
  };
}

/** The state one run's B-tree code works with. */
class BTreeOps {
  readonly heap: Heap;
  constructor(
    readonly ctx: WorkloadContext,
    readonly m: Module,
  ) {
    this.heap = ctx.heap;
  }

  // ---- list operations CPython has and the list model lacks ---------------------------------------

  /** `lst.insert(i, item)` (ins1): list_resize to n + 1, move the tail up, store (item borrowed). */
  listInsert(list: Ref, i: number, item: Ref): void {
    const L = this.heap.list;
    const n = L.length(list);
    L.resize(list, n + 1);
    for (let k = n; k > i; k--) L.init(list, k, L.get(list, k - 1));
    this.heap.incref(item);
    L.init(list, i, item);
  }

  /**
   * `del lst[i]`. 3.11/3.12: list_ass_slice moves the tail down, list_resize (which may shrink the
   * array), then drops the item; deleting the last item clears the list (array freed). 3.13+:
   * list_ass_item moves the tail down and drops the item, the array unchanged.
   */
  listDel(list: Ref, i: number): void {
    const heap = this.heap;
    const L = heap.list;
    const n = L.length(list);
    const item = L.get(list, i);
    if (this.m.delShrinks && n === 1) {
      clearList(heap, list);
      return;
    }
    for (let k = i; k < n - 1; k++) L.init(list, k, L.get(list, k + 1));
    if (this.m.delShrinks) L.resize(list, n - 1);
    else heap.i32[list + FIELD.LIST_SIZE] = n - 1; // Py_SET_SIZE: the array stays as it is
    heap.decref(item);
  }

  /** `lst[lo:hi]`: a new list of exactly hi - lo slots (list_slice). */
  listSlice(list: Ref, lo: number, hi: number): Ref {
    const heap = this.heap;
    const L = heap.list;
    const len = hi - lo;
    if (len <= 0) return L.newList(0);
    const out = L.newList(len);
    for (let k = 0; k < len; k++) {
      const v = L.get(list, lo + k);
      heap.incref(v);
      L.init(out, k, v);
    }
    return out;
  }

  /** `a + b`: a new list of exactly len(a) + len(b) slots (list_concat). */
  listConcat(a: Ref, b: Ref): Ref {
    const heap = this.heap;
    const L = heap.list;
    const na = L.length(a);
    const nb = L.length(b);
    if (na + nb === 0) return L.newList(0);
    const out = L.newList(na + nb);
    for (let k = 0; k < na; k++) {
      const v = L.get(a, k);
      heap.incref(v);
      L.init(out, k, v);
    }
    for (let k = 0; k < nb; k++) {
      const v = L.get(b, k);
      heap.incref(v);
      L.init(out, na + k, v);
    }
    return out;
  }

  /** `a + [x] + b` as the interpreter evaluates it: BUILD_LIST, two BINARY_OPs, temporaries dropped. New reference. */
  concat3(a: Ref, x: Ref, b: Ref): Ref {
    const heap = this.heap;
    const one = heap.list.newList(1);
    heap.incref(x);
    heap.list.init(one, 0, x);
    const t = this.listConcat(a, one);
    heap.decref(one);
    const r = this.listConcat(t, b);
    heap.decref(t);
    return r;
  }

  // ---- BNode ---------------------------------------------------------------------------------------

  key(item: Ref): number {
    return this.heap.intValue(this.heap.tupleItem(item, 0));
  }

  items(node: Ref): Ref {
    return this.heap.getSlot(node, ITEMS);
  }

  nodes(node: Ref): Ref {
    return this.heap.getSlot(node, NODES);
  }

  isLeaf(node: Ref): boolean {
    return this.heap.getSlot(node, NODES) === this.heap.None;
  }

  /** `BNode()`: `self.items = []`, `self.nodes = None`. New reference. */
  newBNode(): Ref {
    const heap = this.heap;
    const node = heap.newInstance(this.m.bnode);
    heap.evalBreaker(); // __init__'s RESUME
    const empty = heap.list.newList(0);
    heap.setSlot(node, ITEMS, empty);
    heap.decref(empty);
    heap.setSlot(node, NODES, heap.None);
    return node;
  }

  /** `enumerate(lst)`: the enumerate object, its list iterator, its (None, None) result tuple. New reference. */
  newEnumerate(list: Ref): Ref {
    const heap = this.heap;
    const en = heap.newInstance(this.m.enumerate);
    const it = this.newListIter(list);
    heap.setSlot(en, EN_SIT, it);
    heap.decref(it);
    const result = heap.tupleOf(heap.None, heap.None);
    heap.setSlot(en, EN_RESULT, result);
    heap.decref(result);
    return en;
  }

  /** `iter(lst)`: a list iterator. New reference. */
  newListIter(list: Ref): Ref {
    const it = this.heap.newInstance(this.m.listIter);
    this.heap.setSlot(it, IT_SEQ, list);
    return it;
  }

  getPosition(node: Ref, key: number): number {
    const heap = this.heap;
    heap.evalBreaker();
    const items = this.items(node);
    const en = this.newEnumerate(items);
    const n = heap.list.length(items);
    let position = n;
    for (let i = 0; i < n; i++) {
      if (this.key(heap.list.get(items, i)) >= key) {
        position = i;
        break;
      }
      heap.evalBreaker();
    }
    heap.decref(en);
    return position;
  }

  search(node: Ref, key: number): Ref {
    const heap = this.heap;
    for (;;) {
      heap.evalBreaker();
      const position = this.getPosition(node, key);
      const items = this.items(node);
      if (position < heap.list.length(items) && this.key(heap.list.get(items, position)) === key) return heap.list.get(items, position);
      if (this.isLeaf(node)) return 0;
      node = heap.list.get(this.nodes(node), position);
    }
  }

  insertItem(node: Ref, item: Ref): void {
    const heap = this.heap;
    const L = heap.list;
    heap.evalBreaker();
    const key = this.key(item);
    let position = this.getPosition(node, key);
    heap.evalBreaker();
    const items = this.items(node);
    if (position < L.length(items) && this.key(L.get(items, position)) === key) {
      L.set(items, position, item);
    } else if (this.isLeaf(node)) {
      this.listInsert(items, position, item);
    } else {
      const child = L.get(this.nodes(node), position);
      if (L.length(this.items(child)) === FULL) {
        this.splitChild(node, position, child);
        heap.evalBreaker();
        const at = L.get(this.items(node), position);
        if (key === this.key(at)) {
          L.set(this.items(node), position, item);
        } else {
          if (key > this.key(at)) position += 1;
          this.insertItem(L.get(this.nodes(node), position), item);
        }
      } else {
        this.insertItem(child, item);
      }
    }
    heap.evalBreaker();
  }

  splitChild(node: Ref, position: number, child: Ref): void {
    const heap = this.heap;
    const L = heap.list;
    heap.evalBreaker();
    const bigger = this.newBNode();
    heap.evalBreaker();
    const middle = T - 1;
    const splittingKey = L.get(this.items(child), middle);
    heap.incref(splittingKey); // the local
    heap.evalBreaker();
    let s = this.listSlice(this.items(child), middle + 1, L.length(this.items(child)));
    heap.setSlot(bigger, ITEMS, s);
    heap.decref(s);
    heap.evalBreaker();
    s = this.listSlice(this.items(child), 0, middle);
    heap.setSlot(child, ITEMS, s);
    heap.decref(s);
    heap.evalBreaker();
    if (!this.isLeaf(child)) {
      s = this.listSlice(this.nodes(child), middle + 1, L.length(this.nodes(child)));
      heap.setSlot(bigger, NODES, s);
      heap.decref(s);
      heap.evalBreaker();
      s = this.listSlice(this.nodes(child), 0, middle + 1);
      heap.setSlot(child, NODES, s);
      heap.decref(s);
      heap.evalBreaker();
    }
    this.listInsert(this.items(node), position, splittingKey);
    heap.evalBreaker();
    this.listInsert(this.nodes(node), position + 1, bigger);
    heap.evalBreaker();
    // return: the frame's locals go in order (bigger, then splitting_key)
    heap.decref(bigger);
    heap.decref(splittingKey);
  }

  getMinItem(node: Ref): Ref {
    const heap = this.heap;
    for (;;) {
      heap.evalBreaker();
      if (this.isLeaf(node)) return heap.list.get(this.items(node), 0);
      node = heap.list.get(this.nodes(node), 0);
    }
  }

  getMaxItem(node: Ref): Ref {
    const heap = this.heap;
    for (;;) {
      heap.evalBreaker();
      if (this.isLeaf(node)) return heap.list.get(this.items(node), -1);
      node = heap.list.get(this.nodes(node), -1);
    }
  }

  /** `is_big(node)` (node 0 stands for False). */
  isBig(node: Ref): boolean {
    this.heap.evalBreaker();
    return node !== 0 && this.heap.list.length(this.items(node)) >= T;
  }

  delete(self: Ref, key: number): void {
    const heap = this.heap;
    const L = heap.list;
    heap.evalBreaker();
    const isBig = heap.func(); // def is_big(node): a new function object per call
    heap.evalBreaker();
    const p = this.getPosition(self, key);
    heap.evalBreaker();
    const matches = p < L.length(this.items(self)) && this.key(L.get(this.items(self), p)) === key;
    heap.evalBreaker();
    let node = 0;
    let lower = 0;
    let upper = 0;
    let extreme = 0;
    if (this.isLeaf(self)) {
      if (!matches) throw new Error(`KeyError: ${key}`);
      this.listDel(this.items(self), p);
      heap.evalBreaker();
    } else {
      const nodes = this.nodes(self);
      node = L.get(nodes, p);
      heap.incref(node);
      heap.evalBreaker();
      if (p > 0) {
        lower = L.get(nodes, p - 1);
        heap.incref(lower);
      }
      heap.evalBreaker();
      if (p < L.length(nodes) - 1) {
        upper = L.get(nodes, p + 1);
        heap.incref(upper);
      }
      heap.evalBreaker();
      if (matches) {
        if (this.isBig(node)) {
          extreme = this.getMaxItem(node);
          heap.incref(extreme);
          heap.evalBreaker();
          this.delete(node, this.key(extreme));
          heap.evalBreaker();
          L.set(this.items(self), p, extreme);
          heap.evalBreaker();
        } else if (this.isBig(upper)) {
          extreme = this.getMinItem(upper);
          heap.incref(extreme);
          heap.evalBreaker();
          this.delete(upper, this.key(extreme));
          heap.evalBreaker();
          L.set(this.items(self), p, extreme);
          heap.evalBreaker();
        } else {
          extreme = this.getMinItem(upper);
          heap.incref(extreme);
          heap.evalBreaker();
          this.delete(upper, this.key(extreme));
          heap.evalBreaker();
          this.setSlotSteal(node, ITEMS, this.concat3(this.items(node), extreme, this.items(upper)));
          heap.evalBreaker();
          if (!this.isLeaf(node)) {
            this.setSlotSteal(node, NODES, this.listConcat(this.nodes(node), this.nodes(upper)));
            heap.evalBreaker();
          }
          this.listDel(this.items(self), p);
          heap.evalBreaker();
          this.listDel(this.nodes(self), p + 1);
          heap.evalBreaker();
        }
      } else {
        if (!this.isBig(node)) {
          if (this.isBig(lower)) {
            // Case 3a1: shift an item from lower_sibling
            this.listInsert(this.items(node), 0, L.get(this.items(self), p - 1));
            heap.evalBreaker();
            L.set(this.items(self), p - 1, L.get(this.items(lower), -1));
            heap.evalBreaker();
            this.listDel(this.items(lower), L.length(this.items(lower)) - 1);
            heap.evalBreaker();
            if (!this.isLeaf(node)) {
              this.listInsert(this.nodes(node), 0, L.get(this.nodes(lower), -1));
              heap.evalBreaker();
              this.listDel(this.nodes(lower), L.length(this.nodes(lower)) - 1);
              heap.evalBreaker();
            }
          } else if (this.isBig(upper)) {
            // Case 3a2: shift an item from upper_sibling
            L.append(this.items(node), L.get(this.items(self), p));
            heap.evalBreaker();
            L.set(this.items(self), p, L.get(this.items(upper), 0));
            heap.evalBreaker();
            this.listDel(this.items(upper), 0);
            heap.evalBreaker();
            if (!this.isLeaf(node)) {
              L.append(this.nodes(node), L.get(this.nodes(upper), 0));
              heap.evalBreaker();
              this.listDel(this.nodes(upper), 0);
              heap.evalBreaker();
            }
          } else if (lower !== 0) {
            // Case 3b1: merge with lower_sibling
            this.setSlotSteal(node, ITEMS, this.concat3(this.items(lower), L.get(this.items(self), p - 1), this.items(node)));
            heap.evalBreaker();
            if (!this.isLeaf(node)) {
              this.setSlotSteal(node, NODES, this.listConcat(this.nodes(lower), this.nodes(node)));
              heap.evalBreaker();
            }
            this.listDel(this.items(self), p - 1);
            heap.evalBreaker();
            this.listDel(this.nodes(self), p - 1);
            heap.evalBreaker();
          } else {
            // Case 3b2: merge with upper_sibling
            this.setSlotSteal(node, ITEMS, this.concat3(this.items(node), L.get(this.items(self), p), this.items(upper)));
            heap.evalBreaker();
            if (!this.isLeaf(node)) {
              this.setSlotSteal(node, NODES, this.listConcat(this.nodes(node), this.nodes(upper)));
              heap.evalBreaker();
            }
            this.listDel(this.items(self), p);
            heap.evalBreaker();
            this.listDel(this.nodes(self), p + 1);
            heap.evalBreaker();
          }
        }
        this.delete(node, key);
        heap.evalBreaker();
      }
      if (L.length(this.items(self)) === 0) {
        // self.items = self.nodes[0].items; self.nodes = self.nodes[0].nodes
        let child = L.get(this.nodes(self), 0);
        heap.incref(child);
        heap.setSlot(self, ITEMS, this.items(child));
        heap.decref(child);
        heap.evalBreaker();
        child = L.get(this.nodes(self), 0);
        heap.incref(child);
        heap.setSlot(self, NODES, this.nodes(child));
        heap.decref(child);
        heap.evalBreaker();
      }
    }
    // return: locals dropped in frame order (is_big, node, lower_sibling, upper_sibling, extreme)
    heap.decref(isBig);
    heap.xdecref(node);
    heap.xdecref(lower);
    heap.xdecref(upper);
    heap.xdecref(extreme);
  }

  private setSlotSteal(obj: Ref, i: number, value: Ref): void {
    this.heap.setSlot(obj, i, value);
    this.heap.decref(value);
  }

  // ---- BTree ---------------------------------------------------------------------------------------

  /** `BTree()`: `self.root = BNode()`. New reference. */
  newBTree(): Ref {
    const heap = this.heap;
    const tree = heap.newInstance(this.m.btree);
    heap.evalBreaker();
    const root = this.newBNode();
    heap.setSlot(tree, 0, root);
    heap.decref(root);
    return tree;
  }

  /** `tree[key] = value` -> `self.add(key, value)` (key, value borrowed). */
  add(tree: Ref, key: Ref, value: Ref): void {
    const heap = this.heap;
    heap.evalBreaker(); // __setitem__
    heap.evalBreaker(); // add
    const root = heap.getSlot(tree, 0);
    if (heap.list.length(this.items(root)) === FULL) {
      const node = this.newBNode();
      heap.evalBreaker();
      const one = heap.list.newList(1);
      heap.incref(root);
      heap.list.init(one, 0, root);
      this.setSlotSteal(node, NODES, one);
      heap.evalBreaker();
      this.splitChild(node, 0, heap.list.get(this.nodes(node), 0));
      heap.evalBreaker();
      heap.setSlot(tree, 0, node);
      heap.evalBreaker();
      heap.decref(node);
    }
    const item = heap.tupleOf(key, value);
    this.insertItem(heap.getSlot(tree, 0), item);
    heap.decref(item);
    heap.evalBreaker();
  }

  /** `del tree[key]` -> `self.root.delete(key)`. */
  del(tree: Ref, key: number): void {
    this.heap.evalBreaker();
    this.delete(this.heap.getSlot(tree, 0), key);
    this.heap.evalBreaker();
  }

  /** `tree[key]` / `tree.get(key)`: the record, borrowed (0 if missing). */
  getItem(tree: Ref, key: number): Ref {
    const heap = this.heap;
    heap.evalBreaker();
    const item = this.search(heap.getSlot(tree, 0), key);
    heap.evalBreaker();
    return item === 0 ? 0 : heap.tupleItem(item, 1);
  }
}

/** One LCG step on a JS number, the twin's `x = (x * 1103515245 + 12345) & 0x7FFFFFFF`. */
const lcg = lcgNext;

/** `list(make_records(num_nodes, x))`: the generator, list.extend's 8-slot guess, the shrink at the end. New reference. */
function makeRecords(ops: BTreeOps, n: number, seed: number): Ref {
  const { heap, m } = ops;
  const L = heap.list;
  const [NUM_NODES, X, NODE_ID, A, B, C, D, E, F, RANGE_IT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const gen = heap.generator(m.genSlots[G_RECORDS]);
  let r = loopInt(heap, n);
  heap.generatorSetLocal(gen, NUM_NODES, r);
  heap.decref(r);
  r = loopInt(heap, seed);
  heap.generatorSetLocal(gen, X, r);
  heap.decref(r);
  // list(gen): list_extend without a length hint reserves 8 slots
  const records = L.newList(0);
  L.resize(records, 8);
  heap.i32[records + FIELD.LIST_SIZE] = 0;
  // the generator's first step: for node_id in range(num_nodes)
  heap.evalBreaker();
  const it = rangeIterator(heap);
  heap.i32[heap.generatorSlotsWord(gen) + 2 * RANGE_IT] = it; // the iterator on the frame's stack (stolen)
  const choices = [heap.None, heap.True, heap.False];
  let x = seed;
  /** A local of the generator's frame takes over a new reference. */
  const setLocal = (slot: number, v: Ref): void => {
    heap.generatorSetLocal(gen, slot, v);
    heap.decref(v);
  };
  for (let i = 0; i < n; i++) {
    setLocal(NODE_ID, loopInt(heap, i));
    heap.evalBreaker();
    heap.incref(heap.i32[heap.generatorSlotsWord(gen) + 2 * NODE_ID]);
    setLocal(A, heap.i32[heap.generatorSlotsWord(gen) + 2 * NODE_ID]);
    heap.evalBreaker();
    // b = f"node {node_id}": str(node_id) (a new str even for one digit, MEAS), joined, dropped
    const digits = i < 10 ? 1 : Math.floor(Math.log10(i)) + 1;
    const tmp = heap.allocObject(Kind.Opaque, heap.profile.strAsciiHeader + digits + 1);
    const b = heap.newStr(`node ${i}`);
    heap.decref(tmp);
    setLocal(B, b);
    heap.evalBreaker();
    // c = bytes(node_id % 100): bytes has no vectorcall, its argument goes through a 1-tuple
    const k = heap.int(i % 100);
    const args = heap.tupleOf(k);
    heap.decref(k);
    const c = heap.bytes(i % 100);
    heap.decref(args);
    setLocal(C, c);
    heap.evalBreaker();
    x = lcg(x);
    setLocal(X, loopInt(heap, x));
    heap.evalBreaker();
    setLocal(D, heap.float(x / 2147483648));
    heap.evalBreaker();
    x = lcg(x);
    setLocal(X, loopInt(heap, x));
    heap.evalBreaker();
    // e = sys.intern(str(x % 31)): a temporary str, then the interned one
    const e = x % 31;
    const s = heap.allocObject(Kind.Opaque, heap.profile.strAsciiHeader + (e < 10 ? 1 : 2) + 1);
    heap.incref(m.digits[e]);
    heap.decref(s);
    setLocal(E, m.digits[e]);
    heap.evalBreaker();
    x = lcg(x);
    setLocal(X, loopInt(heap, x));
    heap.evalBreaker();
    heap.incref(choices[x % 3]);
    setLocal(F, choices[x % 3]);
    heap.evalBreaker();
    // yield Record(a, b, c, d, e, f): the call packs the six arguments into a tuple (_PyObject_MakeTpCall)
    const slots = heap.generatorSlotsWord(gen);
    const i32 = heap.i32;
    const callArgs = heap.tupleOf(i32[slots + 2 * A], i32[slots + 2 * B], i32[slots + 2 * C], i32[slots + 2 * D], i32[slots + 2 * E], i32[slots + 2 * F]);
    const rec = heap.newInstance(m.record);
    heap.evalBreaker(); // __init__'s RESUME
    heap.setAttr(rec, 'a', i32[slots + 2 * A]);
    heap.setAttr(rec, 'b', i32[slots + 2 * B]);
    heap.setAttr(rec, 'c', i32[slots + 2 * C]);
    heap.setAttr(rec, 'd', i32[slots + 2 * D]);
    heap.setAttr(rec, 'e', i32[slots + 2 * E]);
    heap.setAttr(rec, 'f', i32[slots + 2 * F]);
    heap.decref(callArgs);
    L.appendSteal(records, rec);
    heap.evalBreaker();
    if ((i & 0xffff) === 0) ops.ctx.progress(i, 3 * n);
  }
  // exhausted: the range iterator is popped, the generator returns and its frame is cleared
  clearGeneratorLocal(heap, gen, RANGE_IT);
  for (let slot = NUM_NODES; slot <= F; slot++) clearGeneratorLocal(heap, gen, slot);
  const size = L.length(records);
  if (size < L.capacity(records)) L.resize(records, size);
  heap.decref(gen);
  return records;
}

/** `make_tree(num_nodes, records, recreate, x)`: the tree, a new reference. */
function makeTree(ops: BTreeOps, n: number, records: Ref, recreate: number, seed: number): Ref {
  const { heap } = ops;
  const L = heap.list;
  const roots = heap.roots;
  const [RECORDS, X, IDS, I, J, TREE, NODE_ID, REMAKE] = [0, 1, 2, 3, 4, 5, 6, 7];
  const f = roots.pushFrame(8);
  roots.setLocal(f, RECORDS, records);
  roots.setLocalSteal(f, X, loopInt(heap, seed));
  heap.evalBreaker();
  // ids = list(range(num_nodes))
  let it = rangeIterator(heap);
  roots.setLocalSteal(f, IDS, L.fromSized(n, (i) => loopInt(heap, i)));
  heap.decref(it);
  heap.evalBreaker();
  const ids = f.locals[IDS];
  it = rangeIterator(heap);
  let x = seed;
  for (let i = n - 1; i > 0; i--) {
    roots.setLocalSteal(f, I, loopInt(heap, i));
    heap.evalBreaker();
    x = lcg(x);
    roots.setLocalSteal(f, X, loopInt(heap, x));
    heap.evalBreaker();
    const j = x % (i + 1);
    roots.setLocalSteal(f, J, loopInt(heap, j));
    heap.evalBreaker();
    // ids[i], ids[j] = ids[j], ids[i]
    const a = L.get(ids, j);
    const b = L.get(ids, i);
    heap.incref(a);
    heap.incref(b);
    L.set(ids, i, a);
    L.set(ids, j, b);
    heap.decref(a);
    heap.decref(b);
    heap.evalBreaker();
  }
  heap.decref(it);
  roots.setLocalSteal(f, TREE, ops.newBTree());
  heap.evalBreaker();
  const tree = f.locals[TREE];
  const listIt = ops.newListIter(ids);
  for (let k = 0; k < n; k++) {
    roots.setLocal(f, NODE_ID, L.get(ids, k));
    heap.evalBreaker();
    const key = f.locals[NODE_ID];
    ops.add(tree, key, L.get(records, heap.intValue(key)));
    heap.evalBreaker();
    if ((k & 0xffff) === 0) ops.ctx.progress(n + k, 3 * n);
  }
  heap.decref(listIt);
  const remake = Math.floor((n * recreate) / 100);
  roots.setLocalSteal(f, REMAKE, heap.allocObject(Kind.Opaque, RANGE_BYTES));
  heap.evalBreaker();
  it = heap.allocObject(Kind.Opaque, heap.profile.rangeIterBytes);
  for (let k = 0; k < remake; k++) {
    roots.setLocalSteal(f, NODE_ID, loopInt(heap, k));
    heap.evalBreaker();
    ops.del(tree, k);
    heap.evalBreaker();
  }
  heap.decref(it);
  it = heap.allocObject(Kind.Opaque, heap.profile.rangeIterBytes);
  for (let k = 0; k < remake; k++) {
    roots.setLocalSteal(f, NODE_ID, loopInt(heap, k));
    heap.evalBreaker();
    ops.add(tree, f.locals[NODE_ID], L.get(records, k));
    heap.evalBreaker();
  }
  heap.decref(it);
  heap.incref(tree);
  roots.popFrame();
  return tree;
}

/** `for key in obj: node = obj[key]; d_total += node.d`, with the generators `yield from` stacks. */
class Walk {
  keys = 0;
  constructor(
    readonly ops: BTreeOps,
    readonly frame: Frame,
    readonly tree: Ref,
    readonly slots: { KEY: number; NODE: number; D_TOTAL: number },
    readonly total: number,
  ) {}

  /** The loop body, for one key the generators yield (borrowed). */
  visit(key: Ref): void {
    const { heap } = this.ops;
    const roots = heap.roots;
    const f = this.frame;
    roots.setLocal(f, this.slots.KEY, key);
    heap.evalBreaker();
    roots.setLocal(f, this.slots.NODE, this.ops.getItem(this.tree, heap.intValue(key)));
    heap.evalBreaker();
    const d = heap.floatValue(heap.getAttr(f.locals[this.slots.NODE], 'd'));
    roots.setLocalSteal(f, this.slots.D_TOTAL, heap.float(heap.floatValue(f.locals[this.slots.D_TOTAL]) + d));
    heap.evalBreaker();
    if ((++this.keys & 0xffff) === 0) this.ops.ctx.progress(2 * this.total + this.keys / 2, 3 * this.total);
  }

  /** A BNode.__iter__ generator for `node` (borrowed), not started. New reference. */
  nodeGen(node: Ref): Ref {
    const { heap, m } = this.ops;
    const gen = heap.generator(m.genSlots[G_NODE_ITER]);
    heap.generatorSetLocal(gen, 0, node);
    return gen;
  }

  /** Runs BNode.__iter__ (`gen`, over `node`) to the end, visiting each key it yields. */
  run(gen: Ref, node: Ref): void {
    const ops = this.ops;
    const { heap } = ops;
    const L = heap.list;
    const [ITEM, STACK0, STACK1] = [2, 3, 4];
    const stack = heap.generatorSlotsWord(gen);
    heap.evalBreaker();
    const items = ops.items(node);
    if (ops.isLeaf(node)) {
      // yield from self.items
      heap.i32[stack + 2 * STACK0] = ops.newListIter(items);
      const n = L.length(items);
      for (let i = 0; i < n; i++) this.visit(heap.tupleItem(L.get(items, i), 0));
      clearGeneratorLocal(heap, gen, STACK0);
    } else {
      heap.i32[stack + 2 * STACK0] = ops.newEnumerate(items);
      const nodes = ops.nodes(node);
      const n = L.length(items);
      for (let i = 0; i < n; i++) {
        heap.generatorSetLocal(gen, ITEM, L.get(items, i));
        heap.evalBreaker();
        // yield from self.nodes[position]
        const child = L.get(nodes, i);
        heap.i32[stack + 2 * STACK1] = this.nodeGen(child);
        this.run(heap.i32[stack + 2 * STACK1], child);
        clearGeneratorLocal(heap, gen, STACK1);
        heap.evalBreaker();
        // yield item (iterkeys yields item[0])
        this.visit(heap.tupleItem(L.get(items, i), 0));
      }
      clearGeneratorLocal(heap, gen, STACK0);
      // yield from self.nodes[-1]
      const last = L.get(nodes, -1);
      heap.i32[stack + 2 * STACK0] = this.nodeGen(last);
      this.run(heap.i32[stack + 2 * STACK0], last);
      clearGeneratorLocal(heap, gen, STACK0);
    }
    // return: the frame's locals go
    for (let s = 0; s <= ITEM; s++) clearGeneratorLocal(heap, gen, s);
  }
}

function run(ctx: WorkloadContext, m: Module, gcOnly: boolean): void {
  const { heap } = ctx;
  const { nodes: n, recreate } = ctx.params;
  const roots = heap.roots;
  const ops = new BTreeOps(ctx, m);
  const [RECORDS, OBJ, D_TOTAL, KEY, NODE, X, I, NODE_ID] = [0, 1, 2, 3, 4, 5, 6, 7];
  const f = roots.pushFrame(8);
  roots.setLocalSteal(f, RECORDS, makeRecords(ops, n, ctx.seed));
  heap.evalBreaker();
  roots.setLocalSteal(f, OBJ, makeTree(ops, n, f.locals[RECORDS], recreate, ctx.seed));
  heap.evalBreaker();
  heap.gc.collect();
  heap.evalBreaker();
  ctx.probe('tree');
  const tree = f.locals[OBJ];
  ctx.report('root_items', heap.list.length(ops.items(heap.getSlot(tree, 0))));
  if (!gcOnly) {
    roots.setLocalSteal(f, D_TOTAL, heap.float(0));
    heap.evalBreaker();
    // for key in obj: BTree.__iter__ -> yield from iterkeys() -> for item in self.root
    const walk = new Walk(ops, f, tree, { KEY, NODE, D_TOTAL }, n);
    const g1 = heap.generator(m.genSlots[G_TREE_ITER]);
    heap.generatorSetLocal(g1, 0, tree);
    const g2 = heap.generator(m.genSlots[G_ITERKEYS]);
    heap.generatorSetLocal(g2, 0, tree);
    heap.i32[heap.generatorSlotsWord(g1) + 2 * 1] = g2;
    const root = heap.getSlot(tree, 0);
    const g3 = walk.nodeGen(root);
    heap.i32[heap.generatorSlotsWord(g2) + 2 * 2] = g3;
    walk.run(g3, root);
    clearGeneratorLocal(heap, g2, 2);
    clearGeneratorLocal(heap, g2, 1);
    clearGeneratorLocal(heap, g2, 0);
    clearGeneratorLocal(heap, g1, 1);
    clearGeneratorLocal(heap, g1, 0);
    heap.decref(g1);
    heap.evalBreaker();
    const lookups = Math.max(200, Math.floor(n / 20));
    roots.setLocalSteal(f, D_TOTAL, heap.int(0));
    heap.evalBreaker();
    roots.setLocalSteal(f, X, loopInt(heap, ctx.seed));
    heap.evalBreaker();
    const it = rangeIterator(heap);
    let x = ctx.seed;
    for (let i = 0; i < lookups; i++) {
      roots.setLocalSteal(f, I, loopInt(heap, i));
      heap.evalBreaker();
      x = lcg(x);
      roots.setLocalSteal(f, X, loopInt(heap, x));
      heap.evalBreaker();
      roots.setLocalSteal(f, NODE_ID, loopInt(heap, x % n));
      heap.evalBreaker();
      heap.evalBreaker(); // get()
      const rec = ops.getItem(tree, x % n);
      roots.setLocal(f, NODE, rec === 0 ? heap.None : rec);
      heap.evalBreaker();
      if (rec !== 0) {
        const dt = f.locals[D_TOTAL];
        const before = heap.kindOf(dt) === Kind.Float ? heap.floatValue(dt) : heap.intValue(dt);
        roots.setLocalSteal(f, D_TOTAL, heap.float(before + heap.floatValue(heap.getAttr(rec, 'd'))));
        heap.evalBreaker();
      }
    }
    heap.decref(it);
  }
  roots.popFrame();
  ctx.progress(3 * n, 3 * n);
}

export const pyperfBtree = defineWorkload({
  name: 'pyperf-btree',
  group: 'canonical',
  description: "pyperformance's btree: records in a B-tree of order 16 (tuples, lists, slots nodes), keys shuffled, 20 % deleted and re-inserted, gc.collect()",
  variants: {
    'gc-only': variant({
      description: 'btree_gc_only: build the records and the tree, re-create the lowest keys, one gc.collect() over the whole graph',
      setup,
      run: (ctx, m) => run(ctx, m, true),
    }),
    all: variant({
      description: 'btree: the same, then iterate every key through nested generators and look each record up, then random lookups',
      setup,
      run: (ctx, m) => run(ctx, m, false),
    }),
  },
  params: {
    nodes: { description: 'keys and records in the tree (pyperformance: 200000)', default: 50_000, min: 1, max: 2_000_000 },
    recreate: { description: 'percent of the keys deleted and inserted again (pyperformance: 20)', default: 20, min: 0, max: 100 },
  },
  testParams: { nodes: 2000, recreate: 20 },
  probes: ['tree'],
  reports: ['root_items'],
  twin: 'pyperf_btree.py',
});
