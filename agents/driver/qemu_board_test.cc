// Tests of QemuBoard and GdbRemote against a real qemu-system-arm running the
// smoke firmware (build/firmware/mps2-an386/smoke.elf), plus process-lifetime tests.
// Skipped, loudly, only when qemu-system-arm is not installed; a missing smoke
// ELF is a failure (build the firmware first, see firmware-harness/boards/).
#include "driver/qemu_board.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <numeric>
#include <thread>

#include "driver/driver_error.h"
#include "driver/elf_image.h"
#include "driver/testing/test_env.h"

namespace hb::driver {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::find_qemu;
using testing::firmware_build_dir;
using testing::source_dir;

// Alive = exists and is not a zombie (an orphan reparented to a subreaper
// that has not reaped it yet is dead for our purposes).
bool process_alive(pid_t pid) {
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno != EPERM)) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

bool port_listening(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

DeviceProfile an386() {
  return load_device_profile(source_dir() / "device-profiles/mps2-an386.json");
}

fs::path smoke_elf() {
  fs::path p = firmware_build_dir() / "mps2-an386/smoke.elf";
  REQUIRE_MESSAGE(fs::exists(p), p.string(),
                  " missing: build the firmware (firmware-harness/boards)");
  return p;
}

// True (and a loud message) when the real-qemu tests cannot run.
bool skip_without_qemu() {
  if (!find_qemu().empty()) return false;
  MESSAGE("SKIPPED: qemu-system-arm not found in PATH (set HB_QEMU); real-emulator test not run");
  return true;
}

QemuOptions options() {
  QemuOptions o;
  o.qemu_binary = find_qemu();
  return o;
}

// Reads serial lines until `last` or until the link closes/times out.
std::vector<std::string> read_lines_until(SerialLink& s, const std::string& last,
                                          std::chrono::milliseconds timeout) {
  std::vector<std::string> lines;
  auto deadline = Clock::now() + timeout;
  try {
    while (Clock::now() < deadline) {
      auto l = s.read_line(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
      if (!l) break;
      lines.push_back(*l);
      if (*l == last) break;
    }
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kIo);  // qemu exited and closed the socket
  }
  return lines;
}

const char* kBanner = "hb-smoke board=mps2-an386 core=cortex-m4 cpu_hz=25000000";

}  // namespace

TEST_CASE("qemu_command_line follows the profile") {
  DeviceProfile p = an386();
  QemuOptions o;
  o.plugin = QemuPlugin{"/x/libhb_icount.so", {{"begin", "0x10"}, {"end", "0x20"}}};
  auto a = qemu_command_line(p, o, 1111, 2222);
  std::string joined =
      std::accumulate(a.begin(), a.end(), std::string(),
                      [](std::string s, const std::string& x) { return s + x + " "; });
  CHECK(joined ==
        "qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic -monitor none -serial "
        "tcp:127.0.0.1:1111,server=on,wait=off -gdb tcp:127.0.0.1:2222 -S -semihosting-config "
        "enable=on,target=native -icount shift=5,sleep=off -plugin "
        "/x/libhb_icount.so,begin=0x10,end=0x20 ");
  DeviceProfile real = load_device_profile(source_dir() / "device-profiles/nucleo-l4r5zi.json");
  CHECK_THROWS_AS(qemu_command_line(real, o, 1, 2), DriverError);
}

TEST_CASE("qemu: load smoke.elf through gdb, run it, read the banner, release everything") {
  if (skip_without_qemu()) return;
  DeviceProfile p = an386();
  ElfImage elf = ElfImage::load(smoke_elf());
  pid_t pid;
  uint16_t sport, gport;
  for (GdbStart start : {GdbStart::kVectorTable, GdbStart::kReset}) {
    CAPTURE(int(start));
    auto t0 = Clock::now();
    {
      QemuBoard board(p, options());
      pid = board.pid();
      sport = board.serial_port();
      gport = board.gdb_port();
      CHECK(process_alive(pid));
      GdbLoadReport rep = board.gdb().load_elf(elf, p.flash.start, start, /*verify=*/true);
      CHECK(rep.bytes == elf.load_bytes());
      CHECK(rep.pc == (*elf.read_u32(p.flash.start + 4) & ~1u));
      CHECK(rep.sp == *elf.read_u32(p.flash.start));
      board.gdb().cont();
      auto lines = read_lines_until(board.serial(), "hb-smoke PASS", 10s);
      double boot = std::chrono::duration<double>(Clock::now() - t0).count();
      REQUIRE(!lines.empty());
      CHECK(lines[0] == kBanner);
      CHECK(lines.size() >= 5);
      CHECK(board.wait_exit(10s) == std::optional<int>(0));  // semihosting exit status
      MESSAGE("start mode " << int(start) << ": qemu up in " << board.start_seconds() * 1e3
                            << " ms; load " << rep.bytes << " B in " << rep.write_seconds * 1e3
                            << " ms (binary X: " << board.gdb().binary_writes() << ", no-ack: "
                            << board.gdb().no_ack() << ", PacketSize " << board.gdb().packet_size()
                            << "); spawn to last serial line " << boot * 1e3 << " ms");
    }
    CHECK_FALSE(process_alive(pid));
    CHECK_FALSE(port_listening(sport));
    CHECK_FALSE(port_listening(gport));
  }
}

