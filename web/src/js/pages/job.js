// One job: its state (polled every 1.5 s until it finishes), its log, and,
// once done, the result: latency per window, a per-layer profile chart, the
// memory breakdown, the energy estimate and its method, the output check.
import {
  h, api, models, table, badge, emulatedTag, estimateTag, fmtUs, fmtBytes, fmtBytesExact, fmtUj, fmtInstr, fmtInt,
  fmtHz, fmtPct, fmtDate, fmtSeconds, jobLink, modelLink, section, shortSha, isEmulated, TERMINAL, hashFor,
} from '../util.js';

export async function jobPage(ctx, idText) {
  const id = Number(idText);
  const { map } = await models();
  const head = h('div');
  const resultBox = h('div', { id: 'result' });
  const logPre = h('pre', { class: 'log', id: 'job-log' });
  ctx.view.replaceChildren(
    h('h1', {}, `Job #${id}`),
    head,
    resultBox,
    section('Log', logPre),
  );

  let shownResult = false;
  await ctx.every(1500, async () => {
    const [job, log] = await Promise.all([api(`jobs/${id}`), api(`jobs/${id}/log`)]);
    head.replaceChildren(jobHeader(job, map));
    const atBottom = logPre.scrollTop + logPre.clientHeight >= logPre.scrollHeight - 4;
    logPre.textContent = log.lines.length ? log.lines.join('\n') : '(no log lines yet)';
    if (atBottom) logPre.scrollTop = logPre.scrollHeight;
    if (!TERMINAL.has(job.state)) {
      resultBox.replaceChildren(h('p', { class: 'muted' }, `The result appears here when the job is done (now ${job.state}).`));
      return true;
    }
    if (!shownResult) {
      shownResult = true;
      const result = job.state === 'done' ? await api(`results/${id}`, { allow404: true }) : null;
      resultBox.replaceChildren(...(result ? resultView(ctx, job, result) : [h('p', { class: 'muted' }, 'No result: the job did not finish.')]));
    }
    return false; // finished: stop polling
  });
}

