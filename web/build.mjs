// Builds the dashboard into a folder hilbenchd serves with `--web DIR`.
//
//   node web/build.mjs [--out DIR]     default DIR: web/dist
//
// The dashboard is plain ES modules (src/), so "building" is a copy: src/ as
// it is, plus Chart.js's self-contained UMD file from node_modules (installed
// by scripts/bootstrap.sh with `npm ci`) as vendor/chart.umd.min.js. Nothing
// comes from a CDN. The output folder is replaced whole, then a stamp file
// (.hb-build-stamp) is written last, so a half-written folder has no stamp
// and bootstrap builds it again.
//
// Exit status: 0 built, 1 Chart.js missing (run scripts/bootstrap.sh).
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(fileURLToPath(import.meta.url));

// Files taken from npm packages: [package file under node_modules, served path].
export const vendored = [
  ['chart.js/dist/chart.umd.min.js', 'vendor/chart.umd.min.js'],
  ['chart.js/LICENSE.md', 'vendor/chart.js-LICENSE.md'],
];

// Copies src/ and the vendored files into outDir; returns outDir.
export function buildDashboard(outDir = join(webDir, 'dist')) {
  outDir = resolve(outDir);
  for (const [from] of vendored) {
    const src = join(webDir, 'node_modules', from);
    if (!existsSync(src)) {
      throw new Error(`${src} is missing: run scripts/bootstrap.sh (npm ci in web/)`);
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(join(webDir, 'src'), outDir, { recursive: true });
  for (const [from, to] of vendored) {
    mkdirSync(dirname(join(outDir, to)), { recursive: true });
    cpSync(join(webDir, 'node_modules', from), join(outDir, to));
  }
  writeFileSync(join(outDir, '.hb-build-stamp'), `${new Date().toISOString()}\n`);
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  try {
    const out = buildDashboard(i > 0 ? process.argv[i + 1] : undefined);
    console.log(`web: dashboard built in ${out}`);
  } catch (e) {
    console.error(`web: ${e.message}`);
    process.exit(1);
  }
}
