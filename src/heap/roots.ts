/**
 * The roots of a simulated program: what CPython's incremental collector marks from
 * (`mark_global_roots`, `mark_stacks`) and what keeps a workload's objects alive.
 *
 *   sys dict   `sys.__dict__`: holds `modules`, which holds every module's dict; the start-up
 *              population of long-lived objects hangs here, and `__main__` is the workload's globals.
 *   frames     the live frames of the workload, innermost last, each with its local slots.
 *
 * A frame's slots are not heap memory (CPython keeps executing frames on its own data stack): they
 * hold owned references, and popping a frame drops them. Globals are a real dict in the heap.
 */
import { FIELD, type Ref } from './layout.js';
import type { Heap } from './heap.js';

export class Frame {
  /**
   * Owned references (0 = unbound): the first `size` slots are the running code's; the rest are
   * spare capacity, always 0 (a frame at a depth is reused by every call made at that depth).
   */
  locals: Int32Array;
  /** The slots of the code running in this frame (co_nlocalsplus plus the value-stack slots the compiled code keeps here). */
  size = 0;
  /** The incremental collector has marked from this frame since it was pushed (`frame->visited`). */
  visited = false;
  /**
   * The frame's frame object (`frame->frame_obj`), made on demand (a traceback passing through
   * the frame), a reference the frame holds until it returns; 0 if none.
   */
  frameObject = 0;
  /** The slots of its frame object when one is made (co_nlocalsplus + co_stacksize). */
  objectSlots = 0;
  /** The first slots, its locals, cells and free variables (co_nlocalsplus); the rest hold value-stack temporaries (a loop's iterator). */
  keptSlots = 0;
  constructor(capacity: number) {
    this.locals = new Int32Array(capacity);
  }
}

/** A new frame's capacity in slots at least (it grows when a bigger code runs at its depth). */
const FRAME_MIN_CAPACITY = 16;

export class Roots {
  /** `sys.__dict__` (0 until `init`). */
  sysdict: Ref = 0;
  /** `sys.modules`. */
  modules: Ref = 0;
  /** `__main__.__dict__`: the workload's globals. */
  globals: Ref = 0;
  /**
   * The frames by depth: `frames[0 .. depth)` are live, innermost last. The JS objects stay for
   * reuse when a frame returns (a program that calls a function a million times allocates its
   * frames once); their slots are zero when unused.
   */
  readonly frames: Frame[] = [];
  /** How many frames are live. */
  depth = 0;
  /**
   * Objects alive through references the collector's roots do not reach (C statics, caches of the
   * runtime): the incremental collector's mark from the roots leaves them in pending. Owned.
   */
  readonly unrooted: Ref[] = [];

  /** Makes a frame's frame object (the front-end's, which knows its size): take_ownership's f_back needs one. */
  makeFrameObject: ((frame: Frame) => void) | undefined;

  constructor(private readonly heap: Heap) {}

  /** Creates `sys.__dict__`, `sys.modules` and `__main__`'s globals. */
  init(): void {
    if (this.sysdict !== 0) return;
    const heap = this.heap;
    this.sysdict = heap.dict.newDict();
    this.modules = heap.dict.newDict();
    this.globals = heap.dict.newDict();
    this.setIn(this.sysdict, 'modules', this.modules);
    this.setIn(this.modules, '__main__', this.globals);
  }

  /** `d[name] = value` with an interned str key (value borrowed). */
  setIn(d: Ref, name: string, value: Ref): void {
    const key = this.heap.intern(name);
    this.heap.dict.setItem(d, key, value);
    this.heap.decref(key);
  }

  /** `name = value` at module level (value borrowed). */
  setGlobal(name: string, value: Ref): void {
    this.init();
    this.setIn(this.globals, name, value);
  }

  /** A global as a borrowed reference, or 0. */
  getGlobal(name: string): Ref {
    if (this.globals === 0) return 0;
    const key = this.heap.intern(name);
    const v = this.heap.dict.getItem(this.globals, key);
    this.heap.decref(key);
    return v;
  }

  /** `del name` at module level; returns whether it was bound. */
  delGlobal(name: string): boolean {
    if (this.globals === 0) return false;
    const key = this.heap.intern(name);
    const had = this.heap.dict.delItem(this.globals, key);
    this.heap.decref(key);
    return had;
  }

