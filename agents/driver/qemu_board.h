// qemu_board.h: one emulated board: a qemu-system-arm process and its two
// loopback channels (serial UART and gdb stub), owned together.
//
// Construction starts qemu for a device profile HALTED (-S): the CPU does not
// execute until the host continues it through the gdb stub, so no serial
// output can be emitted before the serial link is connected (with
// `server=on,wait=off` qemu drops output sent while no client is connected;
// `wait=on` would instead block qemu's startup on one socket before the other
// exists). The constructor connects both channels, retrying while qemu comes
// up. The command line is
//   qemu-system-arm -M <machine> -cpu <cpu> -nographic -monitor none
//     -serial tcp:127.0.0.1:<S>,server=on,wait=off -gdb tcp:127.0.0.1:<G> -S
//     -semihosting-config enable=on,target=native -icount shift=<N>
//     [-kernel <elf>] [-plugin <so>,k=v,...] [extra...]
// Without `kernel`, load the firmware through gdb() (GdbRemote::load_elf).
// Ports: each is picked by binding port 0 on 127.0.0.1 and releasing it; if
// qemu then fails to bind (another process took the port meanwhile) the whole
// start is retried with new ports, up to port_attempts times.
//
// Lifetime (RAII): the process runs in its own process group; the destructor
// (and any failure inside the constructor) closes the channels, sends SIGTERM
// to the group, SIGKILL after stop_grace, and reaps it with waitpid, so no
// process or listening port outlives the object, whatever the exit path.
// With die_with_parent (default), qemu is also killed by the kernel if the
// thread that created the board dies (PR_SET_PDEATHSIG): create boards from a
// thread that outlives them.
//
// qemu's stdout and stderr go to an anonymous in-memory file; output() reads
// it (error messages, semihosting console). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "driver/device_profile.h"
#include "driver/gdb_remote.h"
#include "driver/serial_link.h"

namespace hb::driver {

struct QemuPlugin {
  std::filesystem::path path;  // e.g. build/firmware/qemu-plugin/libhb_icount.so
  std::vector<std::pair<std::string, std::string>> args;  // appended as ,key=value
};

struct QemuOptions {
  std::string qemu_binary = "qemu-system-arm";  // name (searched in PATH) or path
  std::filesystem::path kernel;                 // -kernel ELF; empty: load through gdb
  std::optional<QemuPlugin> plugin;
  std::vector<std::string> extra_args;
  bool icount = true;                              // -icount shift=<profile's icount_shift>
  std::chrono::milliseconds start_timeout{10000};  // until both channels are connected
  std::chrono::milliseconds stop_grace{2000};      // SIGTERM -> SIGKILL
  int port_attempts = 5;
  bool die_with_parent = true;
  GdbOptions gdb;
};

class QemuBoard {
 public:
  // Starts qemu for an emulated profile and connects serial and gdb. Throws
  // DriverError::EmulatorFailed (profile not emulated, binary missing, qemu
  // exited: the message carries its stderr; or no connection within
  // start_timeout), leaving no process behind.
  QemuBoard(const DeviceProfile& profile, QemuOptions opts);
  ~QemuBoard();
  QemuBoard(const QemuBoard&) = delete;
  QemuBoard& operator=(const QemuBoard&) = delete;

  SerialLink& serial() { return *serial_; }
  GdbRemote& gdb() { return *gdb_; }

  pid_t pid() const { return pid_; }  // -1 once reaped
  uint16_t serial_port() const { return serial_port_; }
  uint16_t gdb_port() const { return gdb_port_; }
  const std::vector<std::string>& command_line() const { return argv_; }
  double start_seconds() const { return start_seconds_; }  // spawn until both channels up

  // Waits up to timeout for qemu to exit by itself (semihosting exit):
  // its exit status (128 + signal if killed), or nullopt if still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // Exit status if qemu has exited (reaps it), else nullopt. Never blocks.
  std::optional<int> poll_exit();
  // Everything qemu wrote to stdout/stderr so far (the last `max_bytes`).
  std::string output(size_t max_bytes = 16384) const;
  // Closes the channels and ends the process now (what the destructor does).
  void stop();

 private:
  // One spawn + connect attempt; false if qemu failed because a port was taken.
  bool try_start(const DeviceProfile& profile, const QemuOptions& opts, Clock::time_point deadline);
  void kill_and_reap();

  QemuOptions opts_;
  pid_t pid_ = -1;
  int out_fd_ = -1;  // memfd holding qemu's stdout+stderr
  std::optional<int> exit_status_;
  uint16_t serial_port_ = 0, gdb_port_ = 0;
  std::vector<std::string> argv_;
  double start_seconds_ = 0;
  std::unique_ptr<SerialLink> serial_;
  std::unique_ptr<GdbRemote> gdb_;
};

// Builds the qemu argument vector (argv[0] = binary) for a profile and ports.
// Exposed for tests and for logging the exact command.
std::vector<std::string> qemu_command_line(const DeviceProfile& profile, const QemuOptions& opts,
                                           uint16_t serial_port, uint16_t gdb_port);

}  // namespace hb::driver
