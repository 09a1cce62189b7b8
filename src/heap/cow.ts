/**
 * Copy-on-write accounting for `gc.freeze()`-before-`fork()` studies: after a fork point, the
 * distinct 4 KiB pages of the simulated address space written for the first time. The heap reports
 * the writes a forked child would make to shared pages: refcount updates, GC header writes
 * (tracking and collections) and allocations. Immortal objects (3.12+) are never written.
 */
import { BYTES_PER_WORD, type Ref, Stat, SYSTEM_PAGE_SIZE } from './layout.js';

const WORDS_PER_PAGE_SHIFT = Math.log2(SYSTEM_PAGE_SIZE / BYTES_PER_WORD); // 10

export class CopyOnWrite {
  private readonly written: Uint8Array;

  constructor(
    sabBytes: number,
    private readonly counters: Float64Array,
  ) {
    this.written = new Uint8Array(Math.ceil(sabBytes / SYSTEM_PAGE_SIZE));
  }

  /** The fork point: every page is shared again. */
  reset(): void {
    this.written.fill(0);
    this.counters[Stat.CowPagesWritten] = 0;
  }

  /** A write to the page holding word `word`. */
  touch(word: Ref): void {
    const page = word >>> WORDS_PER_PAGE_SHIFT;
    if (this.written[page] === 0) {
      this.written[page] = 1;
      this.counters[Stat.CowPagesWritten]++;
    }
  }

  get pagesWritten(): number {
    return this.counters[Stat.CowPagesWritten];
  }
}
