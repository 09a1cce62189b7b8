/**
 * pymalloc, rule by rule (fact sheet §1): 32 size classes of 16 bytes up to 512, 16 KiB pools with
 * a 48-byte header, 1 MiB arenas. The pool headers and the free-block links live in the simulated
 * memory itself; the arena descriptors, the usedpools sentinels and `nfp2lasta` live in the SAB
 * header. The algorithm follows CPython's `pymalloc_alloc`, `allocate_from_new_pool`,
 * `pymalloc_free` and `insert_to_freepool` (identical in 3.11–3.14 apart from where state is kept).
 */
import { AddressSpace } from './address-space.js';
import {
  ARENA,
  ARENA_SIZE,
  ARENA_DESC_WORDS,
  BYTES_PER_WORD,
  ChunkKind,
  DUMMY_SIZE_IDX,
  HEADER_LAYOUT,
  HeapMemory,
  Hot,
  MAX_POOLS_IN_ARENA,
  NB_SMALL_SIZE_CLASSES,
  NO_ARENA,
  POOL,
  POOL_OVERHEAD,
  POOL_SIZE,
  POOL_WORDS,
  type Ref,
  Stat,
  USEDPOOL_SENTINEL_WORDS,
  blockSizeOf,
  blocksPerPool,
} from './layout.js';

export interface PymallocOptions {
  /**
   * Whether arenas start on a pool boundary. `mmap` only guarantees 4 KiB alignment, so CPython
   * usually loses one pool per arena (63 usable); "aligned" models the lucky case (64).
   */
  readonly alignedArenas: boolean;
}

/** Per size class occupancy, as `sys._debugmallocstats()` prints it. */
export interface SizeClassUsage {
  readonly sizeClass: number;
  readonly blockSize: number;
  readonly pools: number;
  readonly blocksInUse: number;
  readonly blocksAvailable: number;
}

export interface PymallocUsage {
  readonly classes: SizeClassUsage[];
  readonly arenasInUse: number;
  readonly arenasAllocatedTotal: number;
  readonly arenasReclaimedTotal: number;
  readonly arenasHighwater: number;
  readonly poolsInUse: number;
  readonly unusedPools: number;
  readonly bytesInAllocatedBlocks: number;
  readonly bytesInAvailableBlocks: number;
  readonly bytesLostToPoolHeaders: number;
  readonly bytesLostToQuantization: number;
  readonly bytesLostToArenaAlignment: number;
  readonly bytesInArenas: number;
}

export class Pymalloc {
  private readonly i32: Int32Array;
  private readonly stats: Float64Array;
  private readonly arenaTable: number;
  private readonly nfp2lasta: number;
  private readonly usedpoolsBase: number;
  private readonly poolsPerArena: number;
  /** Head of the `usable_arenas` list (arena index) and of `unused_arena_objects`. */
  private usableArenas = NO_ARENA;
  private unusedArenaObjects = NO_ARENA;
  private arenaObjectsInitialised = 0;

  constructor(
    mem: HeapMemory,
    stats: Float64Array,
    private readonly space: AddressSpace,
    private readonly options: PymallocOptions,
  ) {
    this.i32 = mem.i32;
    this.stats = stats;
    this.arenaTable = mem.regions.arenaTableWord;
    this.nfp2lasta = HEADER_LAYOUT.nfp2lasta;
    this.usedpoolsBase = HEADER_LAYOUT.usedpools;
    this.poolsPerArena = options.alignedArenas ? MAX_POOLS_IN_ARENA : MAX_POOLS_IN_ARENA - 1;
    for (let i = 0; i <= MAX_POOLS_IN_ARENA; i++) this.i32[this.nfp2lasta + i] = NO_ARENA;
    for (let idx = 0; idx < NB_SMALL_SIZE_CLASSES; idx++) {
      const s = this.usedpool(idx);
      this.i32[s + POOL.NEXTPOOL] = s;
      this.i32[s + POOL.PREVPOOL] = s;
    }
  }

