/**
 * A seeded fuzz test of the cycle collector against a reference model.
 *
 * A random program (a deterministic PRNG picks every step) builds object graphs on a simulated
 * heap: instances, `__slots__` instances, lists, dicts, tuples, cells, functions, weakrefs and
 * numbers, bound to globals and frame locals; it links and unlinks them (making cycles often),
 * drops roots, collects, freezes, disables the collector, pushes and pops frames. Each operation
 * ends at `heap.evalBreaker()`, the statement boundary where 3.12+ runs scheduled collections.
 *
 * The model is a plain JS mirror of the graph: object id -> (Ref, kind, outgoing slots), and the
 * root slots. Checked all the time: an object picked as reachable is alive with its type; a block
 * handed out again never belonged to a reachable object; finalizers run once, on unreachable
 * objects only; weakref callbacks run once, after the referent became unreachable. Checked after
 * every full collection: the live set is exactly what the roots reach (counted with the heap's
 * books), no block is used twice, every reachable object's refcount equals its model references,
 * weakrefs to dead objects return None (and called back if they had a callback), and pymalloc's
 * structures are consistent (checkAllocator).
 *
 * `runFuzz` returns a summary or throws a FuzzDiscrepancy naming the seed, the operation index
 * and what differed.
 */
import { Heap } from '../../src/heap/heap.js';
import {
  ARENA,
  ARENA_DESC_WORDS,
  ChunkKind,
  FIELD,
  NB_SMALL_SIZE_CLASSES,
  POOL,
  POOL_OVERHEAD,
  POOL_WORDS,
  PRE,
  type Ref,
  SMALL_REQUEST_THRESHOLD,
  Stat,
  blockSizeOf,
  blocksPerPool,
  sizeClassOf,
} from '../../src/heap/layout.js';
import type { ProfileName } from '../../src/heap/profiles.js';
import type { Frame } from '../../src/heap/roots.js';
import { type ClassInfo, Kind } from '../../src/heap/types.js';

// ---- PRNG -----------------------------------------------------------------------------------------

