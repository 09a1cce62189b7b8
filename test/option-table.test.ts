/**
 * One option table feeds commander and the resolved options: the defaults a command parses
 * without any option are the table's, and resolving nothing gives the same values.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { resolveCoordinatorOptions, resolveRepeat, resultsDirOf } from '../src/cli/commands/lab-options.js';
import { integerOption, OPTIONS } from '../src/lab/option-table.js';
import { DEFAULT_TIMING, resolveRunSpec } from '../src/lab/options.js';

describe('the option table', () => {
  it("commander's defaults for run, bench, tips and tune are the table's", () => {
    const program = buildProgram(() => {});
    for (const name of ['run', 'bench', 'tips', 'tune']) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      for (const option of cmd.options) {
        const key = option.attributeName() as keyof typeof OPTIONS;
        const entry = OPTIONS[key] as { default?: string } | undefined;
        if (entry === undefined || key === 'timing') continue;
        expect(option.defaultValue, `${name} ${option.long}`).toBe(entry.default);
      }
      expect(cmd.options.some((o) => o.long === '--no-timing'), `${name} --no-timing`).toBe(true);
    }
  });

  it('resolving no options gives the same values the table declares', () => {
    const c = resolveCoordinatorOptions({});
    expect(c.taskTimeoutMs).toBe(1000 * Number(OPTIONS.timeout.default));
    expect(c.sampleIntervalMs).toBe(Number(OPTIONS.sampleInterval.default));
    expect(c.timing).toEqual({ ...DEFAULT_TIMING });
    expect(resolveRepeat({})).toBe(1);
    expect(resultsDirOf({})).toBe(OPTIONS.resultsDir.default);
    const spec = resolveRunSpec({ workload: 'container-churn' });
    expect(String(spec.seed)).toBe(OPTIONS.seed.default);
    expect(String(spec.heapMiB)).toBe(OPTIONS.heapMib.default);
    expect(spec.gc).toBe(OPTIONS.gc.default);
  });

  it("a value outside an entry's range is refused with the option's flag", () => {
    expect(() => integerOption('timeout', '0')).toThrow(/--timeout must be between 1 and 86400, got 0/);
    expect(() => integerOption('workers', '65')).toThrow(/--workers must be between 1 and 64/);
  });
});
