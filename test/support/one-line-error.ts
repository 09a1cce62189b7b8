/** The CLI's contract for bad input: exit status 2 and one `gclab: …` line on stderr, no stack trace. */
import type { SpawnSyncReturns } from 'node:child_process';
import { expect } from 'vitest';

export function expectOneLineError(r: SpawnSyncReturns<string>, pattern: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^gclab: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}
