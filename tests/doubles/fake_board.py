#!/usr/bin/env python3
"""TEST DOUBLE: a "real" development board behind a debug probe and a USB
serial port, for tests of the real-board path on a machine with no hardware.

What it stands in for, and what is real:
  - the board's flash: images "programmed" through the probe are kept as files
    (an ELF placed by its program headers, raw binaries at their address);
  - the board's CPU: a reset (re)starts QEMU (`--machine`, Cortex-M) from
    that flash content, so the firmware that runs is the real one;
  - the USB virtual COM port: a pseudo-terminal whose slave is symlinked at
    `--port-link`; it stays the same device across resets, like an ST-LINK or
    CMSIS-DAP VCP. Bytes pass unchanged both ways; output nobody reads is
    dropped once the tty queue is full, like a UART with no listener;
  - the probe: tests/doubles/pyocd (a pyOCD command-line double) sends
    `load` / `reset` requests here over a Unix socket, <dir>/<uid>.sock.

  fake_board.py --dir DIR --uid UID --target PYOCD_TARGET --machine QEMU_MACHINE
                --port-link PATH [--icount SHIFT]

Runs until SIGTERM/SIGINT (QEMU is stopped with it). Logs to <dir>/<uid>.log:
every load and reset, one line each (tests read it).
"""
import argparse
import ctypes
import json
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tty


def die_with_parent():
    """In the child before exec: SIGKILL when this fake board dies, however it
    dies (tests kill it with SIGKILL), so no emulator outlives it."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeBoard:
    def __init__(self, a):
        self.a = a
        self.flash_dir = os.path.join(a.dir, a.uid + ".flash")
        os.makedirs(self.flash_dir, exist_ok=True)
        self.elf = None  # path of the programmed ELF
        self.bins = {}  # address -> path of a raw image
        self.qemu = None
        self.board_sock = None
        self.generation = 0
        self.lock = threading.Lock()
        self.log = open(os.path.join(a.dir, a.uid + ".log"), "a", buffering=1)
        # The serial port: a pty whose slave we keep open, so it outlives the
        # host's opens and closes (the agent opens it per job).
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        if os.path.lexists(a.port_link):
            os.unlink(a.port_link)
        os.symlink(os.ttyname(self.slave), a.port_link)
        threading.Thread(target=self.host_to_board, daemon=True).start()

    def note(self, line):
        self.log.write(time.strftime("%H:%M:%S ") + line + "\n")

    # --- serial forwarding -------------------------------------------------
    def host_to_board(self):
        while True:
            select.select([self.master], [], [], 1.0)
            try:
                data = os.read(self.master, 4096)
            except BlockingIOError:
                continue
            except OSError:
                time.sleep(0.05)  # no one has the port open: EIO until someone does
                continue
            sock = self.board_sock
            if sock is not None and data:
                try:
                    sock.sendall(data)
                except OSError:
                    pass  # the board was reset meanwhile: the bytes are lost, as on a UART

    def board_to_host(self, sock, generation):
        while generation == self.generation:
            try:
                data = sock.recv(4096)
            except OSError:
                return
            if not data:
                return
            view = memoryview(data)
            while view:
                try:
                    n = os.write(self.master, view)
                    view = view[n:]
                except BlockingIOError:
                    # The tty queue is full: wait a little, then drop (no listener).
                    if not select.select([], [self.master], [], 0.5)[1]:
                        break
                except OSError:
                    break

    # --- probe operations --------------------------------------------------
    def load(self, path, fmt, address):
        with open(path, "rb") as f:
            data = f.read()
        is_elf = data[:4] == b"\x7fELF"
        if fmt == "elf" or (fmt is None and is_elf):
            if not is_elf:
                raise ValueError(path + " is not an ELF file")
            dest = os.path.join(self.flash_dir, "image.elf")
            shutil.copyfile(path, dest)
            self.elf = dest
            self.note("load elf %d bytes" % len(data))
        else:
            if address is None:
                raise ValueError("a binary image needs --base-address")
            dest = os.path.join(self.flash_dir, "0x%08x.bin" % address)
            shutil.copyfile(path, dest)
            self.bins[address] = dest
            self.note("load bin %d bytes at 0x%08x" % (len(data), address))

    def stop_qemu(self):
        self.generation += 1
        if self.board_sock is not None:
            try:
                self.board_sock.close()
            except OSError:
                pass
            self.board_sock = None
        if self.qemu is not None:
            self.qemu.kill()
            self.qemu.wait()
            self.qemu = None

    def reset(self):
        self.stop_qemu()
        if self.elf is None:
            self.note("reset: flash is blank, nothing runs")
            return
        port = free_port()
        cmd = ["qemu-system-arm", "-M", self.a.machine, "-nographic", "-monitor", "none",
               "-serial", "tcp:127.0.0.1:%d,server=on,wait=on" % port,
               "-icount", "shift=%d,sleep=off" % self.a.icount, "-kernel", self.elf]
        for addr, path in sorted(self.bins.items()):
            cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, addr)]
        # In our process group (a test's kill of the group takes it too), and
        # killed by the kernel if we die first.
        self.qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, preexec_fn=die_with_parent)
        # wait=on: the CPU starts once the serial line is connected, so the
        # banner is never lost.
        deadline = time.time() + 10
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                if time.time() > deadline or self.qemu.poll() is not None:
                    raise RuntimeError("qemu did not start (see the log)")
                time.sleep(0.05)
        sock.settimeout(None)
        self.board_sock = sock
        threading.Thread(target=self.board_to_host, args=(sock, self.generation),
                         daemon=True).start()
        self.note("reset: running")

    def handle(self, req):
        if req.get("target") and req["target"] != self.a.target:
            raise ValueError("target '%s' does not match the connected board (%s)" %
                             (req["target"], self.a.target))
        op = req.get("op")
        with self.lock:
            if op == "load":
                self.load(req["file"], req.get("format"), req.get("address"))
                self.reset()  # pyocd load resets the target afterwards
            elif op == "reset":
                self.reset()
            else:
                raise ValueError("unknown operation %r" % op)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--uid", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--port-link", required=True)
    ap.add_argument("--icount", type=int, default=5)
    a = ap.parse_args()
    board = FakeBoard(a)
    path = os.path.join(a.dir, a.uid + ".sock")
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(4)

    def bye(*_):
        board.stop_qemu()
        try:
            os.unlink(path)
        except OSError:
            pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    board.note("ready: probe %s, target %s, port %s" % (a.uid, a.target, a.port_link))
    while True:
        conn, _ = srv.accept()
        with conn:
            f = conn.makefile("rw")
            try:
                req = json.loads(f.readline())
                board.handle(req)
                reply = {"ok": True}
            except Exception as e:  # reported to the probe tool, which exits 1
                reply = {"ok": False, "message": str(e)}
                board.note("error: " + str(e))
            f.write(json.dumps(reply) + "\n")
            f.flush()


if __name__ == "__main__":
    main()
