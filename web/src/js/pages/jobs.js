// Queue and jobs: the active jobs (queued to running) and every job matching
// the filters, newest first, refreshed every 2 s. Filters live in the URL:
// #/jobs?state=done&model=<id>&board=<board id>&branch=main
import {
  h, api, models, table, badge, emulatedTag, fmtUs, fmtAgo, fmtDate, fmtSeconds, jobLink, modelLink,
  section, shortSha, ACTIVE, isEmulated,
} from '../util.js';

const STATES = ['queued', 'assigned', 'flashing', 'running', 'done', 'failed', 'cancelled'];
const FILTERS = ['state', 'model', 'board', 'branch'];

export async function jobsPage(ctx) {
  const q = Object.fromEntries(FILTERS.map((k) => [k, ctx.query.get(k) || '']));
  const [{ list: modelList, map }, { boards }] = await Promise.all([models(), api('boards')]);

  const change = (k) => (e) => ctx.navigate('jobs', { ...q, [k]: e.target.value });
  const select = (k, label, options) =>
    h(
      'label',
      {},
      `${label} `,
      h(
        'select',
        { name: k, onchange: change(k) },
        h('option', { value: '' }, 'all'),
        options.map(([v, text]) => h('option', { value: v, selected: v === q[k] }, text)),
      ),
    );
  const filters = h(
    'form',
    { class: 'filters', onsubmit: (e) => e.preventDefault() },
    select('state', 'state', STATES.map((s) => [s, s])),
    select('model', 'model', modelList.map((m) => [m.id, m.name || m.id.slice(0, 12)])),
    select('board', 'board', boards.map((b) => [b.id, b.id])),
    h('label', {}, 'branch ', h('input', { name: 'branch', value: q.branch, size: 12, onchange: change('branch') })),
    FILTERS.some((k) => q[k]) ? h('a', { href: '#/jobs', class: 'clear' }, 'clear filters') : null,
  );
  const queueBox = h('div', { id: 'queue' });
  const listBox = h('div', { id: 'job-list' });
  const updated = h('span', { class: 'muted small' });
  ctx.view.replaceChildren(
    h('h1', {}, 'Jobs ', updated),
    filters,
    section('Queue (queued, assigned, flashing, running)', queueBox),
    section('Jobs', listBox),
  );

  const params = new URLSearchParams({ limit: '200' });
  for (const k of FILTERS) if (q[k]) params.set(k, q[k]);
  const rparams = new URLSearchParams({ limit: '500' });
  for (const k of ['model', 'board', 'branch']) if (q[k]) rparams.set(k, q[k]);

  await ctx.every(2000, async () => {
    const [{ jobs }, { results }] = await Promise.all([api(`jobs?${params}`), api(`results?${rparams}`)]);
    const byJob = new Map(results.map((r) => [r.job_id, r]));
    const cols = columns(map, byJob);
    const active = jobs.filter((j) => ACTIVE.includes(j.state)).sort((a, b) => a.id - b.id);
    queueBox.replaceChildren(
      table(cols, active, { empty: 'The queue is empty.', rowAttrs: (j) => ({ 'data-job': j.id, 'data-state': j.state }) }),
    );
    listBox.replaceChildren(
      table(cols, jobs, {
        empty: 'No jobs match.',
        rowAttrs: (j) => ({ 'data-job': j.id, 'data-state': j.state }),
      }),
    );
    if (jobs.length >= 200) listBox.append(h('p', { class: 'muted' }, 'Showing the newest 200; narrow the filters to see older jobs.'));
    updated.textContent = `updated ${fmtDate(Date.now()).slice(11)}`;
  });
}

function columns(map, byJob) {
  return [
    { label: 'job', cell: (j) => jobLink(j.id) },
    { label: 'state', cell: (j) => h('span', { class: 'state' }, badge(j.state)) },
    { label: 'model', cell: (j) => (j.model_id ? modelLink(map, j.model_id) : j.firmware_id ? `firmware ${j.firmware_id.slice(0, 10)}` : '—') },
    { label: 'board', cell: (j) => j.board_id || h('span', { class: 'muted' }, j.board.profile || selector(j.board)) },
    {
      label: 'branch / commit',
      cell: (j) =>
        j.labels.repo === 'hilbench-health'
          ? badge('health check', 'health', 'a board health check: the golden model run by the daemon')
          : j.labels.branch || j.labels.commit
            ? `${j.labels.branch || '—'} ${shortSha(j.labels.commit)}`
            : '—',
    },
    { label: 'runs', num: true, cell: (j) => `${j.runs} × ${j.windows}` },
    {
      label: 'median latency',
      num: true,
      cell: (j) => {
        const r = byJob.get(j.id);
        if (!r) return '—';
        return h('span', {}, fmtUs(r.latency_median_us), ' ', isEmulated(r.data) ? emulatedTag(r.data?.latency?.method) : null);
      },
    },
    { label: 'submitted', cell: (j) => h('span', { title: fmtDate(j.created_ms) }, fmtAgo(j.created_ms)) },
    {
      label: 'took',
      num: true,
      cell: (j) => (j.started_ms && j.finished_ms ? fmtSeconds((j.finished_ms - j.started_ms) / 1000) : '—'),
    },
    { label: 'message', cell: (j) => h('span', { class: `msg${j.failure !== 'none' ? ' bad' : ''}` }, j.failure !== 'none' ? `${j.failure}: ${j.message}` : j.message) },
  ];
}

function selector(board) {
  const tags = Object.entries(board.tags || {}).map(([k, v]) => `${k}=${v}`);
  return tags.join(',') || 'any board';
}
