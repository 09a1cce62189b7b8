/**
 * The simulated process's address space: `mmap`/`munmap` of whole 1 MiB chunks of the data region.
 * Arenas take one chunk each; the raw allocator takes chunks for its small blocks and runs of chunks
 * for large ones. The chunk map records what each chunk holds, which is how `free` tells a pymalloc
 * block from a raw one (CPython's radix tree, `address_in_range`).
 */
import { HeapExhausted } from './errors.js';
import { ARENA_SIZE, BYTES_PER_WORD, ChunkKind, HeapMemory, type Ref } from './layout.js';

export const CHUNK_WORDS = ARENA_SIZE / BYTES_PER_WORD;

export class AddressSpace {
  private readonly map: Uint8Array;
  /**
   * Chunks unmapped since they were last zeroed. A mapping gets zeroed memory, as from mmap; the
   * zeroing happens when a chunk is mapped again rather than when it is unmapped, so freeing an
   * arena costs what munmap costs and not a 1 MiB memset (the kernel, too, zeroes a page only
   * when it is next used).
   */
  private readonly dirty: Uint8Array;
  private readonly dataWord: number;
  readonly maxChunks: number;
  /** Lowest chunk index that may be free. */
  private searchFrom = 0;
  chunksInUse = 0;

  constructor(private readonly mem: HeapMemory) {
    this.maxChunks = mem.regions.maxChunks;
    this.map = new Uint8Array(mem.sab, mem.regions.chunkMapByte, this.maxChunks);
    this.dirty = new Uint8Array(this.maxChunks);
    this.dataWord = mem.regions.dataByte / BYTES_PER_WORD;
  }

  /** Maps `count` contiguous chunks and returns the word index of the first. */
  map_(count: number, kind: ChunkKind, requestedBytes: number): Ref {
    const map = this.map;
    let runStart = this.searchFrom;
    for (let i = this.searchFrom; i < this.maxChunks; i++) {
      if (map[i] !== ChunkKind.Free) {
        runStart = i + 1;
        continue;
      }
      if (i - runStart + 1 === count) {
        for (let j = runStart; j <= i; j++) {
          map[j] = kind;
          if (this.dirty[j] !== 0) this.zero(j);
        }
        if (runStart === this.searchFrom) this.searchFrom = i + 1;
        this.chunksInUse += count;
        return this.dataWord + runStart * CHUNK_WORDS;
      }
    }
    throw new HeapExhausted(this.mem.regions.heapBytes, requestedBytes);
  }

  /** Unmaps `count` chunks starting at `word` (zeroed when next mapped). */
  unmap(word: Ref, count: number): void {
    const first = (word - this.dataWord) / CHUNK_WORDS;
    for (let j = first; j < first + count; j++) {
      this.map[j] = ChunkKind.Free;
      this.dirty[j] = 1;
    }
    if (first < this.searchFrom) this.searchFrom = first;
    this.chunksInUse -= count;
  }

  private zero(chunk: number): void {
    const word = this.dataWord + chunk * CHUNK_WORDS;
    this.mem.i32.fill(0, word, word + CHUNK_WORDS);
    this.dirty[chunk] = 0;
  }

  /** What the chunk containing `word` holds. */
  kindAt(word: Ref): ChunkKind {
    return this.map[((word - this.dataWord) / CHUNK_WORDS) | 0] as ChunkKind;
  }

  /** Word index of the chunk containing `word`. */
  chunkStart(word: Ref): Ref {
    return this.dataWord + (((word - this.dataWord) / CHUNK_WORDS) | 0) * CHUNK_WORDS;
  }
}
