// Compare two jobs side by side (GET /api/v1/compare?a=&b=): the headline
// metrics with deltas, the per-layer times of both, and every numeric field.
// #/compare?a=<baseline job>&b=<candidate job>
import {
  h, api, models, table, badge, emulatedTag, estimateTag, fmtUs, fmtBytes, fmtUj, fmtInstr, fmtInt, fmtDate,
  fmtRatio, fmtPct, jobLink, modelLink, section, shortSha, isEmulated,
} from '../util.js';

// [label, dotted metric path, formatter, lower is better]
const HEADLINE = [
  ['median latency', 'latency.median_us', fmtUs],
  ['mean latency', 'latency.mean_us', fmtUs],
  ['min latency', 'latency.min_us', fmtUs],
  ['max latency', 'latency.max_us', fmtUs],
  ['instructions / inference', 'latency.instructions_per_inference', fmtInstr],
  ['arena', 'memory.arena_bytes', fmtBytes],
  ['stack high-water', 'memory.stack_used', fmtBytes],
  ['static RAM', 'memory.static_ram', fmtBytes],
  ['flash: harness', 'memory.flash_harness', fmtBytes],
  ['flash: plan', 'memory.flash_plan', fmtBytes],
  ['energy / inference (estimate)', 'energy.uj_per_inference', fmtUj],
  ['output mismatched bytes', 'output_check.mismatched_bytes', (v) => `${fmtInt(v)} bytes`],
];

export async function comparePage(ctx) {
  const a = ctx.query.get('a') || '';
  const b = ctx.query.get('b') || '';
  const inA = h('input', { name: 'a', type: 'number', min: 1, value: a, size: 6, required: true });
  const inB = h('input', { name: 'b', type: 'number', min: 1, value: b, size: 6, required: true });
  const form = h(
    'form',
    { class: 'filters', onsubmit: (e) => { e.preventDefault(); ctx.navigate('compare', { a: inA.value, b: inB.value }); } },
    h('label', {}, 'job A (baseline) ', inA),
    h('label', {}, 'job B (candidate) ', inB),
    h('button', { type: 'submit' }, 'Compare'),
  );
  ctx.view.replaceChildren(h('h1', {}, 'Compare two jobs'), form);
  if (!a || !b) {
    const { jobs } = await api('jobs?state=done&limit=20');
    ctx.view.append(h('p', { class: 'muted' }, 'Enter two finished jobs. Recent ones: ',
      jobs.map((j) => [jobLink(j.id), ' ']),
      jobs.length >= 2 ? ['· ', h('a', { href: `#/compare?a=${jobs[1].id}&b=${jobs[0].id}` }, `compare #${jobs[1].id} with #${jobs[0].id}`)] : null));
    return;
  }
  const [cmp, { map }] = await Promise.all([api(`compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`), models()]);
  const ra = cmp.a;
  const rb = cmp.b;
  const side = (r) => ({
    job: jobLink(r.job_id),
    model: modelLink(map, r.model_id),
    board: h('span', {}, r.board_id, ' ', isEmulated(r.data) ? emulatedTag(r.data?.latency?.method) : null),
    commit: `${r.branch || '—'} @ ${shortSha(r.commit) || '—'}`,
    date: fmtDate(r.created_ms),
    runs: `${r.data?.runs ?? '—'} runs × ${r.data?.windows ?? 1}, ${r.data?.rounding || '—'} rounding`,
    output: r.data?.output_check ? badge(r.data.output_check.check || (r.data.output_check.passed ? 'PASS' : 'FAIL'), r.data.output_check.passed ? 'pass' : 'fail') : '—',
    energy:
      r.data?.energy?.uj_per_inference !== undefined
        ? h('span', { class: 'small' }, estimateTag(), ' ', r.data.energy.method || '')
        : h('span', { class: 'muted' }, 'no estimate (the profile has no power model)'),
  });
  const sa = side(ra);
  const sb = side(rb);
  const who = [['job', 'job'], ['model', 'model'], ['board', 'board'], ['branch @ commit', 'commit'], ['finished', 'date'], ['runs', 'runs'], ['output check', 'output'], ['energy method', 'energy']];

  const headRows = who.map(([label, k]) => ({ label, a: sa[k], b: sb[k] }));
  const metricRows = HEADLINE.filter(([, path]) => cmp.metrics[path]).map(([label, path, fmt]) => ({ label, path, fmt, ...cmp.metrics[path] }));
  const change = (r) => {
    if (r.delta === 0) return h('span', { class: 'muted' }, 'same');
    const cls = r.delta > 0 ? 'worse' : 'better';
    return h('span', { class: cls }, `${r.delta > 0 ? '+' : '−'}${r.fmt(Math.abs(r.delta))}`, r.ratio !== null ? ` (${fmtRatio(r.ratio)})` : '');
  };

  ctx.view.append(
    h('div', { class: 'compare' },
      section('Jobs',
        table(
          [
            { label: '', cell: (r) => h('b', {}, r.label) },
            { label: `A: job #${ra.job_id}`, cell: (r) => r.a },
            { label: `B: job #${rb.job_id}`, cell: (r) => r.b },
          ],
          headRows,
        )),
      section('Metrics (B − A; lower is better for all of these)',
        table(
          [
            { label: 'metric', cell: (r) => r.label },
            { label: `A #${ra.job_id}`, num: true, cell: (r) => r.fmt(r.a) },
            { label: `B #${rb.job_id}`, num: true, cell: (r) => r.fmt(r.b) },
            { label: 'change', num: true, cell: change },
          ],
          metricRows,
          { empty: 'The two results share no headline metric.', rowAttrs: (r) => ({ 'data-metric': r.path }) },
        )),
    ),
  );
  layersCompare(ctx, ra, rb);
  const all = Object.entries(cmp.metrics).sort(([x], [y]) => x.localeCompare(y));
  ctx.view.append(
    section('Every numeric field',
      h('details', {}, h('summary', {}, `${all.length} fields (units as recorded: *_us µs, *_bytes and memory.* bytes, *_seconds s, *_uj µJ)`),
        table(
          [
            { label: 'field', cell: ([k]) => h('code', {}, k) },
            { label: 'A', num: true, cell: ([k, v]) => fmtField(k, v.a) },
            { label: 'B', num: true, cell: ([k, v]) => fmtField(k, v.b) },
            { label: 'B / A', num: true, cell: ([, v]) => (v.ratio === null ? '—' : fmtRatio(v.ratio)) },
          ],
          all,
        ))),
  );
}

