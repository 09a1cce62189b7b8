/**
 * `list.sort()`: CPython's timsort (`Objects/listobject.c`, 3.11+: natural runs extended to
 * minrun by binary insertion, the powersort merge policy, galloping merges), written from its
 * description so that the simulated sort makes the same comparisons in the same order (a
 * program's `__lt__` runs, and allocates, exactly as often) and asks for the same merge memory:
 * the MergeState's 256-pointer temparray on the C stack, and `merge_getmem`'s PyMem block of
 * `need` pointers (twice that with a key function) whenever a merge needs more, freed before a
 * larger one and at the end. With a key function the keys live in the temparray when the list has
 * fewer than 128 items, else in a PyMem block of one pointer each.
 *
 * The sort works on JS arrays of Refs (no reference changes: items only move); the caller reads
 * the list's items out, calls `timsort`, and writes the permutation back.
 */
import type { Ref } from './layout.js';
import type { Heap } from './heap.js';

/** MERGESTATE_TEMP_SIZE: pointers in the MergeState's own array. */
export const MERGESTATE_TEMP_SIZE = 256;
const MIN_GALLOP = 7;
const POINTER = 8;

/** `x < y` as the sort asks it (PyObject_RichCompare(x, y, Py_LT), then its truth). */
export type LessThan = (x: Ref, y: Ref) => boolean;

interface Run {
  base: number;
  len: number;
  power: number;
}

/** A sort in progress: the keys (and values, with a key function) and the merge memory. */
class MergeState {
  /** Capacity of the merge area in pointers, and its PyMem block (0: the temparray). */
  private alloced: number;
  private block = 0;
  private blockBytes = 0;
  private minGallop = MIN_GALLOP;
  readonly pending: Run[] = [];
  /** The merge area (copies of a run being merged). */
  private tk: Ref[] = [];
  private tv: Ref[] = [];

  constructor(
    private readonly heap: Heap,
    private readonly k: Ref[],
    private readonly v: Ref[] | null,
    private readonly lt: LessThan,
  ) {
    // merge_init: with keys, half the list (rounded up), at most half the temparray.
    this.alloced = v !== null ? Math.min((k.length + 1) >> 1, MERGESTATE_TEMP_SIZE / 2) : MERGESTATE_TEMP_SIZE;
  }

  /** merge_getmem: a PyMem block for `need` pointers (twice with values) once the temparray is too small. */
  private getmem(need: number): void {
    if (need <= this.alloced) return;
    this.freemem();
    this.blockBytes = (this.v !== null ? 2 : 1) * need * POINTER;
    this.block = this.heap.allocator.malloc(this.blockBytes);
    this.alloced = need;
  }

  /** merge_freemem: the PyMem block goes (the temparray is not freed). */
  freemem(): void {
    if (this.block !== 0) this.heap.allocator.free(this.block, this.blockBytes);
    this.block = 0;
  }

  // ---- the pieces of the sort -------------------------------------------------------------------

  /** count_run: the length of the run at lo (lo < hi), and whether it is strictly descending. */
  countRun(lo: number, hi: number): [number, boolean] {
    const k = this.k;
    if (lo + 1 === hi) return [1, false];
    let n = 2;
    let p = lo + 1;
    if (this.lt(k[p], k[p - 1])) {
      for (p = p + 1; p < hi; ++p, ++n) if (!this.lt(k[p], k[p - 1])) break;
      return [n, true];
    }
    for (p = p + 1; p < hi; ++p, ++n) if (this.lt(k[p], k[p - 1])) break;
    return [n, false];
  }

  /** reverse_sortslice: keys and values of [lo, lo + n) reversed in place. */
  reverse(lo: number, n: number): void {
    reverseRange(this.k, lo, lo + n);
    if (this.v !== null) reverseRange(this.v, lo, lo + n);
  }

