/**
 * A variant is labelled with the parameters it reads: cyclic-graphs' pairs take no k or degree.
 * Every `usedBy` names variants the workload has, and the Python program of each variant left out
 * does not read the parameter (its function body has no p["name"]).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveRunSpec, specLabel } from '../src/lab/options.js';
import { WORKLOADS } from '../workloads/index.js';

/** The body of `def NAME(p):` in a program: up to the next top-level line. */
function functionBody(source: string, name: string): string {
  const start = source.indexOf(`def ${name}(`);
  expect(start, name).toBeGreaterThanOrEqual(0);
  const rest = source.slice(start);
  const end = rest.search(/\n\S/);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('parameters per variant', () => {
  it('labels show only what the variant reads', () => {
    const label = (variant: string) => specLabel(resolveRunSpec({ workload: 'cyclic-graphs', variant }));
    expect(label('pairs')).toBe('cyclic-graphs/pairs n=100000 @3.13');
    expect(label('rings')).toBe('cyclic-graphs/rings n=100000 k=10 @3.13');
    expect(label('random')).toBe('cyclic-graphs/random n=100000 degree=4 @3.13');
  });

  it('every usedBy names real variants, and the variants left out never read the parameter', () => {
    let checked = 0;
    for (const w of WORKLOADS) {
      const source = readFileSync(`workloads/python/${w.twin}`, 'utf8');
      // twin.main's table: "variant": function
      const fnOf = new Map([...source.matchAll(/"([\w-]+)": (\w+)/g)].map((m) => [m[1], m[2]]));
      for (const [name, spec] of Object.entries(w.params)) {
        if (!spec.usedBy) continue;
        for (const v of spec.usedBy) expect(Object.keys(w.variants), `${w.name} ${name}`).toContain(v);
        for (const v of Object.keys(w.variants).filter((v) => !spec.usedBy!.includes(v))) {
          const fn = fnOf.get(v);
          expect(fn, `${w.name}/${v}'s function`).toBeDefined();
          expect(functionBody(source, fn!), `${w.name}/${v} reads ${name}`).not.toContain(`p["${name}"]`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});