function jobHeader(job, map) {
  const kv = [
    ['state', h('span', { id: 'job-state' }, badge(job.state), job.failure !== 'none' ? [' ', badge(job.failure, 'failed')] : null)],
    ['model', job.model_id ? modelLink(map, job.model_id) : job.firmware_id ? `firmware ${job.firmware_id.slice(0, 12)}` : '—'],
    ['board', job.board_id || `not assigned (asked for ${job.board.profile || JSON.stringify(job.board.tags)})`],
    ['runs', `${job.runs} runs × ${job.windows} window${job.windows === 1 ? '' : 's'}, ${job.warmup} warmup, ${job.rounding} rounding`],
    ['branch / commit', job.labels.branch || job.labels.commit ? `${job.labels.branch || '—'} @ ${shortSha(job.labels.commit) || '—'}` : '—'],
    ['repo', job.labels.repo || null],
    ['CI', job.labels.ci_url ? h('a', { href: job.labels.ci_url, rel: 'noopener' }, job.labels.ci_url) : null],
    ['submitted', fmtDate(job.created_ms)],
    ['started', job.started_ms ? fmtDate(job.started_ms) : '—'],
    ['finished', job.finished_ms ? `${fmtDate(job.finished_ms)} (${fmtSeconds((job.finished_ms - (job.started_ms || job.created_ms)) / 1000)})` : '—'],
    ['attempts', `${job.attempts}${job.excluded_boards.length ? ` (excluded: ${job.excluded_boards.join(', ')})` : ''}`],
    ['message', job.message ? h('span', { class: job.failure !== 'none' ? 'bad' : '' }, job.message) : null],
  ];
  return h('dl', { class: 'kv card' }, kv.filter(([, v]) => v !== null).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function resultView(ctx, job, rec) {
  const d = rec.data || {};
  const lat = d.latency || {};
  const emu = isEmulated(d);
  const boardProfile = rec.profile_id;
  const links = h(
    'p',
    { class: 'links' },
    h('a', { href: hashFor('trends', { model: rec.model_id, board: boardProfile, metric: 'latency_us' }) }, 'Trend of this model on this board'),
    ' · ',
    h('a', { href: `#/model/${rec.model_id}` }, 'This model on every board'),
    ' · ',
    compareForm(job.id),
  );

  const cards = h(
    'div',
    { class: 'cards' },
    card('median latency', fmtUs(lat.median_us), emu ? emulatedTag(lat.method) : null, lat.method),
    card('instructions / inference', fmtInstr(lat.instructions_per_inference), emu ? emulatedTag('counted by the QEMU plugin') : null),
    card('arena', fmtBytes(d.memory?.arena_bytes), null, fmtBytesExact(d.memory?.arena_bytes)),
    card('energy / inference', fmtUj(d.energy?.uj_per_inference), estimateTag(d.energy?.method), d.energy?.method),
    card(
      'output check',
      d.output_check ? h('span', { id: 'output-check' }, badge(outputCheckText(d.output_check), d.output_check.passed ? 'pass' : 'fail')) : '—',
      null,
      d.output_check?.reference,
    ),
  );

  return [
    links,
    cards,
    section('Latency', latencyView(lat, emu)),
    section('Per-layer profile', layersView(ctx, d.layers || [], emu)),
    section('Memory', memoryView(d.memory || {})),
    section('Energy', energyView(d.energy)),
    section('Output check', outputView(d.output_check)),
    section('Board and run', boardView(d, rec)),
  ];
}

function card(title, value, tag, note) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-title' }, title, tag ? [' ', tag] : null), h('div', { class: 'stat-value' }, value), note ? h('div', { class: 'stat-note' }, note) : null);
}

function outputCheckText(oc) {
  return oc.check || (oc.passed ? 'PASS' : 'FAIL');
}

function compareForm(jobId) {
  const input = h('input', { type: 'number', min: 1, placeholder: 'job #', size: 6, 'aria-label': 'other job id' });
  return h(
    'form',
    {
      class: 'inline',
      onsubmit: (e) => {
        e.preventDefault();
        if (input.value) location.hash = hashFor('compare', { a: input.value, b: jobId });
      },
    },
    'Compare with job ',
    input,
    ' ',
    h('button', { type: 'submit' }, 'Compare'),
  );
}

function latencyView(lat, emu) {
  const kv = [
    ['median', fmtUs(lat.median_us)],
    ['mean', fmtUs(lat.mean_us)],
    ['min / max', `${fmtUs(lat.min_us)} / ${fmtUs(lat.max_us)}`],
    lat.p90_us !== undefined ? ['p90', fmtUs(lat.p90_us)] : null,
    ['instructions per inference', fmtInstr(lat.instructions_per_inference)],
    ['method', h('span', {}, lat.method || 'measured', emu ? [' ', emulatedTag()] : null)],
    lat.time_basis ? ['time basis', lat.time_basis] : null,
    lat.timer ? ['timer', `${lat.timer}${lat.timer_hz ? ` at ${fmtHz(lat.timer_hz)}` : ''}`] : null,
    lat.agree !== undefined
      ? ['instructions at the clock vs timer', `${lat.agree ? 'agree' : 'DISAGREE'} (relative difference ${fmtPct(lat.instructions_vs_ticks_rel_diff, 4)})`]
      : null,
  ].filter(Boolean);
  const windows = lat.windows || [];
  return [
    h('dl', { class: 'kv' }, kv.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h3', {}, 'Per window'),
    table(
      [
        { label: 'window', cell: (w) => String((w.index ?? 0) + 1) },
        { label: 'runs', num: true, cell: (w) => `${w.runs ?? '—'} (+${w.warmup ?? 0} warmup)` },
        { label: 'median', num: true, cell: (w) => fmtUs(w.median_us) },
        { label: 'min', num: true, cell: (w) => fmtUs(w.min_us) },
        { label: 'max', num: true, cell: (w) => fmtUs(w.max_us) },
        {
          label: 'instructions / inference',
          num: true,
          cell: (w) => (w.instructions && w.runs ? fmtInstr(w.instructions / w.runs) : '—'),
        },
        { label: 'timer ticks (median)', num: true, cell: (w) => (w.ticks ? `${fmtInt(w.ticks.median)} ticks` : '—') },
      ],
      windows,
      { empty: 'No per-window figures.', rowAttrs: () => ({ class: 'window-row' }) },
    ),
  ];
}

function layersView(ctx, layers, emu) {
  if (!layers.length) return h('p', { class: 'muted' }, 'No per-layer profile in this result.');
  const canvas = h('canvas', { id: 'layers-chart', 'aria-label': 'time per layer' });
  const box = h('div', { class: 'chart-box', style: `height:${Math.max(160, layers.length * 20 + 50)}px` }, canvas);
  const labels = layers.map((l) => `#${l.index} ${l.op}`);
  // Drawn after the canvas is in the document (Chart.js measures its parent).
  queueMicrotask(() =>
    ctx.chart(canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: [{ label: 'time per inference (µs)', data: layers.map((l) => l.us), backgroundColor: '#3b82c4' }],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (c) => {
                const l = layers[c.dataIndex];
                return `${fmtUs(l.us)} (${fmtPct(l.share)}), ${fmtInt(l.macs)} MACs`;
              },
            },
          },
        },
        scales: {
          x: { title: { display: true, text: `time per inference${emu ? ' (emulated)' : ''}` }, ticks: { callback: (v) => fmtUs(v) } },
          y: { ticks: { autoSkip: false, font: { family: 'monospace', size: 11 } } },
        },
      },
    }),
  );
  const sorted = [...layers].sort((a, b) => (b.us ?? 0) - (a.us ?? 0));
  return [
    box,
    h('details', {}, h('summary', {}, `All ${layers.length} layers, slowest first`),
      table(
        [
          { label: 'layer', cell: (l) => `#${l.index}` },
          { label: 'operator', cell: (l) => l.op },
          { label: 'time', num: true, cell: (l) => fmtUs(l.us) },
          { label: 'share', num: true, cell: (l) => fmtPct(l.share) },
          { label: 'MACs', num: true, cell: (l) => fmtInt(l.macs) },
          { label: 'ticks', num: true, cell: (l) => (l.ticks !== undefined ? `${fmtInt(l.ticks)} ticks` : '—') },
        ],
        sorted,
      )),
  ];
}

