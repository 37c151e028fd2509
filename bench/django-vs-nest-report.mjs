/**
 * Figures of the Django-vs-Nest bench: per-scenario medians and spread over the rounds, the
 * Nest/Django ratios, issue 15's targets (PASS/FAIL, reported, never an exit status), and the
 * text table, JSON and markdown written from them.
 */
import { quantile } from './django-vs-nest-load.mjs';

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Median req/s, min-max, and the median of each round's p50/p99, for one server's rounds. */
export function summarise(runs) {
  const rps = runs.map((r) => r.rps);
  return {
    rounds: runs.length,
    rps: median(rps),
    min: Math.min(...rps),
    max: Math.max(...rps),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
    dbCpuMsPerRequest: median(runs.map((r) => r.dbCpuMsPerRequest)),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    probe: runs[0]?.probe ? { p50: median(runs.map((r) => r.probe.p50)), p99: median(runs.map((r) => r.probe.p99)), max: Math.max(...runs.map((r) => r.probe.max)), count: runs.reduce((n, r) => n + r.probe.count, 0), errors: runs.reduce((n, r) => n + r.probe.errors, 0) } : undefined,
  };
}

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const ms = (n) => (Number.isFinite(n) ? (n < 10 ? fmt(n, 1) : fmt(n)) : 'n/a');
const mb = (bytes) => `${fmt(bytes / 1048576, 0)} MB`;

/** The issue's targets, from the summaries (Nest side; Django's own ratio is shown for context). */
export function checkTargets(results) {
  const s = results.scenarios;
  const nest = (key) => s[key]?.nest;
  const django = (key) => s[key]?.django;
  const ratio = (a, b) => (a && b ? a.rps / b.rps : NaN);
  const storm = nest('storm');
  const ceiling = results.hash.nestCeiling;
  const targets = [
    { name: 'guarded who-am-I >= 4x Django', value: ratio(nest('whoami'), django('whoami')), limit: 4, op: '>=', unit: 'x' },
    { name: 'guard alone >= 0.5x unguarded (no cookie)', value: ratio(nest('guard'), nest('health')), limit: 0.5, op: '>=', unit: 'x', django: ratio(django('guard'), django('health')) },
    { name: 'unguarded with cookie >= 0.95x without', value: ratio(nest('healthCookie'), nest('health')), limit: 0.95, op: '>=', unit: 'x', django: ratio(django('healthCookie'), django('health')) },
    { name: 'login storm: unguarded probe p99 <= 20 ms', value: storm?.probe?.p99 ?? NaN, limit: 20, op: '<=', unit: 'ms', django: django('storm')?.probe?.p99 },
    { name: 'login storm: logins/s >= 0.8x hash ceiling', value: storm ? storm.rps / ceiling : NaN, limit: 0.8, op: '>=', unit: 'x', django: django('storm') ? django('storm').rps / results.hash.djangoCeiling : NaN },
  ];
  if (results.config.verifiedSessionCache) {
    // The 0.5x target is for a guard without any cache; this run has one.
    targets.splice(1, 1);
    targets.push({ name: `with the verified-session cache (${results.config.verifiedSessionCache} ms): guard alone >= 0.9x unguarded`, value: ratio(nest('guard'), nest('health')), limit: 0.9, op: '>=', unit: 'x' });
  }
  for (const t of targets) t.pass = Number.isFinite(t.value) && (t.op === '>=' ? t.value >= t.limit : t.value <= t.limit);
  // A run of a few scenarios (--only) judges only the targets it measured.
  return results.config.only ? targets.filter((t) => Number.isFinite(t.value)) : targets;
}