TEST_CASE("qemu: -kernel boot and the icount plugin") {
  if (skip_without_qemu()) return;
  DeviceProfile p = an386();
  QemuOptions o = options();
  o.kernel = smoke_elf();
  QemuBoard board(p, o);
  CHECK(board.gdb().halt_reason().kind == 'T');  // halted by -S until we continue
  board.gdb().cont();
  auto lines = read_lines_until(board.serial(), "hb-smoke PASS", 10s);
  REQUIRE(!lines.empty());
  CHECK(lines[0] == kBanner);
  CHECK(board.wait_exit(10s) == std::optional<int>(0));
}

TEST_CASE("qemu: gdb memory write speed, X and M, with read-back") {
  if (skip_without_qemu()) return;
  DeviceProfile p = an386();
  std::vector<uint8_t> data(1 << 20);
  uint32_t x = 12345;
  for (auto& b : data)
    b = uint8_t((x = x * 1103515245 + 12345) >> 16);  // includes '#', '$', '}', '*'
  const uint32_t addr = p.ram.start + 0x100000;
  for (bool binary : {true, false}) {
    QemuOptions o = options();
    o.gdb.allow_binary_writes = binary;
    QemuBoard board(p, o);
    auto t0 = Clock::now();
    board.gdb().write_memory(addr, data);
    double w = std::chrono::duration<double>(Clock::now() - t0).count();
    t0 = Clock::now();
    auto back = board.gdb().read_memory(addr, data.size());
    double r = std::chrono::duration<double>(Clock::now() - t0).count();
    CHECK(back == data);
    // QEMU 7.2's stub answers the zero-length X probe with "" (no binary
    // writes): the client must have fallen back to M and still be correct.
    if (!binary) CHECK_FALSE(board.gdb().binary_writes());
    t0 = Clock::now();
    for (int i = 0; i < 200; ++i) board.gdb().read_register(kGdbRegPc);
    double rtt = std::chrono::duration<double>(Clock::now() - t0).count() / 200;
    MESSAGE("gdb round trip (p packet): " << rtt * 1e6 << " us");
    MESSAGE(std::string(board.gdb().binary_writes() ? "X (binary)" : "M (hex), X allowed=")
            << binary << " write 1 MiB: " << w * 1e3 << " ms = " << data.size() / w / 1e6
            << " MB/s; m read back: " << data.size() / r / 1e6 << " MB/s");
    // Registers round-trip.
    board.gdb().write_register(kGdbRegLr, 0xdeadbeef);
    CHECK(board.gdb().read_register(kGdbRegLr) == 0xdeadbeefu);
  }
}