  /** The sentinel pool header of `usedpools[idx]`: an empty list points at itself. */
  usedpool(idx: number): Ref {
    return this.usedpoolsBase + idx * USEDPOOL_SENTINEL_WORDS;
  }

  /** Allocates a block for a request of 1..512 bytes; returns its word index. */
  alloc(nbytes: number): Ref {
    const i32 = this.i32;
    const idx = (nbytes - 1) >> 4;
    const sentinel = this.usedpoolsBase + idx * Hot.USEDPOOL_SENTINEL_WORDS;
    const pool = i32[sentinel + POOL.NEXTPOOL];
    let bp: Ref;
    if (pool !== sentinel) {
      i32[pool + POOL.COUNT]++;
      bp = i32[pool + POOL.FREEBLOCK];
      const next = i32[bp];
      i32[pool + POOL.FREEBLOCK] = next;
      if (next === 0) this.extendPool(pool, idx);
    } else {
      bp = this.allocateFromNewPool(idx);
    }
    this.stats[Stat.BlocksInUse]++;
    return bp;
  }

  /** The pool's free list ran out: carve one more never-used block, or unlink the now-full pool. */
  private extendPool(pool: Ref, idx: number): void {
    const i32 = this.i32;
    const nextoffset = i32[pool + POOL.NEXTOFFSET];
    if (nextoffset <= i32[pool + POOL.MAXNEXTOFFSET]) {
      const block = pool + nextoffset / BYTES_PER_WORD;
      i32[pool + POOL.FREEBLOCK] = block;
      i32[pool + POOL.NEXTOFFSET] = nextoffset + blockSizeOf(idx);
      i32[block] = 0;
      return;
    }
    const next = i32[pool + POOL.NEXTPOOL];
    const prev = i32[pool + POOL.PREVPOOL];
    i32[next + POOL.PREVPOOL] = prev;
    i32[prev + POOL.NEXTPOOL] = next;
  }

  private arena(index: number): number {
    return this.arenaTable + index * ARENA_DESC_WORDS;
  }

  private allocateFromNewPool(idx: number): Ref {
    const i32 = this.i32;
    const nfp2lasta = this.nfp2lasta;
    if (this.usableArenas === NO_ARENA) {
      const a = this.newArena();
      this.usableArenas = a;
      const d = this.arena(a);
      i32[d + ARENA.NEXTARENA] = NO_ARENA;
      i32[d + ARENA.PREVARENA] = NO_ARENA;
      i32[nfp2lasta + i32[d + ARENA.NFREEPOOLS]] = a;
    }
    const a = this.usableArenas;
    const d = this.arena(a);
    const nfree = i32[d + ARENA.NFREEPOOLS];
    // The head arena already has the fewest free pools; taking one keeps the order, but the
    // search fingers must follow, and a wholly allocated arena leaves the list.
    if (i32[nfp2lasta + nfree] === a) i32[nfp2lasta + nfree] = NO_ARENA;
    if (nfree > 1) i32[nfp2lasta + nfree - 1] = a;

    let pool = i32[d + ARENA.FREEPOOLS];
    if (pool !== 0) {
      i32[d + ARENA.FREEPOOLS] = i32[pool + POOL.NEXTPOOL];
    } else {
      pool = i32[d + ARENA.POOL_ADDRESS];
      i32[pool + POOL.ARENAINDEX] = a;
      i32[pool + POOL.SZIDX] = DUMMY_SIZE_IDX;
      i32[d + ARENA.POOL_ADDRESS] = pool + POOL_WORDS;
    }
    i32[d + ARENA.NFREEPOOLS] = nfree - 1;
    if (nfree - 1 === 0) {
      const next = i32[d + ARENA.NEXTARENA];
      this.usableArenas = next;
      if (next !== NO_ARENA) i32[this.arena(next) + ARENA.PREVARENA] = NO_ARENA;
    }
    const stats = this.stats;
    const pools = ++stats[Stat.PoolsInUse];
    if (pools > stats[Stat.PoolsPeak]) stats[Stat.PoolsPeak] = pools;

    // Front-link to usedpools[idx] (which is empty, or we would not be here).
    const sentinel = this.usedpool(idx);
    i32[pool + POOL.NEXTPOOL] = sentinel;
    i32[pool + POOL.PREVPOOL] = sentinel;
    i32[sentinel + POOL.NEXTPOOL] = pool;
    i32[sentinel + POOL.PREVPOOL] = pool;
    i32[pool + POOL.COUNT] = 1;
    if (i32[pool + POOL.SZIDX] === idx) {
      // The pool last held this size class: its free list is still good.
      const bp = i32[pool + POOL.FREEBLOCK];
      i32[pool + POOL.FREEBLOCK] = i32[bp];
      if (i32[bp] === 0) this.extendPool(pool, idx);
      return bp;
    }
    const size = blockSizeOf(idx);
    i32[pool + POOL.SZIDX] = idx;
    const bp = pool + POOL_OVERHEAD / BYTES_PER_WORD;
    i32[pool + POOL.NEXTOFFSET] = POOL_OVERHEAD + 2 * size;
    i32[pool + POOL.MAXNEXTOFFSET] = POOL_SIZE - size;
    const second = bp + size / BYTES_PER_WORD;
    i32[pool + POOL.FREEBLOCK] = second;
    i32[second] = 0;
    return bp;
  }

