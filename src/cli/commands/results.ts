/** `gclab results list|show|export`: the results store. */
import { DEFAULT_RESULTS_DIR, listResults, readResults, resolveResultsPath } from '../../lab/store.js';
import { summarise, type ResultSummary } from '../../lab/summary.js';
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/table.js';
import { formatBytes } from '../../core/units.js';
import { summaryTable } from './bench.js';

export function resultsListCommand(opts: { resultsDir?: string; json?: boolean }, out: (line: string) => void): void {
  const dir = opts.resultsDir ?? DEFAULT_RESULTS_DIR;
  const entries = listResults(dir);
  const all = entries.filter((r) => r.problem === null);
  if (opts.json) {
    out(JSON.stringify(all.map((r) => ({ path: r.path, name: r.name, bytes: r.bytes, modified: r.modified.toISOString() }))));
    return;
  }
  const skipped = entries.filter((r) => r.problem !== null);
  const skippedLine = `skipped, not results files: ${skipped.map((r) => `${r.name}.msgpack (${r.problem})`).join(', ')}`;
  if (all.length === 0) {
    out(`no results in '${dir}/' yet (run 'gclab bench')`);
    if (skipped.length > 0) out(skippedLine);
    return;
  }
  out(formatTable(['name', 'size', 'modified'], all.map((r) => [r.name, formatBytes(r.bytes), r.modified.toISOString().slice(0, 19)]), ['left', 'right', 'left']));
  if (skipped.length > 0) out(skippedLine);
}

export function resultsShowCommand(ref: string, opts: { resultsDir?: string }, out: (line: string) => void): void {
  const path = resolveResultsPath(ref, opts.resultsDir ?? DEFAULT_RESULTS_DIR);
  const file = readResults(path);
  const p = file.provenance;
  out(`${path}: ${file.name}, ${file.records.length} results${file.complete ? '' : ' (incomplete: the run was interrupted, or its disk filled)'}`);
  out(`gclab ${p.labVersion}, node ${p.node}, ${p.host} (${p.platform}, ${p.cpus} CPUs), ${file.createdAt}`);
  out(summaryTable(file.records));
  for (const r of file.records) if (r.status !== 'ok') out(`failed: ${r.spec.workload}/${r.spec.variant} @${r.spec.profile}: ${r.status}: ${r.error}`);
}

const FORMATS = ['json', 'csv', 'md'] as const;

export function resultsExportCommand(ref: string, opts: { resultsDir?: string; format?: string }, out: (line: string) => void): void {
  const format = opts.format ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format takes ${FORMATS.join(', ')}, got '${format}'`);
  const file = readResults(resolveResultsPath(ref, opts.resultsDir ?? DEFAULT_RESULTS_DIR));
  const rows = file.records.map(summarise);
  if (format === 'json') {
    out(JSON.stringify({ name: file.name, createdAt: file.createdAt, complete: file.complete, provenance: file.provenance, results: rows }, null, 2));
    return;
  }
  const table = rows.map(flatRow);
  const header = FLAT_COLUMNS;
  if (format === 'csv') {
    out(header.join(','));
    for (const row of table) out(row.map(csvCell).join(','));
  } else {
    out(`| ${header.join(' | ')} |`);
    out(`| ${header.map(() => '---').join(' | ')} |`);
    for (const row of table) out(`| ${row.join(' | ')} |`);
  }
}

const FLAT_COLUMNS = [
  'workload', 'variant', 'params', 'profile', 'thresholds', 'freeze_at', 'seed', 'repetition', 'status',
  'requested_peak', 'requested_current', 'arenas_peak', 'collections', 'collected', 'uncollectable',
  'pauses', 'pause_p99_ns', 'pause_max_ns', 'time_median_ns', 'time_rme_pct',
];

function flatRow(s: ResultSummary): string[] {
  return [
    s.workload,
    s.variant,
    Object.entries(s.params).map(([k, v]) => `${k}=${v}`).join(' '),
    s.profile,
    s.gc?.thresholds.join('/') ?? '',
    s.freezeAt ?? '',
    String(s.seed),
    String(s.repetition),
    s.status,
    String(s.memory?.requested.peak ?? ''),
    String(s.memory?.requested.current ?? ''),
    String(s.memory?.arenas.peak ?? ''),
    s.gc?.collections.join('/') ?? '',
    s.gc?.collected.join('/') ?? '',
    s.gc?.uncollectable.join('/') ?? '',
    String(s.gc?.pauses.count ?? ''),
    String(s.gc?.pauses.p99 ?? ''),
    String(s.gc?.pauses.max ?? ''),
    String(s.time?.median ?? ''),
    s.time ? s.time.rme.toFixed(2) : '',
  ];
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
