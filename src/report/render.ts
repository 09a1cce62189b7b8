/**
 * Vega-Lite specifications rendered to SVG in Node: compiled to Vega, run in a headless view
 * (`renderer: 'none'`) and serialised, so a report's charts are plain inline SVG that any browser
 * shows without scripts or network. The two libraries load on first use only: commands that make
 * no report do not pay for them.
 */
import type { TopLevelSpec } from 'vega-lite';

/** A Vega-Lite specification as the chart modules build it (plain data, no functions). */
export type ChartSpec = Record<string, unknown>;

interface Libraries {
  readonly vega: typeof import('vega');
  readonly vegaLite: typeof import('vega-lite');
}

let libraries: Promise<Libraries> | undefined;

/** vega-util's log level `Error` (the typings do not export the constant): no warnings on stderr. */
const VEGA_LOG_ERRORS = 1;

function loadLibraries(): Promise<Libraries> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return libraries;
}

type CompileLogger = NonNullable<NonNullable<Parameters<typeof import('vega-lite').compile>[1]>['logger']>;

/** Vega-Lite's compiler warns on stderr about choices it resolves itself; a report prints nothing. */
const SILENT_LOGGER: CompileLogger = {
  level(level?: number) {
    return level === undefined ? 0 : SILENT_LOGGER;
  },
  error() {
    return this;
  },
  warn() {
    return this;
  },
  info() {
    return this;
  },
  debug() {
    return this;
  },
} as CompileLogger;

/** One look for every chart: the system's sans-serif (no font to fetch), small type, white ground. */
const CHART_CONFIG = {
  background: 'white',
  font: 'sans-serif',
  padding: 6,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee' },
  legend: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal' },
  title: { fontSize: 12, fontWeight: 'bold', anchor: 'start' },
  header: { labelFontSize: 11, titleFontSize: 11 },
};

/**
 * The chart as an SVG element for inlining in HTML. The XML namespace declarations are dropped:
 * HTML's parser puts `<svg>` in the SVG namespace itself, and the file then names no URL at all.
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const { vega, vegaLite } = await loadLibraries();
  const full = { ...spec, config: { ...CHART_CONFIG, ...((spec.config as object | undefined) ?? {}) } } as TopLevelSpec;
  const compiled = vegaLite.compile(full, { logger: SILENT_LOGGER }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: VEGA_LOG_ERRORS });
  try {
    const svg = await view.toSVG();
    return svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}
