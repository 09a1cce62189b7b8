/** Errors the CLI reports as one line and an exit status, never a stack trace. */

/** Bad input from the user: exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The valid name closest to `name`. */
export function closest(name: string, valid: readonly string[]): string {
  let best = valid[0];
  let bestDistance = Infinity;
  for (const v of valid) {
    const d = distance(name.toLowerCase(), v.toLowerCase());
    if (d < bestDistance) {
      best = v;
      bestDistance = d;
    }
  }
  return best;
}

/** Throws a UsageError naming the closest valid choice. */
export function unknownName(what: string, name: string, valid: readonly string[]): never {
  throw new UsageError(`unknown ${what} '${name}'; did you mean '${closest(name, valid)}'? (valid: ${valid.join(', ')})`);
}
