/**
 * Vitest global setup: the tests import the compiled dist/ (see vitest.config.ts), so refuse to
 * run against a dist/ older than its sources, with the command that fixes it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

export default function checkDistIsFresh(): void {
  for (const top of ['src', 'workloads', 'workers']) {
    for (const source of sources(join(root, top))) {
      const compiled = join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js');
      if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) {
        throw new Error(`dist/ is older than ${relative(root, source)}: run \`npm run build\` (npm test builds first)`);
      }
    }
  }
}
