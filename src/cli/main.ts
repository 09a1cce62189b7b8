/**
 * The gclab command line. Every command validates its options up front; bad input is one line on
 * stderr and exit status 2, a failure at run time one line and status 1, never a stack trace
 * (set GCLAB_DEBUG=1 to see one).
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { HeapExhausted } from '../heap/errors.js';
import { sizesCommand } from './commands/sizes.js';
import { UsageError } from './errors.js';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

export function buildProgram(out: (line: string) => void): Command {
  const program = new Command()
    .name('gclab')
    .description("A laboratory for CPython's memory manager: pymalloc, reference counting and the cycle collectors, simulated")
    .version(version)
    .exitOverride()
    .showSuggestionAfterError(true);

  program
    .command('sizes')
    .description('Object sizes per CPython version: sys.getsizeof, bytes requested for a fresh object, pymalloc block')
    .option('-p, --profile <names>', 'profiles to show, comma-separated (default: all)')
    .option('--json', 'print a JSON array of {profile, expr, getsizeof, requested, block}')
    .addHelpText('after', '\nExamples:\n  gclab sizes --profile 3.13\n  gclab sizes --profile 3.11,3.12 --json')
    .action((opts: { profile?: string; json?: boolean }) => sizesCommand(opts, out));

  return program;
}

export async function main(argv: string[]): Promise<void> {
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
