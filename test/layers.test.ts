/**
 * Imports point down the layers of the design (../shared/design.md, "The shape"): core at the
 * bottom, then heap, then python, then the lab with analysis and reports beside it, then the CLI,
 * which nothing imports. The worker and the workloads sit with the lab; the lab never imports the
 * workloads' code; bench/ scripts use src/ but not the CLI or test/; heap and python import no
 * Node API; the worker protocol imports nothing but types. Every import of every .ts file under
 * src/, workers/, workloads/ and bench/ is read with TypeScript's own pre-processor.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** A module's layer: the first rule whose prefix its path (from the root) starts with. */
const LAYERS: readonly { readonly prefix: string; readonly layer: string }[] = [
  { prefix: 'src/core/', layer: 'core' },
  { prefix: 'src/version.ts', layer: 'lab' }, // reads package.json with Node's require
  { prefix: 'src/heap/', layer: 'heap' },
  { prefix: 'src/python/', layer: 'python' },
  { prefix: 'src/lab/', layer: 'lab' },
  { prefix: 'src/compare/', layer: 'analysis' },
  { prefix: 'src/tune/', layer: 'analysis' },
  { prefix: 'src/calibrate/', layer: 'analysis' },
  { prefix: 'src/sizes/', layer: 'analysis' },
  { prefix: 'src/report/', layer: 'report' },
  { prefix: 'workers/', layer: 'worker' },
  { prefix: 'workloads/', layer: 'workloads' },
  { prefix: 'src/cli/', layer: 'cli' },
  { prefix: 'bench/', layer: 'bench' },
  { prefix: 'test/', layer: 'test' },
];

/** What each layer may import (itself always). The lab and analysis hand records back and forth. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  core: [],
  heap: ['core'],
  python: ['heap', 'core'],
  lab: ['analysis', 'python', 'heap', 'core'],
  analysis: ['lab', 'python', 'heap', 'core'],
  report: ['analysis', 'lab', 'heap', 'core'],
  workloads: ['lab', 'python', 'heap', 'core'],
  worker: ['workloads', 'lab', 'python', 'heap', 'core'],
  cli: ['report', 'analysis', 'workloads', 'lab', 'python', 'heap', 'core'],
  bench: ['report', 'analysis', 'workloads', 'worker', 'lab', 'python', 'heap', 'core'],
};

/** Layers that run anywhere (a worker, the main thread, a unit test): no Node API. */
const NO_NODE_API = new Set(['core', 'heap', 'python']);

/**
 * Known imports against the rules, each with its reason. The check fails when one of them is no
 * longer there, so this list only shrinks.
 */
const KNOWN: readonly { readonly from: string; readonly to: string; readonly reason: string }[] = [
  {
    from: 'src/python/program.ts',
    to: 'src/lab/workload.ts',
    reason: 'a program becomes a Workload (types only); the types belong below python, a move for the front-end\'s owners',
  },
  { from: 'src/python/library.ts', to: 'node:fs', reason: 'reads the bundled Python library files; to be handed in by the lab' },
  { from: 'src/python/library.ts', to: 'node:url', reason: 'finds the bundled Python library files; to be handed in by the lab' },
];

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

function layerOf(path: string): string | undefined {
  return LAYERS.find((l) => path.startsWith(l.prefix))?.layer;
}

const NODE_MODULES = new Set(builtinModules);
const isNodeApi = (specifier: string): boolean => specifier.startsWith('node:') || NODE_MODULES.has(specifier.split('/')[0]);

interface ImportEdge {
  readonly from: string;
  /** The imported module's path from the root (`.js` written as its `.ts` source), or the bare specifier. */
  readonly to: string;
  readonly typeOnly: boolean;
}

/** Every import, re-export and dynamic import of a file. */
function importsOf(path: string): ImportEdge[] {
  const text = readFileSync(join(root, path), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => {
    const spec = f.fileName;
    const to = spec.startsWith('.') ? relative(root, resolve(root, dirname(path), spec)).replace(/\.js$/, '.ts') : spec;
    const line = text.slice(text.lastIndexOf('\n', f.pos) + 1, text.indexOf('\n', f.pos));
    return { from: path, to, typeOnly: /^\s*import type\b/.test(line) };
  });
}

function violations(): string[] {
  const found: string[] = [];
  for (const top of ['src', 'workers', 'workloads', 'bench']) {
    for (const path of sources(top)) {
      const layer = layerOf(path);
      if (layer === undefined) {
        found.push(`${path}: in no layer (add it to LAYERS)`);
        continue;
      }
      for (const edge of importsOf(path)) {
        if (isNodeApi(edge.to)) {
          if (NO_NODE_API.has(layer)) found.push(`${path} -> ${edge.to}: ${layer} imports no Node API`);
          continue;
        }
        const target = layerOf(edge.to);
        if (target === undefined || target === layer) continue;
        if (!MAY_IMPORT[layer].includes(target)) found.push(`${path} -> ${edge.to}: ${layer} may not import ${target}`);
      }
      if (path === 'src/lab/protocol.ts') {
        for (const edge of importsOf(path)) if (!edge.typeOnly) found.push(`${path} -> ${edge.to}: the worker protocol imports nothing but types`);
      }
    }
  }
  return found;
}

describe('layers', () => {
  const found = violations();
  const known = new Set(KNOWN.map((k) => `${k.from} -> ${k.to}`));

  it('no import runs back up the layers (beyond the known ones listed with their reasons)', () => {
    expect(found.filter((v) => ![...known].some((k) => v.startsWith(`${k}:`)))).toEqual([]);
  });

  it('every known exception is still there (fixed ones leave the list)', () => {
    for (const k of known) expect(found.some((v) => v.startsWith(`${k}:`)), k).toBe(true);
  });

  it('the check sees the imports it judges: static, re-exports, dynamic, and type-only ones', () => {
    const edges = importsOf('src/cli/main.ts');
    expect(edges.some((e) => e.to === 'src/lab/registry.ts')).toBe(true);
    expect(edges.some((e) => e.to === 'commander')).toBe(true);
    const dynamic = importsOf('src/lab/user-workloads.ts');
    expect(dynamic.some((e) => e.to === 'tsx/esm/api')).toBe(true);
    expect(importsOf('src/lab/protocol.ts').every((e) => e.typeOnly)).toBe(true);
    expect(layerOf('src/report/suite.ts')).toBe('report');
    expect(MAY_IMPORT.report.includes('cli')).toBe(false);
  });
});
