#!/usr/bin/env python3
"""tflm_run.py: the DOUBLE-rounding oracle.

Runs a .tflite through TensorFlow Lite Micro's own interpreter (PyPI package
`tflite-micro`: TFLM reference kernels, TFLITE_SINGLE_ROUNDING=0) on raw input
bytes and writes raw output bytes.

  tflm_run.py MODEL.tflite IN.bin OUT.bin
  tflm_run.py --batch   < jobs      (one "MODEL IN OUT" per line; prints one
                                     "ok OUT" or "error OUT: message" per line)

IN.bin holds every input tensor's raw bytes, concatenated in model input
order (row-major, little-endian); OUT.bin receives every output tensor the
same way. This is the layout of /work/shared/golden. Each run uses a freshly
created interpreter (as the goldens do), so no state leaks between cases.
"""
import sys

import numpy as np
from tflite_micro.python.tflite_micro import runtime
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema_fb

# Generous arena: generated models are tiny, the shared ones need < 400 KiB.
ARENA_BYTES = 16 << 20


def run_model(model_bytes: bytes, input_bytes: bytes) -> bytes:
    model = schema_fb.Model.GetRootAsModel(model_bytes, 0)
    if model.SubgraphsLength() < 1:
        raise ValueError("model has no subgraph")
    sg = model.Subgraphs(0)
    n_in, n_out = sg.InputsLength(), sg.OutputsLength()
    interp = runtime.Interpreter.from_bytes(model_bytes, arena_size=ARENA_BYTES)
    off = 0
    for i in range(n_in):
        d = interp.get_input_details(i)
        dtype = np.dtype(d["dtype"])
        count = int(np.prod(d["shape"])) if len(d["shape"]) else 1
        nbytes = count * dtype.itemsize
        if off + nbytes > len(input_bytes):
            raise ValueError(f"input is {len(input_bytes)} bytes, input {i} needs more")
        arr = np.frombuffer(input_bytes, dtype=dtype.newbyteorder("<"), count=count,
                            offset=off).astype(dtype).reshape(d["shape"])
        interp.set_input(arr, i)
        off += nbytes
    if off != len(input_bytes):
        raise ValueError(f"input is {len(input_bytes)} bytes, model wants {off}")
    interp.invoke()
    out = bytearray()
    for i in range(n_out):
        a = np.asarray(interp.get_output(i))
        out += a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
    return bytes(out)


def run_files(model_path: str, in_path: str, out_path: str) -> None:
    with open(model_path, "rb") as f:
        model = f.read()
    with open(in_path, "rb") as f:
        inp = f.read()
    out = run_model(model, inp)
    with open(out_path, "wb") as f:
        f.write(out)


def main(argv):
    if argv == ["--batch"]:
        status = 0
        for line in sys.stdin:
            parts = line.split()
            if not parts:
                continue
            try:
                run_files(*parts)
                print(f"ok {parts[-1]}", flush=True)
            except Exception as e:  # report and go on: one bad case must not stop the rest
                print(f"error {parts[-1]}: {e}", flush=True)
                status = 1
        return status
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    run_files(*argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