// Known memory fields and what they mean; unknown numeric ones are listed after.
const MEMORY = [
  ['RAM', 'arena_used', 'tensor arena used', 'arena_capacity'],
  ['RAM', 'stack_used', 'stack high-water', 'stack_size'],
  ['RAM', 'static_ram', 'static RAM of the harness (.data + .bss, includes the arena partition)', null],
  ['Flash', 'flash_harness', 'harness firmware code (.text)', null],
  ['Flash', 'flash_plan', 'model plan', null],
];
const MEMORY_SHOWN = new Set(['arena_used', 'arena_bytes', 'arena_capacity', 'stack_used', 'stack', 'stack_size', 'static_ram', 'flash_harness', 'flash_plan', 'plan_bytes', 'text', 'bss', 'data']);

function memoryView(mem) {
  const rows = [];
  for (const [group, key, what, capKey] of MEMORY) {
    const alt = { arena_used: 'arena_bytes', stack_used: 'stack', flash_harness: 'text', flash_plan: 'plan_bytes' }[key];
    const v = mem[key] ?? mem[alt];
    if (v === undefined) continue;
    rows.push({ group, what, v, cap: capKey ? mem[capKey] : undefined });
  }
  for (const [k, v] of Object.entries(mem)) if (!MEMORY_SHOWN.has(k) && typeof v === 'number') rows.push({ group: 'other', what: k, v });
  const max = Math.max(1, ...rows.map((r) => r.cap || r.v));
  return table(
    [
      { label: '', cell: (r) => r.group },
      { label: 'what', cell: (r) => r.what },
      { label: 'size', num: true, cell: (r) => h('span', { title: fmtBytesExact(r.v) }, fmtBytes(r.v)) },
      { label: 'of', num: true, cell: (r) => (r.cap ? h('span', { title: fmtBytesExact(r.cap) }, `${fmtBytes(r.cap)} (${fmtPct(r.v / r.cap)})`) : '') },
      {
        label: '',
        cell: (r) =>
          h('div', { class: 'bar' },
            r.cap ? h('div', { class: 'bar-cap', style: `width:${(100 * r.cap) / max}%` }) : null,
            h('div', { class: 'bar-fill', style: `width:${Math.max(0.5, (100 * r.v) / max)}%` })),
      },
    ],
    rows,
    { empty: 'No memory figures in this result.' },
  );
}

