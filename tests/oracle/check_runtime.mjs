// check_runtime.mjs BUILD_DIR CASES_DIR: runs `hilbench model run` on every
// case of CASES_DIR/cases.json (made by make_cases.mjs) in both rounding
// modes and compares the output bytes with the oracles:
//   --rounding double  vs the TFLM output (tflm_run.py, or the shared goldens);
//   --rounding single  vs tfjs-tflite where it is a bit-exact single-rounding
//                      reference (XNNPACK conv/depthwise/FC, the shared models),
//                      or vs the double oracle for ops rounding cannot affect.
// Where the only single-rounding output comes from a kernel that is not a
// bit-exact reference, a mismatch is printed as "info" and not counted.
// One line per case; the last line is `oracle: N passed, M failed`; exit 1
// if M > 0. A case the CLI rejects (unsupported op, error) is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [buildDir, casesDir, filter] = process.argv.slice(2);
if (!buildDir || !casesDir) {
  process.stderr.write('usage: node check_runtime.mjs BUILD_DIR CASES_DIR [NAME_REGEX]\n');
  process.exit(2);
}
const cli = resolve(buildDir, 'hilbench');
if (!existsSync(cli)) {
  process.stderr.write(`check_runtime: ${cli} not found (build the hilbench target first)\n`);
  process.exit(2);
}
const doc = JSON.parse(readFileSync(join(casesDir, 'cases.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'hb-oracle-'));

// First difference between two byte arrays, described for a human.
function firstDiff(got, want, dtype) {
  if (got.length !== want.length) return `size ${got.length} bytes, want ${want.length}`;
  let n = 0, first = -1;
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) { if (first < 0) first = i; n++; }
  if (first < 0) return null;
  const show = (b, i) => (dtype === 'int8' ? String((b[i] << 24) >> 24) : `0x${b[i].toString(16).padStart(2, '0')}`);
  return `byte ${first}: got ${show(got, first)} want ${show(want, first)} (${n} of ${got.length} bytes differ)`;
}

function runCli(model, input, out, rounding) {
  const r = spawnSync(cli, ['model', 'run', model, '--input', input, '--output', out,
                            '--rounding', rounding], { encoding: 'utf8', timeout: 30000 });
  if (r.error) return `could not run hilbench: ${r.error.message}`;
  if (r.status !== 0) {
    const msg = (r.stderr || r.stdout || '').trim().split('\n').slice(0, 2).join(' | ');
    return `hilbench exited ${r.status}: ${msg}`;
  }
  if (!existsSync(out)) return 'hilbench wrote no output file';
  return null;
}

let passed = 0, failed = 0, infoMismatch = 0;
const re = filter ? new RegExp(filter) : null;
for (const e of doc.cases) {
  if (re && !re.test(e.name)) continue;
  const model = resolve(casesDir, e.model), input = resolve(casesDir, e.input);
  const dtype = e.outputs?.[0]?.dtype ?? 'int8';
  const notes = [];
  let ok = true;
  for (const mode of ['double', 'single']) {
    const exp = e.expect[mode];
    const info = mode === 'single' ? e.expect.single_info : null;
    if (!exp && !info) {
      notes.push(`${mode}: no oracle (${mode === 'single' ? e.expect.single_reason : e.missing.double})`);
      continue;
    }
    const out = join(work, `${e.name}.${mode}.out`);
    rmSync(out, { force: true });
    const err = runCli(model, input, out, mode);
    if (err) { ok = false; notes.push(`${mode}: ${err}`); continue; }
    const got = readFileSync(out);
    if (exp) {
      const d = firstDiff(got, readFileSync(resolve(casesDir, exp.file)), dtype);
      if (d) { ok = false; notes.push(`${mode} vs ${exp.by}: ${d}`); } else notes.push(`${mode}=ok`);
    } else {
      const d = firstDiff(got, readFileSync(resolve(casesDir, info.file)), dtype);
      if (d) { infoMismatch++; notes.push(`${mode} (info, vs ${info.by}, not counted): ${d}`); }
      else notes.push(`${mode}=ok(info)`);
    }
  }
  if (ok) passed++; else failed++;
  process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${e.name} [${e.op} ${e.dtype}] ${notes.join('; ')}\n`);
}
rmSync(work, { recursive: true, force: true });
if (infoMismatch)
  process.stdout.write(`oracle: ${infoMismatch} single-rounding mismatches against non-reference ` +
                       'kernels (info only, see lines above)\n');
process.stdout.write(`oracle: ${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
