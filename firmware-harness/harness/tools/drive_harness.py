#!/usr/bin/env python3
"""drive_harness.py: run the harness firmware under QEMU and drive it over its
serial line, as a host would (dev tool and test; the real host driver is
agents/driver/).

    drive_harness.py --elf build-fw/mps2-an386/harness.elf --machine mps2-an386 \\
        --shift 5 --plan kws.plan --input lcg.input.bin --expect lcg.output.bin \\
        [--plugin libhb_icount.so] [--n 1 --w 0] [--layers] [--runs 2]

The plan is placed in the model partition with QEMU's generic loader
(-device loader,file=PLAN,addr=ADDR, the bytes go in before the CPU starts);
ADDR is the ELF's __hb_model_start symbol, so the board's memory.ld stays the
one source of truth. QEMU runs with -icount shift=N,sleep=off: with sleep=off the virtual clock
jumps exactly to the next timer deadline when the CPU sleeps, which the
harness relies on (it WFIs until a SysTick wrap before each `infer`, so tick
and instruction counts repeat exactly run to run).
The session: name, profile, hb-info, hb-mem, db load +
31-byte hex chunks (as the MLPerf runner sends them), infer N W, hb-lat,
hb-out (compared byte for byte with --expect), optionally hb-layers, hb-mem
again, then hb-exit. With --plugin, the QEMU instruction-count plugin counts
the instructions of the N timed inferences (markers hb_mark_begin/end).
--upload sends the plan with `hb-plan raw` instead of the loader.
--expect-plan STATUS: the plan must be refused with that status (hb-info),
and `infer` must answer an error.

Prints one JSON object (the figures) on stdout; exit 0 when every check
passed, 1 otherwise, 2 on a usage/tool error.
"""
import argparse
import json
import os
import select
import subprocess
import sys
import tempfile
import time
import zlib


class Harness:
    """One QEMU process, its serial line on stdin/stdout."""

    def __init__(self, cmd, timeout):
        self.timeout = timeout
        self.log = bytearray()
        self.buf = bytearray()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)

    def _read_some(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out; serial so far:\n" + self.log[-2000:].decode("latin-1"))
        r, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.5))
        if r:
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                err = self.proc.stderr.read().decode("latin-1") if self.proc.poll() is not None else ""
                raise EOFError("qemu closed the serial line (exit %s) %s\nserial:\n%s" % (
                    self.proc.poll(), err, self.log[-2000:].decode("latin-1")))
            self.log += data
            self.buf += data

    def read_reply(self, timeout=None):
        """Lines up to and including m-ready (without it)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        lines = []
        while True:
            while b"\r\n" in self.buf:
                line, _, rest = self.buf.partition(b"\r\n")
                self.buf = bytearray(rest)
                text = line.decode("latin-1")
                if text == "m-ready":
                    return lines
                lines.append(text)
            self._read_some(deadline)

    def read_line(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\r\n" not in self.buf:
            self._read_some(deadline)
        line, _, rest = self.buf.partition(b"\r\n")
        self.buf = bytearray(rest)
        return line.decode("latin-1")

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def cmd(self, text, timeout=None):
        self.send(text + "%")
        return self.read_reply(timeout)

    def exit(self, code=0):
        """hb-exit, acknowledged by one more byte; returns qemu's exit status."""
        try:
            self.cmd("hb-exit %d" % code)
            self.send("%")
            return self.proc.wait(timeout=10)
        except Exception:
            self.kill()
            raise

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def kv(lines, prefix="m-hb-"):
    out = {}
    for line in lines:
        if line.startswith(prefix) and "=" in line:
            k, _, v = line[len(prefix):].partition("=")
            out.setdefault(k, v)
    return out


