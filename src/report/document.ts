/**
 * What a report is made of, before it becomes HTML: sections of charts (Vega-Lite specifications),
 * tables and lines of text. The modules that read results build these; html.ts renders them.
 */
import type { ChartSpec } from './render.js';

export type Align = 'left' | 'right';

export interface TableBlock {
  readonly kind: 'table';
  readonly caption?: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly align: readonly Align[];
}

export interface ChartBlock {
  readonly kind: 'chart';
  /** What the chart shows, for its test and a reader's search: e.g. 'memory', 'pauses'. */
  readonly name: string;
  readonly spec: ChartSpec;
  readonly caption?: string;
}

export interface TextBlock {
  readonly kind: 'text';
  readonly lines: readonly string[];
  /** Shown as preformatted text (commands, Python). */
  readonly code?: boolean;
}

export type Block = TableBlock | ChartBlock | TextBlock;

export interface Section {
  readonly title: string;
  readonly blocks: readonly Block[];
  /** Sub-sections, e.g. one per run of a suite. */
  readonly sections?: readonly Section[];
}

export interface ReportDocument {
  readonly title: string;
  /** Lines under the title: where the results come from. */
  readonly provenance: readonly string[];
  readonly sections: readonly Section[];
}

export const table = (header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[], caption?: string): TableBlock => ({
  kind: 'table',
  header,
  rows,
  align,
  caption,
});

export const chart = (name: string, spec: ChartSpec, caption?: string): ChartBlock => ({ kind: 'chart', name, spec, caption });

export const text = (...lines: string[]): TextBlock => ({ kind: 'text', lines });

export const code = (...lines: string[]): TextBlock => ({ kind: 'text', lines, code: true });