/** mulberry32: a 32-bit state PRNG, uniform doubles in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** A double in [0, 1). */
  float(): number {
    return this.next();
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---- options, summary, errors ------------------------------------------------------------------------

export type SabotageKind = 'leak' | 'double-decref';

export interface FuzzOptions {
  readonly seed: number;
  readonly operations: number;
  readonly profile: ProfileName;
  /** Simulated address space (default 64 MiB). */
  readonly heapBytes?: number;
  /**
   * Finalizers of one class resurrect their object half of the time (they append `self` to a list
   * held by a global); the model keeps it alive and it must never be finalized again.
   */
  readonly resurrect?: boolean;
  /**
   * Finalizers and weakref callbacks do work: allocate and drop temporary objects (which can
   * trigger a 3.11 collection inside a deallocation) and, rarely, call `gc.collect(0|1)`. Default true.
   */
  readonly hookWork?: boolean;
  /** Breaks the heap on purpose at one operation, to show the checker catches it. */
  readonly sabotage?: { readonly atOperation: number; readonly kind: SabotageKind };
  /** Keep the last N operations and print them in a discrepancy's message (default 0). */
  readonly trace?: number;
  /**
   * Materialise instances' `__dict__` (a dict viewing the instance's values), and store half of
   * the attributes of such instances through it (`obj.__dict__[name] = value`). Off by default, so
   * that the programs of the other seeds stay as they were; the CI runs some seeds with it.
   */
  readonly instanceDicts?: boolean;
  /** Debugging: check weakref lists and pymalloc's structures after every operation (slow). */
  readonly paranoid?: boolean;
  /** Debugging: a full collection and check after every operation (changes the program's collections). */
  readonly collectEvery?: boolean;
}

export interface FuzzSummary {
  seed: number;
  profile: ProfileName;
  operations: number;
  /** Explicit `gc.collect(2)` calls. */
  fullCollections: number;
  /** Full collections after which the whole model was checked (explicit and automatic). */
  fullChecks: number;
  /** Collections per generation as reported to gc.callbacks (explicit and automatic). */
  collections: [number, number, number];
  objectsCreated: number;
  maxReachable: number;
  finalizerCalls: number;
  weakrefsCreated: number;
  /** `obj.__dict__` evaluations (instanceDicts only). */
  dictsMaterialized: number;
  weakrefCallbacks: number;
  resurrections: number;
  freezes: number;
  collected: number;
  elapsedMs: number;
}

export class FuzzDiscrepancy extends Error {
  override readonly name = 'FuzzDiscrepancy';
  constructor(
    readonly seed: number,
    readonly profile: ProfileName,
    readonly operation: number,
    readonly operationName: string,
    readonly detail: string,
  ) {
    super(`gc-fuzz discrepancy: seed ${seed}, profile ${profile}, operation #${operation} (${operationName}): ${detail}`);
  }
}

/** A discrepancy found inside the model (wrapped with seed and operation by runFuzz). */
class ModelError extends Error {}

// ---- the model ---------------------------------------------------------------------------------------

const enum MK {
  Inst,
  Slots,
  List,
  Dict,
  Tuple,
  Cell,
  Func,
  WeakRef,
  Float,
  Int,
}
const MK_NAMES = ['instance', 'slots instance', 'list', 'dict', 'tuple', 'cell', 'function', 'weakref', 'float', 'int'];

interface FuzzClass {
  readonly info: ClassInfo;
  readonly kind: MK.Inst | MK.Slots;
  /** Attribute (or slot) names; the model's slot i is names[i]. */
  readonly names: readonly string[];
  readonly weakrefable: boolean;
  readonly finalizer: boolean;
  /** Whether its finalizer may resurrect (resurrect mode only). */
  readonly resurrects: boolean;
}

interface MObj {
  readonly id: number;
  readonly ref: Ref;
  /** Where its block starts (the allocator's address). */
  readonly block: Ref;
  readonly kind: MK;
  readonly typeId: number;
  readonly cls: FuzzClass | null;
  /** Outgoing references by slot: model ids, -1 for none. */
  readonly slots: number[];
  /** References to it from any model object (reachable or not) and from root slots. */
  inc: number;
  /** Reachability epoch stamp. */
  mark: number;
  /** Expected refcount, computed by a full check. */
  expected: number;
  /** Weakrefs: the referent's id. */
  referent: number;
  callbackCalls: number;
  finalized: boolean;
  /** Known dead (its block was handed out again) and dropped from the model. */
  removed: boolean;
}

interface FrameSlots {
  readonly frame: Frame;
  readonly locals: number[];
}

const GLOBALS = 10;
const BASE_LOCALS = 6;
const MAX_FRAMES = 4;
const DICT_KEYS = 8;
const THRESHOLDS: readonly (readonly [number, number, number])[] = [
  [50, 5, 5],
  [10, 3, 3],
  [200, 10, 10],
  [3, 2, 2],
  [700, 10, 10],
  [0, 10, 10],
];
const NEW_KINDS: readonly MK[] = [
  MK.Inst, MK.Inst, MK.Inst, MK.Inst, MK.Inst,
  MK.Slots, MK.Slots, MK.Slots,
  MK.List, MK.List, MK.List,
  MK.Dict, MK.Dict, MK.Dict,
  MK.Tuple, MK.Tuple,
  MK.Cell,
  MK.Func,
  MK.Float, MK.Float,
  MK.Int,
];

/** The fuzzer: one heap, one model, one PRNG. */
class GcFuzzer {
  readonly heap: Heap;
  readonly rng: Rng;
  private readonly objs: (MObj | undefined)[] = [];
  private all: MObj[] = [];
  /** Model id by block start (Ref minus pre-header): blocks, not Refs, are what the allocator reuses. */
  private readonly byBlock = new Map<Ref, number>();
  private nextId = 0;
  private readonly globals: number[] = new Array<number>(GLOBALS).fill(-1);
  private readonly globalNames: string[] = [];
  private readonly frames: FrameSlots[] = [];
  private readonly classes: FuzzClass[] = [];
  private readonly keyRefs: Ref[] = [];
  /** References the harness holds to interned strings, so none is created or freed during the run. */
  private readonly internedHeld: Ref[] = [];
  /** Resurrect mode: the list (held by global `res`) finalizers append their object to. */
  private resList: MObj | null = null;
  /** Tracked objects that exist before the program starts (roots' dicts). */
  private readonly baselineTracked = new Set<Ref>();
  private baseline = 0;

  // reachability cache
  private version = 0;
  private reachVersion = -1;
  private epoch = 0;
  private readonly stack: MObj[] = [];

  private frozen = false;
  /** Finalizers may resurrect (off once the program ends and drops `res`). */
  private resurrectOn: boolean;
  /**
   * A finalizer resurrected its object during the current collection: the collector still
   * finalizes every object of the unreachable set it computed, including ones now reachable again.
   */
  private resurrectedInCollection = false;
  private atBoundary = false;
  private fullAtBoundary = false;
  private readonly hookWork: boolean;
  private readonly resurrect: boolean;
  private readonly instanceDicts: boolean;
  opIndex = -1;
  opName = 'setup';
  private readonly traceLog: string[] = [];
  private readonly traceLength: number;
  private readonly tracing: boolean;

  readonly summary: FuzzSummary;

  constructor(readonly options: FuzzOptions) {
    this.rng = new Rng(options.seed);
    this.hookWork = options.hookWork ?? true;
    this.resurrect = options.resurrect ?? false;
    this.resurrectOn = this.resurrect;
    this.instanceDicts = options.instanceDicts ?? false;
    this.traceLength = options.trace ?? 0;
    this.tracing = this.traceLength > 0;
    this.summary = {
      seed: options.seed,
      profile: options.profile,
      operations: 0,
      fullCollections: 0,
      fullChecks: 0,
      collections: [0, 0, 0],
      objectsCreated: 0,
      maxReachable: 0,
      finalizerCalls: 0,
      weakrefsCreated: 0,
      dictsMaterialized: 0,
      weakrefCallbacks: 0,
      resurrections: 0,
      freezes: 0,
      collected: 0,
      elapsedMs: 0,
    };
    const heap = new Heap({ profile: options.profile, heapBytes: options.heapBytes ?? 64 << 20 });
    this.heap = heap;
    heap.roots.init();
    const defineClass = (name: string, names: string[], slots: boolean, finalizer: boolean, weakref: boolean, resurrects: boolean): void => {
      const info = heap.defineClass({
        name,
        slots: slots ? names : undefined,
        weakrefSlot: slots ? weakref : undefined,
        finalizer: finalizer ? 'del' : 'none',
      });
      this.classes.push({ info, kind: slots ? MK.Slots : MK.Inst, names, weakrefable: weakref, finalizer, resurrects });
    };
    const attrs = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    defineClass('C', attrs('a', 6), false, false, true, false);
    defineClass('D', attrs('a', 6), false, true, true, this.resurrect);
    // More names than shared keys hold (30): instances end up with a combined __dict__.
    defineClass('W', attrs('w', 36), false, false, true, false);
    defineClass('S', ['a', 'b', 'c'], true, false, false, false);
    defineClass('SW', ['a', 'b', 'c'], true, true, true, false);
    // Every interned string the run uses is made now and held, so it is part of the baseline.
    const hold = (s: string): Ref => {
      const r = heap.intern(s);
      this.internedHeld.push(r);
      return r;
    };
    for (const cls of this.classes) if (cls.kind === MK.Inst) for (const n of cls.names) hold(n);
    for (let i = 0; i < DICT_KEYS; i++) this.keyRefs.push(hold(`k${i}`));
    for (let i = 0; i < GLOBALS; i++) {
      this.globalNames.push(`g${i}`);
      hold(`g${i}`);
    }
    hold('res');
    this.frames.push({ frame: heap.roots.pushFrame(BASE_LOCALS), locals: new Array<number>(BASE_LOCALS).fill(-1) });
    heap.hooks = {
      finalize: (_h, self) => this.onFinalize(self),
      weakrefCallback: (_h, callback, weakref) => this.onWeakrefCallback(callback, weakref),
    };
    heap.gc.callbacks.push((phase, info) => {
      if (phase === 'start') this.resurrectedInCollection = false;
      if (phase !== 'stop') return;
      if (this.tracing) this.trace(`  (collection of generation ${info.generation}: ${info.collected} collected)`);
      this.summary.collections[info.generation]++;
      if (info.generation === 2 && this.atBoundary) this.fullAtBoundary = true;
    });
    const t = THRESHOLDS[this.rng.int(THRESHOLDS.length)];
    heap.gc.setThreshold(t[0], t[1], t[2]);
    heap.clearFreeLists();
    for (const r of [heap.roots.sysdict, heap.roots.modules, heap.roots.globals]) this.baselineTracked.add(r);
    for (const r of heap.gc.getObjects()) this.baselineTracked.add(r);
    this.baseline = this.liveObjects();
    if (this.resurrect) {
      const list = this.register(heap.list.newList(0), MK.List, null, 0);
      this.resList = list;
      list.inc++;
      heap.roots.setGlobal('res', list.ref);
      heap.decref(list.ref);
    }
  }

  /**
   * Objects alive by the heap's books, minus the baseline. Valid with the free lists empty: a trip
   * through a free list (a push, then `reuse`) counts one allocation and no free, so every reuse
   * is taken off.
   */
  private liveObjects(): number {
    return objectsByBooks(this.heap) - this.baseline;
  }

  fail(detail: string): never {
    throw new ModelError(detail);
  }

  describe(o: MObj): string {
    const what = o.cls ? `${o.cls.info.name} ${MK_NAMES[o.kind]}` : MK_NAMES[o.kind];
    return `model #${o.id} (${what} at word ${o.ref})`;
  }

  /** Records an operation for the discrepancy message (callers test `tracing` first). */
  private trace(text: string): void {
    this.traceLog.push(`#${this.opIndex} ${text}`);
    if (this.traceLog.length > this.traceLength) this.traceLog.shift();
  }

  traceText(): string {
    return this.traceLog.length === 0 ? '' : ` | last operations: ${this.traceLog.join('; ')}`;
  }

  // ---- model bookkeeping ----------------------------------------------------------------------------------

  /** Adds a just-created object (the harness owns one reference to it) to the model. */
  private blockOf(ref: Ref): Ref {
    return ref - this.heap.types.preWords[this.heap.typeOf(ref)];
  }

  private register(ref: Ref, kind: MK, cls: FuzzClass | null, nslots: number): MObj {
    const block = this.blockOf(ref);
    const prev = this.byBlock.get(block);
    if (prev !== undefined) {
      const p = this.get(prev);
      if (p.inc > 0 && this.isReachable(p)) {
        this.fail(`the block of reachable ${this.describe(p)} was handed out again for a new ${MK_NAMES[kind]}`);
      }
      this.removeDead(p);
    }
    const o: MObj = {
      id: this.nextId++,
      ref,
      block,
      kind,
      typeId: this.heap.typeOf(ref),
      cls,
      slots: new Array<number>(nslots).fill(-1),
      inc: 0,
      mark: 0,
      expected: 0,
      referent: -1,
      callbackCalls: 0,
      finalized: false,
      removed: false,
    };
    this.objs[o.id] = o;
    this.all.push(o);
    this.byBlock.set(block, o.id);
    this.summary.objectsCreated++;
    return o;
  }

  /** An object known to be freed (its block was reused): its references are gone too. */
  private removeDead(p: MObj): void {
    p.removed = true;
    this.objs[p.id] = undefined;
    if (this.byBlock.get(p.block) === p.id) this.byBlock.delete(p.block);
    for (const s of p.slots) {
      const t = s >= 0 ? this.objs[s] : undefined;
      if (t) t.inc--;
    }
  }

  /**
   * A model object something still references. Missing means the heap handed its block out again
   * while the model still had a reference to it: a reachable object was freed.
   */
  private get(id: number): MObj {
    const o = this.objs[id];
    if (!o) this.fail(`model #${id} is still referenced by the program, but the heap freed it (its block was handed out again)`);
    return o;
  }

  /** Sets model slot i of o (call before the heap does the same store). */
  private setEdge(o: MObj, i: number, target: MObj | null): void {
    const old = o.slots[i];
    if (old >= 0) this.get(old).inc--;
    if (target) target.inc++;
    o.slots[i] = target ? target.id : -1;
    this.version++;
  }

  private pushEdge(o: MObj, target: MObj | null): void {
    o.slots.push(target ? target.id : -1);
    if (target) target.inc++;
    this.version++;
  }

  /** Marks what the roots reach with a fresh epoch (cached until the model changes); returns the epoch. */
  private reach(): number {
    if (this.reachVersion === this.version) return this.epoch;
    const e = ++this.epoch;
    const stack = this.stack;
    let n = 0;
    const visitRoot = (id: number): void => {
      if (id < 0) return;
      const o = this.get(id);
      if (o.mark !== e) {
        o.mark = e;
        stack.push(o);
      }
    };
    for (const id of this.globals) visitRoot(id);
    for (const f of this.frames) for (const id of f.locals) visitRoot(id);
    if (this.resList) visitRoot(this.resList.id);
    while (stack.length > 0) {
      const o = stack.pop()!;
      n++;
      const slots = o.slots;
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i];
        if (s < 0) continue;
        const t = this.get(s);
        if (t.mark !== e) {
          t.mark = e;
          stack.push(t);
        }
      }
    }
    if (n > this.summary.maxReachable) this.summary.maxReachable = n;
    this.reachVersion = this.version;
    return e;
  }

  private isReachable(o: MObj): boolean {
    if (o.inc === 0 || o.removed) return false;
    return o.mark === this.reach();
  }

  /** The object behind a Ref the heap handed to a hook (it must be a live model object). */
  private lookup(ref: Ref, what: string): MObj {
    const id = this.byBlock.get(this.blockOf(ref));
    const o = id === undefined ? undefined : this.objs[id];
    if (!o || o.ref !== ref) this.fail(`${what} called with word ${ref}, which is no object of the program`);
    return o;
  }

  /** A reachable object must be alive with its type: checked whenever the program uses one. */
  private verifyAlive(o: MObj): void {
    const rc = this.heap.refcount(o.ref);
    const type = this.heap.typeOf(o.ref);
    if (o.removed || rc <= 0 || type !== o.typeId) {
      this.fail(`reachable ${this.describe(o)} is dead: refcount ${rc}, type word ${type} (expected ${o.typeId})`);
    }
  }

  // ---- roots -------------------------------------------------------------------------------------------------

  private rootSlotCount(): number {
    let n = GLOBALS;
    for (const f of this.frames) n += f.locals.length;
    return n;
  }

  private rootGet(slot: number): number {
    if (slot < GLOBALS) return this.globals[slot];
    slot -= GLOBALS;
    for (const f of this.frames) {
      if (slot < f.locals.length) return f.locals[slot];
      slot -= f.locals.length;
    }
    throw new RangeError('root slot out of range');
  }

  /**
   * Binds root `slot` to `o` (or unbinds it): the model first, then the heap. With `steal` the
   * harness's own reference to `o` is handed over.
   */
  private rootSet(slot: number, o: MObj | null, steal: boolean): void {
    const heap = this.heap;
    let old: number;
    if (slot < GLOBALS) {
      old = this.globals[slot];
      this.globals[slot] = o ? o.id : -1;
    } else {
      let s = slot - GLOBALS;
      let fs: FrameSlots | undefined;
      for (const f of this.frames) {
        if (s < f.locals.length) {
          fs = f;
          break;
        }
        s -= f.locals.length;
      }
      old = fs!.locals[s];
      fs!.locals[s] = o ? o.id : -1;
    }
    if (old >= 0) this.get(old).inc--;
    if (o) o.inc++;
    this.version++;
    if (slot < GLOBALS) {
      const name = this.globalNames[slot];
      if (o) {
        heap.roots.setGlobal(name, o.ref);
        if (steal) heap.decref(o.ref);
      } else {
        const had = heap.roots.delGlobal(name);
        if (had !== old >= 0) this.fail(`del ${name}: the globals dict ${had ? 'had' : 'did not have'} it, the model ${old >= 0 ? 'did' : 'did not'}`);
      }
      return;
    }
    let s = slot - GLOBALS;
    for (const f of this.frames) {
      if (s < f.locals.length) {
        if (!o) heap.roots.setLocalSteal(f.frame, s, 0);
        else if (steal) heap.roots.setLocalSteal(f.frame, s, o.ref);
        else heap.roots.setLocal(f.frame, s, o.ref);
        return;
      }
      s -= f.locals.length;
    }
  }

  // ---- picking ----------------------------------------------------------------------------------------------

  /** A reachable object: a random bound root, then a short random walk along model edges. */
  private pickReachable(): MObj | null {
    const slots = this.rootSlotCount();
    let id = -1;
    for (let t = 0; t < 8 && id < 0; t++) {
      const s = this.rng.int(slots + (this.resList ? 1 : 0));
      id = s === slots ? this.resList!.id : this.rootGet(s);
    }
    if (id < 0) return null;
    let o = this.get(id);
    const steps = this.rng.int(5);
    for (let i = 0; i < steps; i++) {
      const n = o.slots.length;
      if (n === 0) break;
      const next = o.slots[this.rng.int(n)];
      if (next < 0) break;
      o = this.get(next);
    }
    this.verifyAlive(o);
    return o;
  }

  private pickWhere(pred: (o: MObj) => boolean): MObj | null {
    for (let t = 0; t < 8; t++) {
      const o = this.pickReachable();
      if (o && pred(o)) return o;
    }
    return null;
  }

  private static isMutableContainer(o: MObj): boolean {
    return o.kind === MK.Inst || o.kind === MK.Slots || o.kind === MK.List || o.kind === MK.Dict;
  }

  private static isWeakrefable(o: MObj): boolean {
    return o.kind === MK.Func || (o.cls !== null && o.cls.weakrefable);
  }

  // ---- making objects ------------------------------------------------------------------------------------------

  /** A new object of `kind`, possibly referencing reachable ones. The harness owns one reference. */
  private make(kind: MK): MObj {
    const heap = this.heap;
    const rng = this.rng;
    switch (kind) {
      case MK.Inst: {
        const cls = this.classes[rng.int(3)];
        const o = this.register(heap.newInstance(cls.info), MK.Inst, cls, cls.names.length);
        const n = rng.int(cls.names.length > 6 ? 8 : 3);
        for (let k = 0; k < n; k++) this.store(o, rng.int(cls.names.length), this.pickReachable());
        return o;
      }
      case MK.Slots: {
        const cls = this.classes[3 + rng.int(2)];
        const o = this.register(heap.newInstance(cls.info), MK.Slots, cls, cls.names.length);
        const n = rng.int(3);
        for (let k = 0; k < n; k++) this.store(o, rng.int(3), this.pickReachable());
        return o;
      }
      case MK.List: {
        const n = rng.int(5);
        if (rng.chance(0.3)) {
          const items = this.pickMany(n);
          const o = this.register(heap.list.literal(items.map((i) => i.ref)), MK.List, null, 0);
          for (const it of items) this.pushEdge(o, it);
          return o;
        }
        const o = this.register(heap.list.newList(0), MK.List, null, 0);
        for (let k = 0; k < n; k++) {
          const t = this.pickReachable();
          if (!t) break;
          this.pushEdge(o, t);
          heap.list.append(o.ref, t.ref);
        }
        return o;
      }
      case MK.Dict: {
        const o = this.register(heap.dict.newDict(), MK.Dict, null, DICT_KEYS);
        const n = rng.int(4);
        for (let k = 0; k < n; k++) this.store(o, rng.int(DICT_KEYS), this.pickReachable());
        return o;
      }
      case MK.Tuple: {
        let items = this.pickMany(1 + rng.int(4));
        let leaf: MObj | null = null;
        if (items.length === 0) {
          leaf = this.make(MK.Float);
          items = [leaf];
        }
        const o = this.register(heap.tupleOf(...items.map((i) => i.ref)), MK.Tuple, null, 0);
        for (const it of items) this.pushEdge(o, it);
        if (leaf) heap.decref(leaf.ref);
        return o;
      }
      case MK.Cell: {
        const t = rng.chance(0.85) ? this.pickReachable() : null;
        const o = this.register(heap.cell(t ? t.ref : 0), MK.Cell, null, 1);
        if (t) this.setEdge(o, 0, t);
        return o;
      }
      case MK.Func: {
        const tuple = (o: MObj): boolean => o.kind === MK.Tuple;
        const closure = rng.chance(0.3) ? this.pickWhere(tuple) : null;
        const defaults = rng.chance(0.3) ? this.pickWhere(tuple) : null;
        const o = this.register(heap.func(0, closure ? closure.ref : 0, defaults ? defaults.ref : 0), MK.Func, null, 2);
        if (closure) this.setEdge(o, 0, closure);
        if (defaults) this.setEdge(o, 1, defaults);
        return o;
      }
      case MK.Float:
        return this.register(heap.float(rng.float() * 1000), MK.Float, null, 0);
      case MK.Int:
        return this.register(heap.int(1000 + rng.int(1 << 20), rng.chance(0.5) ? 'exact' : 'arith'), MK.Int, null, 0);
      default:
        throw new RangeError(`cannot make kind ${kind}`);
    }
  }

  private pickMany(n: number): MObj[] {
    const out: MObj[] = [];
    for (let i = 0; i < n; i++) {
      const t = this.pickReachable();
      if (t) out.push(t);
    }
    return out;
  }

  /** `container[slot i] = target` for instances, slots instances and dicts (None/delete when null). */
  private store(o: MObj, i: number, target: MObj | null): void {
    const heap = this.heap;
    const had = o.slots[i] >= 0;
    this.setEdge(o, i, target);
    switch (o.kind) {
      case MK.Inst: {
        const value = target ? target.ref : heap.None;
        const dict = this.instanceDicts ? heap.i32[o.ref + PRE.DICT] : 0;
        if (dict !== 0 && this.rng.chance(0.5)) {
          // Through the materialised (or combined) __dict__ the instance holds.
          const key = heap.intern(o.cls!.names[i]);
          heap.dict.setItem(dict, key, value);
          heap.decref(key);
        } else {
          heap.setAttr(o.ref, o.cls!.names[i], value);
        }
        break;
      }
      case MK.Slots:
        heap.setSlot(o.ref, i, target ? target.ref : heap.None);
        break;
      case MK.Dict:
        if (target) {
          heap.dict.setItem(o.ref, this.keyRefs[i], target.ref);
        } else {
          const deleted = heap.dict.delItem(o.ref, this.keyRefs[i]);
          if (deleted !== had) this.fail(`del d['k${i}'] on ${this.describe(o)}: the dict ${deleted ? 'had' : 'did not have'} the key, the model ${had ? 'did' : 'did not'}`);
        }
        break;
      default:
        throw new RangeError(`store into ${MK_NAMES[o.kind]}`);
    }
  }

  /** Puts an object the harness owns somewhere reachable: a root slot, or a container. */
  private place(o: MObj): void {
    if (this.rng.chance(0.35)) {
      const c = this.pickWhere(GcFuzzer.isMutableContainer);
      if (c) {
        this.link(c, o);
        this.heap.decref(o.ref);
        return;
      }
    }
    this.rootSet(this.rng.int(this.rootSlotCount()), o, true);
  }

  /** Stores a reference to `target` into container `c` (any slot; lists append or overwrite). */
  private link(c: MObj, target: MObj): void {
    const rng = this.rng;
    if (c.kind === MK.List) {
      const n = c.slots.length;
      if (n > 0 && rng.chance(0.4)) {
        const i = rng.int(n);
        this.setEdge(c, i, target);
        this.heap.list.set(c.ref, i, target.ref);
      } else {
        this.pushEdge(c, target);
        this.heap.list.append(c.ref, target.ref);
      }
      return;
    }
    this.store(c, rng.int(c.slots.length), target);
  }

  // ---- operations ------------------------------------------------------------------------------------------------

  step(): void {
    const r = this.rng.int(1000);
    if (r < 230) this.opAlloc();
    else if (r < 480) this.opLink();
    else if (r < 590) this.opUnlink();
    else if (r < 690) this.opDrop();
    else if (r < 770) this.opRebind();
    else if (r < 810) this.opWeakref();
    else if (r < 825) this.opMaterializeDict();
    else if (r < 845) this.opCheckWeakref();
    else if (r < 870) this.opCollect(0);
    else if (r < 885) this.opCollect(1);
    else if (r < 891) this.opCollect(2);
    else if (r < 894) this.opThreshold();
    else if (r < 906) this.opFreeze();
    else if (r < 916) this.opDisable();
    else if (r < 931) this.opPushFrame();
    else if (r < 946) this.opPopFrame();
    else this.opAlloc();
    // Too many objects waiting to be confirmed dead: collect and check.
    if (this.all.length > 3000) {
      if (this.frozen) this.opFreeze();
      this.opCollect(2);
    }
  }

  private opAlloc(): void {
    this.opName = 'alloc';
    const o = this.make(NEW_KINDS[this.rng.int(NEW_KINDS.length)]);
    if (this.tracing) this.trace(`alloc ${this.describe(o)}`);
    this.place(o);
  }

  private opLink(): void {
    this.opName = 'link';
    const c = this.pickWhere(GcFuzzer.isMutableContainer);
    if (!c) return this.opAlloc();
    if (this.rng.chance(0.2)) {
      const t = this.make(NEW_KINDS[this.rng.int(NEW_KINDS.length)]);
      if (this.tracing) this.trace(`link ${this.describe(c)} -> new ${this.describe(t)}`);
      this.link(c, t);
      this.heap.decref(t.ref);
      return;
    }
    const t = this.pickReachable();
    if (!t) return;
    if (this.tracing) this.trace(`link ${this.describe(c)} -> ${this.describe(t)}`);
    this.link(c, t);
  }

  private opUnlink(): void {
    this.opName = 'unlink';
    const heap = this.heap;
    // Resurrect mode: resurrected objects are let go of again now and then (never finalized twice).
    const res = this.resList;
    const c = res && res.slots.length > 0 && this.rng.chance(0.2) ? res : this.pickWhere(GcFuzzer.isMutableContainer);
    if (!c) return;
    const n = c.slots.length;
    if (n === 0) return;
    // Prefer a slot that holds something.
    let i = this.rng.int(n);
    for (let t = 0; t < 4 && c.slots[i] < 0; t++) i = this.rng.int(n);
    if (this.tracing) this.trace(`unlink ${this.describe(c)} slot ${i}`);
    if (c.kind === MK.List) {
      if (this.rng.chance(0.5)) {
        // pop(): the last item comes back as a new reference, which is then dropped.
        const last = c.slots.pop()!;
        if (last >= 0) this.get(last).inc--;
        this.version++;
        const item = heap.list.pop(c.ref);
        const expected = last >= 0 ? this.get(last).ref : heap.None;
        if (item !== expected) this.fail(`pop() of ${this.describe(c)} returned word ${item}, the model expected ${expected}`);
        heap.decref(item);
      } else {
        this.setEdge(c, i, null);
        heap.list.set(c.ref, i, heap.None);
      }
      return;
    }
    this.store(c, i, null);
  }

  private opDrop(): void {
    this.opName = 'drop';
    const n = this.rootSlotCount();
    let s = this.rng.int(n);
    for (let t = 0; t < 4 && this.rootGet(s) < 0; t++) s = this.rng.int(n);
    if (this.tracing) this.trace(`drop root ${s}`);
    this.rootSet(s, null, false);
  }

  private opRebind(): void {
    this.opName = 'rebind';
    const o = this.pickReachable();
    if (!o) return this.opAlloc();
    const s = this.rng.int(this.rootSlotCount());
    if (this.tracing) this.trace(`root ${s} = ${this.describe(o)}`);
    this.rootSet(s, o, false);
  }

  private opWeakref(): void {
    this.opName = 'weakref';
    const heap = this.heap;
    const target = this.pickWhere(GcFuzzer.isWeakrefable);
    if (!target) return this.opAlloc();
    let cb: MObj | null = null;
    let ownCb = false;
    if (this.rng.chance(0.8)) {
      cb = this.rng.chance(0.5) ? this.pickWhere((o) => o.kind === MK.Func) : null;
      if (!cb) {
        cb = this.make(MK.Func);
        ownCb = true;
      }
    }
    const wr = heap.weakref(target.ref, cb ? cb.ref : 0);
    let o: MObj;
    const prev = this.byBlock.get(this.blockOf(wr));
    const shared = prev === undefined ? undefined : this.objs[prev];
    if (!cb && shared && !shared.removed && shared.ref === wr && shared.kind === MK.WeakRef && heap.refcount(wr) > 1) {
      // weakref.ref(obj) without a callback returns the existing callback-less ref.
      if (shared.referent !== target.id || shared.slots[0] >= 0) {
        this.fail(`weakref.ref(${this.describe(target)}) returned ${this.describe(shared)}, a weakref to something else`);
      }
      o = shared;
    } else {
      o = this.register(wr, MK.WeakRef, null, 1);
      o.referent = target.id;
      if (cb) this.setEdge(o, 0, cb);
      this.summary.weakrefsCreated++;
    }
    if (ownCb) heap.decref(cb!.ref);
    if (this.tracing) this.trace(`weakref ${this.describe(o)} to ${this.describe(target)}${cb ? ` callback ${this.describe(cb)}` : ''}`);
    this.place(o);
  }

  private opMaterializeDict(): void {
    if (!this.instanceDicts) return this.opAlloc();
    this.opName = 'materialize __dict__';
    const o = this.pickWhere((x) => x.kind === MK.Inst);
    if (!o) return;
    if (this.tracing) this.trace(`${this.describe(o)}.__dict__`);
    const d = this.heap.instanceDict(o.ref);
    this.heap.decref(d);
    this.summary.dictsMaterialized++;
  }

  private opCheckWeakref(): void {
    this.opName = 'weakref()';
    const heap = this.heap;
    const wr = this.pickWhere((o) => o.kind === MK.WeakRef);
    if (!wr) return;
    const t = this.objs[wr.referent];
    const got = heap.weakrefGet(wr.ref);
    if (t && this.isReachable(t)) {
      if (got !== t.ref && !(this.resurrect && got === heap.None)) {
        this.fail(`${this.describe(wr)}() returned word ${got}, but its referent ${this.describe(t)} is reachable`);
      }
    } else if (got !== heap.None && (!t || got !== t.ref)) {
      this.fail(`${this.describe(wr)}() returned word ${got}, which is neither None nor its (dead) referent`);
    }
  }

  private opCollect(generation: number): void {
    this.opName = `gc.collect(${generation})`;
    if (this.tracing) this.trace(this.opName);
    if (generation === 2) this.summary.fullCollections++;
    this.heap.gc.collect(generation);
    this.fullAtBoundary = false;
    if (generation === 2 && !this.frozen) this.checkFull();
  }

  private opThreshold(): void {
    this.opName = 'gc.set_threshold';
    const t = THRESHOLDS[this.rng.int(THRESHOLDS.length)];
    if (this.tracing) this.trace(`gc.set_threshold(${t.join(', ')})`);
    this.heap.gc.setThreshold(t[0], t[1], t[2]);
  }

  private opFreeze(): void {
    if (this.frozen) {
      if (!this.rng.chance(0.6) && this.all.length <= 3000) return;
      this.opName = 'gc.unfreeze';
      if (this.tracing) this.trace(this.opName);
      this.heap.gc.unfreeze();
      this.frozen = false;
      return;
    }
    if (!this.rng.chance(0.06)) return;
    this.opName = 'gc.freeze';
    if (this.tracing) this.trace(this.opName);
    this.heap.gc.freeze();
    this.frozen = true;
    this.summary.freezes++;
  }

  private opDisable(): void {
    const gc = this.heap.gc;
    if (gc.isEnabled()) {
      if (!this.rng.chance(0.1)) return;
      this.opName = 'gc.disable';
      gc.disable();
    } else {
      this.opName = 'gc.enable';
      gc.enable();
    }
    if (this.tracing) this.trace(this.opName);
  }

  private opPushFrame(): void {
    if (this.frames.length >= MAX_FRAMES) return this.opPopFrame();
    this.opName = 'push frame';
    const n = 2 + this.rng.int(4);
    if (this.tracing) this.trace(`push frame of ${n}`);
    this.frames.push({ frame: this.heap.roots.pushFrame(n), locals: new Array<number>(n).fill(-1) });
  }

  private opPopFrame(): void {
    if (this.frames.length <= 1) return this.opPushFrame();
    this.opName = 'pop frame';
    if (this.tracing) this.trace('pop frame');
    const f = this.frames.pop()!;
    for (const id of f.locals) if (id >= 0) this.get(id).inc--;
    this.version++;
    this.heap.roots.popFrame();
  }

  /** The statement boundary; a full collection run there (generational 3.12+) is checked too. */
  boundary(): void {
    this.atBoundary = true;
    try {
      this.heap.evalBreaker();
    } finally {
      this.atBoundary = false;
    }
    if (this.fullAtBoundary) {
      this.fullAtBoundary = false;
      this.opName = 'automatic full collection';
      if (!this.frozen) this.checkFull();
    }
  }

  // ---- hooks ------------------------------------------------------------------------------------------------------

  private onFinalize(self: Ref): void {
    this.summary.finalizerCalls++;
    const o = this.lookup(self, '__del__');
    if (!o.cls || !o.cls.finalizer) this.fail(`__del__ called on ${this.describe(o)}, whose class has none`);
    if (o.finalized) this.fail(`__del__ called a second time on ${this.describe(o)}`);
    o.finalized = true;
    if (this.tracing) this.trace(`  (__del__ of ${this.describe(o)})`);
    if (!this.resurrectedInCollection && this.isReachable(o)) this.fail(`__del__ called on ${this.describe(o)}, which is reachable`);
    if (this.hookWork) this.hookChores();
    if (this.resurrectOn && o.cls.resurrects && this.rng.chance(0.5)) {
      // self is appended to the list global `res` holds: alive again, for good.
      const list = this.resList!;
      this.pushEdge(list, o);
      this.heap.list.append(list.ref, self);
      this.summary.resurrections++;
      this.resurrectedInCollection = true;
    }
  }

  private onWeakrefCallback(callback: Ref, weakref: Ref): void {
    this.summary.weakrefCallbacks++;
    const o = this.lookup(weakref, 'a weakref callback');
    if (o.kind !== MK.WeakRef) this.fail(`a weakref callback was called with ${this.describe(o)}`);
    const cb = o.slots[0] >= 0 ? this.objs[o.slots[0]] : undefined;
    if (!cb || cb.ref !== callback) this.fail(`${this.describe(o)}'s callback was called as word ${callback}, the model's callback is ${cb ? this.describe(cb) : 'none'}`);
    if (o.callbackCalls > 0) this.fail(`${this.describe(o)}'s callback was called a second time`);
    o.callbackCalls++;
    if (this.tracing) this.trace(`  (callback of ${this.describe(o)})`);
    const t = this.objs[o.referent];
    if (!t) this.fail(`${this.describe(o)}'s callback ran after its referent #${o.referent} was already known dead`);
    if (this.isReachable(t)) this.fail(`${this.describe(o)}'s callback ran while its referent ${this.describe(t)} is reachable`);
    if (this.hookWork) this.hookChores();
  }

  /** What Python code in a finalizer or callback might do: allocate, drop, sometimes collect. */
  private hookChores(): void {
    const heap = this.heap;
    const r = this.rng.int(100);
    if (r < 30) {
      const list = heap.list.newList(0);
      const f = heap.float(0.5);
      heap.list.append(list, f);
      heap.decref(f);
      const inst = heap.newInstance(this.classes[0].info);
      heap.setAttr(inst, 'a0', list);
      heap.decref(list);
      heap.decref(inst);
    } else if (r < 33) {
      heap.gc.collect(this.rng.int(2));
    }
  }

  // ---- the full check ------------------------------------------------------------------------------------------

  /** After a full collection: the live set, refcounts, weakrefs and the allocator agree with the model. */
  checkFull(): void {
    const heap = this.heap;
    this.summary.fullChecks++;
    heap.clearFreeLists();
    const e = this.reach();
    const reachable: MObj[] = [];
    for (const o of this.all) {
      if (o.removed) continue;
      o.expected = 0;
      if (o.mark === e) reachable.push(o);
    }
    const rootRef = (id: number): void => {
      if (id >= 0) this.get(id).expected++;
    };
    for (const id of this.globals) rootRef(id);
    for (const f of this.frames) for (const id of f.locals) rootRef(id);
    if (this.resList) rootRef(this.resList.id);
    for (const o of reachable) for (const s of o.slots) if (s >= 0) this.get(s).expected++;

    // Blocks: one object each.
    const blocks = new Map<Ref, MObj | null>();
    const seenRefs = new Set<Ref>();
    let hidden = 0;
    const liveRefs: Ref[] = [];
    for (const o of reachable) {
      this.verifyAlive(o);
      const other = blocks.get(o.block);
      if (other !== undefined) this.fail(`${this.describe(o)} and ${other ? this.describe(other) : 'a hidden dict'} are the same block`);
      blocks.set(o.block, o);
      seenRefs.add(o.ref);
      liveRefs.push(o.ref);
      if (o.kind === MK.Inst) {
        // A materialised or combined __dict__ belongs to the instance: one more object.
        const d = heap.i32[o.ref + PRE.DICT];
        if (d !== 0) {
          hidden++;
          const db = this.blockOf(d);
          const same = blocks.get(db);
          if (same !== undefined) this.fail(`the __dict__ of ${this.describe(o)} at word ${d} is the block of ${same ? this.describe(same) : 'another __dict__'}`);
          blocks.set(db, null);
          seenRefs.add(d);
          liveRefs.push(d);
          if (heap.typeOf(d) !== Kind.Dict || heap.refcount(d) !== 1) {
            this.fail(`the __dict__ of ${this.describe(o)} at word ${d}: type word ${heap.typeOf(d)}, refcount ${heap.refcount(d)} (expected a dict held once)`);
          }
        }
      }
    }

    // 1. The live set is what the roots reach.
    const live = this.liveObjects();
    const expectedLive = reachable.length + hidden;
    if (live > expectedLive) {
      const leaked: string[] = [];
      for (const r of heap.gc.getObjects()) {
        if (seenRefs.has(r) || this.baselineTracked.has(r)) continue;
        const id = this.byBlock.get(this.blockOf(r));
        const m = id === undefined ? undefined : this.objs[id];
        leaked.push(`${m ? this.describe(m) : `a ${heap.types.nameOf(heap.typeOf(r))} at word ${r} the model does not know`} refcount ${heap.refcount(r)}`);
        if (leaked.length >= 3) break;
      }
      this.fail(
        `${live - expectedLive} object(s) alive but unreachable after a full collection (live ${live}, reachable ${expectedLive})` +
          (leaked.length > 0 ? `: ${leaked.join(', ')}` : ''),
      );
    }
    if (live < expectedLive) this.fail(`${expectedLive - live} reachable object(s) freed: live ${live}, reachable ${expectedLive}`);

    // 4. Refcounts are exactly the model's references.
    for (const o of reachable) {
      const rc = heap.refcount(o.ref);
      if (rc !== o.expected) this.fail(`${this.describe(o)} has refcount ${rc}, the model references it ${o.expected} time(s)`);
    }

    // Weakrefs: to a dead object they return None and have called back once (if they have a callback).
    for (const o of reachable) {
      if (o.kind !== MK.WeakRef) continue;
      const t = this.objs[o.referent];
      const alive = t !== undefined && !t.removed && t.mark === e;
      const got = heap.weakrefGet(o.ref);
      if (alive) {
        if (got !== t.ref && !(this.resurrect && got === heap.None)) this.fail(`${this.describe(o)}() returned word ${got}, its referent ${this.describe(t)} is alive`);
        if (o.callbackCalls !== 0 && !this.resurrect) this.fail(`${this.describe(o)} called back although its referent is alive`);
      } else {
        if (got !== heap.None) this.fail(`${this.describe(o)}() returned word ${got} after its referent #${o.referent} died`);
        const calls = o.slots[0] >= 0 ? 1 : 0;
        if (this.resurrect ? o.callbackCalls > calls : o.callbackCalls !== calls) {
          this.fail(`${this.describe(o)} called back ${o.callbackCalls} time(s) after its referent #${o.referent} died (expected ${calls})`);
        }
      }
    }

    this.checkWeaklists();
    // The heap's count of linked weakrefs (the collector skips its weakref pass at 0) is exact.
    let linked = 0;
    for (const o of reachable) if (o.kind === MK.WeakRef && heap.i32[o.ref + FIELD.WEAKREF_OBJECT] !== 0) linked++;
    if (heap.linkedWeakrefs !== linked) this.fail(`the heap counts ${heap.linkedWeakrefs} linked weakrefs, ${linked} weakrefs have a referent`);

    // 3. The allocator's structures.
    const problem = checkAllocator(heap, liveRefs);
    if (problem) this.fail(`allocator: ${problem}`);

    // What is not reachable is freed: forget it.
    for (const o of this.all) {
      if (o.removed || o.mark === e) continue;
      o.removed = true;
      this.objs[o.id] = undefined;
      if (this.byBlock.get(o.block) === o.id) this.byBlock.delete(o.block);
    }
    for (const o of reachable) o.inc = o.expected;
    this.all = reachable;
  }

  /** Every reachable weakref-able object's weakref list holds live weakrefs to it, linked both ways. */
  checkWeaklists(): void {
    const heap = this.heap;
    const i32 = heap.i32;
    const e = this.reach();
    for (const o of this.all) {
      if (o.removed || o.mark !== e || !GcFuzzer.isWeakrefable(o)) continue;
      const wl = heap.types.weaklistWord[o.typeId];
      let prev = 0;
      let n = 0;
      for (let wr = i32[o.ref + wl]; wr !== 0; wr = i32[wr + FIELD.WEAKREF_NEXT]) {
        const id = this.byBlock.get(this.blockOf(wr));
        const w = id === undefined ? undefined : this.objs[id];
        if (!w || w.ref !== wr || w.kind !== MK.WeakRef || heap.typeOf(wr) !== Kind.WeakRef) {
          this.fail(`the weakref list of ${this.describe(o)} holds word ${wr}, which is no live weakref (type word ${heap.typeOf(wr)})`);
        }
        if (w.referent !== o.id || i32[wr + FIELD.WEAKREF_OBJECT] !== o.ref) this.fail(`the weakref list of ${this.describe(o)} holds ${this.describe(w)}, a weakref to model #${w.referent} whose referent word is ${i32[wr + FIELD.WEAKREF_OBJECT]}`);
        if (i32[wr + FIELD.WEAKREF_PREV] !== prev) this.fail(`the weakref list of ${this.describe(o)}: ${this.describe(w)} links back to word ${i32[wr + FIELD.WEAKREF_PREV]}, not ${prev}`);
        if (++n > 100000) this.fail(`the weakref list of ${this.describe(o)} loops`);
        prev = wr;
      }
    }
  }

  paranoidCheck(): void {
    this.checkWeaklists();
    const problem = checkAllocator(this.heap, []);
    if (problem) this.fail(`allocator: ${problem}`);
  }

  collectAndCheck(): void {
    if (this.frozen) return;
    this.heap.gc.collect(2);
    this.checkFull();
  }

  // ---- sabotage (to show the checker can fail) -------------------------------------------------------------------

  sabotage(kind: SabotageKind): void {
    const heap = this.heap;
    this.opName = `sabotage ${kind}`;
    if (this.frozen) {
      heap.gc.unfreeze();
      this.frozen = false;
    }
    if (kind === 'leak') {
      // An extra incref the model does not know of, on an object the program then drops.
      const o = this.make(MK.Inst);
      heap.incref(o.ref);
      heap.decref(o.ref);
    } else {
      // A decref too many on an object that stays alive (bound to two roots).
      const o = this.make(MK.List);
      this.rootSet(0, o, true);
      this.rootSet(GLOBALS, o, false);
      heap.decref(o.ref);
    }
    this.opCollect(2);
  }

  // ---- the end ---------------------------------------------------------------------------------------------------

  /** Drops every root, checks that nothing is left, then tears the heap down. */
  finish(): void {
    const heap = this.heap;
    this.opName = 'finish';
    if (this.frozen) {
      heap.gc.unfreeze();
      this.frozen = false;
    }
    heap.gc.enable();
    this.resurrectOn = false;
    while (this.frames.length > 1) this.opPopFrame();
    this.opName = 'finish';
    for (let s = 0; s < this.rootSlotCount(); s++) if (this.rootGet(s) >= 0) this.rootSet(s, null, false);
    if (this.resList) {
      this.resList.inc--;
      this.resList = null;
      this.version++;
      heap.roots.delGlobal('res');
    }
    heap.gc.collect(2);
    this.checkFull();
    if (this.all.length !== 0) this.fail(`${this.all.length} object(s) reachable with no roots`);
    for (const r of this.internedHeld) heap.decref(r);
    heap.roots.popFrame();
    this.frames.length = 0;
    this.opName = 'teardown';
    heap.teardown();
    const left = objectsByBooks(heap);
    if (left !== 0) this.fail(`teardown left ${left} object(s) counted as allocated`);
  }
}

