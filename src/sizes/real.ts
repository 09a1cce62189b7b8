/** Runs the size catalogue on a real interpreter (workloads/python/sizes_catalogue.py). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOGUE, PYTHON_PRELUDE } from './catalogue.js';

export interface RealSizeRow {
  readonly expr: string;
  readonly getsizeof: number;
  readonly requested: number;
}

/** The project root, whether running from sources or from dist/. */
export function projectRoot(): string {
  // This file is <root>/src/sizes/real.ts, or <root>/dist/src/sizes/real.js once built.
  const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
  return root.endsWith('dist') ? dirname(root) : root;
}

export function measureCatalogueOn(python: string): { version: string; rows: RealSizeRow[] } {
  const work = mkdtempSync(join(tmpdir(), 'gclab-sizes-'));
  try {
    const prelude = join(work, 'prelude.py');
    writeFileSync(prelude, PYTHON_PRELUDE);
    const input = JSON.stringify(CATALOGUE.map((r) => ({ expr: r.expr, ...r.python })));
    const script = join(projectRoot(), 'workloads', 'python', 'sizes_catalogue.py');
    const out = execFileSync(python, [script, prelude], { input, encoding: 'utf8', timeout: 120_000 });
    return JSON.parse(out) as { version: string; rows: RealSizeRow[] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
