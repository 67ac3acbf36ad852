// Models: every uploaded model; one model's inspection and its latency on
// each board it ran on (latest result per board, with a chart).
import {
  h, api, models, table, emulatedTag, estimateTag, fmtUs, fmtBytes, fmtBytesExact, fmtUj, fmtInstr, fmtInt, fmtAgo,
  fmtDate, jobLink, section, isEmulated, hashFor,
} from '../util.js';

export async function modelsPage(ctx) {
  const [{ list }, { results }] = await Promise.all([models(), api('results?limit=500')]);
  const count = new Map();
  for (const r of results) count.set(r.model_id, (count.get(r.model_id) || 0) + 1);
  ctx.view.replaceChildren(
    h('h1', {}, 'Models'),
    section(
      'Uploaded models',
      table(
        [
          { label: 'model', cell: (m) => h('a', { href: `#/model/${m.id}` }, m.name || m.id.slice(0, 12)) },
          { label: 'size', num: true, cell: (m) => h('span', { title: fmtBytesExact(m.size) }, fmtBytes(m.size)) },
          { label: 'operators', num: true, cell: (m) => fmtInt(m.inspection?.operators?.length) },
          { label: 'MACs', num: true, cell: (m) => fmtInt(m.inspection?.macs) },
          { label: 'arena', num: true, cell: (m) => fmtBytes(m.inspection?.arena_bytes) },
          { label: 'results', num: true, cell: (m) => String(count.get(m.id) || 0) },
          { label: 'uploaded', cell: (m) => h('span', { title: fmtDate(m.created_ms) }, fmtAgo(m.created_ms)) },
          { label: 'sha256', cell: (m) => h('code', { class: 'small' }, m.id.slice(0, 16)) },
        ],
        list,
        { empty: 'No models uploaded yet (POST /api/v1/models or `hilbench submit`).', rowAttrs: (m) => ({ 'data-model': m.id }) },
      ),
    ),
  );
}

export async function modelPage(ctx, id) {
  const [model, { results }] = await Promise.all([api(`models/${id}`), api(`results?model=${id}&limit=500`)]);
  const insp = model.inspection || {};
  // Latest result per board (results come newest first; sort to be sure).
  results.sort((a, b) => b.created_ms - a.created_ms);
  const perBoard = new Map();
  for (const r of results) {
    const e = perBoard.get(r.board_id);
    if (e) e.count++;
    else perBoard.set(r.board_id, { latest: r, count: 1, best: r.latency_median_us });
    const x = perBoard.get(r.board_id);
    x.best = Math.min(x.best, r.latency_median_us);
  }
  const rows = [...perBoard.values()].sort((a, b) => a.latest.latency_median_us - b.latest.latency_median_us);

  const tensors = (ts) => (ts || []).map((t) => `${t.name} ${t.shape?.join('×')} ${t.dtype}`).join(', ') || '—';
  const kv = [
    ['sha256', h('code', {}, model.id)],
    ['size', `${fmtBytes(model.size)} (${fmtBytesExact(model.size)})`],
    ['inputs', tensors(insp.inputs)],
    ['outputs', tensors(insp.outputs)],
    ['operators', insp.operators ? `${insp.operators.length} (${[...new Set(insp.operators.map((o) => o.op))].join(', ')})` : '—'],
    ['MACs per inference', fmtInt(insp.macs)],
    ['arena (planned)', fmtBytes(insp.arena_bytes)],
    ['weights', fmtBytes(insp.weight_bytes)],
    ['plan', fmtBytes(insp.plan_bytes)],
    insp.unsupported_operators?.length ? ['unsupported', insp.unsupported_operators.join(', ')] : null,
    ['uploaded', fmtDate(model.created_ms)],
  ].filter(Boolean);

  const canvas = h('canvas', { id: 'model-chart', 'aria-label': 'latency per board' });
  ctx.view.replaceChildren(
    h('h1', {}, `Model ${model.name || model.id.slice(0, 12)}`),
    h('p', { class: 'links' }, h('a', { href: hashFor('jobs', { model: id }) }, 'Jobs of this model')),
    section('Latency on each board',
      rows.length ? h('div', { class: 'chart-box', style: `height:${Math.max(140, rows.length * 36 + 60)}px` }, canvas) : null,
      table(
        [
          { label: 'board', cell: (x) => h('span', {}, x.latest.board_id, ' ', isEmulated(x.latest.data) ? emulatedTag(x.latest.data?.latency?.method) : null) },
          { label: 'profile', cell: (x) => x.latest.profile_id },
          { label: 'median latency (latest)', num: true, cell: (x) => fmtUs(x.latest.latency_median_us) },
          { label: 'best', num: true, cell: (x) => fmtUs(x.best) },
          { label: 'instructions / inference', num: true, cell: (x) => fmtInstr(x.latest.data?.latency?.instructions_per_inference) },
          { label: 'arena', num: true, cell: (x) => fmtBytes(x.latest.data?.memory?.arena_bytes) },
          {
            label: 'energy / inference',
            num: true,
            cell: (x) => (x.latest.data?.energy?.uj_per_inference !== undefined ? h('span', {}, fmtUj(x.latest.data.energy.uj_per_inference), ' ', estimateTag(x.latest.data.energy.method)) : '—'),
          },
          { label: 'output', cell: (x) => x.latest.data?.output_check?.check || '—' },
          { label: 'results', num: true, cell: (x) => String(x.count) },
          { label: 'latest job', cell: (x) => jobLink(x.latest.job_id) },
          { label: '', cell: (x) => h('a', { href: hashFor('trends', { model: id, board: x.latest.profile_id, metric: 'latency_us' }) }, 'trend') },
        ],
        rows,
        { empty: 'This model has no results yet.', rowAttrs: (x) => ({ 'data-board': x.latest.board_id }) },
      )),
    section('Inspection', h('dl', { class: 'kv' }, kv.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
  );
  if (rows.length) {
    ctx.chart(canvas, {
      type: 'bar',
      data: {
        labels: rows.map((x) => x.latest.board_id),
        datasets: [{ label: 'median latency (µs)', data: rows.map((x) => x.latest.latency_median_us), backgroundColor: '#3b82c4' }],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => fmtUs(c.parsed.x) } } },
        scales: { x: { beginAtZero: true, title: { display: true, text: 'median latency per inference' }, ticks: { callback: (v) => fmtUs(v) } } },
      },
    });
  }
}
