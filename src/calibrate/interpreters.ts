/**
 * Finds the real CPython interpreters on this machine (`python3`, `pythonX.Y` on PATH, pyenv's
 * versions) and maps each to the profile it is checked against.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { profileForPythonVersion, type ProfileName } from '../heap/profiles.js';

export interface Interpreter {
  readonly path: string;
  /** `major.minor.micro` */
  readonly version: string;
  readonly profile: ProfileName;
}

function versionOf(path: string): string | undefined {
  try {
    return execFileSync(path, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

function candidates(): string[] {
  const found: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['python3', 'python3.11', 'python3.12', 'python3.13', 'python3.14']) {
      const p = join(dir, name);
      if (existsSync(p)) found.push(p);
    }
  }
  const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  const versions = join(pyenvRoot, 'versions');
  if (existsSync(versions)) {
    for (const v of readdirSync(versions)) {
      const p = join(versions, v, 'bin', 'python3');
      if (existsSync(p)) found.push(p);
    }
  }
  return found;
}

/** A path, or a bare command name looked up on PATH as a shell would; undefined when neither exists. */
function locate(pathOrName: string): string | undefined {
  if (pathOrName.includes('/')) return existsSync(pathOrName) ? pathOrName : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, pathOrName);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * The interpreter a user named (`--python`): a path or a command on PATH. Throws an Error whose
 * message says why it cannot be used (not found, does not run, or a version gclab has no profile for).
 */
export function interpreterAt(pathOrName: string): Interpreter {
  const path = locate(pathOrName);
  if (!path) throw new Error(`${pathOrName}: not found${pathOrName.includes('/') ? '' : ' on PATH'}`);
  const version = versionOf(path);
  if (!version) throw new Error(`${pathOrName}: did not run as a Python interpreter`);
  const profile = profileForPythonVersion(version);
  if (!profile) throw new Error(`${pathOrName} is Python ${version}; gclab has profiles for 3.11 to 3.14`);
  return { path, version, profile };
}

/** Every distinct interpreter with a profile, one per Python version (the first found wins). */
export function discoverInterpreters(): Interpreter[] {
  const byVersion = new Map<string, Interpreter>();
  const seen = new Set<string>();
  for (const path of candidates()) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const version = versionOf(path);
    if (!version || byVersion.has(version)) continue;
    const profile = profileForPythonVersion(version);
    if (profile) byVersion.set(version, { path, version, profile });
  }
  return [...byVersion.values()].sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
}