  /** binarysort: [lo, hi) sorted by inserting each of [start, hi) into the sorted [lo, start). */
  binarySort(lo: number, hi: number, start: number): void {
    const k = this.k;
    const v = this.v;
    if (lo === start) ++start;
    for (; start < hi; ++start) {
      let l = lo;
      let r = start;
      const pivot = k[r];
      do {
        const p = l + ((r - l) >> 1);
        if (this.lt(pivot, k[p])) r = p;
        else l = p + 1;
      } while (l < r);
      for (let p = start; p > l; --p) k[p] = k[p - 1];
      k[l] = pivot;
      if (v !== null) {
        const pv = v[start];
        for (let p = start; p > l; --p) v[p] = v[p - 1];
        v[l] = pv;
      }
    }
  }

  /** found_new_run: merges pending runs whose power exceeds the new run's (powersort). */
  foundNewRun(n2: number): void {
    const p = this.pending;
    if (p.length === 0) return;
    const last = p[p.length - 1];
    const power = powerloop(last.base, last.len, n2, this.k.length);
    while (p.length > 1 && p[p.length - 2].power > power) this.mergeAt(p.length - 2);
    p[p.length - 1].power = power;
  }

  /** merge_force_collapse: the remaining runs merged, the shorter neighbour first. */
  forceCollapse(): void {
    const p = this.pending;
    while (p.length > 1) {
      let n = p.length - 2;
      if (n > 0 && p[n - 1].len < p[n + 1].len) --n;
      this.mergeAt(n);
    }
  }

  /** merge_at: runs i and i + 1 merged, after trimming what is already in place at either end. */
  private mergeAt(i: number): void {
    const p = this.pending;
    let a = p[i].base;
    let na = p[i].len;
    const b = p[i + 1].base;
    let nb = p[i + 1].len;
    p[i].len = na + nb;
    p.splice(i + 1, 1);
    const k = this.k;
    const kk = gallopRight(this.lt, k[b], k, a, na, 0);
    a += kk;
    na -= kk;
    if (na === 0) return;
    nb = gallopLeft(this.lt, k[a + na - 1], k, b, nb, nb - 1);
    if (nb <= 0) return;
    if (na <= nb) this.mergeLo(a, na, b, nb);
    else this.mergeHi(a, na, b, nb);
  }

  /** merge_lo: run a (the shorter, copied to the merge area) and run b merged from the left. */
  private mergeLo(pa: number, na: number, pb: number, nb: number): void {
    this.getmem(na);
    const k = this.k;
    const v = this.v;
    const tk = this.tk;
    const tv = this.tv;
    for (let i = 0; i < na; i++) {
      tk[i] = k[pa + i];
      if (v !== null) tv[i] = v[pa + i];
    }
    let dest = pa;
    let a = 0; // index into the merge area
    let b = pb;
    const move = (to: number, fromList: boolean, from: number): void => {
      k[to] = fromList ? k[from] : tk[from];
      if (v !== null) v[to] = fromList ? v[from] : tv[from];
    };
    move(dest++, true, b++);
    --nb;
    const finish = (): void => {
      for (let i = 0; i < na; i++) move(dest + i, false, a + i);
    };
    const copyB = (): void => {
      for (let i = 0; i < nb; i++) move(dest + i, true, b + i);
      move(dest + nb, false, a);
    };
    if (nb === 0) return finish();
    if (na === 1) return copyB();
    let minGallop = this.minGallop;
    for (;;) {
      let acount = 0;
      let bcount = 0;
      for (;;) {
        if (this.lt(k[b], tk[a])) {
          move(dest++, true, b++);
          ++bcount;
          acount = 0;
          if (--nb === 0) return finish();
          if (bcount >= minGallop) break;
        } else {
          move(dest++, false, a++);
          ++acount;
          bcount = 0;
          if (--na === 1) return copyB();
          if (acount >= minGallop) break;
        }
      }
      ++minGallop;
      do {
        minGallop -= minGallop > 1 ? 1 : 0;
        this.minGallop = minGallop;
        let g = gallopRight(this.lt, k[b], tk, a, na, 0);
        acount = g;
        if (g) {
          for (let i = 0; i < g; i++) move(dest + i, false, a + i);
          dest += g;
          a += g;
          na -= g;
          if (na === 1) return copyB();
          if (na === 0) return finish();
        }
        move(dest++, true, b++);
        if (--nb === 0) return finish();
        g = gallopLeft(this.lt, tk[a], k, b, nb, 0);
        bcount = g;
        if (g) {
          for (let i = 0; i < g; i++) move(dest + i, true, b + i);
          dest += g;
          b += g;
          nb -= g;
          if (nb === 0) return finish();
        }
        move(dest++, false, a++);
        if (--na === 1) return copyB();
      } while (acount >= MIN_GALLOP || bcount >= MIN_GALLOP);
      ++minGallop;
      this.minGallop = minGallop;
    }
  }

