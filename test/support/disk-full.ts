/**
 * A simulated full disk for the files under one directory, in this thread: node:fs's writeSync
 * and writeFileSync are replaced (and `syncBuiltinESMExports` carries the replacement into every
 * module's `import { writeSync } from 'node:fs'`, the compiled sources' included) by versions that
 * accept `freeBytes` more bytes in all, write what fits of the write that crosses the limit (a
 * short write, as a real device does) and then fail every write with ENOSPC. Writes to anything
 * else (stdout, stderr, other directories) pass through untouched.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve, sep } from 'node:path';

export interface DiskFull {
  /** Bytes accepted so far. */
  readonly written: number;
  /** Write calls that failed with ENOSPC. */
  readonly failures: number;
  /** Free `bytes` more (as when another program deletes a file). */
  free(bytes: number): void;
  /** Leave only `bytes` free (as when another program fills the disk). */
  fill(bytes?: number): void;
  restore(): void;
}

const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

export function simulateDiskFull(dir: string, freeBytes: number): DiskFull {
  const root = resolve(dir) + sep;
  const original = { openSync: fs.openSync, closeSync: fs.closeSync, writeSync: fs.writeSync, writeFileSync: fs.writeFileSync };
  const watched = new Set<number>();
  let left = freeBytes;
  let written = 0;
  let failures = 0;
  const under = (path: unknown): boolean => (typeof path === 'string' || path instanceof URL) && resolve(String(path)).startsWith(root);
  /** How many of `length` bytes fit; throws when none do. */
  const take = (length: number): number => {
    if (length === 0) return 0;
    if (left <= 0) {
      failures++;
      throw enospc();
    }
    const n = Math.min(left, length);
    left -= n;
    written += n;
    return n;
  };

  const patched = {
    openSync(path: fs.PathLike, ...rest: unknown[]): number {
      const fd = (original.openSync as (...a: unknown[]) => number)(path, ...rest);
      if (under(path)) watched.add(fd);
      return fd;
    },
    closeSync(fd: number): void {
      watched.delete(fd);
      original.closeSync(fd);
    },
    writeSync(fd: number, buffer: unknown, ...rest: unknown[]): number {
      const write = original.writeSync as (...a: unknown[]) => number;
      if (!watched.has(fd)) return write(fd, buffer, ...rest);
      if (typeof buffer === 'string') {
        const bytes = Buffer.from(buffer);
        return write(fd, bytes, 0, take(bytes.length), rest[0] ?? null);
      }
      const view = buffer as NodeJS.ArrayBufferView;
      const offset = (rest[0] as number | undefined) ?? 0;
      const length = (rest[1] as number | undefined) ?? view.byteLength - offset;
      return write(fd, view, offset, take(length), rest[2] ?? null);
    },
    writeFileSync(path: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: fs.WriteFileOptions): void {
      if (!under(path)) return original.writeFileSync(path, data, options);
      const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const fd = original.openSync(path as fs.PathLike, 'w');
      try {
        let done = 0;
        while (done < bytes.length) done += original.writeSync(fd, bytes, done, take(bytes.length - done));
      } finally {
        original.closeSync(fd);
      }
    },
  };
  Object.assign(fs, patched);
  syncBuiltinESMExports();
  return {
    get written() {
      return written;
    },
    get failures() {
      return failures;
    },
    free(bytes: number) {
      left += bytes;
    },
    fill(bytes = 0) {
      left = bytes;
    },
    restore() {
      Object.assign(fs, original);
      syncBuiltinESMExports();
    },
  };
}