/** Objects alive by the heap's counters, free-list reuses taken off (exact when the free lists are empty). */
function objectsByBooks(heap: Heap): number {
  const c = heap.counters;
  return c[Stat.ObjectsAllocated] - c[Stat.ObjectsFreed] - c[Stat.FreeListReuses];
}

// ---- the allocator checker -----------------------------------------------------------------------------------------

/**
 * Checks pymalloc's structures against its books: blocks, pools and arenas counted by a walk equal
 * the counters; every pool's free blocks, used blocks and never-carved blocks add up; usedpools
 * holds exactly the partly used pools; each arena's free-pool count is right; and every object in
 * `live` lies in a used block of its own size class, not on a free list. Returns the first problem.
 */
export function checkAllocator(heap: Heap, live: Iterable<Ref>): string | null {
  const i32 = heap.i32;
  const c = heap.counters;
  const pm = heap.allocator.pymalloc;
  const space = heap.allocator.space;
  const usage = pm.usage();
  let blocks = 0;
  for (const k of usage.classes) {
    blocks += k.blocksInUse;
    if (k.pools * blocksPerPool(k.sizeClass) !== k.blocksInUse + k.blocksAvailable) {
      return `size class ${k.sizeClass}: ${k.pools} pools but ${k.blocksInUse} used + ${k.blocksAvailable} available blocks`;
    }
  }
  if (blocks !== c[Stat.BlocksInUse]) return `${blocks} blocks in use by a walk of the pools, the counter says ${c[Stat.BlocksInUse]}`;
  if (usage.poolsInUse !== c[Stat.PoolsInUse]) return `${usage.poolsInUse} pools in use by a walk, the counter says ${c[Stat.PoolsInUse]}`;
  if (usage.arenasInUse !== c[Stat.ArenasInUse]) return `${usage.arenasInUse} arenas by a walk, the counter says ${c[Stat.ArenasInUse]}`;

  const onUsed = new Set<Ref>();
  for (let idx = 0; idx < NB_SMALL_SIZE_CLASSES; idx++) {
    const sentinel = pm.usedpool(idx);
    let prev = sentinel;
    for (let p = i32[sentinel + POOL.NEXTPOOL]; p !== sentinel; p = i32[p + POOL.NEXTPOOL]) {
      if (onUsed.has(p)) return `usedpools[${idx}] reaches pool ${p} twice`;
      onUsed.add(p);
      if (i32[p + POOL.PREVPOOL] !== prev) return `usedpools[${idx}]: pool ${p}'s prevpool is ${i32[p + POOL.PREVPOOL]}, not ${prev}`;
      if (i32[p + POOL.SZIDX] !== idx) return `pool ${p} of size class ${i32[p + POOL.SZIDX]} is on usedpools[${idx}]`;
      const count = i32[p + POOL.COUNT];
      if (count <= 0 || count >= blocksPerPool(idx)) return `pool ${p} on usedpools[${idx}] has ${count} blocks in use (not partly used)`;
      prev = p;
    }
    if (i32[sentinel + POOL.PREVPOOL] !== prev) return `usedpools[${idx}]: the sentinel's prevpool is not the last pool`;
  }

  const regions = heap.mem.regions;
  const freeBlocks = new Set<Ref>();
  for (let a = 0; a < regions.maxChunks; a++) {
    const d = regions.arenaTableWord + a * ARENA_DESC_WORDS;
    const base = i32[d + ARENA.ADDRESS];
    if (base === 0) continue;
    if (space.kindAt(base) !== ChunkKind.Arena) return `arena ${a} at word ${base} is not in an arena chunk`;
    const total = i32[d + ARENA.NTOTALPOOLS];
    const first = total === 64 ? base : base + POOL_WORDS;
    const end = first + total * POOL_WORDS;
    const carveTop = i32[d + ARENA.POOL_ADDRESS];
    if (carveTop < first || carveTop > end) return `arena ${a}: pool_address ${carveTop} outside the arena`;
    let nfree = (end - carveTop) / POOL_WORDS;
    const onFree = new Set<Ref>();
    for (let p = i32[d + ARENA.FREEPOOLS]; p !== 0; p = i32[p + POOL.NEXTPOOL]) {
      if (p < first || p >= carveTop || onFree.has(p)) return `arena ${a}: bad pool ${p} on its free pools`;
      if (i32[p + POOL.COUNT] !== 0) return `arena ${a}: pool ${p} on its free pools has ${i32[p + POOL.COUNT]} blocks in use`;
      onFree.add(p);
      nfree++;
    }
    if (nfree !== i32[d + ARENA.NFREEPOOLS]) return `arena ${a}: ${nfree} free pools, nfreepools says ${i32[d + ARENA.NFREEPOOLS]}`;
    for (let p = first; p < carveTop; p += POOL_WORDS) {
      if (i32[p + POOL.ARENAINDEX] !== a) return `pool ${p} says it is in arena ${i32[p + POOL.ARENAINDEX]}, not ${a}`;
      const count = i32[p + POOL.COUNT];
      if (count === 0) {
        if (!onFree.has(p)) return `arena ${a}: empty pool ${p} is not on the arena's free pools`;
        continue;
      }
      const idx = i32[p + POOL.SZIDX];
      if (idx < 0 || idx >= NB_SMALL_SIZE_CLASSES) return `pool ${p} has size class ${idx}`;
      const size = blockSizeOf(idx);
      const capacity = blocksPerPool(idx);
      if (count > capacity) return `pool ${p} has ${count} blocks in use of ${capacity}`;
      if ((count < capacity) !== onUsed.has(p)) return `pool ${p} with ${count} of ${capacity} blocks in use is ${onUsed.has(p) ? '' : 'not '}on usedpools`;
      const nextoffset = i32[p + POOL.NEXTOFFSET];
      const maxnextoffset = i32[p + POOL.MAXNEXTOFFSET];
      let chain = 0;
      for (let b = i32[p + POOL.FREEBLOCK]; b !== 0; b = i32[b]) {
        const off = (b - p) * 4;
        if (off < POOL_OVERHEAD || off >= nextoffset || (off - POOL_OVERHEAD) % size !== 0) return `pool ${p}: free block at byte ${off} is not a carved block`;
        if (freeBlocks.has(b) || ++chain > capacity) return `pool ${p}: its free-block list loops`;
        freeBlocks.add(b);
      }
      const untouched = nextoffset <= maxnextoffset ? Math.floor((maxnextoffset - nextoffset) / size) + 1 : 0;
      if (count + chain + untouched !== capacity) {
        return `pool ${p} (${size}-byte blocks): ${count} used + ${chain} free + ${untouched} never carved != ${capacity}`;
      }
    }
  }

  for (const ref of live) {
    const bytes = heap.objectBytes(ref);
    const block = ref - heap.types.preWords[heap.typeOf(ref)];
    if (bytes > SMALL_REQUEST_THRESHOLD) {
      const kind = space.kindAt(block);
      if (kind !== ChunkKind.RawSmall && kind !== ChunkKind.RawLarge) return `object at word ${ref} (${bytes} bytes) is not in a raw chunk`;
      continue;
    }
    if (space.kindAt(block) !== ChunkKind.Arena) return `object at word ${ref} (${bytes} bytes) is not in an arena`;
    const p = block & ~(POOL_WORDS - 1);
    const idx = i32[p + POOL.SZIDX];
    if (idx !== sizeClassOf(bytes)) return `object at word ${ref} (${bytes} bytes) lies in a pool of ${blockSizeOf(idx)}-byte blocks`;
    const off = (block - p) * 4;
    if (i32[p + POOL.COUNT] <= 0 || off < POOL_OVERHEAD || off >= i32[p + POOL.NEXTOFFSET] || (off - POOL_OVERHEAD) % blockSizeOf(idx) !== 0) {
      return `object at word ${ref} is not at a carved block of a used pool`;
    }
    if (freeBlocks.has(block)) return `object at word ${ref} is alive but its block is on the pool's free list`;
  }
  return null;
}

