/** `gclab list`: workloads with their variants and parameters, tips, suites, and profiles. */
import { PROFILE_NAMES, PROFILES } from '../../heap/profiles.js';
import { builtIns } from '../../lab/registry.js';
import { suites } from '../../lab/suites.js';
import { metricLabel } from '../../lab/tips.js';
import { wrapWords } from '../../core/table.js';
import { outputWidth } from '../width.js';

export function listCommand(opts: { json?: boolean }, out: (line: string) => void): void {
  const { workloads, tips } = builtIns();
  if (opts.json) {
    out(
      JSON.stringify({
        workloads: workloads.map((w) => ({
          name: w.name,
          group: w.group,
          description: w.description,
          variants: Object.fromEntries(Object.entries(w.variants).map(([k, v]) => [k, v.description])),
          params: w.params,
          probes: w.probes,
          twin: `workloads/python/${w.twin}`,
        })),
        tips: tips.map((t) => ({ name: t.name, advice: t.advice, workload: t.workload, without: t.without, with: t.with, figure: metricLabel(t.metric) })),
        suites: suites().map((s) => ({ name: s.name, description: s.description, profiles: s.profiles })),
        profiles: PROFILE_NAMES.map((p) => ({ name: p, collector: PROFILES[p].collector, thresholds: PROFILES[p].thresholds })),
      }),
    );
    return;
  }
  const width = outputWidth();
  // Each entry's text wraps under itself, so no line is wider than the terminal.
  const entry = (lead: string, text: string, indent: number): void => {
    for (const line of wrapWords(text, width, ' '.repeat(indent), lead)) out(line);
  };
  out('Workloads (gclab run <workload> --variant V --param key=value):');
  for (const w of workloads) {
    entry(`  ${w.name} (${w.group})  `, w.description, 6);
    for (const [name, v] of Object.entries(w.variants)) entry(`    variant ${name.padEnd(10)} `, v.description, 23);
    for (const [name, p] of Object.entries(w.params)) entry(`    param   ${name.padEnd(10)} `, `${p.description} (default ${p.default}, ${p.min}..${p.max}${p.usedBy ? `; ${p.usedBy.join(', ')} only` : ''})`, 23);
    if (w.probes.length > 0) entry('    probes  ', `${w.probes.join(', ')} (for --freeze-at, tune's freeze points and bytes per item)`, 12);
    entry('    twin    ', `workloads/python/${w.twin}`, 12);
  }
  out('');
  out("Tips (gclab tips --tip 'name'):");
  for (const t of tips) entry(`  ${t.name}: `, `${t.advice} [${t.workload} ${t.without} -> ${t.with}, ${metricLabel(t.metric)}]`, 6);
  out('');
  out('Suites (gclab bench --suite S):');
  for (const s of suites()) entry(`  ${s.name.padEnd(9)} `, s.description, 12);
  out('');
  out('Profiles (--profile):');
  for (const p of PROFILE_NAMES) entry(`  ${p.padEnd(7)} `, `${PROFILES[p].collector} collector, thresholds ${PROFILES[p].thresholds.join(', ')}`, 10);
}
