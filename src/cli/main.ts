/**
 * The gclab command line. Every command validates its options up front; bad input is one line on
 * stderr and exit status 2, a failure at run time one line and status 1, never a stack trace
 * (set GCLAB_DEBUG=1 to see one).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { HeapExhausted } from '../heap/errors.js';
import { sizesCommand } from './commands/sizes.js';
import { listCommand } from './commands/list.js';
import { runCommand, type RunOptions } from './commands/run.js';
import { benchCommand, type BenchOptions } from './commands/bench.js';
import { resultsExportCommand, resultsListCommand, resultsShowCommand } from './commands/results.js';
import { calibrateCommand, type CalibrateOptions } from './commands/calibrate.js';
import { addLabOptions } from './commands/lab-options.js';
import { DEFAULT_TIP_PROFILES, tipsCommand, type TipsOptions } from './commands/tips.js';
import { DEFAULT_TIMING } from '../lab/options.js';
import { DEFAULT_RESULTS_DIR } from '../lab/store.js';
import { UsageError } from './errors.js';
import { LAB_VERSION } from '../version.js';


export function buildProgram(out: (line: string) => void): Command {
  const program = new Command()
    .name('gclab')
    .description("A laboratory for CPython's memory manager: pymalloc, reference counting and the cycle collectors, simulated")
    .version(LAB_VERSION)
    .exitOverride()
    .showSuggestionAfterError(true);

  program
    .command('sizes')
    .description('Object sizes per CPython version: sys.getsizeof, bytes requested for a fresh object, pymalloc block')
    .option('-p, --profile <names>', 'profiles to show, comma-separated (default: all)')
    .option('--json', 'print a JSON array of {profile, expr, getsizeof, requested, block}')
    .addHelpText('after', '\nExamples:\n  gclab sizes --profile 3.13\n  gclab sizes --profile 3.11,3.12 --json')
    .action((opts: { profile?: string; json?: boolean }) => sizesCommand(opts, out));

  program
    .command('list')
    .description('Workloads (variants, parameters, twins), suites and profiles')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => listCommand(opts, out));

  addLabOptions(
    program
      .command('run')
      .description('Run one workload variant: deterministic memory and GC figures, tinybench timing, live telemetry')
      .argument('<workload>', "a workload name (see 'gclab list'), or your own workload module (./file.js or .ts)")
      .option('-v, --variant <name>', 'the variant (default: the first)'),
    'the profile to simulate (default: 3.13)',
  )
    .addHelpText('after', '\nExamples:\n  gclab run slots-vs-dict --variant slots --param n=1000000 --profile 3.11\n  gclab run cyclic-graphs --variant pairs --threshold 10000,10,10 --json')
    .action(async (workload: string, opts: RunOptions) => {
      process.exitCode = await runCommand(workload, opts, out);
    });

  addLabOptions(
    program
      .command('bench')
      .description('The main job: run a suite (default: the mission workloads), print a summary table, save results')
      .option('-s, --suite <name>', "the suite (see 'gclab list')", 'default'),
    "profiles, comma-separated (default: the suite's)",
  )
    .addHelpText('after', '\nExamples:\n  gclab bench\n  gclab bench --profile 3.13,3.14.0,3.14.5 --workers 2 --repeat 3\n  gclab bench --suite quick --json')
    .action(async (opts: BenchOptions) => {
      process.exitCode = await benchCommand(opts, out);
    });

  program
    .command('tips')
    .description('The tips scoreboard: each memory tip measured without and with it, per profile, with the effect')
    .option('-p, --profile <names>', `profiles, comma-separated (default: ${DEFAULT_TIP_PROFILES.join(',')})`)
    .option('--tip <name>', "only this tip (repeatable; names as 'gclab list' shows them)", (v: string, prev: string[] = []) => [...prev, v])
    .option('-w, --workers <n>', 'worker threads')
    .option('--timeout <seconds>', 'stop a run that takes longer than this', '600')
    .option('--iterations <n>', 'minimum timed iterations, for tips judged by time (tinybench)', String(DEFAULT_TIMING.iterations))
    .option('--time <ms>', 'minimum timing time, for tips judged by time (tinybench)', String(DEFAULT_TIMING.timeMs))
    .option('--warmup <n>', 'warm-up iterations before timing', String(DEFAULT_TIMING.warmupIterations))
    .option('--results-dir <dir>', 'where results files go', DEFAULT_RESULTS_DIR)
    .option('--json', 'print JSON only (no tables, no animation)')
    .addHelpText('after', '\nExamples:\n  gclab tips\n  gclab tips --profile 3.11,3.12,3.13,3.14.0,3.14.5 --json\n  gclab tips --tip \'use __slots__\'')
    .action(async (opts: TipsOptions) => {
      process.exitCode = await tipsCommand(opts, out);
    });

  const results = program.command('results').description('The results store: list, show and export results files');
  results
    .command('list')
    .description('Results files, newest first')
    .option('--results-dir <dir>', 'where results files are', 'results')
    .option('--json', 'print JSON')
    .action((opts: { resultsDir?: string; json?: boolean }) => resultsListCommand(opts, out));
  results
    .command('show')
    .description('A results file as a summary table')
    .argument('[file]', "a path, a name or unique part of one, or 'latest'", 'latest')
    .option('--results-dir <dir>', 'where results files are', 'results')
    .action((file: string, opts: { resultsDir?: string }) => resultsShowCommand(file, opts, out));
  results
    .command('export')
    .description('A results file as JSON, CSV or Markdown on stdout')
    .argument('[file]', "a path, a name or unique part of one, or 'latest'", 'latest')
    .option('-f, --format <format>', 'json, csv or md', 'json')
    .option('--results-dir <dir>', 'where results files are', 'results')
    .action((file: string, opts: { resultsDir?: string; format?: string }) => resultsExportCommand(file, opts, out));

  program
    .command('calibrate')
    .description("Run the workloads' Python twins on the real interpreters here and print simulated vs real side by side")
    .option('--python <path>', 'an interpreter to use (repeatable; default: python3, pythonX.Y on PATH, pyenv versions)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--workload <name>', 'a workload to calibrate (repeatable; default: all)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--n <sizes>', 'values of n, comma-separated', '100000')
    .option('--param <key=value>', 'a parameter for every workload that has it (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  gclab calibrate\n  gclab calibrate --n 100000,1000000 --workload slots-vs-dict\n  gclab calibrate --workload gc-manual --n 10000 --param m=40000 --python python3.12')
    .action(async (opts: CalibrateOptions) => {
      process.exitCode = await calibrateCommand(opts, out);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `gclab … | head` closes stdout early: stop quietly, as other command-line tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = buildProgram((line) => process.stdout.write(line + '\n'));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/** Prints one line for an error and returns the exit status. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (help and version exit with code 0)
    return err.exitCode === 0 ? 0 : 2;
  }
  if (process.env.GCLAB_DEBUG) console.error(err);
  if (err instanceof UsageError) {
    console.error(`gclab: ${err.message}`);
    return 2;
  }
  if (err instanceof HeapExhausted) {
    console.error(`gclab: ${err.message}`);
    return 1;
  }
  console.error(`gclab: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}

// Run as the entry module (`npx tsx src/cli/main.ts …` from sources); bin/gclab.js calls main() itself.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main(process.argv);
