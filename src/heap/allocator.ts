/**
 * The allocator the simulated interpreter calls (`PyObject_Malloc`/`PyMem_Malloc`, which are the
 * same pymalloc in the default build): dispatch between pymalloc and the raw allocator, the
 * realloc-in-place rule, and tracemalloc's view of memory (requested bytes, current and peak).
 *
 * Frees are sized (the caller passes the requested size), which is how the simulation keeps
 * tracemalloc's books without a per-block trace table.
 */
import { AddressSpace } from './address-space.js';
import { ARENA_SIZE, ChunkKind, HeapMemory, Hot, type Ref, SMALL_REQUEST_THRESHOLD, Stat, moveWords } from './layout.js';
import { Pymalloc, type PymallocOptions } from './obmalloc.js';
import { RawAllocator } from './raw.js';
import { HeapStats, PUBLISH_EVERY } from './stats.js';

export class Allocator {
  readonly space: AddressSpace;
  readonly pymalloc: Pymalloc;
  readonly raw: RawAllocator;
  private readonly i32: Int32Array;
  private readonly stats: Float64Array;
  private publishCountdown = PUBLISH_EVERY;
  /**
   * tracemalloc's traces while tracing: one bit per 16-byte unit of the data region, set for a block
   * allocated since `startTracing` (every block starts on a 16-byte boundary). Null before tracing.
   */
  private traced: Uint8Array | null = null;
  private readonly dataWord: number;

  constructor(
    mem: HeapMemory,
    readonly heapStats: HeapStats,
    options: PymallocOptions,
  ) {
    this.i32 = mem.i32;
    this.stats = heapStats.values;
    this.dataWord = mem.regions.dataByte >> 2;
    this.space = new AddressSpace(mem);
    this.pymalloc = new Pymalloc(mem, this.stats, this.space, options);
    this.raw = new RawAllocator(mem.i32, this.stats, this.space);
  }

  /** `PyObject_Malloc(nbytes)`: returns a word index. */
  malloc(nbytes: number): Ref {
    if (nbytes > 0 && nbytes <= Hot.SMALL_REQUEST_THRESHOLD) return this.mallocSmall(nbytes);
    const block = this.rawAlloc(nbytes);
    this.countMalloc(block, nbytes);
    return block;
  }

  /** `PyMem_RawMalloc(nbytes)`: the raw allocator whatever the size, traced like any other block. */
  rawMalloc(nbytes: number): Ref {
    const block = this.rawAlloc(nbytes);
    this.countMalloc(block, nbytes);
    return block;
  }

  /** `PyMem_RawFree` of a block from `rawMalloc`. */
  rawFree(block: Ref, nbytes: number): void {
    this.raw.free(block, nbytes);
    this.stats[Stat.RequestedCurrent] -= nbytes;
    this.untrace(block, nbytes);
  }

  /** `malloc` of 1..512 bytes, which the caller has checked: a pymalloc block (the object fast path). */
  mallocSmall(nbytes: number): Ref {
    const block = this.pymalloc.alloc(nbytes);
    this.countMalloc(block, nbytes);
    return block;
  }

  /** tracemalloc's books of one malloc, and the periodic publish. */
  private countMalloc(block: Ref, nbytes: number): void {
    const stats = this.stats;
    const current = (stats[Stat.RequestedCurrent] += nbytes);
    if (current > stats[Stat.RequestedPeak]) stats[Stat.RequestedPeak] = current;
    if (this.traced !== null) this.trace(block, nbytes);
    if (--this.publishCountdown === 0) this.publish();
  }

  // ---- tracemalloc's traces --------------------------------------------------------------------------

  /** `tracemalloc.start()`: from now on only blocks allocated count towards the traced bytes. */
  startTracing(): void {
    const units = (this.space.maxChunks * ARENA_SIZE) / 16;
    if (this.traced === null) this.traced = new Uint8Array(Math.ceil(units / 8));
    else this.traced.fill(0);
    this.stats[Stat.TracedCurrent] = 0;
    this.stats[Stat.TracedPeak] = 0;
  }

  /** `tracemalloc.reset_peak()`. */
  resetTracedPeak(): void {
    this.stats[Stat.TracedPeak] = this.stats[Stat.TracedCurrent];
  }

