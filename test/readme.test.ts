/**
 * The README is a newcomer's page: at most 220 lines, its test command the one CI runs
 * (.ci/run), and every relative link in it and in docs/ points at a file that exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');

describe('README and docs', () => {
  it('the README has at most 220 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(220);
  });

  it("the README's two commands are the main job and what .ci/run runs", () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm ci && npm test$/m);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/gclab\.js bench/);
  });

  it('every relative link in README.md and docs/ points at a file', () => {
    const files = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
    const dangling: string[] = [];
    for (const file of files) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const path = join(dirname(file), target);
        if (!existsSync(path)) dangling.push(`${file} -> ${target}`);
      }
    }
    expect(dangling).toEqual([]);
  });
});
