/**
 * Option parsing shared by every command: each option is validated once, here, into a typed value,
 * and a bad value is a UsageError with one clear line.
 */
import { MAX_HEAP_BYTES, MIN_HEAP_BYTES } from '../heap/layout.js';
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../heap/profiles.js';
import { UsageError, unknownName } from './errors.js';

/** `--profile a,b`: one or more profile names. */
export function parseProfiles(value: string | undefined, fallback: readonly ProfileName[]): ProfileName[] {
  if (value === undefined) return [...fallback];
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new UsageError('--profile needs at least one profile name');
  return names.map((n) => (isProfileName(n) ? n : unknownName('profile', n, PROFILE_NAMES)));
}

/** `--heap-size 512M` / `2G` / bytes: the simulated address space, in whole MiB. */
export function parseHeapSize(value: string): number {
  const m = /^(\d+)\s*([KMG]i?B?)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--heap-size '${value}' is not a size (examples: 512M, 2G)`);
  const unit = (m[2] ?? '').toUpperCase()[0];
  const bytes = Number(m[1]) * (unit === 'G' ? 2 ** 30 : unit === 'M' ? 2 ** 20 : unit === 'K' ? 2 ** 10 : 1);
  if (bytes < MIN_HEAP_BYTES || bytes > MAX_HEAP_BYTES || bytes % 2 ** 20 !== 0) {
    throw new UsageError(`--heap-size must be a whole number of MiB from ${MIN_HEAP_BYTES >> 20}M to ${MAX_HEAP_BYTES >> 30}G (got '${value}')`);
  }
  return bytes;
}
