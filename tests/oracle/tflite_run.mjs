// tflite_run.mjs: the SINGLE-rounding oracle. Runs a .tflite through the
// TFLite build that @tensorflow/tfjs-tflite ships as WebAssembly, in plain
// Node (no tfjs-core, no browser), with the default options: XNNPACK runs
// CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with single rounding, other
// operators use TFLite's built-in kernels (see /work/shared/docs/oracles.md).
//
// CLI:  node tflite_run.mjs MODEL.tflite IN.bin OUT.bin
//   IN.bin  raw bytes of every input tensor, concatenated in model input order
//   OUT.bin raw bytes of every output tensor, concatenated (written)
// Library: import { loadTflite } and call runner.run(inputBytes) repeatedly;
// one WASM module load (~50 ms) serves many models.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

let modulePromise = null;
const tfliteLog = [];

// Loads the non-SIMD single-threaded Emscripten module once. SIMD and
// non-SIMD builds give identical outputs (oracles.md); non-SIMD runs anywhere.
function loadModule() {
  if (!modulePromise) {
    const pkgDir = dirname(require.resolve('@tensorflow/tfjs-tflite/package.json'));
    const factory = require(join(pkgDir, 'wasm', 'tflite_web_api_cc.js'));
    const wasmBinary = readFileSync(join(pkgDir, 'wasm', 'tflite_web_api_cc.wasm'));
    // TFLite's log lines ("INFO: Created TensorFlow Lite XNNPACK delegate",
    // "ERROR: ... failed to prepare") are kept in tfliteLog and attached to
    // the error when a model fails to load, instead of cluttering stderr.
    const log = (s) => { tfliteLog.push(s); if (tfliteLog.length > 50) tfliteLog.shift(); };
    modulePromise = factory({ wasmBinary, print: log, printErr: log });
  }
  return modulePromise;
}

// Returns { inputs, outputs, run(bytes) -> Uint8Array, close() }.
// inputs/outputs: [{name, dataType, shape, bytes}] from TFLite's own view.
// options.profile: also record which engine ran each node (engines()).
export async function loadTflite(modelBytes, options = {}) {
  const M = await loadModule();
  tfliteLog.length = 0;
  const ptr = M._malloc(modelBytes.length);
  M.HEAPU8.set(modelBytes, ptr);
  const res = M.TFLiteWebModelRunner.CreateFromBufferAndOptions(
      ptr, modelBytes.length,
      { numThreads: 1, enableProfiling: !!options.profile, maxProfilingBufferEntries: 1024 });
  if (!res || !res.ok()) {
    const why = tfliteLog.filter((l) => l.startsWith('ERROR')).join(' / ');
    const msg = `${res ? res.errorMessage() : 'no result'}${why ? ` (${why})` : ''}`;
    M._free(ptr);
    throw new Error(`tfjs-tflite could not load the model: ${msg}`);
  }
  const runner = res.value();
  const vecToArray = (v) => {
    const a = [];
    for (let i = 0; i < v.size(); i++) a.push(v.get(i));
    v.delete();
    return a;
  };
  const describe = (t) => {
    const d = t.data();  // typed array view into the WASM heap
    return { name: t.name, dataType: t.dataType, shape: t.shape, bytes: d.byteLength };
  };
  const ins = vecToArray(runner.GetInputs());
  const outs = vecToArray(runner.GetOutputs());
  const info = { inputs: ins.map(describe), outputs: outs.map(describe) };
  const asBytes = (t) => {
    const d = t.data();
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  };
  return {
    ...info,
    run(inputBytes) {
      const want = info.inputs.reduce((s, t) => s + t.bytes, 0);
      if (inputBytes.length !== want)
        throw new Error(`input is ${inputBytes.length} bytes, model wants ${want}`);
      let off = 0;
      for (const t of ins) {
        const dst = asBytes(t);  // re-fetch: the heap may have grown
        dst.set(inputBytes.subarray(off, off + dst.length));
        off += dst.length;
      }
      if (!runner.Infer()) throw new Error('tfjs-tflite Infer() failed');
      const parts = outs.map((t) => Uint8Array.from(asBytes(t)));
      const total = parts.reduce((s, p) => s + p.length, 0);
      const out = new Uint8Array(total);
      let o = 0;
      for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    },
    // After run() with options.profile: the node types TFLite executed, e.g.
    // ['TfLiteXNNPackDelegate'] when XNNPACK took the whole graph, or builtin
    // kernel names such as ['ADD'].
    engines() {
      return vecToArray(runner.GetProfilingResults()).map((e) => e.nodeType);
    },
    close() {
      for (const t of [...ins, ...outs]) if (t.delete) t.delete();
      runner.delete();
      M._free(ptr);
    },
  };
}

async function main(argv) {
  if (argv.length !== 3) {
    process.stderr.write('usage: node tflite_run.mjs MODEL.tflite IN.bin OUT.bin\n');
    process.exit(2);
  }
  const [modelPath, inPath, outPath] = argv;
  const r = await loadTflite(readFileSync(modelPath));
  writeFileSync(outPath, r.run(new Uint8Array(readFileSync(inPath))));
  r.close();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`tflite_run: ${e.message}\n`);
    process.exit(1);
  });
}
