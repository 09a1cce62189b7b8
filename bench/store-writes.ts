/**
 * How much the results store writes for what it keeps: `gclab run W --repeat N --no-timing` in
 * this process, with the kernel's write counters of the process (/proc/self/io: `wchar`, every
 * byte handed to write(2) by any thread, and `write_bytes`, what reached the storage layer)
 * read before and after, beside the final results file's size. Before schema 2 the store
 * rewrote the whole file after every task (1.19 GB written for a 2.3 MB file at N = 1000); an
 * append-only file should write little more than its own size (the goal is under 3x).
 *
 *   npm run bench:store-writes [-- --repeat 1000 --workload slots-vs-dict --param n=2000]
 *
 * Exit status 1 when the written bytes reach 3x the file's size.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildProgram } from '../src/cli/main.js';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '1000' },
    workload: { type: 'string', default: 'slots-vs-dict' },
    param: { type: 'string', default: 'n=2000' },
    workers: { type: 'string', default: '2' },
  },
});

interface IoCounters {
  readonly wchar: number;
  readonly writeBytes: number;
}

function ioCounters(): IoCounters {
  const text = readFileSync('/proc/self/io', 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)![1]);
  return { wchar: field('wchar'), writeBytes: field('write_bytes') };
}

const dir = mkdtempSync(join(tmpdir(), 'gclab-store-writes-'));
const argv = ['node', 'gclab', 'run', values.workload, '--param', values.param, '--repeat', values.repeat, '--workers', values.workers, '--no-timing', '--results-dir', dir];
// The command's own stdout (its per-repetition details) is dropped, so the counters see the
// store's writes and the progress lines on stderr (a few dozen bytes per task), nothing else.
const program = buildProgram(() => {});
const before = ioCounters();
const t0 = performance.now();
await program.parseAsync(argv);
const wallS = (performance.now() - t0) / 1000;
const after = ioCounters();

const files = readdirSync(dir).filter((f) => f.endsWith('.msgpack'));
if (files.length !== 1) throw new Error(`expected one results file in ${dir}, found ${files.length}`);
const fileBytes = statSync(join(dir, files[0])).size;
const wchar = after.wchar - before.wchar;
const writeBytes = after.writeBytes - before.writeBytes;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MiB`;
console.log(`gclab ${argv.slice(2, -2).join(' ')} (exit ${process.exitCode ?? 0}, ${wallS.toFixed(1)} s)`);
console.log(`results file     ${mib(fileBytes)} (${fileBytes} B)`);
console.log(`written (wchar)  ${mib(wchar)} (${wchar} B) = ${(wchar / fileBytes).toFixed(2)}x the file`);
console.log(`to storage       ${mib(writeBytes)} (${writeBytes} B, write_bytes; 0 on tmpfs)`);
rmSync(dir, { recursive: true, force: true });
const limit = 3;
if (wchar >= limit * fileBytes) {
  console.log(`FAIL: ${limit}x the file's size or more was written`);
  process.exitCode = 1;
} else {
  console.log(`ok: under ${limit}x the file's size`);
  process.exitCode = 0;
}
