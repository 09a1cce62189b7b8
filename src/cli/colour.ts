/**
 * Colour in terminal output: only when standard output is a terminal, and never when NO_COLOR is
 * set to anything but the empty string (no-color.org). Piped output, files and `--json`/`--md`
 * get plain text. Colour wraps whole lines or words that stand alone, so aligned tables stay aligned.
 */

export type Paint = (text: string) => string;

export interface Palette {
  readonly enabled: boolean;
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly bold: Paint;
  readonly dim: Paint;
}

/** Whether output to `stream` may be coloured under `env`. */
export function colourWanted(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const noColour = env.NO_COLOR;
  return stream.isTTY === true && (noColour === undefined || noColour === '');
}

const sgr =
  (on: number, off: number): Paint =>
  (text) =>
    text.length === 0 ? text : `\u001b[${on}m${text}\u001b[${off}m`;

const plain: Paint = (text) => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { enabled, red: plain, green: plain, yellow: plain, bold: plain, dim: plain };
  return { enabled, red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
}

/** The palette for this process's standard output. */
export function stdoutPalette(): Palette {
  return palette(colourWanted(process.stdout, process.env));
}

/** A table from formatTable with its header line in bold and each row painted as `paintRow` says. */
export function paintTable(table: string, p: Palette, paintRow: (index: number) => Paint | undefined = () => undefined): string {
  if (!p.enabled) return table;
  return table
    .split('\n')
    .map((line, i) => (i === 0 ? p.bold(line) : i === 1 ? line : (paintRow(i - 2) ?? plain)(line)))
    .join('\n');
}

/** Escape sequences a terminal interprets (for tests and width checks). */
export const ESCAPE_SEQUENCE = /\u001b\[[0-9;]*m/g;

/** A line's width as a terminal shows it: escape sequences take no room. */
export function visibleWidth(line: string): number {
  return [...line.replace(ESCAPE_SEQUENCE, '')].length;
}