function rows(results) {
  const out = [];
  for (const [key, s] of Object.entries(results.scenarios)) {
    const ratio = s.nest && s.django && s.django.rps > 0 ? s.nest.rps / s.django.rps : NaN;
    // Requests per CPU-second of the server itself, Nest over Django: steadier on a shared machine.
    const cpuRatio = s.nest && s.django && s.nest.cpuMsPerRequest > 0 ? s.django.cpuMsPerRequest / s.nest.cpuMsPerRequest : NaN;
    for (const side of ['django', 'nest']) {
      const r = s[side];
      if (!r) continue;
      const probe = r.probe ? `${ms(r.probe.p50)} / ${ms(r.probe.p99)}` : '';
      out.push({ key, label: s.label, side: side === 'django' ? 'Django' : 'Nest', path: s.paths[side], rps: fmt(r.rps, r.rps < 100 ? 1 : 0), spread: `${fmt(r.min, r.rps < 100 ? 1 : 0)}-${fmt(r.max, r.rps < 100 ? 1 : 0)}`, lat: `${ms(r.p50)} / ${ms(r.p99)}`, cpu: fmt(r.cpuMsPerRequest, r.cpuMsPerRequest < 10 ? 2 : 0), dbCpu: fmt(r.dbCpuMsPerRequest, 2), probe, ratio: side === 'nest' ? (Number.isFinite(ratio) ? `${fmt(ratio, 2)}x` : 'n/a') : '', cpuRatio: side === 'nest' ? (Number.isFinite(cpuRatio) ? `${fmt(cpuRatio, 2)}x` : 'n/a') : '', bad: r.non2xx + r.errors });
    }
  }
  return out;
}

export function textTable(results) {
  const lines = [];
  const header = ['scenario', 'server', 'route', 'req/s (median)', 'min-max', 'p50 / p99 ms', 'CPU ms/req', 'database CPU ms/req', 'probe p50 / p99 ms', 'Nest/Django', 'by CPU'];
  const body = rows(results).map((r) => [r.label, r.side, r.path, r.rps, r.spread, r.lat, r.cpu, r.dbCpu, r.probe, r.ratio, r.cpuRatio]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line));
  const bad = rows(results).filter((r) => r.bad > 0);
  for (const r of bad) lines.push(`warning: ${r.label} on ${r.side}: ${r.bad} non-2xx answers or socket errors`);
  lines.push('');
  lines.push(`hash: ${results.hash.algorithm}, ${fmt(results.hash.iterations)} iterations; one hash ${fmt(results.hash.nodeMs, 1)} ms in Node, ${fmt(results.hash.pythonMs, 1)} ms in Python (Node after the load: ${fmt(results.hash.nodeMsAfter, 1)} ms); ceiling (cores / one hash) Nest ${fmt(results.hash.nestCeiling, 1)}/s, Django ${fmt(results.hash.djangoCeiling, 1)}/s`);
  for (const side of ['django', 'nest']) {
    const r = results.rss[side];
    lines.push(`RSS ${side === 'django' ? 'Django' : 'Nest'}: ${mb(r.before.bytes)} before, ${mb(r.after.bytes)} after (${r.after.processes} process${r.after.processes === 1 ? '' : 'es'})`);
  }
  const load = (l) => l.map((n) => n.toFixed(1)).join(' ');
  lines.push(`load average (1, 5, 15 min): ${load(results.machine.loadBefore)} before, ${load(results.machine.loadAfter)} after, on ${results.machine.cores} cores`);
  lines.push('');
  for (const t of results.targets) {
    const shown = t.unit === 'ms' ? `${ms(t.value)} ms` : `${fmt(t.value, 2)}x`;
    const django = t.django === undefined ? '' : `  (Django: ${t.unit === 'ms' ? `${ms(t.django)} ms` : `${fmt(t.django, 2)}x`})`;
    lines.push(`${t.pass ? 'PASS' : 'FAIL'} ${t.name}: ${shown}${django}`);
  }
  return lines.join('\n');
}

/**
 * What the cores allow for who-am-I: every request costs the server's CPU plus the database
 * server's, on the same cores, so cores / (both) is a ceiling no tuning of either passes.
 */