  private trace(block: Ref, nbytes: number): void {
    const unit = (block - this.dataWord) >> 2;
    this.traced![unit >> 3] |= 1 << (unit & 7);
    const stats = this.stats;
    const current = (stats[Stat.TracedCurrent] += nbytes);
    if (current > stats[Stat.TracedPeak]) stats[Stat.TracedPeak] = current;
  }

  /** A block is freed: its trace goes, if it has one (a block from before tracing has none). */
  untrace(block: Ref, nbytes: number): void {
    const traced = this.traced;
    if (traced === null) return;
    const unit = (block - this.dataWord) >> 2;
    const bit = 1 << (unit & 7);
    if ((traced[unit >> 3] & bit) === 0) return;
    traced[unit >> 3] &= ~bit;
    this.stats[Stat.TracedCurrent] -= nbytes;
  }

  private rawAlloc(nbytes: number): Ref {
    if (nbytes < 0 || !Number.isFinite(nbytes)) throw new RangeError(`invalid allocation size ${nbytes}`);
    return this.raw.alloc(nbytes);
  }

  /** `PyObject_Free(block)` of a block requested with `nbytes`. */
  free(block: Ref, nbytes: number): void {
    if (nbytes > 0 && nbytes <= SMALL_REQUEST_THRESHOLD && this.space.kindAt(block) === ChunkKind.Arena) {
      this.pymalloc.free(block);
    } else {
      this.raw.free(block, nbytes);
    }
    this.stats[Stat.RequestedCurrent] -= nbytes;
    this.untrace(block, nbytes);
    if (--this.publishCountdown === 0) this.publish();
  }

  /**
   * Frees a block that was never resized: an object, or a 3.11/3.12 instance's values block. Such
   * a block of at most 512 bytes came from pymalloc, so the chunk map need not be consulted.
   */
  freeNeverResized(block: Ref, nbytes: number): void {
    if (nbytes <= Hot.SMALL_REQUEST_THRESHOLD) {
      this.pymalloc.free(block);
      this.stats[Stat.RequestedCurrent] -= nbytes;
      this.untrace(block, nbytes);
    } else {
      this.free(block, nbytes);
    }
  }

  /**
   * `PyObject_Realloc`: a pymalloc block stays in place when the new size fits its block and is
   * more than 3/4 of it; otherwise malloc + copy + free. A raw block stays raw (`PyMem_RawRealloc`).
   * tracemalloc sees only the old size leave and the new one arrive, never both at once.
   */
  realloc(block: Ref, oldBytes: number, newBytes: number): Ref {
    if (block === 0) return this.malloc(newBytes);
    let moved = block;
    if (oldBytes > 0 && oldBytes <= SMALL_REQUEST_THRESHOLD && this.space.kindAt(block) === ChunkKind.Arena) {
      const blockSize = this.pymalloc.blockSizeAt(block);
      if (newBytes > blockSize || 4 * newBytes <= 3 * blockSize) {
        moved = newBytes > 0 && newBytes <= SMALL_REQUEST_THRESHOLD ? this.pymalloc.alloc(newBytes) : this.rawAlloc(newBytes);
        this.copy(moved, block, Math.min(oldBytes, newBytes));
        this.pymalloc.free(block);
      }
    } else if (!this.raw.fitsInPlace(oldBytes, newBytes)) {
      moved = this.rawAlloc(newBytes);
      this.copy(moved, block, Math.min(oldBytes, newBytes));
      this.raw.free(block, oldBytes);
    } else {
      // Same raw class: in place; the held bytes are per class, so only the requested bytes change.
      this.stats[Stat.RawRequested] += newBytes - oldBytes;
    }
    const stats = this.stats;
    const current = (stats[Stat.RequestedCurrent] += newBytes - oldBytes);
    if (current > stats[Stat.RequestedPeak]) stats[Stat.RequestedPeak] = current;
    if (this.traced !== null) {
      // tracemalloc_realloc: the old trace goes (if there was one) and the block is traced anew
      // with its whole new size, even one allocated before tracing.
      this.untrace(block, oldBytes);
      this.trace(moved, newBytes);
    }
    if (--this.publishCountdown === 0) this.publish();
    return moved;
  }

  private copy(to: Ref, from: Ref, nbytes: number): void {
    const words = (nbytes + 3) >> 2;
    moveWords(this.i32, to, from, from + words);
  }

  /** Publishes the counters for other threads and restarts the countdown. */
  publish(): void {
    this.publishCountdown = PUBLISH_EVERY;
    this.heapStats.publish();
  }
}
