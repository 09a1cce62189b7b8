/**
 * Reports: a results file (or a comparison of two) as one self-contained HTML file. What a report
 * holds depends on the command that made the file: a suite overview and every run for `bench`
 * and `run`; the scoreboard for `tips`; the sweep, its front and recommendation for `tune`; the
 * diffs with their intervals for `compare`.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Comparison } from '../compare/diff.js';
import type { ResultsFile } from '../lab/store.js';
import { compareBlocks } from './compare.js';
import { text, type ReportDocument, type Section } from './document.js';
import { renderHtml } from './html.js';
import { runSection } from './run.js';
import { overviewBlocks } from './suite.js';
import { tipsBlocks } from './tips.js';
import { analyseTuneFile, tuneBlocks } from './tune.js';

/** Where a results file's report goes by default: beside it, the same name with `.html`. */
export function defaultReportPath(resultsPath: string): string {
  return join(dirname(resultsPath), `${basename(resultsPath, '.msgpack')}.html`);
}

/** Where a comparison's report goes by default: beside B, named after B and A. */
export function defaultComparisonReportPath(pathA: string, pathB: string): string {
  return join(dirname(pathB), `${basename(pathB, '.msgpack')}-vs-${basename(pathA, '.msgpack')}.html`);
}

function provenanceLines(file: ResultsFile, path: string): string[] {
  const p = file.provenance;
  return [
    `${path}: ${file.records.length} results, made ${file.createdAt.slice(0, 19)}Z${file.complete ? '' : ' (incomplete: the run was interrupted, or its disk filled)'}`,
    `gclab ${p.labVersion} (${p.command}) on ${p.host}: ${p.cpus} × ${p.cpuModel}, ${p.platform}, Node ${p.node}`,
  ];
}

function runsSection(file: ResultsFile, title = 'Runs'): Section {
  const records = [...file.records].sort((a, b) => a.id - b.id);
  return { title, blocks: overviewBlocks(records), sections: records.map(runSection) };
}

/** The report of one results file, as a document. */
export function resultsReport(file: ResultsFile, path: string): ReportDocument {
  const command = file.provenance.command;
  const provenance = provenanceLines(file, path);
  if (command === 'tips') {
    return { title: `gclab tips: ${file.name}`, provenance, sections: [{ title: 'Scoreboard', blocks: tipsBlocks(file) }, runsSection(file)] };
  }
  if (command === 'tune') {
    const a = analyseTuneFile(file);
    const shown = [a.recommended, a.defaultPoint].filter((p, i, all) => p !== undefined && all.indexOf(p) === i).map((p) => p!.record);
    const runs: Section = {
      title: 'The recommended and the default run',
      blocks: [text(`${file.records.length} runs in the sweep; the recommended setting's and the default's runs in full:`)],
      sections: shown.map(runSection),
    };
    return { title: `gclab tune: ${file.name}`, provenance, sections: [{ title: 'Sweep', blocks: tuneBlocks(file) }, runs] };
  }
  return { title: `gclab ${command}: ${file.name}`, provenance, sections: [runsSection(file)] };
}

/** The report of a comparison of B against A. */
export function comparisonReport(c: Comparison, a: { path: string; file: ResultsFile }, b: { path: string; file: ResultsFile }): ReportDocument {
  return {
    title: `gclab compare: ${b.file.name} against ${a.file.name}`,
    provenance: [`A: ${a.path} (${a.file.records.length} results, ${a.file.createdAt.slice(0, 19)}Z)`, `B: ${b.path} (${b.file.records.length} results, ${b.file.createdAt.slice(0, 19)}Z)`],
    sections: [{ title: 'Comparison', blocks: compareBlocks(c) }],
  };
}

/** Renders the document and writes it (atomically: a reader never sees half a file). Returns its size in bytes. */
export async function writeReport(doc: ReportDocument, outPath: string): Promise<number> {
  const html = await renderHtml(doc);
  const tmp = `${outPath}.tmp`;
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, outPath);
  } catch (err) {
    // A full disk must not leave half a report behind.
    try {
      unlinkSync(tmp);
    } catch {
      // never made
    }
    throw err;
  }
  return Buffer.byteLength(html);
}