function machineBound(results) {
  const w = results.scenarios.whoami;
  if (!w?.nest || !w?.django || !Number.isFinite(w.nest.dbCpuMsPerRequest)) return [];
  const cores = results.config.cores;
  const perRequest = w.nest.cpuMsPerRequest + w.nest.dbCpuMsPerRequest;
  const goal = 4 * w.django.rps;
  const storm = results.scenarios.storm?.nest;
  const stormLine = storm && Number.isFinite(results.hash.parallelRate) ? [`Login storm: ${fmt(storm.rps, 1)} logins/s is ${fmt(storm.rps / results.hash.parallelRate, 2)}x of the parallel hash rate (${fmt(results.hash.parallelRate, 1)}/s) and ${fmt(storm.rps / results.hash.nestCeiling, 2)}x of cores / one hash (${fmt(results.hash.nestCeiling, 1)}/s).`, ''] : [];
  return [
    ...stormLine,
    `Cores bound for (a): ${cores} cores / (Nest ${fmt(w.nest.cpuMsPerRequest, 2)} + MariaDB ${fmt(w.nest.dbCpuMsPerRequest, 2)} ms of CPU per request) = ${fmt((cores * 1000) / perRequest)} req/s. 4x Django (${fmt(goal)} req/s) needs at most ${fmt((cores * 1000) / goal, 2)} ms per request for both together; the database's share alone is ${fmt(w.nest.dbCpuMsPerRequest, 2)} ms (Django's requests cost it ${fmt(w.django.dbCpuMsPerRequest, 2)} ms).`,
    '',
  ];
}

export function markdown(results) {
  const c = results.config;
  const lines = [
    `Measured ${results.date.slice(0, 10)} by \`npm run bench:django\`${c.quick ? ' (--quick)' : ''}: ${c.cores} cores (${results.machine.cpu}), Node ${results.machine.node}, Django ${results.django} under gunicorn -w ${c.workers} (sync workers), the Nest sample on ${c.adapter}${(c.nestWorkers ?? 1) > 1 ? ` as a cluster of ${c.nestWorkers} workers` : ' in one process'}, one MariaDB database and one Django-made session for both; wrk -t${c.threads} -c${c.connections}, ${c.rounds} round${c.rounds === 1 ? '' : 's'} of ${c.seconds} s per server, alternating; medians, min-max over the rounds. Load average ${results.machine.loadBefore.map((n) => n.toFixed(1)).join(' / ')} before, ${results.machine.loadAfter.map((n) => n.toFixed(1)).join(' / ')} after.`,
    '',
    '| Scenario | Server | Route | req/s | min-max | p50 / p99 ms | server CPU ms/req | database CPU ms/req | probe p50 / p99 ms | Nest/Django | by CPU |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows(results).map((r) => `| ${r.side === 'Django' ? r.label : ''} | ${r.side} | \`${r.path}\` | ${r.rps} | ${r.spread} | ${r.lat} | ${r.cpu} | ${r.dbCpu} | ${r.probe} | ${r.ratio} | ${r.cpuRatio} |`),
    '',
    `Hash ceiling (cores / one ${results.hash.algorithm} hash of ${fmt(results.hash.iterations)} iterations): Nest ${fmt(results.hash.nestCeiling, 1)}/s (${fmt(results.hash.nodeMs, 1)} ms in Node before the load, ${fmt(results.hash.nodeMsAfter, 1)} ms after; the faster counts; with all cores hashing at once the machine gave ${fmt(results.hash.parallelRate, 1)}/s), Django ${fmt(results.hash.djangoCeiling, 1)}/s (${fmt(results.hash.pythonMs, 1)} ms in Python). RSS: Django ${mb(results.rss.django.before.bytes)} -> ${mb(results.rss.django.after.bytes)} (${results.rss.django.after.processes} processes), Nest ${mb(results.rss.nest.before.bytes)} -> ${mb(results.rss.nest.after.bytes)}.`,
    '',
    ...machineBound(results),
    '| Target (issue 15) | Measured | Django | |',
    '|---|---:|---:|---|',
    ...results.targets.map((t) => `| ${t.name} | ${t.unit === 'ms' ? `${ms(t.value)} ms` : `${fmt(t.value, 2)}x`} | ${t.django === undefined ? '' : t.unit === 'ms' ? `${ms(t.django)} ms` : `${fmt(t.django, 2)}x`} | ${t.pass ? 'PASS' : 'FAIL'} |`),
  ];
  return lines.join('\n') + '\n';
}

export { median, quantile };
