/**
 * The report in a real browser: Debian's Chromium, driven headless by playwright-core, opens the
 * report of the quick suite from file://; every chart must have rendered (an SVG with its data
 * marks drawn, of non-zero size), nothing may be logged as an error and nothing fetched from
 * outside the file. A full-page screenshot is kept as results/artifacts/report.png.
 * Where Chromium is not installed the test says so and skips (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = resolve('results/artifacts/report.png');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`report-browser: skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

interface ChartState {
  readonly name: string;
  readonly svgs: number;
  readonly marks: number;
  readonly width: number;
  readonly height: number;
}

describe.skipIf(!hasChromium)('the report in Chromium', () => {
  it('renders every chart, logs no error, fetches nothing, and leaves a screenshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclab-report-browser-'));
    const report = join(dir, 'report.html');
    const run = spawnSync(process.execPath, ['bin/gclab.js', 'bench', '--suite', 'quick', '--no-timing', '--sample-interval', '2', '--results-dir', dir, '--html', report], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.status, run.stderr).toBe(0);

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const outside: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('request', (req) => {
        if (!req.url().startsWith('file:')) outside.push(req.url());
      });
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });

      const charts = await page.$$eval('figure.chart', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            name: f.getAttribute('data-chart') ?? '',
            svgs: f.querySelectorAll('svg').length,
            // data marks only: Vega puts axes and legends in groups of other roles
            marks: svg ? svg.querySelectorAll('g.role-mark path, g.role-mark line, g.role-mark text').length : 0,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
          };
        }),
      );
      // the quick suite untimed: the overview's peak chart, then 7 runs with their charts
      const names = new Set(charts.map((c: ChartState) => c.name));
      for (const name of ['suite-peak', 'memory', 'generations', 'pauses', 'timeline', 'occupancy']) expect(names, name).toContain(name);
      expect(charts.filter((c: ChartState) => c.name === 'memory')).toHaveLength(7);
      for (const c of charts as ChartState[]) {
        expect(c.svgs, c.name).toBe(1);
        expect(c.marks, c.name).toBeGreaterThan(0);
        expect(c.width, c.name).toBeGreaterThan(100);
        expect(c.height, c.name).toBeGreaterThan(50);
      }
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);

      mkdirSync(resolve('results/artifacts'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  }, 240_000);
});
