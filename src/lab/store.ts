/**
 * The results store: `results/<timestamp>-<name>.msgpack`, one file per command run.
 *
 * Format (schema 2, docs/results-format.md): a 16-byte signature, then frames, each a 4-byte
 * big-endian payload length, the payload's CRC-32, and the payload (msgpack): first the header
 * (name, time, provenance), then one frame per finished task, appended as it finishes, and an end
 * frame when the run finished. Writes are proportional to what is added, and a file cut at any
 * byte (a crash, a full disk) reads as its whole frames: an interrupted run keeps everything it
 * finished. A file only ever appears under its name with its header whole (written aside, then
 * hard-linked into place), so no empty or half-written file is ever `latest`.
 *
 * Schema 1 (one msgpack map of the whole file, rewritten after each task) is still read. Every
 * file read is checked against the one schema (results-schema.ts); the first violation is one
 * line. msgpackr with `moreTypes` keeps typed arrays typed.
 */
import { closeSync, constants, ftruncateSync, linkSync, lstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import { UsageError } from '../core/errors.js';
import { describeIoError, ensureWritableDir, isIoError } from './output-paths.js';
import type { TaskRecord } from './coordinator.js';
import { checkResultsFile } from './results-schema.js';
import { LAB_VERSION } from '../version.js';

/** The schema this gclab writes; it reads this one and every earlier one. */
export const SCHEMA_VERSION = 2;
const READABLE_SCHEMAS = [1, 2];
const MAGIC = 'gclab-results';
/** The first bytes of a schema-2 file. */
const SIGNATURE = Buffer.from('GCLAB-RESULTS 2\n', 'latin1');
/** Length and CRC-32 of a frame's payload. */
const FRAME_HEAD_BYTES = 8;

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

/** A frame's payload, by kind. */
type Frame =
  | { readonly kind: 'header'; readonly magic: typeof MAGIC; readonly schema: number; readonly name: string; readonly createdAt: string; readonly provenance: Provenance }
  | { readonly kind: 'record'; readonly record: TaskRecord }
  | { readonly kind: 'end'; readonly records: number };

const packr = new Packr({ moreTypes: true, useRecords: false });

/** A value as msgpack the way results files hold it (typed arrays stay typed): records travel on a queue so too. */
export function packMsgpack(value: unknown): Buffer {
  return packr.pack(value);
}

export function unpackMsgpack(bytes: Buffer): unknown {
  return packr.unpack(bytes);
}

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

/** A results directory, checked (and created) before a run: '' or a file is a one-line UsageError. */
export function checkResultsDir(dir: string): void {
  ensureWritableDir(dir, '--results-dir');
}

function frameBytes(frame: Frame): Buffer {
  const payload = packr.pack(frame);
  const head = Buffer.allocUnsafe(FRAME_HEAD_BYTES);
  head.writeUInt32BE(payload.length, 0);
  head.writeUInt32BE(crc32(payload), 4);
  return Buffer.concat([head, payload]);
}

/** Writes all of `bytes` at `position` (a short write is continued; an error leaves the caller to cut it back). */
function writeAllAt(fd: number, bytes: Buffer, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/**
 * Writes one results file as records arrive: each record is appended as one frame. A write that
 * fails (a full disk) is cut back to the last whole frame and retried with the next record; what
 * could not be saved stays in `records` and is counted in `unsaved`, with the reason in `problem`.
 */
export class ResultsWriter {
  readonly path: string;
  private readonly all: TaskRecord[] = [];
  private fd: number | null;
  /** The end of the last whole frame on disk. */
  private size: number;
  /** Frames not yet on disk, in order; `pendingRecords` of them are records. */
  private pending: Buffer[] = [];
  private pendingRecords = 0;
  private lastProblem: string | null = null;
  private ended = false;

  constructor(dir: string, name: string, prov: Provenance);
  /** An interrupted file taken up again (`--resume`): see `ResultsWriter.resume`. */
  constructor(resumed: { readonly path: string; readonly size: number; readonly records: readonly TaskRecord[] });
  constructor(dirOrResumed: string | { readonly path: string; readonly size: number; readonly records: readonly TaskRecord[] }, name?: string, prov?: Provenance) {
    if (typeof dirOrResumed !== 'string') {
      this.path = dirOrResumed.path;
      this.size = dirOrResumed.size;
      this.all.push(...dirOrResumed.records);
      this.fd = openSync(this.path, constants.O_WRONLY);
      return;
    }
    const dir = dirOrResumed;
    checkResultsDir(dir);
    const now = new Date();
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const header = Buffer.concat([
      SIGNATURE,
      frameBytes({ kind: 'header', magic: MAGIC, schema: SCHEMA_VERSION, name: name!, createdAt: now.toISOString(), provenance: prov! }),
    ]);
    this.path = claimWithHeader(dir, `${stamp}-${name!.replace(/[^A-Za-z0-9._-]+/g, '_')}`, header);
    this.size = header.length;
    this.fd = openSync(this.path, constants.O_WRONLY);
  }

  /**
   * Takes up an interrupted results file again: it is rewritten (aside, then renamed over itself, so
   * it is never half-written) with its header and the records `keep` accepts (a resumed run drops
   * the tasks it cancelled, which it runs again), and later records are appended to it.
   */
  static resume(path: string, file: ResultsFile, keep: (record: TaskRecord) => boolean): ResultsWriter {
    const { magic, schema: _schema, name, createdAt, provenance: prov } = file;
    const kept = file.records.filter(keep);
    const bytes = Buffer.concat([
      SIGNATURE,
      frameBytes({ kind: 'header', magic, schema: SCHEMA_VERSION, name, createdAt, provenance: prov }),
      ...kept.map((record) => frameBytes({ kind: 'record', record })),
    ]);
    const aside = join(dirname(path), `.${basename(path)}.${process.pid}.resume.tmp`);
    try {
      writeFileSync(aside, bytes);
      renameSync(aside, path);
    } catch (err) {
      if (!isIoError(err)) throw err;
      throw new UsageError(`cannot resume '${path}': ${describeIoError(err)}`);
    }
    return new ResultsWriter({ path, size: bytes.length, records: kept });
  }

  add(record: TaskRecord): void {
    this.addAll([record]);
  }

  /** Several records written at once (one write, not one per record). */
  addAll(records: readonly TaskRecord[]): void {
    for (const record of records) {
      this.all.push(record);
      this.pending.push(frameBytes({ kind: 'record', record }));
      this.pendingRecords++;
    }
    this.flush();
  }

  /** Marks the run finished (the end frame) and closes the file. */
  finish(): void {
    if (!this.ended) {
      this.ended = true;
      this.pending.push(frameBytes({ kind: 'end', records: this.all.length }));
      this.flush();
    }
    this.close();
  }

  /** Closes the file without marking it finished (an interrupted run). */
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  /** Every record added, saved or not. */
  get records(): readonly TaskRecord[] {
    return this.all;
  }

  /** Records added but not on disk (a write failed and no later one succeeded). */
  get unsaved(): number {
    return this.pendingRecords;
  }

  /** Why the last write failed, while something is unsaved (the end frame included); else null. */
  get problem(): string | null {
    return this.pending.length > 0 ? this.lastProblem : null;
  }

  private flush(): void {
    if (this.pending.length === 0 || this.fd === null) return;
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    try {
      writeAllAt(this.fd, bytes, this.size);
    } catch (err) {
      if (!isIoError(err)) throw err;
      // Cut back to the last whole frame, so what is on disk stays a valid file.
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // the reader stops at a torn frame anyway
      }
      this.lastProblem = describeIoError(err);
      return;
    }
    this.size += bytes.length;
    this.pending = [];
    this.pendingRecords = 0;
    this.lastProblem = null;
  }
}

/**
 * Puts `header` in a file nobody else has: `<base>.msgpack`, or `<base>-2.msgpack`, `-3`… when a
 * run of the same command started in the same second (here or in another process) has it. The
 * header is written to a hidden file first and hard-linked to the name (a link fails when the name
 * exists, which is what claims it), so the name never shows an empty or partial file.
 */
function claimWithHeader(dir: string, base: string, header: Buffer): string {
  const aside = join(dir, `.${base}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const fd = openSync(aside, 'wx');
    try {
      writeAllAt(fd, header, 0);
    } finally {
      closeSync(fd);
    }
    let canLink = true;
    for (let k = 1; ; k++) {
      const path = join(dir, `${base}${k === 1 ? '' : `-${k}`}.msgpack`);
      try {
        if (canLink) linkSync(aside, path);
        else createWithHeader(path, header);
        return path;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (canLink && code !== undefined && NO_HARD_LINKS.includes(code)) {
          // A file system without hard links: create the name exclusively and write the header in it.
          canLink = false;
          k--;
        } else if (code !== 'EEXIST') throw err;
      }
    }
  } catch (err) {
    if (!isIoError(err)) throw err;
    throw new UsageError(`cannot write a results file in '${dir}': ${describeIoError(err)}`);
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // never made
    }
  }
}

/** Errors of `link(2)` on a file system that has no hard links. */
const NO_HARD_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'];

/** Creates `path` exclusively (EEXIST when taken) with `header` in it; removed again if the write fails. */
function createWithHeader(path: string, header: Buffer): void {
  const fd = openSync(path, 'wx');
  try {
    writeAllAt(fd, header, 0);
  } catch (err) {
    closeSync(fd);
    unlinkSync(path);
    throw err;
  }
  closeSync(fd);
}

/** Why `path` is not a results file, as the rest of a line after `'path' `. */
class NotResults extends Error {}

/** The frames of a schema-2 file's bytes, up to the first torn one (a file cut short). */
function readFrames(bytes: Buffer): unknown[] {
  const frames: unknown[] = [];
  let pos = SIGNATURE.length;
  while (pos < bytes.length) {
    if (bytes.length - pos < FRAME_HEAD_BYTES) return frames;
    const length = bytes.readUInt32BE(pos);
    const end = pos + FRAME_HEAD_BYTES + length;
    // A frame running past the end of the file is one the writer did not finish.
    if (end > bytes.length) return frames;
    const payload = bytes.subarray(pos + FRAME_HEAD_BYTES, end);
    if (crc32(payload) !== bytes.readUInt32BE(pos + 4)) {
      // The last frame, or zeros to the end (a crash before the data reached the disk): torn.
      if (end === bytes.length || bytes.subarray(pos).every((b) => b === 0)) return frames;
      throw new NotResults(`is damaged: the frame at byte ${pos} fails its checksum`);
    }
    if (length === 0 && bytes.subarray(pos).every((b) => b === 0)) return frames;
    try {
      frames.push(packr.unpack(payload));
    } catch {
      throw new NotResults(`is damaged: the frame at byte ${pos} is not msgpack`);
    }
    pos = end;
  }
  return frames;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A schema-2 file's frames as the file they make. */
function assemble(frames: readonly unknown[]): unknown {
  const [header, ...rest] = frames;
  if (!isObject(header) || header.kind !== 'header') throw new NotResults('has no results header (its run stopped as it began)');
  const records: unknown[] = [];
  let complete = false;
  for (const [i, frame] of rest.entries()) {
    if (!isObject(frame)) throw new NotResults(`is damaged: frame ${i + 1} is not a map`);
    if (complete) throw new NotResults(`is damaged: frame ${i + 1} follows the end frame`);
    if (frame.kind === 'record') records.push(frame.record);
    else if (frame.kind === 'end') complete = true;
    else throw new NotResults(`is damaged: frame ${i + 1} has kind ${JSON.stringify(frame.kind) ?? 'undefined'}`);
  }
  const { kind: _kind, ...fields } = header;
  return { ...fields, complete, records };
}

/** The file `bytes` hold (any readable schema), not yet checked against the schema. */
function decode(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new NotResults('is empty (not a gclab results file)');
  if (bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) return assemble(readFrames(bytes));
  if (SIGNATURE.subarray(0, bytes.length).equals(bytes)) throw new NotResults('has no results header (its run stopped as it began)');
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch {
    throw new NotResults('is not a gclab results file (not msgpack)');
  }
  if (!isObject(value) || value.magic !== MAGIC) throw new NotResults('is not a gclab results file');
  return value;
}

/** Reads a results file; a missing, corrupt, foreign or misshapen file is a one-line UsageError. */
export function readResults(path: string): ResultsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read results file '${path}': ${describeIoError(err)}`);
  }
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (err) {
    if (err instanceof NotResults) throw new UsageError(`'${path}' ${err.message}`);
    throw err;
  }
  const schema = (value as { schema?: unknown }).schema;
  if (typeof schema === 'number' && !READABLE_SCHEMAS.includes(schema)) {
    throw new UsageError(`'${path}' has results schema ${schema}; this gclab reads schemas ${READABLE_SCHEMAS.join(' and ')}`);
  }
  const checked = checkResultsFile(value);
  if (!checked.ok) throw new UsageError(`'${path}' is not a valid gclab results file: ${checked.problem}`);
  return checked.value as ResultsFile;
}