def nm_symbols(elf, names):
    out = subprocess.run(["arm-none-eabi-nm", elf], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in names:
            syms[parts[2]] = int(parts[0], 16)
    missing = [n for n in names if n not in syms]
    if missing:
        raise SystemExit("drive_harness: %s lacks symbols %s" % (elf, missing))
    return syms


def run_once(a, plan_file, icount_out):
    syms = nm_symbols(a.elf, ["__hb_model_start", "hb_mark_begin", "hb_mark_end"])
    cmd = [a.qemu, "-M", a.machine, "-nographic", "-monitor", "none", "-serial", "stdio",
           "-semihosting-config", "enable=on,target=native", "-icount", "shift=%d,sleep=off" % a.shift,
           "-kernel", a.elf]
    if a.cpu:
        cmd[3:3] = ["-cpu", a.cpu]
    if plan_file and not a.upload:
        cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (plan_file, syms["__hb_model_start"])]
    if a.plugin:
        cmd += ["-plugin", "%s,begin=0x%x,end=0x%x,out=%s" % (
            a.plugin, syms["hb_mark_begin"], syms["hb_mark_end"], icount_out)]
    fails = []
    res = {"board": None}

    def check(ok, what):
        if not ok:
            fails.append(what)
        return ok

    h = Harness(cmd, a.timeout)
    try:
        banner = h.read_reply()
        check(banner[:1] == ["m-timestamp-mode-performance"] and banner[-1:] == ["m-init-done"],
              "boot banner %r" % banner)
        name = h.cmd("name")
        check(name == ["m-name-dut-[hilbench]"], "name %r" % name)
        if a.upload and plan_file:
            data = open(plan_file, "rb").read()
            r = h.cmd("hb-plan begin %d %08x" % (len(data), zlib.crc32(data)))
            check(r == ["m-hb-plan-expect=%d" % len(data)], "hb-plan begin %r" % r)
            h.send("hb-plan raw %d%%" % len(data))
            line = h.read_line()
            check(line == "m-hb-bin-ready=%d" % len(data), "hb-plan raw %r" % line)
            h.send(data + zlib.crc32(data).to_bytes(4, "little"))
            r = h.read_reply(timeout=a.timeout + len(data) / 10000)
            check(r == ["m-hb-plan-received=%d" % len(data)], "hb-plan raw reply %r" % r)
            r = h.cmd("hb-plan end")
            res["upload"] = r
            if a.expect_plan:
                check(r[:1] == ["e-[Plan rejected: %s]" % a.expect_plan], "upload refusal %r" % r)
            else:
                check(r[:1] == ["m-hb-plan=ok"], "hb-plan end %r" % r)
        prof = h.cmd("profile")
        res["profile"] = prof
        info = kv(h.cmd("hb-info"))
        res.update(board=info.get("board"), plan=info.get("plan"), model=info.get("plan-model"),
                   timer=info.get("timer"), timer_hz=int(info.get("timer-hz", "0")),
                   arena_capacity=int(info.get("arena-capacity", "0")),
                   input_capacity=int(info.get("input-capacity", "0")))
        if a.expect_plan:
            check(info.get("plan") == a.expect_plan,
                  "plan status %s, expected %s" % (info.get("plan"), a.expect_plan))
            r = h.cmd("infer 1 0")
            check(len(r) == 1 and r[0].startswith("e-[No plan loaded"), "infer without plan %r" % r)
            res["infer_refused"] = r
            res["exit_status"] = h.exit(0)
            return res, fails
        if not check(info.get("plan") == "ok", "plan status %s" % info.get("plan")):
            res["exit_status"] = h.exit(0)
            return res, fails
        res.update(plan_bytes=int(info["plan-bytes"]), plan_arena=int(info["plan-arena"]),
                   plan_ops=int(info["plan-ops"]), sha256_8=info.get("plan-sha256"))
        check(prof[-1:] == ["m-model-[%s]" % info.get("plan-model")], "profile %r" % prof)
        mem0 = kv(h.cmd("hb-mem"))
        inp = open(a.input, "rb").read()
        check(int(info["plan-input-bytes"]) == len(inp),
              "input bytes %s vs file %d" % (info["plan-input-bytes"], len(inp)))
        r = h.cmd("db load %d" % len(inp))
        check(r == ["m-[Expecting %d bytes]" % len(inp)], "db load %r" % r)
        for i in range(0, len(inp), 31):
            r = h.cmd("db " + inp[i:i + 31].hex())
            want = ["m-load-done"] if i + 31 >= len(inp) else []
            if not check(r == want, "db chunk at %d: %r" % (i, r)):
                break
        t0 = time.monotonic()
        r = h.cmd("infer %d %d" % (a.n, a.w), timeout=a.timeout * 4)
        res["infer_host_s"] = round(time.monotonic() - t0, 3)
        laps = [int(x[len("m-lap-us-"):]) for x in r if x.startswith("m-lap-us-")]
        check(r[:3] == ["m-warmup-start-%d" % a.w, "m-warmup-done", "m-infer-start-%d" % a.n]
              and len(laps) == 2 and "m-infer-done" in r and r[-1].startswith("m-results-["),
              "infer reply %r" % r)
        res["results"] = r[-1] if r else None
        if len(laps) == 2:
            res["lap_us"] = laps[1] - laps[0]
        lat = kv(h.cmd("hb-lat"))
        res["ticks_per_inference"] = {k: int(lat.get("lat-" + k, 0))
                                      for k in ("min", "median", "max")}
        out_lines = h.cmd("hb-out")
        out = kv(out_lines)
        data = bytes.fromhex("".join(l[len("m-hb-out-data="):] for l in out_lines
                                     if l.startswith("m-hb-out-data=")))
        res["output_crc32"] = out.get("out-crc32")
        check(out.get("out-crc32") == "%08x" % zlib.crc32(data), "hb-out crc")
        if a.expect:
            want = open(a.expect, "rb").read()
            res["output_match"] = data == want
            check(data == want, "output %s != expected %s" % (data.hex(), want.hex()))
        if a.layers:
            lay = h.cmd("hb-layers", timeout=a.timeout * 2)
            recs = [l[len("m-hb-layer=["):-1].split(",") for l in lay if l.startswith("m-hb-layer=[")]
            res["layers"] = [[int(x[0]), x[1], int(x[3]), int(x[4])] for x in recs]
            total = kv(lay).get("layers-total")
            check(len(recs) == res["plan_ops"] and total is not None, "hb-layers %r" % lay[:3])
            res["layers_total_ticks"] = int(total or 0)
            # The profiled run must not change the output.
            out2 = kv(h.cmd("hb-out"))
            check(out2.get("out-crc32") == out.get("out-crc32"), "output after hb-layers differs")
        mem = kv(h.cmd("hb-mem"))
        res["mem"] = {k[len("mem-"):]: (int(v) if v.isdigit() else v) for k, v in mem.items()}
        res["mem_stack_used_boot"] = int(mem0.get("mem-stack-used", 0))
        res["exit_status"] = h.exit(0)
        check(res["exit_status"] == 0, "qemu exit status %s" % res["exit_status"])
    except (TimeoutError, EOFError) as e:
        fails.append(str(e))
    finally:
        h.kill()
        res["serial_bytes"] = len(h.log)
    return res, fails


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--elf", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--cpu")
    p.add_argument("--shift", type=int, default=5)
    p.add_argument("--qemu", default=os.environ.get("HB_QEMU", "qemu-system-arm"))
    p.add_argument("--plan")
    p.add_argument("--flip-bit", type=int, metavar="BIT",
                   help="flip this bit of the plan before loading it (corruption test)")
    p.add_argument("--upload", action="store_true", help="send the plan with hb-plan raw")
    p.add_argument("--expect-plan", metavar="STATUS", help="the plan must be refused with STATUS")
    p.add_argument("--input")
    p.add_argument("--expect")
    p.add_argument("--plugin")
    p.add_argument("--n", type=int, default=1)
    p.add_argument("--w", type=int, default=0)
    p.add_argument("--layers", action="store_true")
    p.add_argument("--runs", type=int, default=1, help="runs that must give identical ticks")
    p.add_argument("--timeout", type=float, default=20.0)
    a = p.parse_args()
    if not a.expect_plan and not a.input:
        p.error("--input is required unless --expect-plan")

    tmp = tempfile.mkdtemp(prefix="hb-drive-")
    plan_file = a.plan
    if a.plan and a.flip_bit is not None:
        data = bytearray(open(a.plan, "rb").read())
        data[a.flip_bit // 8] ^= 1 << (a.flip_bit % 8)
        plan_file = os.path.join(tmp, "flipped.plan")
        open(plan_file, "wb").write(data)

    fails, runs = [], []
    for i in range(a.runs):
        icount_out = os.path.join(tmp, "icount%d.txt" % i)
        res, f = run_once(a, plan_file, icount_out)
        fails += ["run %d: %s" % (i + 1, x) for x in f]
        if a.plugin and os.path.exists(icount_out):
            regions = [int(l.split("insns=")[1]) for l in open(icount_out) if "region=" in l]
            res["icount_regions"] = regions
            if regions and not a.expect_plan:
                res["insns_timed_region"] = regions[-1]
                res["insns_per_inference"] = regions[-1] // a.n
        runs.append(res)
    result = dict(runs[0])
    if a.runs > 1 and not a.expect_plan:
        # Not lap_us: it is the difference of two absolute microsecond values,
        # each rounded down, and the absolute time differs run to run (the host
        # sends at host-dependent virtual times): +-1 us is quantization.
        keys = ("ticks_per_inference", "insns_timed_region", "output_crc32")
        same = all(all(r.get(k) == runs[0].get(k) for k in keys) for r in runs[1:])
        result["deterministic"] = same
        if not same:
            fails.append("runs differ: %r" % [{k: r.get(k) for k in keys} for r in runs])
    result["fails"] = fails
    print(json.dumps(result))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
