// make_cases.mjs OUTDIR: generates the oracle test cases.
//
// For every generated model (gen_models.mjs) it writes into OUTDIR:
//   <case>.tflite               the model
//   <case>.input.bin            deterministic input (all inputs concatenated, raw LE bytes)
//   <case>.single.output.bin    tfjs-tflite (TFLite WASM + XNNPACK): single-rounding oracle
//   <case>.double.output.bin    TFLM Python interpreter (tflm_run.py): double-rounding oracle
// and for the shared MLPerf Tiny models, on every golden input:
//   shared/<model>.<input>.single.output.bin   (tfjs-tflite)
// (their double-rounding oracle is /work/shared/golden itself).
//
// cases.json lists every case: name, op, dtype, params, its files, which
// oracle checks which rounding mode, and why an oracle is missing when it is.
//
// Environment: TFLM_PYTHON (python with tflite-micro; default: <repo>/.venv/bin/python,
// else python3), HB_SHARED_DIR (default ../shared beside the repository).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Lcg, buildCases, seedOf } from './gen_models.mjs';
import { loadTflite } from './tflite_run.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

// Which operators XNNPACK computes with the same single rounding as
// TFLITE_SINGLE_ROUNDING=1 (measured on the shared models, docs/oracles.md).
// Other ops XNNPACK takes (ADD, MUL, pooling...) use XNNPACK's own
// requantization; their tfjs output is kept and compared, but labelled.
const XNNPACK_SINGLE_ROUNDING_OPS = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']);

// Known semantic differences between the engines (not rounding).
const NOTES = {
  relu6_requant: "TFLM's RELU6 clamps in the input's quantization and ignores the output " +
                 "quantization; TFLite requantizes. The double oracle (TFLM) is the contract.",
};

