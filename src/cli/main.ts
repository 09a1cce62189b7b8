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
import { calibrateFitCommand, type FitOptions } from './commands/calibrate-fit.js';
import { addGateOptions, COMPARE_EXIT_HELP, compareCommand, type CompareCommandOptions } from './commands/compare.js';
import { addLabOptions, addPoolOptions, tableOption } from './commands/lab-options.js';
import { DEFAULT_TIP_PROFILES, tipsCommand, type TipsOptions } from './commands/tips.js';
import { tuneCommand, type TuneOptions } from './commands/tune.js';
import { DEFAULT_STALL_SECONDS, workerCommand, type WorkerOptions } from './commands/worker.js';
import { DEFAULT_WORKERS } from '../lab/coordinator.js';
import { REPORT_HELP, reportCommand, type ReportOptions } from './commands/report.js';
import { DEFAULT_PROFILE } from '../lab/options.js';
import { UsageError } from '../core/errors.js';
import { LAB_VERSION } from '../version.js';
import { installBuiltIns } from '../lab/registry.js';
import { sendWorkloadLogsToStderr } from '../lab/user-workloads.js';
import { BUILT_INS } from '../../workloads/index.js';

// The CLI hands the built-in workloads to the lab (which never imports workload code).
installBuiltIns(BUILT_INS);


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
      .description(
        'Run one workload variant: deterministic memory and GC figures, tinybench timing, live telemetry;' +
          ' several variants or profiles side by side',
      )
      .argument('<workload>', "a workload name (see 'gclab list'), or your own workload module (./file.js or .ts) or Python program (.py)")
      .option('-v, --variant <names>', "the variant (default: the first); several, comma-separated, or 'all'"),
    'the profile to simulate (default: 3.13); several, comma-separated',
  )
    .option('--html [path]', 'also write an HTML report (default: beside the results file, .html)')
    .addHelpText(
      'after',
      '\nExamples:\n  gclab run slots-vs-dict --variant slots --param n=1000000 --profile 3.11' +
        '\n  gclab run cyclic-graphs --variant pairs --threshold 10000,10,10 --json' +
        '\n  gclab run records.py --profile 3.11,3.13 --variant all' +
        '\n\nWith several variants or profiles, one task per variant x profile (times --repeat) runs in one' +
        '\nsession; after each task\'s figures comes one table, a row per variant @profile (peak, bytes per' +
        "\nitem for each probe over n, collections, objects visited, the largest pause's wall time and" +
        '\nwork), and each profile against the first given (on one profile, each variant against the' +
        '\nfirst). --json then prints an array of summaries, each with its perItem and pauseMaxVisited.',
    )
    .action(async (workload: string, opts: RunOptions) => {
      process.exitCode = await runCommand(workload, opts, out);
    });

  addGateOptions(
    addLabOptions(
      program
        .command('bench')
        .description('The main job: run a suite (default: the mission workloads), print a summary table, save results')
        .addOption(tableOption('suite'))
        .option(
          '--workload <name|file>',
          "run this workload's variants instead of the suite's (a name, or a .py/.ts/.js program; repeatable)",
          (v: string, prev: string[] = []) => [...prev, v],
        ),
      "profiles, comma-separated (default: the suite's)",
    )
      .option('--save-baseline <name>', 'keep this run as the named baseline (results-dir/baselines/NAME.msgpack; replaces one)')
      .option('--baseline <name>', 'compare this run with the named baseline, as gclab compare does; the gates set the exit status'),
  )
    .option('--html [path]', 'also write an HTML report (default: beside the results file, .html)')
    .option('--md', 'print the summary as Markdown (for pasting into an issue)')
    .addHelpText(
      'after',
      '\nExamples:\n  gclab bench\n  gclab bench --profile 3.13,3.14.0,3.14.5 --workers 2 --repeat 3\n  gclab bench --suite quick --json' +
        '\n  gclab bench --workload my_service.py --profile 3.13,3.14.0 --param n=50000' +
        '\n  gclab bench --suite quick --no-timing --save-baseline ci' +
        '\n  gclab bench --suite quick --no-timing --baseline ci --fail-if-changed' +
        '\n  gclab bench --suite quick --iterations 30 --baseline mine --fail-if-slower 5 --fail-if-bigger 1' +
        '\n\nExit status: 0 when every task ran and no gate tripped; 1 when a task failed or, with --baseline,' +
        '\n  a gate tripped (without a gate the comparison only reports); 2 on bad input (a bad option, a' +
        "\n  missing baseline, one with no result for this suite); 130 after Ctrl-C. See gclab compare --help.",
    )
    .action(async (opts: BenchOptions) => {
      process.exitCode = await benchCommand(opts, out);
    });

  addPoolOptions(
    program
      .command('tips')
      .description('The tips scoreboard: each memory tip measured without and with it, per profile, with the effect')
      .option('-p, --profile <names>', `profiles, comma-separated (default: ${DEFAULT_TIP_PROFILES.join(',')})`)
      .option('--tip <name>', "only this tip (repeatable; names as 'gclab list' shows them)", (v: string, prev: string[] = []) => [...prev, v]),
    ', for tips judged by time',
  )
    .option('--md', 'print the scoreboard as Markdown (for pasting into an issue)')
    .option('--html [path]', 'also write an HTML report (default: beside the results file, .html)')
    .addHelpText('after', '\nExamples:\n  gclab tips\n  gclab tips --profile 3.11,3.12,3.13,3.14.0,3.14.5 --json\n  gclab tips --tip \'use __slots__\'')
    .action(async (opts: TipsOptions) => {
      process.exitCode = await tipsCommand(opts, out);
    });

  addPoolOptions(
    program
      .command('tune')
      .description('Sweep gc thresholds and the freeze point; print every point, the Pareto front and a recommended setting')
      .argument('<workload>', "a workload name (see 'gclab list'), or your own workload module (./file.js or .ts)")
      .option('-v, --variant <name>', 'the variant (default: the first)')
      .addOption(tableOption('profile', `the profile to simulate (default: ${DEFAULT_PROFILE})`))
      .option('--threshold0 <range>', 'values of threshold0: V, V1,V2,…, A..B:N (even steps) or A..B:N:log (A..B = A..B:8:log)')
      .option('--threshold1 <range>', 'values of threshold1 (same forms)')
      .option('--threshold2 <range>', 'values of threshold2 (same forms)')
      .option('--freeze-at <points>', "'none' and probe names where gc.freeze() may run, comma-separated")
      .addOption(tableOption('objective'))
      .option('--budget <n>', 'adaptive search: spend at most n runs, most of them near the Pareto front (default: the whole grid)')
      .addOption(tableOption('param'))
      .addOption(tableOption('seed'))
      .addOption(tableOption('heapMib'))
      .addOption(tableOption('startupObjects')),
    ' per point',
  )
    .option('--md', 'print the points and the recommendation as Markdown (for pasting into an issue)')
    .option('--html [path]', 'also write an HTML report: the points, the front, the recommended and default runs')
    .addHelpText(
      'after',
      '\nExamples:\n  gclab tune long-lived-churn --profile 3.13 --threshold0 100..100000:8:log --threshold1 5,10,20\n' +
        '  gclab tune long-lived-churn --variant retain --threshold0 100..100000:33:log \\\n' +
        '      --freeze-at none,tree --budget 20 --objective pause-max',
    )
    .action(async (workload: string, opts: TuneOptions) => {
      process.exitCode = await tuneCommand(workload, opts, out);
    });

  program
    .command('worker')
    .description("Take tasks from the runs on a shared queue (another machine's bench, tune, tips or run --queue) until stopped")
    .addOption(tableOption('queue', 'the queue server: redis://[:PASSWORD@]HOST:PORT[/DB], or rediss:// for TLS'))
    .addOption(tableOption('workers', `tasks at once, each on its own thread (default: ${DEFAULT_WORKERS}, from the CPU count)`))
    .option('--name <name>', 'how this worker is shown in the runs it serves (default: HOST-PID)')
    .option('--allow-js', "also run JavaScript/TypeScript workloads (they run with this process's full rights; Python programs never need it)")
    .option('--stall-timeout <seconds>', `a task whose worker stops answering this long goes to another worker (default: ${DEFAULT_STALL_SECONDS})`)
    .addHelpText(
      'after',
      '\nA worker serves one run at a time, the oldest with tasks waiting. The first Ctrl-C (or SIGTERM)' +
        '\nfinishes the running tasks and takes no new ones; a second hands them back to the queue.' +
        '\nSee docs/queue.md.\n\nExamples:\n  gclab worker --queue redis://10.0.0.5:6379\n  gclab worker --queue rediss://:secret@queue.example:6380/2 --workers 4 --name lab-3',
    )
    .action(async (opts: WorkerOptions) => {
      process.exitCode = await workerCommand(opts);
    });

  const results = program.command('results').description('The results store: list, show and export results files');
  results
    .command('list')
    .description('Results files, newest first')
    .addOption(tableOption('resultsDir', 'where results files are'))
    .addOption(tableOption('json', 'print JSON'))
    .action((opts: { resultsDir?: string; json?: boolean }) => resultsListCommand(opts, out));
  results
    .command('show')
    .description('A results file as a summary table')
    .argument('[file]', "a path, a name or unique part of one, or 'latest'", 'latest')
    .addOption(tableOption('resultsDir', 'where results files are'))
    .action((file: string, opts: { resultsDir?: string }) => resultsShowCommand(file, opts, out));
  results
    .command('export')
    .description('A results file as JSON, CSV or Markdown on stdout')
    .argument('[file]', "a path, a name or unique part of one, or 'latest'", 'latest')
    .option('-f, --format <format>', 'json, csv or md', 'json')
    .addOption(tableOption('resultsDir', 'where results files are'))
    .action((file: string, opts: { resultsDir?: string; format?: string }) => resultsExportCommand(file, opts, out));

  program
    .command('calibrate')
    .description("Run the workloads' Python twins on the real interpreters here and print simulated vs real side by side")
    .option('--python <path>', 'an interpreter to use (repeatable; default: python3, pythonX.Y on PATH, pyenv versions)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--workload <name>', 'a workload to calibrate (repeatable; default: all)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--n <sizes>', "values of n, comma-separated (default: 100000, or a workload's default n where 100000 is outside its range)")
    .option('--param <key=value>', 'a parameter for every workload that has it (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'print JSON')
    .option('--fit', "fit the cost model (modelled CPython time) on the interpreters here: every built-in workload and pyperformance's development set, with leave-one-out errors")
    .option('--repeat <k>', 'with --fit: runs per program and interpreter, the fastest kept (default 3)')
    .option('--out <file>', 'with --fit: the model file to write (default results/cost-model.json)')
    .option('--corpus-out <file>', 'with --fit: where the measured rows go (default results/cost-corpus.json)')
    .option('--from-corpus <file>', 'with --fit: refit the rows of an earlier --fit instead of measuring')
    .addOption(tableOption('resultsDir', 'where --fit writes by default'))
    .addOption(tableOption('costModel', 'the coefficients the modelled CPython time of each row is priced by (not with --fit, which makes one)'))
    .addHelpText(
      'after',
      '\nExamples:\n  gclab calibrate\n  gclab calibrate --n 100000,1000000 --workload slots-vs-dict\n  gclab calibrate --workload gc-manual --n 10000 --param m=40000 --python python3.12' +
        '\n  gclab calibrate --fit\n  gclab calibrate --fit --from-corpus results/cost-corpus.json --out my-model.json',
    )
    .action(async (opts: CalibrateOptions & FitOptions & { fit?: boolean }) => {
      if (!opts.fit) {
        for (const flag of ['repeat', 'out', 'corpusOut', 'fromCorpus'] as const) {
          if (opts[flag] !== undefined) throw new UsageError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --fit`);
        }
        process.exitCode = await calibrateCommand(opts, out);
        return;
      }
      if (opts.n !== undefined || opts.param !== undefined || opts.json) throw new UsageError('--fit runs each program at its calibration size: --n, --param and --json do not apply');
      if (opts.costModel !== undefined) throw new UsageError('--fit makes a cost model (--out FILE): --cost-model does not apply');
      process.exitCode = await calibrateFitCommand(opts, out);
    });

  addGateOptions(
    program
      .command('compare')
      .description('Compare two results files pair by pair: timing (Mann-Whitney U, bootstrap CI) and exact figures')
      .argument('<a>', "the reference: a path, a name or unique part of one, 'latest', or baseline:NAME")
      .argument('<b>', 'the results to judge against it, the same ways'),
  )
    .addOption(tableOption('resultsDir', 'where results files and baselines are'))
    .addOption(tableOption('costModel', "the coefficients that price both sides' modelled CPython time (default: the shipped ones)"))
    .option('--json', 'print JSON')
    .option('--md', 'print Markdown (for pasting into an issue)')
    .option('--html [path]', "also write an HTML report of the comparison (default: beside B's results file)")
    .addHelpText(
      'after',
      [
        '',
        'Results pair by workload, variant, params and profile (repetitions pool their samples).',
        'Timing: median B/A with a 95% bootstrap CI; flagged slower or faster when the Mann-Whitney',
        'p-value, Holm-adjusted over the pairs, is below --alpha and the CI excludes 1. Deterministic',
        'figures (bytes, collections, visited, ..., and cpython: the modelled CPython time, both sides priced',
        'by the same cost model) are compared exactly; --fail-if-slower also gates the modelled time.',
        '',
        COMPARE_EXIT_HELP,
        '',
        'Examples:',
        '  gclab compare 20261121T202704Z-bench-default latest',
        '  gclab compare before.msgpack after.msgpack --fail-if-slower 5 --fail-if-bigger 1',
        '  gclab compare baseline:ci latest --metric peak,collections,visited --fail-if-changed',
        '  gclab compare before.msgpack after.msgpack --md > comparison.md',
      ].join('\n'),
    )
    .action(async (a: string, b: string, opts: CompareCommandOptions) => {
      process.exitCode = await compareCommand(a, b, opts, out);
    });

  program
    .command('report')
    .description('Write a results file as one self-contained HTML report with charts')
    .argument('[file]', "a path, a name or unique part of one, or 'latest'", 'latest')
    .option('-o, --out <path>', 'where to write it (default: beside the results file, .html)')
    .addOption(tableOption('resultsDir', 'where results files are'))
    .addHelpText('after', `${REPORT_HELP}\n\nExamples:\n  gclab report latest\n  gclab report 20261121T202704Z-bench-default --out report.html`)
    .action(async (file: string, opts: ReportOptions) => {
      process.exitCode = await reportCommand(file, opts, out);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `gclab … | head` closes stdout early: stop quietly, as other command-line tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  sendWorkloadLogsToStderr();
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
