/** `gclab list`: workloads with their variants and parameters, tips, suites, and profiles. */
import { PROFILE_NAMES, PROFILES } from '../../heap/profiles.js';
import { builtIns } from '../../lab/registry.js';
import { suites } from '../../lab/suites.js';
import { metricLabel } from '../../lab/tips.js';

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
          twin: `workloads/python/${w.twin}`,
        })),
        tips: tips.map((t) => ({ name: t.name, advice: t.advice, workload: t.workload, without: t.without, with: t.with, figure: metricLabel(t.metric) })),
        suites: suites().map((s) => ({ name: s.name, description: s.description, profiles: s.profiles })),
        profiles: PROFILE_NAMES.map((p) => ({ name: p, collector: PROFILES[p].collector, thresholds: PROFILES[p].thresholds })),
      }),
    );
    return;
  }
  out('Workloads (gclab run <workload> --variant V --param key=value):');
  for (const w of workloads) {
    out(`  ${w.name} (${w.group})  ${w.description}`);
    for (const [name, v] of Object.entries(w.variants)) out(`    variant ${name.padEnd(10)} ${v.description}`);
    for (const [name, p] of Object.entries(w.params)) out(`    param   ${name.padEnd(10)} ${p.description} (default ${p.default}, ${p.min}..${p.max})`);
    out(`    twin    workloads/python/${w.twin}`);
  }
  out('');
  out("Tips (gclab tips --tip 'name'):");
  for (const t of tips) out(`  ${t.name}: ${t.advice} [${t.workload} ${t.without} -> ${t.with}, ${metricLabel(t.metric)}]`);
  out('');
  out('Suites (gclab bench --suite S):');
  for (const s of suites()) out(`  ${s.name.padEnd(9)} ${s.description}`);
  out('');
  out('Profiles (--profile):');
  for (const p of PROFILE_NAMES) out(`  ${p.padEnd(7)} ${PROFILES[p].collector} collector, thresholds ${PROFILES[p].thresholds.join(', ')}`);
}
