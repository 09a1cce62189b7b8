/**
 * The raw allocator (`PyMem_RawMalloc` → the C library's malloc): what pymalloc declines, requests
 * of 0 bytes or more than 512. It is not CPython's subject, so it is modelled simply: size classes
 * four to a doubling, carved from 1 MiB chunks and reused LIFO; requests above 512 KiB get their own
 * run of chunks (glibc would `mmap` them) and give it back when freed.
 */
import { AddressSpace, CHUNK_WORDS } from './address-space.js';
import { ARENA_SIZE, BYTES_PER_WORD, ChunkKind, type Ref, Stat, roundUp } from './layout.js';

export const RAW_LARGE_THRESHOLD = 512 * 1024;
const SMALL_CLASSES = 32; // 16-byte steps up to 512 (only reached by malloc(0) and raw realloc)
const CLASS_COUNT = SMALL_CLASSES + 4 * 10;

/** The size class index of a raw request of `nbytes` (1..RAW_LARGE_THRESHOLD). */
function rawClassOf(nbytes: number): number {
  if (nbytes <= 512) return (nbytes - 1) >> 4;
  const e = 31 - Math.clz32(nbytes - 1); // 2^e < nbytes <= 2^(e+1)
  const step = 2 ** (e - 2);
  return SMALL_CLASSES + (e - 9) * 4 + (Math.ceil(nbytes / step) - 5);
}

function rawClassSize(cls: number): number {
  if (cls < SMALL_CLASSES) return (cls + 1) << 4;
  const e = ((cls - SMALL_CLASSES) >> 2) + 9;
  return (((cls - SMALL_CLASSES) & 3) + 5) * 2 ** (e - 2);
}

/** Bytes the raw allocator holds for a request of `nbytes`. */
export function rawHeldBytes(nbytes: number): number {
  const n = nbytes > 1 ? nbytes : 1;
  // The 16-byte classes first (malloc(0) and list buffers of a few items come here).
  if (n <= 512) return (((n - 1) >> 4) + 1) << 4;
  if (n > RAW_LARGE_THRESHOLD) return roundUp(n, ARENA_SIZE);
  return rawClassSize(rawClassOf(n));
}

export class RawAllocator {
  private readonly freeHeads = new Int32Array(CLASS_COUNT);
  private carveWord = 0;
  private carveEndWord = 0;

  constructor(
    private readonly i32: Int32Array,
    private readonly stats: Float64Array,
    private readonly space: AddressSpace,
  ) {}

  alloc(nbytes: number): Ref {
    const n = Math.max(nbytes, 1);
    const block = this.place(n);
    // Counted only once placed: `map_` may throw HeapExhausted, and a failed request holds nothing.
    this.stats[Stat.RawBlocks]++;
    this.stats[Stat.RawRequested] += nbytes;
    this.stats[Stat.RawHeld] += rawHeldBytes(n);
    return block;
  }

  private place(n: number): Ref {
    if (n > RAW_LARGE_THRESHOLD) {
      return this.space.map_(Math.ceil(n / ARENA_SIZE), ChunkKind.RawLarge, n);
    }
    const cls = rawClassOf(n);
    const head = this.freeHeads[cls];
    if (head !== 0) {
      this.freeHeads[cls] = this.i32[head];
      return head;
    }
    const words = rawClassSize(cls) / BYTES_PER_WORD;
    if (this.carveWord + words > this.carveEndWord) {
      this.carveWord = this.space.map_(1, ChunkKind.RawSmall, n);
      this.carveEndWord = this.carveWord + CHUNK_WORDS;
    }
    const block = this.carveWord;
    this.carveWord += words;
    return block;
  }

  free(block: Ref, nbytes: number): void {
    const n = Math.max(nbytes, 1);
    this.stats[Stat.RawBlocks]--;
    this.stats[Stat.RawRequested] -= nbytes;
    this.stats[Stat.RawHeld] -= rawHeldBytes(n);
    if (n > RAW_LARGE_THRESHOLD) {
      this.space.unmap(block, Math.ceil(n / ARENA_SIZE));
      return;
    }
    const cls = rawClassOf(n);
    this.i32[block] = this.freeHeads[cls];
    this.freeHeads[cls] = block;
  }

  /** Whether a block held for `oldBytes` can keep `newBytes` in place. */
  fitsInPlace(oldBytes: number, newBytes: number): boolean {
    return rawHeldBytes(oldBytes) === rawHeldBytes(newBytes);
  }
}
