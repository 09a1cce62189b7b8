/** Aligned plain-text tables for terminal output. */

export type Align = 'left' | 'right';

/** Terminal output fits in this many columns. */
export const WIDTH = 100;

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table as Markdown, for pasting into an issue. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${align.map((a) => (a === 'right' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** `head detail` on one line when it fits in 100 columns, else the detail indented on the next. */
export function fitLine(head: string, detail: string): string {
  return head.length + 1 + detail.length <= WIDTH ? `${head} ${detail}` : `${head}\n   ${detail}`;
}

/**
 * The rows with their first column cut by `cut` so that the table (two spaces between columns)
 * fits in `width` columns; the other columns keep their widths.
 */
export function fitFirstColumn(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  width: number,
  cut: (name: string, width: number) => string,
): string[][] {
  const others = header.slice(1).reduce((sum, h, i) => sum + Math.max(h.length, ...rows.map((r) => r[i + 1].length)) + 2, 0);
  const budget = Math.max(header[0].length, width - others);
  return rows.map((r) => (r[0].length <= budget ? [...r] : [cut(r[0], budget), ...r.slice(1)]));
}

/**
 * A `workload/variant` name cut to `width` characters: the workload's part gives way first (with
 * '…'), so the variant, which tells the rows of one workload apart, stays whole.
 */
export function fitName(name: string, width: number): string {
  if (name.length <= width) return name;
  const slash = name.indexOf('/');
  const variant = slash >= 0 ? name.slice(slash) : '';
  const keep = width - variant.length - 1;
  return keep >= 3 ? `${name.slice(0, keep)}…${variant}` : `${name.slice(0, Math.max(1, width - 1))}…`;
}

