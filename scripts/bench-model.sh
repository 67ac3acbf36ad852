#!/usr/bin/env bash
# Model benchmarks: prints figures, asserts nothing. Builds what is missing.
#
# For each model in ../shared/models (per golden/manifest.json):
#   - arena: bytes `hilbench model inspect --json` plans vs TFLM's
#     arena_used_bytes_cortex_m4 (target: ratio <= 0.8)
#   - host wall time of `hilbench model compile` (once) and of `hilbench model
#     run PLAN` on the lcg input (median of HB_BENCH_RUNS, default 5; includes
#     process start and plan load)
# Then scripts/bench-codesize.sh: the runtime's Cortex-M4 .text at -Os and
# -O2, all operators and the kws operator set, vs TFLM's 36.5 KB for the kws
# operator set with reference kernels (target: <= half).
#
# Copy the output into README.md's "Latest figures" with the machine line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh main >/dev/null

HB_SHARED_DIR=${HB_SHARED_DIR:-../shared} HB_BENCH_RUNS=${HB_BENCH_RUNS:-5} \
exec python3 - <<'PY'
import json, os, statistics, subprocess, sys, tempfile, time, platform

shared = os.environ["HB_SHARED_DIR"]
runs = int(os.environ["HB_BENCH_RUNS"])
hilbench = "build/hilbench"
TFLM_TEXT_KWS_M4 = 36.5 * 1024  # bytes: TFLM reference kernels, kws op set, Cortex-M4

def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"

def wall_ms(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1e3

manifest = json.load(open(os.path.join(shared, "golden", "manifest.json")))
print(f"machine: {cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}")
print()
print(f"{'model':24} {'arena B':>9} {'TFLM M4 B':>10} {'ratio':>6} {'<=0.8':>5}"
      f" {'compile ms':>10} {'run ms':>8}")
with tempfile.TemporaryDirectory() as tmp:
    for m in manifest["models"]:
        name = m["name"]
        model = os.path.join(shared, "models", m["file"])
        tflm = m["arena_used_bytes_cortex_m4"]
        try:
            rep = json.loads(subprocess.run([hilbench, "model", "inspect", model, "--json"],
                                            check=True, capture_output=True, text=True).stdout)
            arena = int(rep["arena_bytes"])
            plan = os.path.join(tmp, name + ".plan")
            compile_ms = wall_ms([hilbench, "model", "compile", model, "-o", plan])
            inp = os.path.join(shared, "golden", name, "lcg.input.bin")
            out = os.path.join(tmp, name + ".out")
            run_ms = statistics.median(
                wall_ms([hilbench, "model", "run", plan, "--input", inp, "--output", out])
                for _ in range(runs))
        except (subprocess.CalledProcessError, KeyError, ValueError) as e:
            print(f"{name:24} error: {e}")
            continue
        ratio = arena / tflm
        print(f"{name:24} {arena:9} {tflm:10} {ratio:6.2f} {'yes' if ratio <= 0.8 else 'NO':>5}"
              f" {compile_ms:10.1f} {run_ms:8.1f}")

print()
sys.stdout.flush()
subprocess.run(["scripts/bench-codesize.sh"], check=False)
PY