// ---- the entry point -------------------------------------------------------------------------------------------------

/** Runs one seeded program and checks it against the model. Throws FuzzDiscrepancy on the first difference. */
export function runFuzz(options: FuzzOptions): FuzzSummary {
  const t0 = performance.now();
  let fuzzer: GcFuzzer | undefined;
  const wrap = (err: unknown): never => {
    const f = fuzzer;
    const op = f ? f.opIndex : -1;
    const name = f ? f.opName : 'setup';
    const detail = err instanceof ModelError ? err.message : `the heap threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
    throw new FuzzDiscrepancy(options.seed, options.profile, op, name, detail + (f ? f.traceText() : ''));
  };
  try {
    fuzzer = new GcFuzzer(options);
  } catch (err) {
    wrap(err);
  }
  const f = fuzzer!;
  try {
    for (let i = 0; i < options.operations; i++) {
      f.opIndex = i;
      if (options.sabotage && options.sabotage.atOperation === i) f.sabotage(options.sabotage.kind);
      else f.step();
      f.boundary();
      if (options.paranoid) f.paranoidCheck();
      if (options.collectEvery) f.collectAndCheck();
    }
    f.opIndex = options.operations;
    f.finish();
  } catch (err) {
    wrap(err);
  }
  f.summary.operations = options.operations;
  f.summary.collected = f.heap.counters[Stat.GcCollected];
  f.summary.elapsedMs = Math.round(performance.now() - t0);
  return f.summary;
}
