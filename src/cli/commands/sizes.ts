/** `gclab sizes`: the size catalogue, per profile. */
import { PROFILE_NAMES, type ProfileName } from '../../heap/profiles.js';
import { measureCatalogue, type SizeRow } from '../../sizes/catalogue.js';
import { parseProfiles } from '../options.js';
import { formatTableFitted, wrapWords } from '../../core/table.js';
import { outputWidth } from '../width.js';

export interface SizesOptions {
  readonly profile?: string;
  readonly json?: boolean;
}

export function sizesCommand(options: SizesOptions, out: (line: string) => void): void {
  const profiles = parseProfiles(options.profile, PROFILE_NAMES);
  const byProfile = new Map<ProfileName, SizeRow[]>(profiles.map((p) => [p, measureCatalogue(p)]));
  if (options.json) {
    out(JSON.stringify([...byProfile.values()].flat(), null, 2));
    return;
  }
  if (profiles.length === 1) {
    const rows = byProfile.get(profiles[0])!;
    for (const line of wrapWords(`Profile ${profiles[0]}: sys.getsizeof, bytes requested to create a fresh one (tracemalloc), pymalloc/raw bytes held`, outputWidth(), '  ')) out(line);
    out('');
    out(
      formatTableFitted(
        ['expression', 'getsizeof', 'requested', 'block', 'note'],
        rows.map((r) => [r.expr, String(r.getsizeof), String(r.requested), String(r.block), r.note ?? '']),
        ['left', 'right', 'right', 'right', 'left'],
        outputWidth(),
        true,
      ),
    );
    return;
  }
  out('sys.getsizeof / bytes requested to create a fresh one (tracemalloc), per profile\n');
  const first = byProfile.get(profiles[0])!;
  out(
    formatTableFitted(
      ['expression', ...profiles],
      first.map((row, i) => [row.expr, ...profiles.map((p) => `${byProfile.get(p)![i].getsizeof}/${byProfile.get(p)![i].requested}`)]),
      ['left', ...profiles.map(() => 'right' as const)],
      outputWidth(),
    ),
  );
}
