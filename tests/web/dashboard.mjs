// Browser test of the dashboard (web/): Playwright drives Debian's Chromium
// against a real hilbenchd in local mode (emulated QEMU boards).
//
//   node tests/web/dashboard.mjs --hilbenchd BUILD/hilbenchd --build BUILD
//
// Builds the dashboard into BUILD/web-dist (web/build.mjs), starts the daemon
// with a fresh state folder (BUILD/web-test/), uploads shared models and
// submits jobs through the API, then checks each page against that data:
// the jobs page shows jobs queue, run and finish without a reload; boards;
// job detail (log, per-window latency, per-layer chart, memory, energy and its
// method, output check); the model on each board; trends (with baselines and
// gate verdicts, real and stubbed); compare. Screenshots go to
// BUILD/web-screenshots/*.png.
//
// Env: HB_SHARED_DIR (models), HB_FW_BUILD_DIR (harness firmware), both set by
// ctest; HB_CHROMIUM overrides /usr/bin/chromium.
// Exit status: 0 pass, 1 a check failed, 77 skipped (no Chromium, no qemu,
// or npm packages not installed: run scripts/bootstrap.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, openSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(here, '../..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const hilbenchd = resolve(arg('hilbenchd', join(source, 'build/hilbenchd')));
const buildDir = resolve(arg('build', join(source, 'build')));
const sharedDir = resolve(process.env.HB_SHARED_DIR || join(source, '../shared'));
const chromiumPath = process.env.HB_CHROMIUM || '/usr/bin/chromium';