  /** Makes the frame of the next call, reusing the one last used at its depth (whose slots are all 0). */
  pushFrame(nlocals: number, objectSlots = nlocals, keptSlots = nlocals): Frame {
    let f = this.frames[this.depth];
    if (f === undefined) this.frames[this.depth] = f = new Frame(Math.max(nlocals, FRAME_MIN_CAPACITY));
    else if (f.locals.length < nlocals) f.locals = new Int32Array(Math.max(nlocals, 2 * f.locals.length));
    f.size = nlocals;
    this.depth++;
    f.visited = false;
    f.frameObject = 0;
    f.objectSlots = objectSlots;
    f.keptSlots = keptSlots;
    return f;
  }

  /**
   * Returns from the innermost frame: its locals are dropped while it is still on the stack (as
   * `_PyFrame_ClearLocals` clears them before the frame is popped), then it goes.
   */
  popFrame(): void {
    if (this.depth === 0) throw new RangeError('no frame to pop');
    const frame = this.frames[this.depth - 1];
    const locals = frame.locals;
    const fo = frame.frameObject;
    if (fo !== 0 && this.heap.refcount(fo) > 1) {
      // `take_ownership`: a frame object something else still holds (a traceback) takes the
      // frame's locals over; they live as long as it does, and the collector sees them there.
      // The value stack is gone first (exception_unwind pops it, top first, before the frame is
      // cleared): a loop's iterator dies with the frame's exception, not with its frame object.
      for (let i = frame.size - 1; i >= frame.keptSlots; i--) {
        const v = locals[i];
        if (v !== 0) {
          locals[i] = 0;
          this.heap.decref(v);
        }
      }
      const i32 = this.heap.i32;
      for (let i = 0; i < frame.keptSlots; i++) {
        i32[fo + FIELD.SLOTS_FIRST + 2 * i] = locals[i];
        locals[i] = 0;
      }
      // It also links f_back to the calling frame's frame object, made now if the caller has none
      // (Python/frame.c take_ownership, the same in 3.11-3.13). So an exception that C code
      // clears (FOR_ITER ending a loop on a __next__'s StopIteration, next(it, default)) leaves
      // the caller a frame object until it returns: MEAS 3.11.2, 3.12.1, 3.13.0, the traced bytes
      // across such a loop grow by the caller's frame object, across a loop over a list by nothing.
      // f_back is kept in the frame object's last slot (its value-stack part, past the locals).
      if (this.depth >= 2 && this.makeFrameObject !== undefined) {
        const caller = this.frames[this.depth - 2];
        if (caller.frameObject === 0) this.makeFrameObject(caller);
        const slots = this.heap.types.slotCount[this.heap.typeOf(fo)];
        if (caller.frameObject !== 0 && slots > frame.size) this.heap.setSlot(fo, slots - 1, caller.frameObject);
      }
    } else {
      for (let i = 0, n = frame.size; i < n; i++) {
        const v = locals[i];
        if (v !== 0) {
          locals[i] = 0;
          this.heap.decref(v);
        }
      }
    }
    if (fo !== 0) {
      frame.frameObject = 0;
      this.heap.decref(fo);
    }
    this.depth--;
  }

  /** `local = value` in a frame (value borrowed). */
  setLocal(frame: Frame, i: number, value: Ref): void {
    const old = frame.locals[i];
    if (value !== 0) this.heap.incref(value);
    frame.locals[i] = value;
    if (old !== 0) this.heap.decref(old);
  }

  /** `local = value`, taking over a new reference the caller owns. */
  setLocalSteal(frame: Frame, i: number, value: Ref): void {
    const old = frame.locals[i];
    frame.locals[i] = value;
    if (old !== 0) this.heap.decref(old);
  }

  /** Drops every frame and unbinds every root (interpreter shutdown). */
  clear(): void {
    while (this.depth > 0) this.popFrame();
    const heap = this.heap;
    for (const r of this.unrooted.splice(0)) heap.decref(r);
    for (const r of [this.globals, this.modules, this.sysdict]) if (r !== 0) heap.decref(r);
    this.sysdict = this.modules = this.globals = 0;
  }
}
