/**
 * The results store: `results/<timestamp>-<name>.msgpack`, one file per command run, rewritten
 * atomically (write a temporary file, then rename) after every finished task, so an interrupted
 * run keeps everything it finished. msgpackr with `moreTypes` keeps typed arrays typed.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { basename, join } from 'node:path';
import { Packr } from 'msgpackr';
import { UsageError } from '../core/errors.js';
import type { TaskRecord } from './coordinator.js';
import { LAB_VERSION } from '../version.js';

export const SCHEMA_VERSION = 1;
const MAGIC = 'gclab-results';


export interface Provenance {
  readonly labVersion: string;
  readonly node: string;
  readonly host: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  /** The command and its resolved options. */
  readonly command: string;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ResultsFile {
  readonly magic: typeof MAGIC;
  readonly schema: number;
  readonly name: string;
  readonly createdAt: string;
  readonly provenance: Provenance;
  /** Whether the run finished (false while running, or if it was interrupted). */
  complete: boolean;
  readonly records: TaskRecord[];
}

const packr = new Packr({ moreTypes: true, useRecords: false });

export function provenance(command: string, options: Record<string, unknown>): Provenance {
  const cpuList = cpus();
  return {
    labVersion: LAB_VERSION,
    node: process.version,
    host: hostname(),
    platform: `${process.platform}-${process.arch}`,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    command,
    options,
  };
}

export const DEFAULT_RESULTS_DIR = 'results';

/** Writes one results file as records arrive. */
export class ResultsWriter {
  readonly path: string;
  private readonly file: ResultsFile;

  constructor(dir: string, name: string, prov: Provenance) {
    mkdirSync(dir, { recursive: true });
    const now = new Date();
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    this.path = claimPath(dir, `${stamp}-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}`);
    this.file = { magic: MAGIC, schema: SCHEMA_VERSION, name, createdAt: now.toISOString(), provenance: prov, complete: false, records: [] };
    this.flush();
  }

  add(record: TaskRecord): void {
    this.file.records.push(record);
    this.flush();
  }

  /** Several records written at once (one rewrite of the file, not one per record). */
  addAll(records: readonly TaskRecord[]): void {
    this.file.records.push(...records);
    this.flush();
  }

  finish(): void {
    this.file.complete = true;
    this.flush();
  }

  get records(): readonly TaskRecord[] {
    return this.file.records;
  }

  private flush(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, packr.pack(this.file));
    renameSync(tmp, this.path);
  }
}

/**
 * A results path nobody else has: `<base>.msgpack`, or `<base>-2.msgpack`, `-3`… when a run of
 * the same command started in the same second (here or in another process) already has it.
 * Creating the file exclusively is what claims the name.
 */
function claimPath(dir: string, base: string): string {
  for (let k = 1; ; k++) {
    const path = join(dir, `${base}${k === 1 ? '' : `-${k}`}.msgpack`);
    try {
      closeSync(openSync(path, 'wx'));
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Reads a results file; a missing, corrupt or foreign file is a one-line UsageError. */
export function readResults(path: string): ResultsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`cannot read results file '${path}'`);
  }
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch {
    throw new UsageError(`'${path}' is not a gclab results file (not msgpack)`);
  }
  const file = value as Partial<ResultsFile> | null;
  if (!file || typeof file !== 'object' || file.magic !== MAGIC || !Array.isArray(file.records)) {
    throw new UsageError(`'${path}' is not a gclab results file`);
  }
  if (file.schema !== SCHEMA_VERSION) {
    throw new UsageError(`'${path}' has results schema ${String(file.schema)}; this gclab reads schema ${SCHEMA_VERSION}`);
  }
  return file as ResultsFile;
}

export interface ResultsListing {
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  readonly modified: Date;
}

/** The results files in `dir`, newest first. */
export function listResults(dir: string): ResultsListing[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.msgpack'))
    .map((n) => {
      const path = join(dir, n);
      const st = statSync(path);
      return { path, name: basename(n, '.msgpack'), bytes: st.size, modified: st.mtime };
    })
    .sort((a, b) => b.modified.getTime() - a.modified.getTime() || b.name.localeCompare(a.name));
}

/** A results file by path, or by name (or unique name prefix) in `dir`; 'latest' is the newest. */
export function resolveResultsPath(ref: string, dir: string): string {
  try {
    if (statSync(ref).isFile()) return ref;
  } catch {
    // not a path: look it up by name
  }
  const all = listResults(dir);
  if (ref === 'latest') {
    if (all.length === 0) throw new UsageError(`no results in '${dir}/' yet (run 'gclab bench' first)`);
    return all[0].path;
  }
  const matches = all.filter((r) => r.name === ref || r.name.startsWith(ref) || r.name.endsWith(ref));
  if (matches.length === 1) return matches[0].path;
  if (matches.length > 1) throw new UsageError(`'${ref}' matches ${matches.length} results files; give more of the name`);
  throw new UsageError(`no results file '${ref}' (see 'gclab results list')`);
}
