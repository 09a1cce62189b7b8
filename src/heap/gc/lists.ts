/**
 * Circular doubly-linked GC lists threaded through the GC head words of objects (`gc_list_*` in
 * CPython). A list is named by the Ref of its sentinel, a fake object in the SAB header whose GC
 * head words precede it like a real object's. An object's NEXT word is 0 while it is untracked.
 */
import { GC, type Ref } from '../layout.js';

export function listInit(i32: Int32Array, list: Ref): void {
  i32[list + GC.NEXT] = list;
  i32[list + GC.PREV] = list;
}

export function listIsEmpty(i32: Int32Array, list: Ref): boolean {
  return i32[list + GC.NEXT] === list;
}

export function listAppend(i32: Int32Array, node: Ref, list: Ref): void {
  const last = i32[list + GC.PREV];
  i32[node + GC.PREV] = last;
  i32[node + GC.NEXT] = list;
  i32[last + GC.NEXT] = node;
  i32[list + GC.PREV] = node;
}

/** Unlinks `node` from whatever list holds it and appends it to `list`. */
export function listMove(i32: Int32Array, node: Ref, list: Ref): void {
  const prev = i32[node + GC.PREV];
  const next = i32[node + GC.NEXT];
  i32[prev + GC.NEXT] = next;
  i32[next + GC.PREV] = prev;
  listAppend(i32, node, list);
}

/** Appends all of `from` to `to`; `from` becomes empty. */
export function listMerge(i32: Int32Array, from: Ref, to: Ref): void {
  if (from === to) return;
  const head = i32[from + GC.NEXT];
  if (head !== from) {
    const tail = i32[from + GC.PREV];
    const toTail = i32[to + GC.PREV];
    i32[toTail + GC.NEXT] = head;
    i32[head + GC.PREV] = toTail;
    i32[tail + GC.NEXT] = to;
    i32[to + GC.PREV] = tail;
  }
  listInit(i32, from);
}

export function listSize(i32: Int32Array, list: Ref): number {
  let n = 0;
  for (let gc = i32[list + GC.NEXT]; gc !== list; gc = i32[gc + GC.NEXT]) n++;
  return n;
}
