/**
 * How much the results store writes for what it keeps: `gclab run W --repeat N --no-timing` as a
 * child process, with the kernel's write counters of the process (/proc/self/io: `wchar`, every
 * byte handed to write(2) by any thread, and `write_bytes`, what reached the storage layer)
 * read before and after, beside the final results file's size. Before schema 2 the store
 * rewrote the whole file after every task (1.19 GB written for a 2.3 MB file at N = 1000); an
 * append-only file should write little more than its own size (the goal is under 3x).
 *
 *   npm run bench:store-writes [-- --repeat 1000 --workload slots-vs-dict --param n=2000]
 *
 * Exit status 1 when the written bytes reach 3x the file's size.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

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

function parseIo(text: string): IoCounters {
  const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)![1]);
  return { wchar: field('wchar'), writeBytes: field('write_bytes') };
}

const dir = mkdtempSync(join(tmpdir(), 'gclab-store-writes-'));
// The command runs as its own process (a bench does not import the CLI), preloaded with a hook
// that copies its /proc/self/io as the process starts and as it exits into two files.
const hook = join(dir, 'io-hook.mjs');
const ioStart = join(dir, 'io-start.txt');
const ioEnd = join(dir, 'io-end.txt');
writeFileSync(
  hook,
  `import { readFileSync, writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(ioStart)}, readFileSync('/proc/self/io', 'utf8'));
process.on('exit', () => writeFileSync(${JSON.stringify(ioEnd)}, readFileSync('/proc/self/io', 'utf8')));
`,
);
const gclab = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../bin/gclab.js' : '../../bin/gclab.js', import.meta.url));
const resultsDir = join(dir, 'results');
const args = ['run', values.workload, '--param', values.param, '--repeat', values.repeat, '--workers', values.workers, '--no-timing', '--results-dir', resultsDir];
// The command's own stdout (its per-repetition details) goes to a pipe and is dropped, so the
// counters see the store's writes and the progress lines on stderr (a few dozen bytes per task).
const t0 = performance.now();
const child = spawnSync(process.execPath, ['--import', hook, gclab, ...args], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
const wallS = (performance.now() - t0) / 1000;
const before = parseIo(readFileSync(ioStart, 'utf8'));
const after = parseIo(readFileSync(ioEnd, 'utf8'));

const files = readdirSync(resultsDir).filter((f) => f.endsWith('.msgpack'));
if (files.length !== 1) throw new Error(`expected one results file in ${resultsDir}, found ${files.length}`);
const fileBytes = statSync(join(resultsDir, files[0])).size;
const wchar = after.wchar - before.wchar;
const writeBytes = after.writeBytes - before.writeBytes;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MiB`;
console.log(`gclab ${args.slice(0, -2).join(' ')} (exit ${child.status}, ${wallS.toFixed(1)} s)`);
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