  /** merge_hi: run b (the shorter, copied to the merge area) and run a merged from the right. */
  private mergeHi(pa: number, na: number, pb: number, nb: number): void {
    this.getmem(nb);
    const k = this.k;
    const v = this.v;
    const tk = this.tk;
    const tv = this.tv;
    for (let i = 0; i < nb; i++) {
      tk[i] = k[pb + i];
      if (v !== null) tv[i] = v[pb + i];
    }
    let dest = pb + nb - 1;
    let a = pa + na - 1; // last of a, in the list
    let b = nb - 1; // last of b, in the merge area
    const move = (to: number, fromList: boolean, from: number): void => {
      k[to] = fromList ? k[from] : tk[from];
      if (v !== null) v[to] = fromList ? v[from] : tv[from];
    };
    move(dest--, true, a--);
    --na;
    // Fail/Succeed: what is left of b goes below dest.
    const finish = (): void => {
      for (let i = 0; i < nb; i++) move(dest - (nb - 1) + i, false, i);
    };
    const copyA = (): void => {
      // The first of b belongs in front of the rest of a.
      for (let i = na - 1; i >= 0; i--) move(dest - na + 1 + i, true, a - na + 1 + i);
      dest -= na;
      move(dest, false, b);
    };
    if (na === 0) return finish();
    if (nb === 1) return copyA();
    let minGallop = this.minGallop;
    for (;;) {
      let acount = 0;
      let bcount = 0;
      for (;;) {
        if (this.lt(tk[b], k[a])) {
          move(dest--, true, a--);
          ++acount;
          bcount = 0;
          if (--na === 0) return finish();
          if (acount >= minGallop) break;
        } else {
          move(dest--, false, b--);
          ++bcount;
          acount = 0;
          if (--nb === 1) return copyA();
          if (bcount >= minGallop) break;
        }
      }
      ++minGallop;
      do {
        minGallop -= minGallop > 1 ? 1 : 0;
        this.minGallop = minGallop;
        let g = gallopRight(this.lt, tk[b], k, pa, na, na - 1);
        g = na - g;
        acount = g;
        if (g) {
          dest -= g;
          a -= g;
          for (let i = g; i >= 1; i--) move(dest + i, true, a + i);
          na -= g;
          if (na === 0) return finish();
        }
        move(dest--, false, b--);
        if (--nb === 1) return copyA();
        g = gallopLeft(this.lt, k[a], tk, 0, nb, nb - 1);
        g = nb - g;
        bcount = g;
        if (g) {
          dest -= g;
          b -= g;
          for (let i = 1; i <= g; i++) move(dest + i, false, b + i);
          nb -= g;
          if (nb === 1) return copyA();
          if (nb === 0) return finish();
        }
        move(dest--, true, a--);
        if (--na === 0) return finish();
      } while (acount >= MIN_GALLOP || bcount >= MIN_GALLOP);
      ++minGallop;
      this.minGallop = minGallop;
    }
  }
}