  private newArena(): number {
    const i32 = this.i32;
    if (this.unusedArenaObjects === NO_ARENA) {
      // CPython doubles its descriptor array; the simulation's is preallocated, so hand out the next one.
      if (this.arenaObjectsInitialised >= this.space.maxChunks) {
        this.space.map_(1, ChunkKind.Arena, ARENA_SIZE); // throws HeapExhausted with the right message
      }
      const a = this.arenaObjectsInitialised++;
      i32[this.arena(a) + ARENA.NEXTARENA] = NO_ARENA;
      this.unusedArenaObjects = a;
    }
    const a = this.unusedArenaObjects;
    const d = this.arena(a);
    const base = this.space.map_(1, ChunkKind.Arena, ARENA_SIZE);
    this.unusedArenaObjects = i32[d + ARENA.NEXTARENA];
    i32[d + ARENA.ADDRESS] = base;
    i32[d + ARENA.FREEPOOLS] = 0;
    // An unaligned mmap base loses the partial pool at the start (and the rest of the last one).
    i32[d + ARENA.POOL_ADDRESS] = this.options.alignedArenas ? base : base + POOL_WORDS;
    i32[d + ARENA.NFREEPOOLS] = this.poolsPerArena;
    i32[d + ARENA.NTOTALPOOLS] = this.poolsPerArena;
    const stats = this.stats;
    const arenas = ++stats[Stat.ArenasInUse];
    stats[Stat.ArenasAllocatedTotal]++;
    if (arenas > stats[Stat.ArenasPeak]) stats[Stat.ArenasPeak] = arenas;
    return a;
  }

  /** Frees a pymalloc block (the caller knows it lies in an arena). */
  free(bp: Ref): void {
    const i32 = this.i32;
    const pool = bp & ~(Hot.POOL_WORDS - 1);
    const lastfree = i32[pool + POOL.FREEBLOCK];
    i32[bp] = lastfree;
    i32[pool + POOL.FREEBLOCK] = bp;
    const count = --i32[pool + POOL.COUNT];
    this.stats[Stat.BlocksInUse]--;
    if (lastfree === 0) {
      // The pool was full: it goes back to the front of usedpools (a pool holds at least 31 blocks,
      // so it cannot also be empty now).
      this.insertToUsedpool(pool);
      return;
    }
    if (count === 0) this.insertToFreepool(pool);
  }

