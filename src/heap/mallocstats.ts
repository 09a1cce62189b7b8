/**
 * A `sys._debugmallocstats()`-like report of what pymalloc holds: per size class pools, blocks in
 * use and available, then arena and overhead totals, in CPython's layout and wording.
 */
import type { PymallocUsage } from './obmalloc.js';

const num = (n: number): string => n.toLocaleString('en-US');
const line = (label: string, value: number): string => `${label.padEnd(35)}= ${num(value).padStart(15)}`;

export function formatMallocStats(u: PymallocUsage, raw: { blocks: number; held: number }): string {
  const out: string[] = [];
  out.push('Small block threshold = 512, in 32 size classes.', '');
  out.push('class   size   num pools   blocks in use  avail blocks');
  out.push('-----   ----   ---------   -------------  ------------');
  for (const c of u.classes) {
    if (c.pools === 0) continue;
    out.push(
      `${String(c.sizeClass).padStart(5)}  ${String(c.blockSize).padStart(5)}  ${String(c.pools).padStart(10)}  ${String(c.blocksInUse).padStart(14)}  ${String(c.blocksAvailable).padStart(12)}`,
    );
  }
  out.push('');
  out.push(line('# arenas allocated total', u.arenasAllocatedTotal));
  out.push(line('# arenas reclaimed', u.arenasReclaimedTotal));
  out.push(line('# arenas highwater mark', u.arenasHighwater));
  out.push(line('# arenas allocated current', u.arenasInUse));
  out.push(`${num(u.arenasInUse)} arenas * 1048576 bytes/arena`.padEnd(35) + `= ${num(u.bytesInArenas).padStart(15)}`);
  out.push('');
  out.push(line('# bytes in allocated blocks', u.bytesInAllocatedBlocks));
  out.push(line('# bytes in available blocks', u.bytesInAvailableBlocks));
  out.push(line(`${num(u.unusedPools)} unused pools * 16384 bytes`, u.unusedPools * 16384));
  out.push(line('# bytes lost to pool headers', u.bytesLostToPoolHeaders));
  out.push(line('# bytes lost to quantization', u.bytesLostToQuantization));
  out.push(line('# bytes lost to arena alignment', u.bytesLostToArenaAlignment));
  out.push(line('Total', u.bytesInArenas));
  out.push('');
  out.push(line('# raw blocks (malloc) in use', raw.blocks));
  out.push(line('# raw bytes held', raw.held));
  return out.join('\n');
}
