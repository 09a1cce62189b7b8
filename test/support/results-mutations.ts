/**
 * Damaged results files for the fuzz and validation tests: a results file's fields changed to
 * wrong types, deleted or cut, written in either schema; and byte-level damage (cuts, flipped,
 * inserted and dropped bytes). The schema-2 encoder here follows docs/results-format.md on its
 * own, so a test can also write what the store never would (a bad header, frames out of order).
 */
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';

const packr = new Packr({ moreTypes: true, useRecords: false });
const SIGNATURE = Buffer.from('GCLAB-RESULTS 2\n', 'latin1');

function frame(payload: unknown): Buffer {
  const body = packr.pack(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.writeUInt32BE(crc32(body), 4);
  return Buffer.concat([head, body]);
}

/** A results file object (as `readResults` returns it) in schema 1: one msgpack map. */
export function encodeSchema1(file: Record<string, unknown>): Buffer {
  return packr.pack(file);
}

/** A results file object in schema 2: header frame, a frame per record, the end frame when complete. */
export function encodeSchema2(file: Record<string, unknown>): Buffer {
  // A mutation may have replaced the whole file with something else: then that is the header.
  if (typeof file !== 'object' || file === null || Array.isArray(file) || ArrayBuffer.isView(file)) return Buffer.concat([SIGNATURE, frame(file)]);
  const { records, complete, ...header } = file;
  const frames = [SIGNATURE, frame({ kind: 'header', ...header })];
  if (Array.isArray(records)) for (const record of records) frames.push(frame({ kind: 'record', record }));
  else frames.push(frame({ kind: 'record', record: records }));
  if (complete !== false) frames.push(frame({ kind: 'end', records: Array.isArray(records) ? records.length : 0 }));
  return Buffer.concat(frames);
}

export const decodeAny = (bytes: Buffer): unknown => packr.unpack(bytes);

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

/** Values a damaged or foreign file might hold where something else belongs. */
const ODD_VALUES: readonly (() => unknown)[] = [
  () => null,
  () => 'abc',
  () => '',
  () => '1',
  () => 0,
  () => -1,
  () => 1.5,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => -1e300,
  () => 2 ** 53 + 2,
  () => true,
  () => ({}),
  () => [],
  () => [1, 'two', null],
  () => ({ kind: 'record' }),
  () => new Float64Array([Number.NaN, 1, -1]),
  () => new Int32Array(0),
  () => new Int8Array([1, 2, 3]),
  () => 'x'.repeat(5000),
];

const isTyped = (v: unknown): boolean => ArrayBuffer.isView(v);

/** Every path in `value` (objects' keys, arrays' indices), typed arrays as leaves. */
function paths(value: unknown, prefix: (string | number)[] = [], into: (string | number)[][] = []): (string | number)[][] {
  into.push(prefix);
  if (value === null || typeof value !== 'object' || isTyped(value)) return into;
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], into));
  else for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], into);
  return into;
}

function parentOf(root: unknown, path: readonly (string | number)[]): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

/** A deep copy (typed arrays copied too), so a mutation never reaches the base. */
function copy<T>(value: T): T {
  return structuredClone(value);
}

/** `file` with 1-3 fields changed: set to an odd value, deleted, or (arrays) emptied or grown. */
export function mutateFields(file: Record<string, unknown>, random: Random): Record<string, unknown> {
  const root = { file: copy(file) };
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const all = paths(root.file, ['file']);
    const path = pick(random, all);
    const parent = parentOf(root, path);
    const key = path[path.length - 1];
    const current = parent[key];
    const op = random();
    if (op < 0.2 && !Array.isArray(parent)) delete parent[key];
    else if (op < 0.3 && Array.isArray(current)) current.length = random() < 0.5 ? 0 : current.length;
    else if (op < 0.4 && Array.isArray(current) && current.length > 0) current.push(copy(pick(random, current)));
    else parent[key] = pick(random, ODD_VALUES)();
  }
  return root.file;
}

/** `bytes` cut, flipped, with bytes inserted or dropped, 1-3 times. */
export function mutateBytes(bytes: Buffer, random: Random): Buffer {
  let out = Buffer.from(bytes);
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const op = random();
    if (op < 0.4) out = out.subarray(0, at);
    else if (op < 0.7 && at < out.length) out[at] ^= 1 << Math.floor(random() * 8);
    else if (op < 0.85) out = Buffer.concat([out.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), out.subarray(at)]);
    else out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + Math.floor(random() * 16))]);
  }
  return out;
}