  private insertToUsedpool(pool: Ref): void {
    const i32 = this.i32;
    const sentinel = this.usedpool(i32[pool + POOL.SZIDX]);
    const next = i32[sentinel + POOL.NEXTPOOL];
    i32[pool + POOL.NEXTPOOL] = next;
    i32[pool + POOL.PREVPOOL] = sentinel;
    i32[next + POOL.PREVPOOL] = pool;
    i32[sentinel + POOL.NEXTPOOL] = pool;
  }

  private insertToFreepool(pool: Ref): void {
    const i32 = this.i32;
    const nfp2lasta = this.nfp2lasta;
    const a = i32[pool + POOL.ARENAINDEX];
    const d = this.arena(a);
    // Unlink from usedpools and push on the arena's free pools.
    const next = i32[pool + POOL.NEXTPOOL];
    const prev = i32[pool + POOL.PREVPOOL];
    i32[next + POOL.PREVPOOL] = prev;
    i32[prev + POOL.NEXTPOOL] = next;
    i32[pool + POOL.NEXTPOOL] = i32[d + ARENA.FREEPOOLS];
    i32[d + ARENA.FREEPOOLS] = pool;
    this.stats[Stat.PoolsInUse]--;

    let nf = i32[d + ARENA.NFREEPOOLS];
    const lastnf = i32[nfp2lasta + nf];
    if (lastnf === a) {
      // This arena was the right-most with nf free pools; the finger moves to its left neighbour.
      const p = i32[d + ARENA.PREVARENA];
      i32[nfp2lasta + nf] = p !== NO_ARENA && i32[this.arena(p) + ARENA.NFREEPOOLS] === nf ? p : NO_ARENA;
    }
    nf++;
    i32[d + ARENA.NFREEPOOLS] = nf;
    const nextArena = i32[d + ARENA.NEXTARENA];
    const prevArena = i32[d + ARENA.PREVARENA];

    // Case 1: wholly free and not the last usable arena: give the memory back (bpo-37257 keeps the last).
    if (nf === i32[d + ARENA.NTOTALPOOLS] && nextArena !== NO_ARENA) {
      if (prevArena === NO_ARENA) this.usableArenas = nextArena;
      else i32[this.arena(prevArena) + ARENA.NEXTARENA] = nextArena;
      i32[this.arena(nextArena) + ARENA.PREVARENA] = prevArena;
      i32[d + ARENA.NEXTARENA] = this.unusedArenaObjects;
      this.unusedArenaObjects = a;
      this.space.unmap(i32[d + ARENA.ADDRESS], 1);
      i32[d + ARENA.ADDRESS] = 0;
      this.stats[Stat.ArenasInUse]--;
      this.stats[Stat.ArenasReclaimedTotal]++;
      return;
    }
    // Case 2: the arena was full, so it was on no list: it now has the fewest free pools.
    if (nf === 1) {
      i32[d + ARENA.NEXTARENA] = this.usableArenas;
      i32[d + ARENA.PREVARENA] = NO_ARENA;
      if (this.usableArenas !== NO_ARENA) i32[this.arena(this.usableArenas) + ARENA.PREVARENA] = a;
      this.usableArenas = a;
      if (i32[nfp2lasta + 1] === NO_ARENA) i32[nfp2lasta + 1] = a;
      return;
    }
    if (i32[nfp2lasta + nf] === NO_ARENA) i32[nfp2lasta + nf] = a;
    // Case 4: still in order.
    if (a === lastnf) return;
    // Case 3: slide right, to just after the last arena that had nf-1 free pools.
    if (prevArena !== NO_ARENA) i32[this.arena(prevArena) + ARENA.NEXTARENA] = nextArena;
    else this.usableArenas = nextArena;
    i32[this.arena(nextArena) + ARENA.PREVARENA] = prevArena;
    const ld = this.arena(lastnf);
    const after = i32[ld + ARENA.NEXTARENA];
    i32[d + ARENA.PREVARENA] = lastnf;
    i32[d + ARENA.NEXTARENA] = after;
    if (after !== NO_ARENA) i32[this.arena(after) + ARENA.PREVARENA] = a;
    i32[ld + ARENA.NEXTARENA] = a;
  }