TEST_CASE("qemu: serial throughput, target to host") {
  if (skip_without_qemu()) return;
  DeviceProfile p = an386();
  QemuBoard board(p, options());
  // Hand-assembled Thumb loop: enable the CMSDK UART (0x40004000) and send 'U'
  // forever, polling STATE.TXFULL (bit 0).
  const uint16_t code[] = {
      0x4805,          // ldr   r0, [pc, #20]   ; =0x40004000
      0x2110, 0x6101,  // movs  r1, #16 ; str r1, [r0, #16]  (BAUDDIV)
      0x2101, 0x6081,  // movs  r1, #1  ; str r1, [r0, #8]   (CTRL.TX_EN)
      0x2255,          // movs  r2, #'U'
      0x6843,          // loop: ldr r3, [r0, #4]              (STATE)
      0x07db,          // lsls  r3, r3, #31
      0xd4fc,          // bmi   loop
      0x6002,          // str   r2, [r0]                      (DATA)
      0xe7fa,          // b     loop
      0xbf00,          // nop (align)
      0x4000, 0x4000,  // .word 0x40004000
  };
  std::vector<uint8_t> bytes;
  for (uint16_t h : code) bytes.insert(bytes.end(), {uint8_t(h), uint8_t(h >> 8)});
  board.gdb().write_memory(p.ram.start, bytes);
  board.gdb().write_register(kGdbRegPc, p.ram.start);
  board.gdb().write_register(kGdbRegSp, p.ram.start + 0x1000);
  board.gdb().write_register(kGdbRegXpsr, 0x01000000);
  board.gdb().cont();
  std::vector<uint8_t> buf(65536);
  size_t total = 0;
  bool all_u = true;
  auto t0 = Clock::now();
  while (Clock::now() - t0 < 1s) {
    size_t n = board.serial().read_raw(buf, 500ms);
    for (size_t i = 0; i < n; ++i) all_u = all_u && buf[i] == 'U';
    total += n;
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  CHECK(all_u);
  CHECK(total > 10000);
  MESSAGE("serial target->host: " << total << " bytes in " << secs << " s = " << total / secs / 1e3
                                  << " kB/s (icount shift=" << p.qemu->icount_shift << ")");
}

TEST_CASE("qemu: induced timeouts leave no process or port behind") {
  if (skip_without_qemu()) return;
  DeviceProfile p = an386();
  pid_t pid;
  uint16_t sport, gport;
  {
    QemuBoard board(p, options());
    pid = board.pid();
    sport = board.serial_port();
    gport = board.gdb_port();
    // Halted CPU: the serial line stays silent and gdb gets no stop reply.
    CHECK_FALSE(board.serial().read_line(200ms).has_value());
    // A firmware stuck in `b .` (Thumb 0xe7fe) in RAM: no stop reply until interrupted.
    const uint8_t spin[] = {0xfe, 0xe7};
    board.gdb().write_memory(p.ram.start, spin);
    board.gdb().write_register(kGdbRegPc, p.ram.start);
    board.gdb().write_register(kGdbRegSp, p.ram.start + 0x1000);
    board.gdb().write_register(kGdbRegXpsr, 0x01000000);
    board.gdb().cont();
    try {
      board.gdb().wait_stop(300ms);
      FAIL("stop reply from a spinning CPU");
    } catch (const DriverError& e) {
      CHECK(e.kind() == DriverError::Kind::kTimeout);
    }
    GdbStop s = board.gdb().interrupt(2s);
    CHECK(s.kind == 'T');
    CHECK(board.gdb().read_register(kGdbRegPc) == p.ram.start);
  }
  CHECK_FALSE(process_alive(pid));
  CHECK_FALSE(port_listening(sport));
  CHECK_FALSE(port_listening(gport));

  // A timeout thrown through the object: the destructor still cleans up.
  try {
    QemuBoard board(p, options());
    pid = board.pid();
    sport = board.serial_port();
    throw DriverError::BoardHung("simulated");
  } catch (const DriverError& e) {
    CHECK(e.kind() == DriverError::Kind::kBoardHung);
  }
  CHECK_FALSE(process_alive(pid));
  CHECK_FALSE(port_listening(sport));
}

TEST_CASE("qemu: start failures are EmulatorFailed and leave no process") {
  if (skip_without_qemu()) return;
  DeviceProfile p = an386();
  SUBCASE("unknown machine: qemu's own message is reported") {
    p.qemu->machine = "no-such-machine";
    try {
      QemuBoard board(p, options());
      FAIL("started");
    } catch (const DriverError& e) {
      CHECK(e.kind() == DriverError::Kind::kEmulatorFailed);
      CHECK(std::string(e.what()).find("unsupported machine type") != std::string::npos);
    }
  }
  SUBCASE("missing binary") {
    QemuOptions o = options();
    o.qemu_binary = "/nonexistent/qemu-system-arm";
    CHECK_THROWS_AS(QemuBoard(p, o), DriverError);
  }
  SUBCASE("an emulator that never opens its ports: start timeout kills its whole group") {
    // A stand-in 'qemu' that forks a child and never listens.
    fs::path dir = fs::temp_directory_path() / ("hb-fakeqemu-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::path script = dir / "qemu", pids = dir / "pids";
    {
      std::ofstream f(script);
      f << "#!/bin/sh\nsleep 300 &\necho $$ $! > " << pids.string() << "\nwait\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    QemuOptions o = options();
    o.qemu_binary = script.string();
    o.start_timeout = 500ms;
    o.stop_grace = 300ms;
    auto t0 = Clock::now();
    try {
      QemuBoard board(p, o);
      FAIL("started");
    } catch (const DriverError& e) {
      CHECK(e.kind() == DriverError::Kind::kEmulatorFailed);
    }
    CHECK(Clock::now() - t0 < 3s);
    pid_t sh = 0, child = 0;
    std::ifstream(pids) >> sh >> child;
    CHECK(sh > 0);
    CHECK(child > 0);
    std::this_thread::sleep_for(50ms);  // the orphaned sleep is reaped by init
    CHECK_FALSE(process_alive(sh));
    CHECK_FALSE(process_alive(child));
    fs::remove_all(dir);
  }
}

}  // namespace hb::driver
