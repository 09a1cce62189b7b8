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
