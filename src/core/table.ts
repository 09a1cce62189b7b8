/**
 * Aligned plain-text tables and wrapped lines, fitted to a width the caller gives (the CLI's is the
 * terminal's, src/cli/width.ts). Pure text: imported by the CLI and the bench scripts alike.
 */

export type Align = 'left' | 'right';

/** The width of output that goes to a pipe or a file, where there is no terminal to measure. */
export const PIPED_WIDTH = 100;

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

/** `head detail` on one line when it fits in `width` columns, else the detail indented on the next. */
export function fitLine(head: string, detail: string, width: number): string {
  return head.length + 1 + detail.length <= width ? `${head} ${detail}` : `${head}\n   ${detail}`;
}

/**
 * Words packed into lines of at most `width` columns: the first line starts with `lead` (kept as
 * it is, spaces included), the later ones with `indent`. A word longer than a line stands alone.
 */
export function wrapWords(text: string, width: number, indent: string, lead = ''): string[] {
  const lines: string[] = [];
  let line = lead;
  let words = 0;
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    if (words > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = words === 0 ? `${line}${word}` : `${line} ${word}`;
    }
    words++;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** Fields joined by `separator` into lines of at most `width`, a field never split; later lines start with `indent`. */
export function packFields(lead: string, fields: readonly string[], width: number, indent: string, separator = '; '): string[] {
  const lines: string[] = [];
  let line = lead;
  fields.forEach((field, i) => {
    const text = i < fields.length - 1 ? `${field}${separator.trimEnd()}` : field;
    if (i > 0 && line.length + 1 + text.length > width) {
      lines.push(line);
      line = `${indent}${text}`;
    } else line = i === 0 ? `${line}${text}` : `${line} ${text}`;
  });
  lines.push(line);
  return lines;
}

/**
 * A table fitted to `width` columns without cutting a word: a first cell too long for its share
 * goes on a line of its own above its row, and with `wrapLast` the last column (free text) wraps
 * onto continuation lines aligned under it. The other columns keep their widths.
 */
export function formatTableFitted(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
  width: number,
  wrapLast = false,
): string {
  const last = header.length - 1;
  const natural = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const lastShare = wrapLast ? Math.min(natural[last], 30) : 0;
  const middle = natural.slice(1, wrapLast ? last : undefined).reduce((sum, w) => sum + w + 2, 0) + (wrapLast ? lastShare + 2 : 0);
  const firstBudget = Math.max(header[0].length, Math.min(natural[0], width - middle));
  const fits = (r: readonly string[]): boolean => r[0].length <= firstBudget;
  const widths = natural.map((w, c) => (c === 0 ? Math.max(header[0].length, ...rows.map((r) => (fits(r) ? r[0].length : 0))) : w));
  const start = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  const room = Math.max(lastShare, width - start);
  if (wrapLast) widths[last] = Math.min(widths[last], room);
  const cellText = (cell: string, c: number): string => (align[c] === 'right' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]));
  const lines: string[] = [];
  const emit = (cells: readonly string[]): void => {
    if (!wrapLast) {
      lines.push(cells.map(cellText).join('  ').trimEnd());
      return;
    }
    const [first, ...rest] = wrapWords(cells[last], room, '');
    lines.push([...cells.slice(0, last).map(cellText), first ?? ''].join('  ').trimEnd());
    for (const more of rest) lines.push(`${' '.repeat(start)}${more}`);
  };
  emit(header);
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) {
    if (fits(row)) emit(row);
    else {
      lines.push(row[0]);
      emit(['', ...row.slice(1)]);
    }
  }
  return lines.join('\n');
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