// A unit from the field's name, for the full list.
function fmtField(k, v) {
  if (/(_us|\.us)$/.test(k)) return fmtUs(v);
  if (/^memory\.|_bytes$|\.bytes$/.test(k)) return fmtBytes(v);
  if (/_seconds$|\.seconds$/.test(k)) return `${v.toFixed(3)} s`;
  if (/uj_per_inference$/.test(k)) return fmtUj(v);
  if (/instructions/.test(k) && !/rel_diff/.test(k)) return fmtInstr(v);
  if (/_hz$/.test(k)) return `${fmtInt(v)} Hz`;
  if (/share$|rel_diff$/.test(k)) return fmtPct(v, 4);
  if (/power_mw$/.test(k)) return `${v} mW`;
  return Number.isInteger(v) ? fmtInt(v) : String(+v.toPrecision(6));
}

function layersCompare(ctx, ra, rb) {
  const la = ra.data?.layers || [];
  const lb = rb.data?.layers || [];
  if (!la.length || !lb.length) return;
  const same = la.length === lb.length && la.every((l, i) => l.op === lb[i].op);
  const n = Math.max(la.length, lb.length);
  const labels = Array.from({ length: n }, (_, i) => `#${i} ${la[i]?.op || ''}${!same && lb[i] && la[i]?.op !== lb[i].op ? ` / ${lb[i].op}` : ''}`);
  const canvas = h('canvas', { id: 'compare-layers', 'aria-label': 'per-layer time of both jobs' });
  ctx.view.append(
    section('Per-layer time', same ? null : h('p', { class: 'muted' }, 'The two plans differ in their layers; layers are matched by position.'),
      h('div', { class: 'chart-box', style: `height:${Math.max(180, n * 28 + 70)}px` }, canvas)),
  );
  ctx.chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: `A: job #${ra.job_id}`, data: la.map((l) => l.us), backgroundColor: '#9e9e9e' },
        { label: `B: job #${rb.job_id}`, data: lb.map((l) => l.us), backgroundColor: '#3b82c4' },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmtUs(c.parsed.x)}` } } },
      scales: {
        x: { title: { display: true, text: 'time per inference' }, ticks: { callback: (v) => fmtUs(v) } },
        y: { ticks: { autoSkip: false, font: { family: 'monospace', size: 11 } } },
      },
    },
  });
}
