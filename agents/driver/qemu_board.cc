#include "driver/qemu_board.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include <spdlog/spdlog.h>

#include "driver/driver_error.h"
#include "driver/host_tools.h"

namespace hb::driver {
namespace {

constexpr std::chrono::milliseconds kConnectRetry{10};

// Reserves a free loopback port by binding port 0, reads it back, releases it.
// Two calls in a row give different ports because both sockets are open at
// once (held in `held` until the caller drops them).
uint16_t pick_port(std::vector<int>& held) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw DriverError::Io(std::string("socket: ") + std::strerror(errno));
  held.push_back(fd);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw DriverError::Io(std::string("picking a free port: ") + std::strerror(errno));
  return ntohs(a.sin_port);
}

int decode_status(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

bool mentions_port_in_use(const std::string& text) {
  return text.find("Address already in use") != std::string::npos ||
         text.find("Failed to bind") != std::string::npos;
}

}  // namespace

std::vector<std::string> qemu_command_line(const DeviceProfile& profile, const QemuOptions& opts,
                                           uint16_t serial_port, uint16_t gdb_port) {
  if (!profile.emulated || !profile.qemu)
    throw DriverError::EmulatorFailed("board '" + profile.id + "' is not an emulated board");
  const QemuMachine& q = *profile.qemu;
  std::vector<std::string> a = {opts.qemu_binary, "-M", q.machine};
  if (!q.cpu.empty()) a.insert(a.end(), {"-cpu", q.cpu});
  a.insert(a.end(), {"-nographic", "-monitor", "none", "-serial",
                     "tcp:127.0.0.1:" + std::to_string(serial_port) + ",server=on,wait=off", "-gdb",
                     "tcp:127.0.0.1:" + std::to_string(gdb_port), "-S", "-semihosting-config",
                     "enable=on,target=native"});
  // sleep=off: a WFI advances virtual time at once instead of waiting for
  // the host clock, so figures do not depend on host timing.
  if (opts.icount)
    a.insert(a.end(), {"-icount", "shift=" + std::to_string(q.icount_shift) + ",sleep=off"});
  if (!opts.kernel.empty()) a.insert(a.end(), {"-kernel", opts.kernel.string()});
  if (opts.plugin) {
    std::string p = opts.plugin->path.string();
    for (const auto& [k, v] : opts.plugin->args) p += "," + k + "=" + v;
    a.insert(a.end(), {"-plugin", p});
  }
  a.insert(a.end(), opts.extra_args.begin(), opts.extra_args.end());
  return a;
}

QemuBoard::QemuBoard(const DeviceProfile& profile, QemuOptions opts) : opts_(std::move(opts)) {
  if (!profile.emulated || !profile.qemu)
    throw DriverError::EmulatorFailed("board '" + profile.id + "' is not an emulated board");
  auto t0 = Clock::now();
  auto deadline = t0 + opts_.start_timeout;
  try {
    for (int attempt = 1;; ++attempt) {
      if (try_start(profile, opts_, deadline)) break;
      if (attempt >= opts_.port_attempts)
        throw DriverError::EmulatorFailed("qemu could not bind its ports after " +
                                          std::to_string(attempt) + " attempts: " + output(2000));
      spdlog::debug("qemu: port collision, retrying with new ports");
    }
  } catch (...) {
    stop();  // the destructor will not run for a throwing constructor
    if (out_fd_ >= 0) ::close(out_fd_);
    throw;
  }
  start_seconds_ = std::chrono::duration<double>(Clock::now() - t0).count();
  spdlog::debug("qemu pid {} up in {:.3f} s: serial :{} gdb :{}", pid_, start_seconds_,
                serial_port_, gdb_port_);
}

bool QemuBoard::try_start(const DeviceProfile& profile, const QemuOptions& opts,
                          Clock::time_point deadline) {
  std::vector<int> held;
  try {
    serial_port_ = pick_port(held);
    gdb_port_ = pick_port(held);
  } catch (...) {
    for (int fd : held) ::close(fd);
    throw;
  }
  for (int fd : held) ::close(fd);

  argv_ = qemu_command_line(profile, opts, serial_port_, gdb_port_);
  // Resolved before fork: execv after fork must not allocate, so the child
  // cannot search PATH itself.
  std::string exe = find_in_path(opts.qemu_binary);
  if (exe.empty())
    throw DriverError::EmulatorFailed("'" + opts.qemu_binary + "' not found in PATH");

  if (out_fd_ >= 0) ::close(out_fd_);
  out_fd_ = ::memfd_create("hb-qemu-output", MFD_CLOEXEC);
  if (out_fd_ < 0) throw DriverError::Io(std::string("memfd_create: ") + std::strerror(errno));
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int errpipe[2];
  if (devnull < 0 || ::pipe2(errpipe, O_CLOEXEC) != 0) {
    if (devnull >= 0) ::close(devnull);
    throw DriverError::Io(std::string("spawn setup: ") + std::strerror(errno));
  }
  std::vector<char*> cargv;
  for (std::string& s : argv_) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(devnull), ::close(errpipe[0]), ::close(errpipe[1]);
    throw DriverError::EmulatorFailed(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only (the parent may have other threads).
    ::setpgid(0, 0);
    if (opts.die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // parent already gone
    }
    // A blocked signal mask survives fork and exec: daemons that sigwait for
    // SIGTERM block it in every thread, and QEMU would then ignore the SIGTERM
    // we stop it with. Start the emulator with nothing blocked.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(devnull, 0);
    ::dup2(out_fd_, 1);
    ::dup2(out_fd_, 2);
    ::execv(exe.c_str(), cargv.data());
    int e = errno;
    (void)!::write(errpipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: no window where a kill(-pid) would miss
  pid_ = pid;
  exit_status_.reset();
  ::close(devnull);
  ::close(errpipe[1]);
  int exec_errno = 0;
  ssize_t n = ::read(errpipe[0], &exec_errno, sizeof exec_errno);  // EOF = exec succeeded
  ::close(errpipe[0]);
  if (n == sizeof exec_errno) {
    kill_and_reap();
    throw DriverError::EmulatorFailed("cannot execute " + exe + ": " + std::strerror(exec_errno));
  }
  spdlog::debug("qemu pid {}: {}", pid_, [&] {
    std::string s;
    for (const auto& a : argv_) s += a + " ";
    return s;
  }());

  // Connect gdb first (it is what resumes the CPU), then the serial line.
  auto connect_retrying = [&](auto&& connect_once, const char* what) {
    for (;;) {
      if (auto st = poll_exit()) {
        std::string out = output(4000);
        if (mentions_port_in_use(out)) return false;
        throw DriverError::EmulatorFailed("qemu exited with status " + std::to_string(*st) +
                                          " before its " + what + " port opened: " + out);
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0)
        throw DriverError::EmulatorFailed(
            std::string("qemu did not open its ") + what +
            " port within the start timeout; output: " + output(2000));
      try {
        connect_once(left);
        return true;
      } catch (const DriverError& e) {
        if (e.kind() != DriverError::Kind::kIo) throw;  // refused: not listening yet
      }
      std::this_thread::sleep_for(kConnectRetry);
    }
  };
  if (!connect_retrying(
          [&](std::chrono::milliseconds left) {
            gdb_ = GdbRemote::connect("127.0.0.1", gdb_port_, left, opts.gdb);
          },
          "gdb")) {
    kill_and_reap();
    return false;
  }
  if (!connect_retrying(
          [&](std::chrono::milliseconds left) {
            serial_ = SerialLink::connect_tcp("127.0.0.1", serial_port_, left);
          },
          "serial")) {
    gdb_.reset();
    kill_and_reap();
    return false;
  }
  return true;
}

std::optional<int> QemuBoard::poll_exit() {
  if (exit_status_) return exit_status_;
  if (pid_ < 0) return std::nullopt;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    exit_status_ = decode_status(st);
    pid_ = -1;
  }
  return exit_status_;
}

std::optional<int> QemuBoard::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto st = poll_exit()) return st;
    if (pid_ < 0 || Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string QemuBoard::output(size_t max_bytes) const {
  if (out_fd_ < 0) return {};
  struct stat st {};
  if (::fstat(out_fd_, &st) != 0) return {};
  size_t size = size_t(st.st_size), from = size > max_bytes ? size - max_bytes : 0;
  std::string s(size - from, '\0');
  ssize_t n = ::pread(out_fd_, s.data(), s.size(), off_t(from));
  s.resize(n > 0 ? size_t(n) : 0);
  return s;
}

void QemuBoard::kill_and_reap() {
  if (pid_ < 0 || poll_exit()) return;
  ::kill(-pid_, SIGTERM);  // the whole group: qemu and anything it spawned
  if (!wait_exit(opts_.stop_grace)) {
    ::kill(-pid_, SIGKILL);
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    exit_status_ = decode_status(st);
    pid_ = -1;
  }
}

void QemuBoard::stop() {
  serial_.reset();
  gdb_.reset();
  kill_and_reap();
}

QemuBoard::~QemuBoard() {
  stop();
  if (out_fd_ >= 0) ::close(out_fd_);
}

}  // namespace hb::driver