function energyView(e) {
  if (!e || e.uj_per_inference === undefined) return h('p', { class: 'muted' }, 'No energy estimate: the board profile has no power model.');
  const kv = [
    ['per inference', h('span', { id: 'energy-value' }, fmtUj(e.uj_per_inference), ' ', estimateTag())],
    ['method', h('span', { id: 'energy-method' }, e.method || '—')],
    e.power_mw !== undefined ? ['power', `${e.power_mw} mW`] : null,
    e.time_basis ? ['time basis', e.time_basis] : null,
    e.source ? ['source', h('span', { class: 'small' }, e.source)] : null,
  ].filter(Boolean);
  return h('dl', { class: 'kv' }, kv.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function outputView(oc) {
  if (!oc) return h('p', { class: 'muted' }, 'No output check in this result.');
  const kv = [
    ['verdict', badge(outputCheckText(oc), oc.passed ? 'pass' : 'fail')],
    ['compared with', oc.reference || '—'],
    ['output size', fmtBytes(oc.bytes)],
    ['mismatched bytes', oc.mismatched_bytes !== undefined ? `${fmtInt(oc.mismatched_bytes)} bytes` : '—'],
  ];
  for (const [k, v] of Object.entries(oc)) {
    if (['check', 'passed', 'reference', 'bytes', 'mismatched_bytes', 'data_hex'].includes(k)) continue;
    kv.push([k.replace(/_/g, ' '), typeof v === 'object' ? describe(v) : String(v)]);
  }
  if (oc.data_hex) kv.push(['output bytes (hex)', h('code', { class: 'hex' }, oc.data_hex.length > 256 ? `${oc.data_hex.slice(0, 256)}…` : oc.data_hex)]);
  return h('dl', { class: 'kv' }, kv.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function describe(o) {
  return Object.entries(o).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

function boardView(d, rec) {
  const b = d.board || {};
  const kv = [
    ['board', `${b.name || rec.board_id} (${rec.board_id})`],
    ['profile', rec.profile_id],
    ['core', b.core || '—'],
    ['clock', fmtHz(b.clock_hz)],
    ['emulated', b.emulated ? h('span', {}, 'yes ', emulatedTag(), b.qemu ? ` QEMU ${b.qemu.machine}, icount shift ${b.qemu.icount_shift}` : '') : 'no (real hardware)'],
    d.input ? ['input', `${fmtBytes(d.input.bytes)} (${d.input.source || '—'}), sent by ${d.input.transfer || '—'} in ${fmtSeconds(d.input.seconds)}`] : null,
    d.timing ? ['wall time', `${fmtSeconds(d.timing.wall_seconds)} (board ${fmtSeconds(d.timing.board_seconds)}, boot ${fmtSeconds(d.timing.boot_seconds)})`] : null,
    d.versions ? ['versions', describe(d.versions)] : null,
    ['model sha256', h('code', {}, rec.model_id)],
  ].filter(Boolean);
  return h('dl', { class: 'kv' }, kv.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

