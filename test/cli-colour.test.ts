/**
 * Colour in the terminal: only on a TTY, never with NO_COLOR, never in piped output. A
 * pseudo-terminal (util-linux `script`) stands in for the TTY; where `script` is absent, the TTY
 * cases say so and skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colourWanted, ESCAPE_SEQUENCE } from '../src/cli/colour.js';

const dir = mkdtempSync(join(tmpdir(), 'gclab-colour-'));
const SCRIPT = '/usr/bin/script';
const hasPty = existsSync(SCRIPT);
if (!hasPty) console.log(`cli-colour: the TTY cases are skipped: ${SCRIPT} (util-linux) is not installed`);

const base = { ...process.env };
delete base.NO_COLOR;
delete base.FORCE_COLOR;

const gclabArgs = (...args: string[]) => ['bin/gclab.js', ...args, ...(args.includes('--results-dir') ? [] : ['--results-dir', dir])];
const piped = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, gclabArgs(...args), { encoding: 'utf8', timeout: 240_000, env });
/** Runs gclab with its stdout on a pseudo-terminal. */
const onTty = (env: NodeJS.ProcessEnv, ...args: string[]) => {
  const quoted = [process.execPath, ...gclabArgs(...args)].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return spawnSync(SCRIPT, ['-q', '-e', '-c', quoted, '/dev/null'], { encoding: 'utf8', timeout: 240_000, env });
};
const escapes = (s: string): number => s.match(ESCAPE_SEQUENCE)?.length ?? 0;

describe('colour', () => {
  it('is wanted on a TTY unless NO_COLOR is set to something', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
  });

  // Two results files whose figures differ: compare trips --fail-if-changed (a red FAIL line).
  const runs = () => {
    // each in a directory of its own: two runs within one second would get the same file name
    const common = ['cyclic-graphs', '--variant', 'pairs', '--param', 'n=4000', '--no-timing'];
    const a = piped(base, 'run', ...common, '--results-dir', mkdtempSync(join(dir, 'a-')));
    const b = piped(base, 'run', ...common, '--threshold', '300,10,10', '--results-dir', mkdtempSync(join(dir, 'b-')));
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    return [a, b].map((r) => /results: (\S+)/.exec(r.stdout)![1]);
  };

  it('piped output has no escape sequences', () => {
    const [a, b] = runs();
    const r = piped(base, 'compare', a, b, '--fail-if-changed');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL --fail-if-changed');
    expect(escapes(r.stdout)).toBe(0);
    const bench = piped(base, 'bench', '--suite', 'quick', '--no-timing');
    expect(bench.status, bench.stderr).toBe(0);
    expect(escapes(bench.stdout)).toBe(0);
  }, 240_000);

  it.skipIf(!hasPty)('a terminal gets colour, and none with NO_COLOR', () => {
    const [a, b] = runs();
    const tty = onTty(base, 'compare', a, b, '--fail-if-changed');
    expect(tty.status).toBe(1);
    // the FAIL line in red
    expect(tty.stdout).toMatch(/\u001b\[31mFAIL --fail-if-changed/);
    const noColour = onTty({ ...base, NO_COLOR: '1' }, 'compare', a, b, '--fail-if-changed');
    expect(noColour.stdout).toContain('FAIL --fail-if-changed');
    expect(escapes(noColour.stdout)).toBe(0);

    const bench = onTty(base, 'bench', '--suite', 'quick', '--no-timing');
    expect(bench.status).toBe(0);
    // the summary's header in bold
    expect(bench.stdout).toMatch(/\u001b\[1mvariant @profile/);
    const benchNoColour = onTty({ ...base, NO_COLOR: '1' }, 'bench', '--suite', 'quick', '--no-timing');
    expect(escapes(benchNoColour.stdout)).toBe(0);
  }, 240_000);
});