function skip(why) {
  console.log(`web_dashboard: SKIP: ${why}`);
  process.exit(77);
}
if (!existsSync(chromiumPath)) skip(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
if (!existsSync(join(here, 'node_modules/playwright-core'))) skip('tests/web/node_modules missing (scripts/bootstrap.sh)');
if (!existsSync(join(source, 'web/node_modules/chart.js'))) skip('web/node_modules missing (scripts/bootstrap.sh)');
try {
  execFileSync('qemu-system-arm', ['--version'], { stdio: 'ignore' });
} catch {
  skip('qemu-system-arm not installed (the emulated boards need it)');
}
assert.ok(existsSync(hilbenchd), `no hilbenchd at ${hilbenchd}`);

const { chromium } = await import('playwright-core');
const { buildDashboard } = await import(join(source, 'web/build.mjs'));

const MODELS = {
  ad01: join(sharedDir, 'models/ad01_int8.tflite'),
  kws: join(sharedDir, 'models/kws_ref_model.tflite'),
};
const stateDir = join(buildDir, 'web-test');
const shotDir = join(buildDir, 'web-screenshots');
const logPath = join(stateDir, 'hilbenchd.log');

let daemon;
let base; // http://127.0.0.1:PORT
let token;
let browser;
let page;
const pageErrors = [];
const ids = {}; // model ids and job ids, filled in by before()

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function apiCall(method, path, body, type = 'application/json') {
  const res = await fetch(`${base}/api/v1/${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': type } : {}) },
    body: body && type === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function upload(file) {
  const bytes = readFileSync(file);
  const name = file.split('/').pop();
  return (await apiCall('POST', `models?name=${name}`, bytes, 'application/octet-stream')).id;
}

const submit = (model, board, labels, extra = {}) =>
  apiCall('POST', 'jobs', { model_id: model, board, runs: 5, warmup: 1, labels, ...extra }).then((j) => j.id);

async function waitFor(what, fn, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

// Opens a dashboard route and waits for the page to leave "Loading…".
// Each a fresh document load, so nothing from the previous page lingers.
async function open(hash) {
  await page.goto('about:blank');
  await page.goto(`${base}/${hash}`);
  await page.waitForFunction(() => !document.querySelector('#view > p.muted')?.textContent.startsWith('Loading'));
}

async function shot(name) {
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
}

// No error box on the page (API errors are shown in one).
async function assertNoErrorBox() {
  const err = await page.locator('.error-box').allTextContents();
  assert.deepEqual(err, [], `page shows an error: ${err.join(' ')}`);
}

before(async () => {
  const webDir = buildDashboard(join(buildDir, 'web-dist'));
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(shotDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(shotDir, { recursive: true });
  const db = join(stateDir, 'hilbench.db');
  token = execFileSync(hilbenchd, ['token', 'create', 'web-test', '--role', 'user', '--db', db], { encoding: 'utf8' }).trim();
  const log = openSync(logPath, 'w');
  daemon = spawn(
    hilbenchd,
    ['serve', '--listen', '127.0.0.1:0', '--db', db, '--artifacts', join(stateDir, 'artifacts'), '--web', webDir],
    { cwd: source, stdio: ['ignore', log, log], env: { ...process.env, HB_PROFILES_DIR: join(source, 'device-profiles') } },
  );
  const port = await waitFor(
    'hilbenchd to log its port',
    () => {
      assert.equal(daemon.exitCode, null, `hilbenchd exited: ${readFileSync(logPath, 'utf8')}`);
      return readFileSync(logPath, 'utf8').match(/hilbenchd serving on port (\d+)/)?.[1];
    },
    20000,
  );
  base = `http://127.0.0.1:${port}`;
  await waitFor('the local agent to register two boards', async () => (await apiCall('GET', 'boards')).boards.length >= 2, 20000);

  ids.ad01 = await upload(MODELS.ad01);
  ids.kws = await upload(MODELS.kws);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(30000);
});

after(async () => {
  await browser?.close();
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    const exited = await Promise.race([new Promise((r) => daemon.once('exit', () => r(true))), sleep(10000)]);
    if (!exited) daemon.kill('SIGKILL');
  }
  if (process.exitCode) {
    console.log(`--- last lines of ${logPath}`);
    console.log(readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n'));
  }
});

test('jobs page: submitted jobs appear, queue, run and finish without a reload', { timeout: 120000 }, async () => {
  await open('#/jobs');
  await page.evaluate(() => {
    window.hbNoReload = true;
  });
  // kws with 20 runs keeps mps2-an386 busy for a few seconds, so the ad01
  // jobs behind it wait in the queue long enough for a 2 s poll to see them.
  ids.kws1 = await submit(ids.kws, 'mps2-an386', { branch: 'main', commit: 'aaaa0001' }, { runs: 20 });
  ids.a1 = await submit(ids.ad01, 'mps2-an386', { branch: 'main', commit: 'aaaa0001' }, { windows: 2 });
  ids.a2 = await submit(ids.ad01, 'mps3-an547', { branch: 'main', commit: 'aaaa0001' });
  ids.a3 = await submit(ids.ad01, 'mps2-an386', { branch: 'main', commit: 'bbbb0002' });

  // Read in one step: the next poll may move the row out of the queue.
  const queuedState = await (
    await page.waitForFunction((id) => document.querySelector(`#queue tr[data-job="${id}"]`)?.dataset.state, ids.a3, {
      timeout: 20000,
    })
  ).jsonValue();
  assert.ok(['queued', 'assigned', 'flashing', 'running'].includes(queuedState), `queue row state ${queuedState}`);
  await shot('jobs-queue');

  for (const id of [ids.kws1, ids.a1, ids.a2, ids.a3]) {
    await page.locator(`#job-list tr[data-job="${id}"][data-state="done"]`).waitFor({ timeout: 90000 });
  }
  assert.equal(await page.evaluate(() => window.hbNoReload), true, 'the page reloaded');
  await waitFor('the queue to empty', async () => (await page.locator(`#queue tr[data-job="${ids.a3}"]`).count()) === 0, 10000);
  const row = await page.locator(`#job-list tr[data-job="${ids.a1}"]`).innerText();
  assert.match(row, /ad01_int8\.tflite/);
  assert.match(row, /local\/mps2-an386/);
  assert.match(row, /\d[\d.,]* (µs|ms|s)\b/, `no latency with a unit in: ${row}`);
  assert.match(row, /emulated/);
  await assertNoErrorBox();
  await shot('jobs');

  // Filters are in the URL: a shared link shows the same rows.
  await open(`#/jobs?state=done&model=${ids.ad01}`);
  await page.locator(`#job-list tr[data-job="${ids.a1}"]`).waitFor();
  assert.equal(await page.locator('select[name=state]').inputValue(), 'done');
  assert.equal(await page.locator('select[name=model]').inputValue(), ids.ad01);
  assert.equal(await page.locator(`#job-list tr[data-job="${ids.kws1}"]`).count(), 0, 'the kws job passed the model filter');
  const states = await page.locator('#job-list tr[data-job]').evaluateAll((rows) => rows.map((r) => r.dataset.state));
  assert.ok(states.length >= 3 && states.every((s) => s === 'done'), `states: ${states}`);
  await shot('jobs-filtered');
});

test('boards page: state, health, current job, last health check', async () => {
  await open('#/boards');
  for (const id of ['local/mps2-an386', 'local/mps3-an547']) {
    const row = page.locator(`tr[data-board="${id}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells.length, 10);
    assert.match(cells[0], /emulated/);
    assert.match(cells[4], /^(idle|busy)$/);
    assert.match(cells[5], /^(good|unknown|bad|maintenance)$/);
    assert.match(cells[7], /ago|never|\d{4}-\d\d-\d\d/);
  }
  await assertNoErrorBox();
  await shot('boards');
});

test('job detail: latency per window, per-layer chart, memory, energy, output check, log', async () => {
  await open(`#/job/${ids.a1}`);
  await page.locator('#layers-chart').waitFor();
  const chart = await page.evaluate(() => {
    const c = window.Chart.getChart(document.getElementById('layers-chart'));
    return { points: c.data.datasets[0].data.length, width: c.width, height: c.height, labels: c.data.labels };
  });
  const result = await apiCall('GET', `results/${ids.a1}`);
  assert.ok(result.data.layers.length > 0);
  assert.equal(chart.points, result.data.layers.length);
  assert.ok(chart.width > 300 && chart.height > 100, `chart ${chart.width}x${chart.height}`);
  assert.equal(chart.labels[0], `#0 ${result.data.layers[0].op}`);

  assert.match(await page.locator('#job-state').innerText(), /done/);
  assert.equal(await page.locator('tr.window-row').count(), 2, 'one row per window');
  assert.match(await page.locator('tr.window-row').first().innerText(), /\d (µs|ms|s)\b/);
  assert.match(await page.locator('#output-check').innerText(), /PASS/);
  assert.match(await page.locator('#energy-value').innerText(), /\d (µJ|mJ)/);
  assert.ok((await page.locator('#energy-method').innerText()).length > 5, 'energy method shown');
  assert.ok((await page.locator('.b-estimate').count()) > 0, 'energy labelled as an estimate');
  assert.ok((await page.locator('.b-emulated').count()) > 0, 'emulated figures labelled');
  const memory = await page.locator('section:has(h2:text("Memory"))').innerText();
  assert.match(memory, /tensor arena used/);
  assert.match(memory, /\d (B|KiB|MiB)/);
  await waitFor('the log', async () => /output check PASS/.test(await page.locator('#job-log').innerText()), 10000);
  await assertNoErrorBox();
  await shot('job');
});

test('model view: latency on each board', async () => {
  await open(`#/model/${ids.ad01}`);
  for (const b of ['local/mps2-an386', 'local/mps3-an547']) {
    const row = await page.locator(`tr[data-board="${b}"]`).innerText();
    assert.match(row, /\d (µs|ms|s)\b/);
  }
  const bars = await page.evaluate(() => window.Chart.getChart(document.getElementById('model-chart')).data.labels);
  assert.deepEqual([...bars].sort(), ['local/mps2-an386', 'local/mps3-an547']);
  await assertNoErrorBox();
  await shot('model');
  await open('#/models');
  assert.equal(await page.locator(`tr[data-model="${ids.ad01}"]`).count(), 1);
  await shot('models');
});

const trendUrl = () => `#/trends?model=${ids.ad01}&board=mps2-an386&metric=latency_us&branch=main`;
const trendChart = () =>
  page.evaluate(() => {
    const c = window.Chart.getChart(document.getElementById('trend-chart'));
    return c.data.datasets.map((d) => ({ label: d.label, data: d.data, pointStyle: d.pointStyle, baseline: !!d.hbBaseline }));
  });

test('trends: a metric over commits, with the daemon\'s baselines (or "no baseline")', async () => {
  await open(trendUrl());
  await page.locator('#trend-chart').waitFor();
  const ds = await trendChart();
  assert.equal(ds[0].data.length, 2, 'two results of ad01 on mps2-an386 on main');
  const r1 = await apiCall('GET', `results/${ids.a1}`);
  assert.equal(ds[0].data[0].y, r1.latency_median_us);
  // A fresh daemon has no baselines, whether or not it has the endpoint yet.
  assert.match(await page.locator('#baseline-info').innerText(), /no baseline/i);
  assert.equal(ds.filter((d) => d.baseline).length, 0);
  await assertNoErrorBox();
  await shot('trends');
});

test('trends: active baseline drawn as a line, gate regressions marked', async () => {
  const r1 = await apiCall('GET', `results/${ids.a1}`);
  const value = Math.round(r1.latency_median_us * 0.9); // below the points, so the line shows
  // Stubbed baselines and gates (GET /api/v1/baselines, /gates), as the gate service returns them.
  await page.route('**/api/v1/baselines?*', (route) =>
    route.fulfill({
      json: {
        baselines: [
          { id: 1, model_id: ids.ad01, profile: 'mps2-an386', board_id: null, metric: 'latency_us', value, job_id: ids.a1, branch: 'main', commit: 'aaaa0001', reason: 'first', created_at_ms: Date.now(), active: true },
          { id: 2, model_id: ids.ad01, profile: 'mps2-an386', board_id: null, metric: 'latency_us', value: value * 2, job_id: ids.a1, branch: 'main', commit: 'old', reason: 'replaced', created_at_ms: 1, active: false },
          { id: 3, model_id: ids.ad01, profile: 'mps2-an386', board_id: null, metric: 'arena_bytes', value: 1, job_id: ids.a1, branch: 'main', commit: 'x', reason: '', created_at_ms: 1, active: true },
        ],
      },
    }),
  );
  await page.route('**/api/v1/gates?*', (route) =>
    route.fulfill({
      json: {
        gates: [
          {
            id: 7, job_id: ids.a3, baseline_job_id: ids.a1, model_id: ids.ad01, profile: 'mps2-an386', verdict: 'regression', branch: 'main', commit: 'bbbb0002', created_at_ms: Date.now(),
            metrics: [{ metric: 'latency_us', baseline: value, candidate: value * 1.2, delta: value * 0.2, threshold: 0.05, verdict: 'regression' }],
          },
        ],
      },
    }),
  );
  try {
    await open(trendUrl());
    await page.locator('#trend-chart').waitFor();
    const ds = await trendChart();
    const lines = ds.filter((d) => d.baseline);
    assert.equal(lines.length, 1, 'one active latency baseline');
    assert.ok(lines[0].data.every((p) => p.y === value), 'baseline is horizontal at its value');
    const styles = ds[0].pointStyle;
    assert.deepEqual(styles, ['circle', 'triangle'], 'the regressed job (newest) is marked');
    assert.match(await page.locator('#baseline-info').innerText(), /Baseline .* from job #\d+/);
    assert.match(await page.locator('#baseline-info').innerText(), /1 regression/);
    assert.equal(await page.locator(`tr.row-bad[data-job="${ids.a3}"]`).count(), 1);
    assert.equal(await page.locator(`tr.row-bad[data-job="${ids.a1}"]`).count(), 0);
    await assertNoErrorBox();
    await shot('trends-regression');
  } finally {
    await page.unrouteAll();
  }
});

test('compare: two jobs side by side', async () => {
  await open(`#/compare?a=${ids.a1}&b=${ids.a2}`);
  const row = page.locator('tr[data-metric="latency.median_us"]');
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells.length, 4);
  assert.match(cells[1], /\d (µs|ms|s)$/);
  assert.match(cells[2], /\d (µs|ms|s)$/);
  assert.match(cells[3], /%\)|same/);
  const cmp = await apiCall('GET', `compare?a=${ids.a1}&b=${ids.a2}`);
  const sign = Math.sign(cmp.metrics['latency.median_us'].delta);
  assert.ok(sign === 0 || cells[3].startsWith(sign > 0 ? '+' : '−'), `change ${cells[3]} vs delta ${sign}`);
  const layers = await page.evaluate(() => window.Chart.getChart(document.getElementById('compare-layers')).data.datasets.length);
  assert.equal(layers, 2);
  assert.match(await page.locator('.compare').innerText(), new RegExp(`A: job #${ids.a1}[\\s\\S]*B: job #${ids.a2}`));
  await assertNoErrorBox();
  await shot('compare');
});

test('no script errors on any page', () => {
  assert.deepEqual(pageErrors, []);
  assert.ok(readdirSync(shotDir).filter((f) => f.endsWith('.png')).length >= 9, 'screenshots written');
});
