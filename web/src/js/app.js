// The dashboard's router: hash routes that carry all page state, so every view
// and filter can be shared as a link (#/jobs?state=done, #/job/12,
// #/trends?model=..&board=..&metric=..). A route change stops the previous
// page's polling timers and destroys its charts.
import { h, hashFor } from './util.js';
import { boardsPage } from './pages/boards.js';
import { jobsPage } from './pages/jobs.js';
import { jobPage } from './pages/job.js';
import { modelsPage, modelPage } from './pages/models.js';
import { trendsPage } from './pages/trends.js';
import { comparePage } from './pages/compare.js';

const routes = [
  { re: /^boards$/, nav: 'boards', page: boardsPage },
  { re: /^jobs$/, nav: 'jobs', page: jobsPage },
  { re: /^job\/(\d+)$/, nav: 'jobs', page: jobPage },
  { re: /^models$/, nav: 'models', page: modelsPage },
  { re: /^model\/([0-9a-f]{64})$/, nav: 'models', page: modelPage },
  { re: /^trends$/, nav: 'trends', page: trendsPage },
  { re: /^compare$/, nav: 'compare', page: comparePage },
];

let current = null; // {timers, charts, alive}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

function stop(ctx) {
  if (!ctx) return;
  ctx.alive = false;
  ctx.timers.forEach(clearTimeout);
  ctx.charts.forEach((c) => c.destroy());
}

async function route() {
  const { path, query } = parseHash();
  if (!path) {
    location.replace('#/boards');
    return;
  }
  stop(current);
  const view = document.getElementById('view');
  const ctx = {
    alive: true,
    timers: [],
    charts: [],
    query,
    view,
    // Calls fn now and then every ms until the page is left; fn returning
    // false stops the polling (e.g. a finished job).
    every(ms, fn) {
      const tick = async () => {
        if (!ctx.alive) return;
        let again = true;
        try {
          again = (await fn()) !== false;
          if (ctx.alive) ctx.view.querySelector('.error-box')?.remove(); // recovered
        } catch (e) {
          showError(ctx, e);
        }
        if (again && ctx.alive) ctx.timers.push(setTimeout(tick, ms));
      };
      return tick();
    },
    chart(canvas, config) {
      const c = new window.Chart(canvas, config);
      ctx.charts.push(c);
      return c;
    },
    navigate(p, params) {
      location.hash = hashFor(p, params);
    },
  };
  current = ctx;

  const match = routes.map((r) => ({ r, m: path.match(r.re) })).find((x) => x.m);
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === match?.r.nav));
  if (!match) {
    view.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, `No page "${path}". `, h('a', { href: '#/boards' }, 'Boards')));
    return;
  }
  document.title = `hilbench · ${match.r.nav}`;
  view.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    await match.r.page(ctx, ...match.m.slice(1));
  } catch (e) {
    showError(ctx, e);
  }
}

function showError(ctx, e) {
  if (!ctx.alive) return;
  console.warn(e);
  let box = ctx.view.querySelector('.error-box');
  if (!box) {
    box = h('div', { class: 'error-box', role: 'alert' });
    ctx.view.prepend(box);
  }
  box.textContent = `Error: ${e.message}`;
}

window.addEventListener('hashchange', route);
route();