// Deterministic input bytes: the golden LCG byte stream for integer inputs
// (int16 takes two bytes, little-endian, as golden/README.md says); floats
// uniform in [-range, range] for float inputs.
export function makeInput(cs) {
  const rng = new Lcg(seedOf(`${cs.name}/input`));
  const parts = [];
  for (const t of cs.inputs) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.dtype === 'float32') {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = rng.uniform(-cs.floatRange, cs.floatRange);
      parts.push(new Uint8Array(f.buffer));
    } else {
      const size = { int8: 1, uint8: 1, int16: 2, int32: 4 }[t.dtype];
      const b = new Uint8Array(n * size);
      for (let i = 0; i < b.length; i++) b[i] = rng.byte();
      parts.push(b);
    }
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function tflmPython() {
  if (process.env.TFLM_PYTHON) return process.env.TFLM_PYTHON;
  const venv = join(repo, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

// Runs jobs [[model, in, out]] through tflm_run.py --batch; returns
// Map(out -> error message or null).
function runTflm(jobs) {
  const py = tflmPython();
  const r = spawnSync(py, [join(here, 'tflm_run.py'), '--batch'], {
    input: jobs.map((j) => j.join(' ')).join('\n') + '\n', encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    throw new Error(`${py} tflm_run.py failed to start: ${r.error?.message ?? r.stderr}`);
  }
  const res = new Map();
  for (const line of r.stdout.split('\n')) {
    let m = line.match(/^ok (\S+)$/);
    if (m) { res.set(m[1], null); continue; }
    m = line.match(/^error (\S+?): (.*)$/);
    if (m) res.set(m[1], m[2]);
  }
  for (const j of jobs) if (!res.has(j[2])) res.set(j[2], 'no result from tflm_run.py');
  return res;
}

async function main() {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: node make_cases.mjs OUTDIR\n');
    process.exit(2);
  }
  const shared = process.env.HB_SHARED_DIR ?? process.env.HB_SHARED ?? resolve(repo, '..', 'shared');
  mkdirSync(join(outDir, 'shared'), { recursive: true });
  const cases = buildCases();
  const entries = [];
  const tflmJobs = [];
  for (const cs of cases) {
    const base = join(outDir, cs.name);
    writeFileSync(`${base}.tflite`, cs.tflite);
    const input = makeInput(cs);
    writeFileSync(`${base}.input.bin`, input);
    const e = {
      name: cs.name, kind: 'generated', op: cs.op, dtype: cs.dtype, params: cs.params,
      model: `${cs.name}.tflite`, input: `${cs.name}.input.bin`,
      inputs: cs.inputs, outputs: cs.outputs, rounding_sensitive: cs.roundingSensitive,
      oracles: {}, missing: {},
    };
    // Single rounding: tfjs-tflite.
    try {
      const r = await loadTflite(cs.tflite, { profile: true });
      const out = r.run(input);
      const engines = [...new Set(r.engines())];
      r.close();
      writeFileSync(`${base}.single.output.bin`, out);
      const xnn = engines.length === 1 && engines[0] === 'TfLiteXNNPackDelegate';
      e.oracles.single = {
        file: `${cs.name}.single.output.bin`, engine: xnn ? 'xnnpack' : `tflite-builtin`,
        engines,
        // Bit-exact single rounding (TFLITE_SINGLE_ROUNDING=1) is established
        // for XNNPACK's conv/depthwise/FC only; for the rest the output is
        // what XNNPACK or TFLite's built-in kernel computes.
        authoritative: xnn && XNNPACK_SINGLE_ROUNDING_OPS.has(cs.op),
      };
    } catch (err) {
      e.missing.single = `tfjs-tflite cannot run it: ${err.message}`;
    }
    tflmJobs.push([`${base}.tflite`, `${base}.input.bin`, `${base}.double.output.bin`]);
    entries.push(e);
  }
  // Double rounding: TFLM, one Python process for every case.
  const tflm = runTflm(tflmJobs);
  for (const e of entries) {
    const err = tflm.get(join(outDir, `${e.name}.double.output.bin`));
    if (err) e.missing.double = `TFLM cannot run it: ${err}`;
    else e.oracles.double = { file: `${e.name}.double.output.bin`, engine: 'tflm', authoritative: true };
  }
  // Shared models: tfjs-tflite on every golden input; TFLM's goldens as the
  // double-rounding oracle.
  const manifest = JSON.parse(readFileSync(join(shared, 'golden', 'manifest.json'), 'utf8'));
  for (const m of manifest.models) {
    const modelPath = join(shared, 'models', m.file);
    const runner = await loadTflite(readFileSync(modelPath));
    const gdir = join(shared, 'golden', m.name);
    for (const f of readdirSync(gdir).filter((f) => f.endsWith('.input.bin')).sort()) {
      const c = f.slice(0, -'.input.bin'.length);
      const name = `${m.name}.${c}`;
      const out = runner.run(new Uint8Array(readFileSync(join(gdir, f))));
      writeFileSync(join(outDir, 'shared', `${name}.single.output.bin`), out);
      entries.push({
        name, kind: 'shared', op: 'MODEL', dtype: 'int8', model: modelPath,
        input: join(gdir, f), rounding_sensitive: true,
        oracles: {
          single: { file: `shared/${name}.single.output.bin`, engine: 'xnnpack',
                    authoritative: true },
          double: { file: join(gdir, `${c}.output.bin`), engine: 'tflm-golden',
                    authoritative: true },
        },
        missing: {},
      });
    }
    runner.close();
  }
  // What check_runtime.mjs compares each rounding mode of our runtime with.
  for (const e of entries) {
    const s = e.oracles.single, d = e.oracles.double;
    e.expect = {};
    if (d) e.expect.double = { file: d.file, by: d.engine };
    if (s?.authoritative) {
      e.expect.single = { file: s.file, by: s.engine };
    } else if (!e.rounding_sensitive && d) {
      e.expect.single = { file: d.file, by: 'rounding-insensitive op: same as the double oracle' };
    } else {
      e.expect.single_reason = s
        ? `${e.op} ran on ${s.engine === 'xnnpack' ? "XNNPACK's own requantization" :
            "TFLite's built-in kernel"}, not a bit-exact TFLITE_SINGLE_ROUNDING=1 reference; ` +
          'compared for information only'
        : e.missing.single;
      if (s) e.expect.single_info = { file: s.file, by: s.engine };
    }
    if (NOTES[e.name]) e.note = NOTES[e.name];
  }
  // Cross-check of the two oracles, so a reader sees where rounding matters.
  for (const e of entries) {
    const s = e.oracles.single, d = e.oracles.double;
    if (!s || !d) continue;
    const a = readFileSync(resolve(outDir, s.file)), b = readFileSync(resolve(outDir, d.file));
    let diff = 0, maxAbs = 0;
    const signed = (e.outputs?.[0]?.dtype ?? 'int8') === 'int8';
    if (a.length !== b.length) diff = -1;
    else if (signed) {
      for (let i = 0; i < a.length; i++) {
        if (a[i] !== b[i]) { diff++; maxAbs = Math.max(maxAbs, Math.abs(((a[i] << 24) >> 24) - ((b[i] << 24) >> 24))); }
      }
    } else {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
    }
    e.single_vs_double = { differing_bytes: diff, bytes: b.length,
                           ...(signed && diff > 0 ? { max_abs_int8_diff: maxAbs } : {}) };
  }
  const doc = {
    generator: 'tests/oracle/make_cases.mjs',
    rounding: {
      double: 'TFLM reference kernels (TFLITE_SINGLE_ROUNDING=0): tflm_run.py, or the shared goldens',
      single: 'tfjs-tflite 0.0.1-alpha.10 WASM TFLite, default XNNPACK delegate (tflite_run.mjs)',
    },
    cases: entries,
  };
  writeFileSync(join(outDir, 'cases.json'), JSON.stringify(doc, null, 1) + '\n');
  const gen = entries.filter((e) => e.kind === 'generated');
  const noSingle = gen.filter((e) => e.missing.single).length;
  const noDouble = gen.filter((e) => e.missing.double).length;
  process.stdout.write(`make_cases: ${gen.length} generated cases (${noSingle} without the ` +
                       `single oracle, ${noDouble} without the double oracle), ` +
                       `${entries.length - gen.length} shared-model cases in ${outDir}\n`);
}

main().catch((e) => {
  process.stderr.write(`make_cases: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