const isMsgpackMap = (byte: number): boolean => (byte >= 0x80 && byte <= 0x8f) || byte === 0xde || byte === 0xdf;

/**
 * Why the file at `path` cannot be a results file, from its first bytes only (a listing looks at
 * every file): null when its header is whole (schema 2) or it is a non-empty schema-1 file.
 */
function headerProblem(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'a link to nothing' : describeIoError(err);
  }
  try {
    const head = Buffer.alloc(SIGNATURE.length + FRAME_HEAD_BYTES);
    const got = readSync(fd, head, 0, head.length, 0);
    if (got === 0) return 'empty';
    // A schema-1 file was written whole (then renamed into place): a msgpack map is enough.
    if (!head.subarray(0, SIGNATURE.length).equals(SIGNATURE)) return isMsgpackMap(head[0]) ? null : 'not a results file';
    if (got < head.length) return 'no results header';
    const length = head.readUInt32BE(SIGNATURE.length);
    const payload = Buffer.alloc(length);
    if (readSync(fd, payload, 0, length, head.length) < length) return 'no results header';
    return crc32(payload) === head.readUInt32BE(SIGNATURE.length + 4) ? null : 'no results header';
  } catch (err) {
    return describeIoError(err);
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` is an existing results file (by its first bytes): a report must not replace one. */
export function isResultsFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
  } catch {
    return false;
  }
  if (headerProblem(path) !== null) return false;
  try {
    decode(readFileSync(path));
  } catch (err) {
    // A schema-2 file damaged past its header is still one; anything else that fails is not.
    return err instanceof NotResults && err.message.startsWith('is damaged');
  }
  return true;
}

export interface ResultsListing {
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  readonly modified: Date;
  /** Why it cannot be read (a dangling link, not a file, no header), or null. */
  readonly problem: string | null;
}

/** The `*.msgpack` entries in `dir`, newest first; those that cannot be results files say why. */
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
      const name = basename(n, '.msgpack');
      let st;
      try {
        st = statSync(path);
      } catch (err) {
        const link = (() => {
          try {
            return lstatSync(path);
          } catch {
            return null;
          }
        })();
        const problem = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'a link to nothing' : describeIoError(err);
        return { path, name, bytes: 0, modified: link?.mtime ?? new Date(0), problem };
      }
      const problem = st.isFile() ? headerProblem(path) : 'not a file';
      return { path, name, bytes: st.size, modified: st.mtime, problem };
    })
    .sort((a, b) => b.modified.getTime() - a.modified.getTime() || b.name.localeCompare(a.name));
}

/**
 * A results file by path, or by name in `dir`: the exact name (with or without `.msgpack`), else
 * a unique start or end of one; 'latest' is the newest file that has a whole header.
 */
export function resolveResultsPath(ref: string, dir: string): string {
  if (ref === '') throw new UsageError("a results file needs a path, a name or 'latest', got ''");
  try {
    if (statSync(ref).isFile()) return ref;
  } catch {
    // not a path: look it up by name
  }
  const all = listResults(dir);
  if (ref === 'latest') {
    const usable = all.find((r) => r.problem === null);
    if (!usable) throw new UsageError(`no results in '${dir}/' yet (run 'gclab bench' first)`);
    return usable.path;
  }
  const name = ref.endsWith('.msgpack') ? basename(ref, '.msgpack') : ref;
  const exact = all.find((r) => r.name === name);
  if (exact) return exact.path;
  const matches = all.filter((r) => r.name.startsWith(name) || r.name.endsWith(name));
  if (matches.length === 1) return matches[0].path;
  if (matches.length > 1) throw new UsageError(`'${ref}' matches ${matches.length} results files; give more of the name`);
  throw new UsageError(`no results file '${ref}' (see 'gclab results list')`);
}
