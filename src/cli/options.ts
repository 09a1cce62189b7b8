/**
 * Option parsing shared by every command: each option is validated once, here, into a typed value,
 * and a bad value is a UsageError with one clear line.
 */
import { isProfileName, type ProfileName } from '../heap/profiles.js';
import { UsageError } from '../core/errors.js';
import { unknownProfile } from '../lab/options.js';

/** `--profile a,b`: one or more profile names. */
export function parseProfiles(value: string | undefined, fallback: readonly ProfileName[]): ProfileName[] {
  if (value === undefined) return [...fallback];
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new UsageError('--profile needs at least one profile name');
  return names.map((n) => (isProfileName(n) ? n : unknownProfile(n)));
}
