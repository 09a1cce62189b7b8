/**
 * How wide the CLI's output may be: the terminal's width when standard output is one, else
 * `COLUMNS` when set (as shells export it), else 100 columns for a pipe or a file.
 */
import { PIPED_WIDTH } from '../core/table.js';

/** Narrower than this, tables cannot stay readable; lines are fitted to this much and may wrap. */
const NARROWEST = 60;

export function outputWidth(stream: { readonly isTTY?: boolean; readonly columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  const columns = stream.isTTY === true && stream.columns ? stream.columns : Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : PIPED_WIDTH;
  return Math.max(NARROWEST, columns);
}