function reverseRange(a: Ref[], lo: number, hi: number): void {
  for (let i = lo, j = hi - 1; i < j; i++, j--) {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** merge_compute_minrun: n itself below 64, else between 32 and 64 so n / minrun is a power of two or just under. */
function computeMinrun(n: number): number {
  let r = 0;
  while (n >= 64) {
    r |= n & 1;
    n >>= 1;
  }
  return n + r;
}

/** powerloop: the node power of the boundary between runs [s1, s1 + n1) and [s1 + n1, s1 + n1 + n2) in a list of n. */
function powerloop(s1: number, n1: number, n2: number, n: number): number {
  let result = 0;
  let a = 2 * s1 + n1;
  let b = a + n1 + n2;
  for (;;) {
    ++result;
    if (a >= n) {
      a -= n;
      b -= n;
    } else if (b >= n) break;
    a *= 2;
    b *= 2;
  }
  return result;
}

/** gallop_left: k in [0, n] with arr[base + k - 1] < key <= arr[base + k], searching out from `hint`. */
function gallopLeft(lt: LessThan, key: Ref, arr: Ref[], base: number, n: number, hint: number): number {
  let lastofs = 0;
  let ofs = 1;
  const at = base + hint;
  if (lt(arr[at], key)) {
    const maxofs = n - hint;
    while (ofs < maxofs) {
      if (lt(arr[at + ofs], key)) {
        lastofs = ofs;
        ofs = (ofs << 1) + 1;
      } else break;
    }
    if (ofs > maxofs) ofs = maxofs;
    lastofs += hint;
    ofs += hint;
  } else {
    const maxofs = hint + 1;
    while (ofs < maxofs) {
      if (lt(arr[at - ofs], key)) break;
      lastofs = ofs;
      ofs = (ofs << 1) + 1;
    }
    if (ofs > maxofs) ofs = maxofs;
    const k = lastofs;
    lastofs = hint - ofs;
    ofs = hint - k;
  }
  ++lastofs;
  while (lastofs < ofs) {
    const m = lastofs + ((ofs - lastofs) >> 1);
    if (lt(arr[base + m], key)) lastofs = m + 1;
    else ofs = m;
  }
  return ofs;
}

/** gallop_right: k in [0, n] with arr[base + k - 1] <= key < arr[base + k], searching out from `hint`. */
function gallopRight(lt: LessThan, key: Ref, arr: Ref[], base: number, n: number, hint: number): number {
  let lastofs = 0;
  let ofs = 1;
  const at = base + hint;
  if (lt(key, arr[at])) {
    const maxofs = hint + 1;
    while (ofs < maxofs) {
      if (lt(key, arr[at - ofs])) {
        lastofs = ofs;
        ofs = (ofs << 1) + 1;
      } else break;
    }
    if (ofs > maxofs) ofs = maxofs;
    const k = lastofs;
    lastofs = hint - ofs;
    ofs = hint - k;
  } else {
    const maxofs = n - hint;
    while (ofs < maxofs) {
      if (lt(key, arr[at + ofs])) break;
      lastofs = ofs;
      ofs = (ofs << 1) + 1;
    }
    if (ofs > maxofs) ofs = maxofs;
    lastofs += hint;
    ofs += hint;
  }
  ++lastofs;
  while (lastofs < ofs) {
    const m = lastofs + ((ofs - lastofs) >> 1);
    if (lt(key, arr[base + m])) ofs = m;
    else lastofs = m + 1;
  }
  return ofs;
}

/**
 * Sorts `keys` (and `values` alongside, when a key function made the keys) in place, stably, as
 * list_sort_impl does after its key calls: `reverse` reverses both first and last (so equal keys
 * keep their order). Merge memory comes from and goes back to the heap's allocator; a comparison
 * that throws leaves the arrays a permutation of what they were (the merge area is copied back).
 */
export function timsort(heap: Heap, keys: Ref[], values: Ref[] | null, lt: LessThan, reverse: boolean): void {
  const n = keys.length;
  if (n < 2) return;
  const ms = new MergeState(heap, keys, values, lt);
  if (reverse) {
    reverseRange(keys, 0, n);
    if (values !== null) reverseRange(values, 0, n);
  }
  try {
    const minrun = computeMinrun(n);
    let lo = 0;
    let remaining = n;
    do {
      let [run, descending] = ms.countRun(lo, lo + remaining);
      if (descending) ms.reverse(lo, run);
      if (run < minrun) {
        const force = remaining <= minrun ? remaining : minrun;
        ms.binarySort(lo, lo + force, lo + run);
        run = force;
      }
      ms.foundNewRun(run);
      ms.pending.push({ base: lo, len: run, power: 0 });
      lo += run;
      remaining -= run;
    } while (remaining);
    ms.forceCollapse();
  } finally {
    if (reverse) {
      reverseRange(keys, 0, n);
      if (values !== null) reverseRange(values, 0, n);
    }
    ms.freemem();
  }
}
