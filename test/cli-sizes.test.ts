// `gclab sizes` as a user runs it (the built bin): --json output for one profile, and bad input
// as one line on stderr with exit status 2 and no stack trace.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/gclab.js', ...args], { encoding: 'utf8' });

it('prints the catalogue of one profile as JSON', () => {
  const r = run('sizes', '--profile', '3.12', '--json');
  expect(r.status).toBe(0);
  const rows = JSON.parse(r.stdout) as { profile: string; expr: string; getsizeof: number; requested: number; block: number }[];
  expect(new Set(rows.map((x) => x.profile))).toEqual(new Set(['3.12']));
  expect(rows.find((x) => x.expr === 'C3()')).toMatchObject({ getsizeof: 48, requested: 88, block: 96 });
});

it('rejects an unknown profile with one line naming the closest one', () => {
  const r = run('sizes', '--profile', '3.15');
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain("unknown profile '3.15'");
  expect(r.stderr).not.toMatch(/\n\s+at /);
});
