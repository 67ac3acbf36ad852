// Small helpers shared by every page: element building, number formatting
// with units, and the API client. No framework: pages build DOM nodes with
// h() (text is always set as text, never parsed as HTML).

// --- DOM -------------------------------------------------------------------------

// h('a', {href: '#/x', class: 'c'}, 'text', child, [more]) -> HTMLElement.
// Attributes starting with "on" are event listeners; null/false children are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// A table: columns [{label, cell(row) -> node|string, num: bool}], rows.
export function table(columns, rows, { empty = 'Nothing yet.', rowAttrs } = {}) {
  if (!rows.length) return h('p', { class: 'muted empty' }, empty);
  return h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : null }, c.label)))),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          rowAttrs ? rowAttrs(r) : {},
          columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.cell(r))),
        ),
      ),
    ),
  );
}

export const badge = (text, kind = text, title) => h('span', { class: `badge b-${kind}`, title }, text);

// "emulated" / "estimate" labels, with the method as a tooltip and visible text.
export const emulatedTag = (title) => badge('emulated', 'emulated', title);
export const estimateTag = (title) => badge('estimate', 'estimate', title);

export function section(title, ...body) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...body);
}

// --- numbers with units ----------------------------------------------------------

const nf = (digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ni = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// Microseconds as µs, ms or s, three significant-ish digits.
export function fmtUs(us) {
  if (!isNum(us)) return '—';
  const a = Math.abs(us);
  if (a >= 1e6) return `${nf(a >= 1e7 ? 2 : 3).format(us / 1e6)} s`;
  if (a >= 1e3) return `${nf(a >= 1e5 ? 1 : 2).format(us / 1e3)} ms`;
  return `${nf(a >= 100 ? 0 : a >= 10 ? 1 : 2).format(us)} µs`;
}

// Bytes: exact below 1 KiB, else KiB or MiB (fmtBytesExact gives the exact count for a tooltip).
export function fmtBytes(b) {
  if (!isNum(b)) return '—';
  const a = Math.abs(b);
  if (a < 1024) return `${ni.format(b)} B`;
  if (a < 1024 * 1024) return `${nf(a < 10240 ? 2 : 1).format(b / 1024)} KiB`;
  return `${nf(2).format(b / (1024 * 1024))} MiB`;
}

export const fmtBytesExact = (b) => (isNum(b) ? `${ni.format(b)} bytes` : '');

// Micro-joules as µJ or mJ.
export function fmtUj(uj) {
  if (!isNum(uj)) return '—';
  const a = Math.abs(uj);
  if (a >= 1e3) return `${nf(a >= 1e5 ? 1 : 2).format(uj / 1e3)} mJ`;
  return `${nf(a >= 100 ? 0 : 2).format(uj)} µJ`;
}

// Instruction counts: "1.96 M instructions".
export function fmtInstr(n) {
  if (!isNum(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1e9) return `${nf(2).format(n / 1e9)} G instructions`;
  if (a >= 1e6) return `${nf(2).format(n / 1e6)} M instructions`;
  if (a >= 1e4) return `${nf(1).format(n / 1e3)} k instructions`;
  return `${ni.format(n)} instructions`;
}

export const fmtInt = (n) => (isNum(n) ? ni.format(n) : '—');
export const fmtHz = (hz) => (isNum(hz) ? `${nf(hz % 1e6 ? 1 : 0).format(hz / 1e6)} MHz` : '—');
export const fmtPct = (x, digits = 1) => (isNum(x) ? `${nf(digits).format(x * 100)} %` : '—');
export const fmtSeconds = (s) => (isNum(s) ? `${nf(s >= 10 ? 1 : 2).format(s)} s` : '—');

// Signed relative change "+3.2 %" from a ratio b/a.
export function fmtRatio(ratio) {
  if (!isNum(ratio)) return '—';
  const p = (ratio - 1) * 100;
  return `${p > 0 ? '+' : ''}${nf(Math.abs(p) < 10 ? 2 : 1).format(p)} %`;
}

export function fmtDate(ms) {
  if (!isNum(ms)) return '—';
  const d = new Date(ms);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// "12 s ago", "3 min ago", "2 h ago", else the date.
export function fmtAgo(ms, now = Date.now()) {
  if (!isNum(ms)) return '—';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return fmtDate(ms);
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return fmtDate(ms);
}

export const shortSha = (s) => (s && /^[0-9a-f]{12,}$/.test(s) ? s.slice(0, 10) : s || '');

// --- metrics ---------------------------------------------------------------------

// The metric names of baselines and gates, where each is in a result's data,
// and how to show it. ram_bytes = arena + stack + static RAM of the harness;
// flash_bytes = harness code + plan.
export const METRICS = {
  latency_us: {
    label: 'median latency',
    fmt: fmtUs,
    get: (d) => d?.latency?.median_us,
    unit: 'µs',
  },
  instructions: {
    label: 'instructions per inference',
    fmt: fmtInstr,
    get: (d) => d?.latency?.instructions_per_inference,
    unit: 'instructions',
  },
  arena_bytes: { label: 'arena', fmt: fmtBytes, get: (d) => d?.memory?.arena_bytes, unit: 'bytes' },
  ram_bytes: {
    label: 'RAM (static + stack)',
    fmt: fmtBytes,
    get: (d) => sum(d?.memory?.static_ram, d?.memory?.stack_used ?? d?.memory?.stack),
    unit: 'bytes',
  },
  flash_bytes: {
    label: 'flash (harness + plan)',
    fmt: fmtBytes,
    get: (d) => sum(d?.memory?.flash_harness ?? d?.memory?.text, d?.memory?.flash_plan ?? d?.memory?.plan_bytes),
    unit: 'bytes',
  },
  energy_uj: {
    label: 'energy per inference (estimate)',
    fmt: fmtUj,
    get: (d) => d?.energy?.uj_per_inference,
    unit: 'µJ',
  },
};

function sum(...xs) {
  return xs.every(isNum) ? xs.reduce((a, b) => a + b, 0) : undefined;
}

export function isEmulated(data) {
  return data?.board?.emulated === true || /emulated/i.test(data?.latency?.method || '');
}

// '#/jobs' + {state: 'done', model: ''} -> '#/jobs?state=done' (empty values dropped).
export function hashFor(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return `#/${path}${s ? `?${s}` : ''}`;
}

// --- API ---------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// GET /api/v1/<path> as JSON. {allow404: true} -> null on 404 (endpoints that may not exist yet).
export async function api(path, { allow404 = false } = {}) {
  let res;
  try {
    res = await fetch(`/api/v1/${path}`, { headers: { Accept: 'application/json' } });
  } catch (e) {
    setStatus(false, `API unreachable: ${e.message}`);
    throw new ApiError(0, `API unreachable: ${e.message}`);
  }
  setStatus(true);
  if (res.status === 404 && allow404) return null;
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw new ApiError(res.status, body?.error?.message || `${res.status} ${res.statusText}`);
  return body;
}

function setStatus(ok, title = 'API reachable') {
  const el = document.getElementById('status');
  if (!el) return;
  el.className = `status ${ok ? 'ok' : 'down'}`;
  el.title = title;
  el.textContent = ok ? '' : 'API unreachable';
}

// Model names by id, fetched once a page load and kept for 10 s.
let modelCache = { at: 0, map: new Map(), list: [] };
export async function models() {
  if (Date.now() - modelCache.at > 10000) {
    const r = await api('models?limit=500');
    modelCache = { at: Date.now(), list: r.models, map: new Map(r.models.map((m) => [m.id, m])) };
  }
  return modelCache;
}

export function modelName(map, id) {
  if (!id) return '—';
  const m = map.get(id);
  return m ? m.name || id.slice(0, 12) : id.slice(0, 12);
}

export function modelLink(map, id) {
  if (!id) return '—';
  return h('a', { href: `#/model/${id}`, title: id }, modelName(map, id));
}

export const jobLink = (id) => (id ? h('a', { href: `#/job/${id}` }, `#${id}`) : '—');

export const TERMINAL = new Set(['done', 'failed', 'cancelled']);
export const ACTIVE = ['queued', 'assigned', 'flashing', 'running'];