  /** Block size of a pymalloc block (from its pool's size class). */
  blockSizeAt(bp: Ref): number {
    return blockSizeOf(this.i32[(bp & ~(POOL_WORDS - 1)) + POOL.SZIDX]);
  }

  /** Arena indices of `usable_arenas`, head first (for tests and reports). */
  usableArenaOrder(): number[] {
    const out: number[] = [];
    for (let a = this.usableArenas; a !== NO_ARENA; a = this.i32[this.arena(a) + ARENA.NEXTARENA]) out.push(a);
    return out;
  }

  arenaFreePools(a: number): number {
    return this.i32[this.arena(a) + ARENA.NFREEPOOLS];
  }

  /** Walks every arena and pool, as `_PyObject_DebugMallocStats` does. Not a hot path. */
  usage(): PymallocUsage {
    const i32 = this.i32;
    const pools = new Array<number>(NB_SMALL_SIZE_CLASSES).fill(0);
    const inUse = new Array<number>(NB_SMALL_SIZE_CLASSES).fill(0);
    const avail = new Array<number>(NB_SMALL_SIZE_CLASSES).fill(0);
    let arenasInUse = 0;
    let unusedPools = 0;
    let alignmentLoss = 0;
    for (let a = 0; a < this.arenaObjectsInitialised; a++) {
      const d = this.arena(a);
      const base = i32[d + ARENA.ADDRESS];
      if (base === 0) continue;
      arenasInUse++;
      if (!this.options.alignedArenas) alignmentLoss += POOL_SIZE;
      unusedPools += i32[d + ARENA.NFREEPOOLS];
      const firstPool = this.options.alignedArenas ? base : base + POOL_WORDS;
      for (let pool = firstPool; pool < i32[d + ARENA.POOL_ADDRESS]; pool += POOL_WORDS) {
        const count = i32[pool + POOL.COUNT];
        if (count === 0) continue; // on the arena's free pools
        const idx = i32[pool + POOL.SZIDX];
        pools[idx]++;
        inUse[idx] += count;
        avail[idx] += blocksPerPool(idx) - count;
      }
    }
    const classes: SizeClassUsage[] = [];
    let allocatedBytes = 0;
    let availableBytes = 0;
    let quantization = 0;
    let poolsInUse = 0;
    for (let idx = 0; idx < NB_SMALL_SIZE_CLASSES; idx++) {
      const size = blockSizeOf(idx);
      classes.push({ sizeClass: idx, blockSize: size, pools: pools[idx], blocksInUse: inUse[idx], blocksAvailable: avail[idx] });
      allocatedBytes += inUse[idx] * size;
      availableBytes += avail[idx] * size;
      quantization += pools[idx] * ((POOL_SIZE - POOL_OVERHEAD) % size);
      poolsInUse += pools[idx];
    }
    const s = this.stats;
    return {
      classes,
      arenasInUse,
      arenasAllocatedTotal: s[Stat.ArenasAllocatedTotal],
      arenasReclaimedTotal: s[Stat.ArenasReclaimedTotal],
      arenasHighwater: s[Stat.ArenasPeak],
      poolsInUse,
      unusedPools,
      bytesInAllocatedBlocks: allocatedBytes,
      bytesInAvailableBlocks: availableBytes,
      bytesLostToPoolHeaders: poolsInUse * POOL_OVERHEAD,
      bytesLostToQuantization: quantization,
      bytesLostToArenaAlignment: alignmentLoss,
      bytesInArenas: arenasInUse * 1024 * 1024,
    };
  }
}
