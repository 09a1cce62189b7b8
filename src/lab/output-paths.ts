/**
 * Checks of the places a command will write, made before it runs anything, so a bad path is one
 * line and exit 2 at once rather than a failure after an hour of work. Errno codes become words.
 */
import { accessSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EIO: 'an input/output error',
};

/** An errno error as words and its code ("no space left on the device (ENOSPC)"); other errors' messages as they are. */
export function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return `${ERRNO_WORDS[code] ?? 'an error'} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

/** Whether `err` is an error from the file system (it has an errno code). */
export function isIoError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('E');
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The nearest existing ancestor of `path` (the path itself when it exists). */
function nearestExisting(path: string): { path: string; stats: Stats } {
  let p = resolve(path);
  for (;;) {
    const stats = statOrNull(p);
    if (stats) return { path: p, stats };
    const up = dirname(p);
    if (up === p) return { path: p, stats: statSync(p) };
    p = up;
  }
}

/**
 * A directory the command will write files in, created when missing: '' , a file, a path under a
 * file or one that cannot be written is a UsageError naming `what` (the option).
 */
export function ensureWritableDir(dir: string, what: string): void {
  if (dir.trim() === '') throw new UsageError(`${what} needs a directory, got ''`);
  const existing = nearestExisting(dir);
  if (!existing.stats.isDirectory()) {
    throw new UsageError(
      existing.path === resolve(dir) ? `${what} '${dir}' is a file, not a directory` : `${what} '${dir}' is under a file ('${existing.path}' is not a directory)`,
    );
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${what} '${dir}' cannot be written: ${describeIoError(err)}`);
  }
}

/**
 * A file the command will write (replacing it when it exists): its directory must exist and be
 * writable, and the path must not be a directory.
 */
export function checkOutputFile(path: string, what: string): void {
  if (path.trim() === '') throw new UsageError(`${what} needs a file path, got ''`);
  const stats = statOrNull(path);
  if (stats?.isDirectory()) throw new UsageError(`${what} '${path}' is a directory; give a file path`);
  const dir = dirname(resolve(path));
  const existing = nearestExisting(dir);
  if (!existing.stats.isDirectory()) throw new UsageError(`${what} '${path}' is under a file ('${existing.path}' is not a directory)`);
  if (existing.path !== dir) throw new UsageError(`${what} '${path}': the directory '${dirname(path)}' does not exist`);
  try {
    accessSync(dir, constants.W_OK);
    if (stats) accessSync(path, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${what} '${path}' cannot be written: ${describeIoError(err)}`);
  }
}

/** Whether two paths name the same existing file (the same inode, through links or not). */
export function sameFile(a: string, b: string): boolean {
  const sa = statOrNull(a);
  const sb = statOrNull(b);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}
