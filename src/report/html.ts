/**
 * A report as one self-contained HTML file: the charts inline as SVG, the styles inline, the
 * system's fonts; no script, no link, no URL, so it opens anywhere, offline, and can be mailed.
 */
import type { Block, ReportDocument, Section, TableBlock } from './document.js';
import { renderSvg } from './render.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  margin: 0 auto; padding: 1.5rem; max-width: 1200px; color: #222; line-height: 1.4; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
p.provenance { color: #555; margin: 0; font-size: .9rem; }
nav { font-size: .9rem; margin: 1rem 0; }
nav a { margin-right: .75rem; }
.charts { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-start; }
figure.chart { margin: 0; }
figure.chart figcaption { font-size: .8rem; color: #555; max-width: 420px; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { padding: .15rem .6rem; border-bottom: 1px solid #eee; }
th { border-bottom: 1px solid #999; text-align: left; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
p.text { margin: .4rem 0; font-size: .9rem; }
pre { background: #f6f6f6; padding: .5rem .75rem; font-size: .85rem; overflow-x: auto; }
`;

/** An anchor for a section title. */
function anchor(title: string, index: number): string {
  return `s${index}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

function renderTable(block: TableBlock): string {
  const cell = (tag: 'th' | 'td', s: string, c: number): string => `<${tag}${block.align[c] === 'right' ? ' class="right"' : ''}>${escapeHtml(s)}</${tag}>`;
  const caption = block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : '';
  const head = `<tr>${block.header.map((h, c) => cell('th', h, c)).join('')}</tr>`;
  const body = block.rows.map((r) => `<tr>${r.map((s, c) => cell('td', s, c)).join('')}</tr>`).join('\n');
  return `<table>${caption}<thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

/** Charts and tables flow side by side as the page's width allows; text starts a new row. */
async function renderBlocks(blocks: readonly Block[]): Promise<string[]> {
  const out: string[] = [];
  let row: string[] = [];
  const flushRow = (): void => {
    if (row.length > 0) out.push(`<div class="charts">${row.join('\n')}</div>`);
    row = [];
  };
  for (const block of blocks) {
    if (block.kind === 'chart') {
      const svg = await renderSvg(block.spec);
      const caption = block.caption ? `<figcaption>${escapeHtml(block.caption)}</figcaption>` : '';
      row.push(`<figure class="chart" data-chart="${escapeHtml(block.name)}">${svg}${caption}</figure>`);
      continue;
    }
    if (block.kind === 'table') {
      row.push(renderTable(block));
      continue;
    }
    flushRow();
    if (block.code) {
      out.push(`<pre>${escapeHtml(block.lines.join('\n'))}</pre>`);
    } else {
      for (const line of block.lines) out.push(`<p class="text">${escapeHtml(line)}</p>`);
    }
  }
  flushRow();
  return out;
}

async function renderSection(section: Section, level: 2 | 3, id: string): Promise<string[]> {
  const out = [`<section id="${id}"><h${level}>${escapeHtml(section.title)}</h${level}>`];
  out.push(...(await renderBlocks(section.blocks)));
  let k = 0;
  for (const sub of section.sections ?? []) out.push(...(await renderSection(sub, 3, `${id}-${k++}`)));
  out.push('</section>');
  return out;
}

/** The whole page. */
export async function renderHtml(doc: ReportDocument): Promise<string> {
  const ids = doc.sections.map((s, i) => anchor(s.title, i));
  const body: string[] = [];
  for (let i = 0; i < doc.sections.length; i++) body.push(...(await renderSection(doc.sections[i], 2, ids[i])));
  const nav = doc.sections.length > 1 ? `<nav>${doc.sections.map((s, i) => `<a href="#${ids[i]}">${escapeHtml(s.title)}</a>`).join('')}</nav>` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(doc.title)}</h1>`,
    ...doc.provenance.map((l) => `<p class="provenance">${escapeHtml(l)}</p>`),
    nav,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
