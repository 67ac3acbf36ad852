// Trends: one metric of one model on one board profile over commits or time,
// with the active baseline drawn as a horizontal line and the results that a
// CI gate judged a regression marked. All choices are in the URL:
// #/trends?model=<id>&board=<profile id or board id>&metric=latency_us&x=commit|time&branch=main
//
// Baselines and gates come from GET /api/v1/baselines and /api/v1/gates;
// a daemon without them (404) shows "no baseline".
import {
  h, api, models, table, badge, emulatedTag, fmtDate, fmtRatio, jobLink, section, shortSha, isEmulated, METRICS, hashFor,
} from '../util.js';

export async function trendsPage(ctx) {
  const q = {
    model: ctx.query.get('model') || '',
    board: ctx.query.get('board') || '',
    metric: METRICS[ctx.query.get('metric')] ? ctx.query.get('metric') : 'latency_us',
    x: ctx.query.get('x') === 'time' ? 'time' : 'commit',
    branch: ctx.query.get('branch') || '',
  };
  if (!q.model) {
    // Landing on #/trends: start from the newest user result's model and board
    // (board health checks run a golden model nobody asked about).
    const recent = (await api('results?limit=50')).results;
    const latest = recent.find((r) => !(r.data && r.data.health_check)) || recent[0];
    if (latest) {
      location.replace(hashFor('trends', { ...q, model: latest.model_id, board: latest.profile_id }));
      return;
    }
  }
  const [{ list: modelList, map }, { boards }] = await Promise.all([models(), api('boards')]);
  const m = METRICS[q.metric];

  // Results of the model (all boards), to offer the profiles it ran on.
  const all = q.model ? (await api(`results?model=${q.model}&limit=500`)).results : [];
  const profiles = [...new Set([...all.map((r) => r.profile_id), ...boards.map((b) => b.profile_id)])].sort();
  if (q.model && !q.board && all.length) q.board = all[0].profile_id;

  const change = (k) => (e) => ctx.navigate('trends', { ...q, [k]: e.target.value });
  const select = (k, label, options, withEmpty) =>
    h('label', {}, `${label} `, h('select', { name: k, onchange: change(k) },
      withEmpty ? h('option', { value: '' }, `choose a ${label}`) : null,
      options.map(([v, text]) => h('option', { value: v, selected: v === q[k] }, text))));
  const form = h(
    'form',
    { class: 'filters', onsubmit: (e) => e.preventDefault() },
    select('model', 'model', modelList.map((x) => [x.id, x.name || x.id.slice(0, 12)]), true),
    select('board', 'board', profiles.map((p) => [p, p]).concat(q.board && !profiles.includes(q.board) ? [[q.board, q.board]] : []), true),
    select('metric', 'metric', Object.entries(METRICS).map(([k, v]) => [k, `${v.label} (${v.unit})`])),
    select('x', 'over', [['commit', 'commits'], ['time', 'time']]),
    h('label', {}, 'branch ', h('input', { name: 'branch', value: q.branch, size: 12, placeholder: 'all', onchange: change('branch') })),
  );
  ctx.view.replaceChildren(h('h1', {}, 'Trends'), form);
  if (!q.model || !q.board) {
    ctx.view.append(h('p', { class: 'muted' }, 'Choose a model and a board to see how a metric moved over commits or time.'));
    return;
  }

  const byBoardId = q.board.includes('/');
  const profile = byBoardId ? all.find((r) => r.board_id === q.board)?.profile_id || q.board.split('/')[1] : q.board;
  const points = all
    .filter((r) => (byBoardId ? r.board_id === q.board : r.profile_id === q.board))
    .filter((r) => !q.branch || r.branch === q.branch)
    .map((r) => ({ r, v: m.get(r.data) }))
    .filter((p) => typeof p.v === 'number')
    .sort((a, b) => a.r.created_ms - b.r.created_ms);

  const [bl, gt] = await Promise.all([
    api(`baselines?model=${q.model}&profile=${encodeURIComponent(profile)}`, { allow404: true }).catch(() => null),
    api(`gates?model=${q.model}&profile=${encodeURIComponent(profile)}`, { allow404: true }).catch(() => null),
  ]);
  const boardId = byBoardId ? q.board : null;
  const baselines = (bl?.baselines || []).filter(
    (b) => b.active && b.metric === q.metric && (b.board_id === null || b.board_id === undefined || !boardId || b.board_id === boardId),
  );
  // Latest gate per candidate job.
  const gates = new Map();
  for (const g of (gt?.gates || []).sort((a, b) => a.created_at_ms - b.created_at_ms)) gates.set(g.job_id, g);
  const regressed = (job) => {
    const g = gates.get(job);
    if (!g || g.verdict !== 'regression') return false;
    // Marked when the gate found this metric regressed (or did not say which).
    const mm = g.metrics?.find((x) => x.metric === q.metric);
    return !g.metrics?.length || !mm || mm.verdict === 'regression';
  };

  const baselineInfo = h(
    'p',
    { id: 'baseline-info', class: 'summary' },
    baselines.length
      ? baselines.map((b) => [
        'Baseline ', h('b', {}, m.fmt(b.value)), ` from job `, jobLink(b.job_id),
        ` (${b.branch || '—'} @ ${shortSha(b.commit) || '—'}, ${fmtDate(b.created_at_ms)}${b.reason ? `: ${b.reason}` : ''}). `,
      ])
      : h('span', { class: 'muted' }, bl ? 'No baseline for this model, board and metric.' : 'No baseline (this server has no baselines endpoint).'),
    ' ',
    points.some((p) => regressed(p.r.job_id))
      ? badge(`${points.filter((p) => regressed(p.r.job_id)).length} regression${points.filter((p) => regressed(p.r.job_id)).length === 1 ? '' : 's'}`, 'regression')
      : null,
  );
  const canvas = h('canvas', { id: 'trend-chart', 'aria-label': `${m.label} over ${q.x}` });
  const emu = points.some((p) => isEmulated(p.r.data));
  ctx.view.append(
    section(`${m.label} of ${map.get(q.model)?.name || q.model.slice(0, 12)} on ${q.board}`,
      h('p', { class: 'small muted' }, `${points.length} result${points.length === 1 ? '' : 's'}. `, emu ? [emulatedTag('instruction-count figures from QEMU'), ' figures from emulated boards. '] : null,
        q.metric === 'energy_uj' ? 'Energy is an estimate from the profile\u2019s power model.' : null),
      baselineInfo,
      points.length ? h('div', { class: 'chart-box tall' }, canvas) : h('p', { class: 'muted empty' }, 'No results for this model on this board yet.')),
  );
  if (!points.length) return;

  const label = (p) => (q.x === 'commit' ? shortSha(p.r.commit) || `job ${p.r.job_id}` : fmtDate(p.r.created_ms));
  const xy = points.map((p, i) => ({ x: q.x === 'time' ? p.r.created_ms : i, y: p.v }));
  const bad = points.map((p) => regressed(p.r.job_id));
  const gated = points.map((p) => gates.has(p.r.job_id));
  const xs = xy.map((p) => p.x);
  const datasets = [
    {
      label: m.label,
      data: xy,
      borderColor: '#3b82c4',
      backgroundColor: '#3b82c4',
      pointStyle: bad.map((b) => (b ? 'triangle' : 'circle')),
      pointRadius: bad.map((b) => (b ? 9 : 4)),
      pointBackgroundColor: bad.map((b, i) => (b ? '#d32f2f' : gated[i] ? '#2e7d32' : '#3b82c4')),
      pointBorderColor: bad.map((b) => (b ? '#7f0000' : '#1d4f80')),
      tension: 0,
    },
    ...baselines.map((b) => ({
      label: `baseline (job #${b.job_id})`,
      data: [{ x: Math.min(...xs), y: b.value }, { x: Math.max(...xs), y: b.value }],
      borderColor: '#ef8c00',
      borderDash: [6, 4],
      pointRadius: 0,
      borderWidth: 2,
      hbBaseline: true,
    })),
  ];
  ctx.chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: true,
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            title: (items) => {
              const it = items[0];
              if (it.dataset.hbBaseline) return it.dataset.label;
              const p = points[it.dataIndex];
              return `job #${p.r.job_id} · ${p.r.branch || '—'} @ ${shortSha(p.r.commit) || '—'} · ${fmtDate(p.r.created_ms)}`;
            },
            label: (it) => {
              if (it.dataset.hbBaseline) return m.fmt(it.parsed.y);
              const p = points[it.dataIndex];
              const g = gates.get(p.r.job_id);
              return `${m.fmt(it.parsed.y)}${g ? ` · gate: ${g.verdict}` : ''}`;
            },
          },
        },
      },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: q.x === 'commit' ? 'commit (oldest → newest)' : 'time' },
          ticks: {
            callback: (v) => (q.x === 'time' ? fmtDate(v).slice(5, 16) : Number.isInteger(v) && points[v] ? label(points[v]) : ''),
            stepSize: q.x === 'commit' ? 1 : undefined,
            maxRotation: 45,
          },
          min: q.x === 'commit' ? -0.3 : undefined,
          max: q.x === 'commit' ? points.length - 0.7 : undefined,
        },
        y: { title: { display: true, text: m.label }, ticks: { callback: (v) => m.fmt(v) } },
      },
      onClick: (_e, els) => {
        const el = els.find((x) => x.datasetIndex === 0);
        if (el) location.hash = `#/job/${points[el.index].r.job_id}`;
      },
    },
  });

  const base = baselines[0]?.value;
  ctx.view.append(
    section('Results',
      table(
        [
          { label: 'job', cell: (p) => jobLink(p.r.job_id) },
          { label: 'branch', cell: (p) => p.r.branch || '—' },
          { label: 'commit', cell: (p) => h('code', {}, shortSha(p.r.commit) || '—') },
          { label: 'date', cell: (p) => fmtDate(p.r.created_ms) },
          { label: 'board', cell: (p) => p.r.board_id },
          { label: m.label, num: true, cell: (p) => m.fmt(p.v) },
          { label: 'vs baseline', num: true, cell: (p) => (typeof base === 'number' && base ? fmtRatio(p.v / base) : '—') },
          {
            label: 'gate',
            cell: (p) => {
              const g = gates.get(p.r.job_id);
              if (!g) return '—';
              return h('span', {}, badge(g.verdict, g.verdict), g.baseline_job_id ? [' vs ', jobLink(g.baseline_job_id)] : null,
                g.baseline_job_id ? [' ', h('a', { href: hashFor('compare', { a: g.baseline_job_id, b: p.r.job_id }) }, 'compare')] : null);
            },
          },
        ],
        [...points].reverse(),
        { rowAttrs: (p) => ({ 'data-job': p.r.job_id, class: regressed(p.r.job_id) ? 'row-bad' : null }) },
      )),
  );
}
