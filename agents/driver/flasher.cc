#include "driver/flasher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "driver/driver_error.h"
#include "driver/hex.h"

namespace hb::driver {
namespace {

using Clock = std::chrono::steady_clock;

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a.find(' ') != std::string::npos ? "'" + a + "'" : a;
  }
  return s;
}

int decode_status(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

bool is_elf_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw DriverError::BadImage("cannot read image " + p.string());
  char m[4] = {};
  f.read(m, 4);
  return f.gcount() == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
}

const ProbeInfo& probe_of(const DeviceProfile& p) {
  if (!p.probe)
    throw DriverError::BadProfile("board '" + p.id + "' has no probe section (emulated board?)");
  return *p.probe;
}

}  // namespace

ToolRun run_tool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  if (argv.empty()) throw DriverError::FlashFailed("run_tool: empty command");
  // Resolve and build argv before fork: the child must not allocate.
  std::string exe = find_in_path(argv[0]);
  if (exe.empty()) throw DriverError::FlashFailed("'" + argv[0] + "' not found in PATH");
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& s : args) cargv.push_back(s.data());
  cargv.push_back(nullptr);

  int out[2], errpipe[2];
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0)
    throw DriverError::FlashFailed(std::string("open /dev/null: ") + std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(devnull);
    throw DriverError::FlashFailed(std::string("pipe: ") + std::strerror(errno));
  }
  if (::pipe2(errpipe, O_CLOEXEC) != 0) {
    ::close(devnull), ::close(out[0]), ::close(out[1]);
    throw DriverError::FlashFailed(std::string("pipe: ") + std::strerror(errno));
  }
  pid_t parent = ::getpid();
  auto t0 = Clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(devnull), ::close(out[0]), ::close(out[1]), ::close(errpipe[0]), ::close(errpipe[1]);
    throw DriverError::FlashFailed(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(devnull, 0);
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::execv(exe.c_str(), cargv.data());
    int e = errno;
    (void)!::write(errpipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: no window where kill(-pid) would miss
  ::close(devnull);
  ::close(out[1]);
  ::close(errpipe[1]);
  int exec_errno = 0;
  ssize_t en = ::read(errpipe[0], &exec_errno, sizeof exec_errno);  // EOF = exec succeeded
  ::close(errpipe[0]);
  if (en == sizeof exec_errno) {
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    ::close(out[0]);
    throw DriverError::FlashFailed("cannot execute " + exe + ": " + std::strerror(exec_errno));
  }

  ToolRun r;
  auto deadline = t0 + timeout;
  bool eof = false;
  char buf[4096];
  // Read until EOF (every holder of the pipe exited) or the deadline. The
  // group is killed on expiry, so a grandchild holding the pipe cannot keep
  // us waiting either.
  while (!eof) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      break;
    }
    pollfd pfd{out[0], POLLIN, 0};
    int pr = ::poll(&pfd, 1, int(std::min<long long>(left.count(), 1000)));
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) continue;
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof = true;
      break;
    }
    r.output.append(buf, size_t(n));
    if (r.output.size() > 2 * kOutputTailBytes)
      r.output.erase(0, r.output.size() - kOutputTailBytes);
  }
  ::close(out[0]);
  int st = 0;
  if (r.timed_out) {
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
  } else {
    // EOF: the tool closed its output; wait for its exit, still bounded.
    for (;;) {
      pid_t w = ::waitpid(pid, &st, WNOHANG);
      if (w == pid) break;
      if (w < 0 && errno != EINTR) break;
      if (Clock::now() >= deadline) {
        r.timed_out = true;
        ::kill(-pid, SIGKILL);
        while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!r.timed_out) ::kill(-pid, SIGKILL);  // anything the tool left running in its group
  }
  r.exit_status = decode_status(st);
  if (r.output.size() > kOutputTailBytes) r.output.erase(0, r.output.size() - kOutputTailBytes);
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

// ---------------------------------------------------------------------------

Flasher::Flasher(DeviceProfile profile, std::string probe_uid, FlasherOptions opts)
    : profile_(std::move(profile)), uid_(std::move(probe_uid)), opts_(opts) {
  probe_of(profile_);
}

void Flasher::run_checked(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const char* what) {
  spdlog::debug("{}: {}", name(), join(argv));
  ToolRun r = run_tool(argv, timeout);
  std::string where = " (board " + profile_.id + (uid_.empty() ? "" : ", probe " + uid_) + ")";
  if (r.timed_out)
    throw DriverError::Timeout(std::string(what) + where + ": `" + join(argv) +
                               "` did not finish within " + std::to_string(timeout.count()) +
                               " ms (killed); output: " + r.output);
  if (r.exit_status != 0)
    throw DriverError::FlashFailed(std::string(what) + where + ": `" + join(argv) +
                                   "` exited with status " + std::to_string(r.exit_status) +
                                   "; output: " + r.output);
  spdlog::debug("{}: {} done in {:.3f} s", name(), what, r.seconds);
}

void Flasher::flash(const std::filesystem::path& image, std::optional<uint32_t> address) {
  bool elf = is_elf_file(image);
  if (elf && address)
    throw DriverError::BadImage("an ELF image is placed by its program headers; no address for " +
                                image.string());
  run_checked(flash_command(image, elf, address.value_or(profile_.flash.start)),
              opts_.flash_timeout, "flashing");
}

void Flasher::write_plan(std::span<const uint8_t> plan) {
  const MemoryRegion& part = profile_.model_partition;
  if (plan.empty()) throw DriverError::BadImage("empty plan");
  if (plan.size() > part.size)
    throw DriverError::BadImage("plan of " + std::to_string(plan.size()) + " bytes does not fit " +
                                profile_.id + "'s model partition (" + std::to_string(part.size) +
                                " bytes)");
  std::random_device rd;
  auto tmp = std::filesystem::temp_directory_path() /
             ("hb-plan-" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + ".bin");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(plan.data()), std::streamsize(plan.size()));
    if (!f) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw DriverError::Io("cannot write " + tmp.string());
    }
  }
  try {
    run_checked(flash_command(tmp, false, part.start), opts_.flash_timeout, "writing the plan");
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
}

void Flasher::reset() { run_checked(reset_command(), opts_.reset_timeout, "resetting"); }

// --- pyOCD ------------------------------------------------------------------

std::optional<PyocdTool> detect_pyocd_tool() {
  if (!find_in_path("pyocd").empty()) return PyocdTool::kModern;
  if (!find_in_path("pyocd-flashtool").empty()) return PyocdTool::kLegacy;
  return std::nullopt;
}

PyocdFlasher::PyocdFlasher(DeviceProfile profile, std::string probe_uid, PyocdTool tool,
                           FlasherOptions opts)
    : Flasher(std::move(profile), std::move(probe_uid), opts), tool_(tool) {
  if (profile_.probe->pyocd_target.empty())
    throw DriverError::BadProfile("board '" + profile_.id + "': probe.pyocd_target is empty");
}

std::string PyocdFlasher::name() const {
  return tool_ == PyocdTool::kModern ? "pyocd" : "pyocd-flashtool";
}

std::string Flasher::probe_key() const { return name() + "|" + profile_.id + "|" + uid_; }

namespace {
std::mutex g_flashed_mu;
std::map<std::string, std::string> g_flashed;  // probe key -> image key
}  // namespace

std::string flashed_image(const std::string& probe_key) {
  std::lock_guard<std::mutex> l(g_flashed_mu);
  auto it = g_flashed.find(probe_key);
  return it == g_flashed.end() ? "" : it->second;
}

void note_flashed_image(const std::string& probe_key, const std::string& image_key) {
  std::lock_guard<std::mutex> l(g_flashed_mu);
  g_flashed[probe_key] = image_key;
}

std::vector<std::string> PyocdFlasher::flash_command(const std::filesystem::path& image,
                                                     bool is_elf, uint32_t address) const {
  const std::string& target = profile_.probe->pyocd_target;
  std::vector<std::string> a;
  if (tool_ == PyocdTool::kModern) {
    // load programs, verifies by page CRC/readback, and resets afterwards.
    a = {"pyocd", "load", "-t", target};
    if (!uid_.empty()) a.insert(a.end(), {"-u", uid_});
    a.insert(a.end(), {"--format", is_elf ? "elf" : "bin"});
    if (!is_elf) a.insert(a.end(), {"--base-address", hex32(address)});
  } else {
    // pyOCD 0.13: -b board id; -a address for binaries; it resets after programming.
    a = {"pyocd-flashtool", "-t", target};
    if (!uid_.empty()) a.insert(a.end(), {"-b", uid_});
    if (!is_elf) a.insert(a.end(), {"-a", hex32(address)});
  }
  a.push_back(image.string());
  return a;
}

std::vector<std::string> PyocdFlasher::reset_command() const {
  const std::string& target = profile_.probe->pyocd_target;
  std::vector<std::string> a;
  if (tool_ == PyocdTool::kModern) {
    a = {"pyocd", "reset", "-t", target};
    if (!uid_.empty()) a.insert(a.end(), {"-u", uid_});
  } else {
    a = {"pyocd-tool", "-t", target};
    if (!uid_.empty()) a.insert(a.end(), {"-b", uid_});
    a.push_back("reset");
  }
  return a;
}

// --- OpenOCD ----------------------------------------------------------------

OpenocdFlasher::OpenocdFlasher(DeviceProfile profile, std::string probe_uid, FlasherOptions opts,
                               std::string openocd_binary)
    : Flasher(std::move(profile), std::move(probe_uid), opts), binary_(std::move(openocd_binary)) {
  if (profile_.probe->openocd_interface.empty() || profile_.probe->openocd_target.empty())
    throw DriverError::BadProfile("board '" + profile_.id +
                                  "': probe.openocd_interface/openocd_target missing");
}

std::vector<std::string> OpenocdFlasher::prologue() const {
  std::vector<std::string> a = {binary_, "-f", profile_.probe->openocd_interface, "-f",
                                profile_.probe->openocd_target};
  // Before init (which `program` and `init` run): selects the probe by serial.
  if (!uid_.empty()) a.insert(a.end(), {"-c", "adapter serial " + uid_});
  return a;
}

std::vector<std::string> OpenocdFlasher::flash_command(const std::filesystem::path& image,
                                                       bool is_elf, uint32_t address) const {
  std::vector<std::string> a = prologue();
  // `program` parses its argument as Tcl words: brace the path against spaces.
  std::string cmd = "program {" + image.string() + "}";
  if (!is_elf) cmd += " " + hex32(address);  // for an ELF an offset would shift its sections
  cmd += " verify reset exit";
  a.insert(a.end(), {"-c", cmd});
  return a;
}

std::vector<std::string> OpenocdFlasher::reset_command() const {
  std::vector<std::string> a = prologue();
  a.insert(a.end(), {"-c", "init", "-c", "reset run", "-c", "shutdown"});
  return a;
}

// --- factory ----------------------------------------------------------------

std::unique_ptr<Flasher> make_flasher(const DeviceProfile& profile, const std::string& probe_uid,
                                      FlasherKind preference, FlasherOptions opts) {
  probe_of(profile);
  auto pyocd = [&]() -> std::unique_ptr<Flasher> {
    auto tool = detect_pyocd_tool();
    if (!tool) return nullptr;
    return std::make_unique<PyocdFlasher>(profile, probe_uid, *tool, opts);
  };
  auto openocd = [&]() -> std::unique_ptr<Flasher> {
    if (find_in_path("openocd").empty()) return nullptr;
    return std::make_unique<OpenocdFlasher>(profile, probe_uid, opts);
  };
  std::unique_ptr<Flasher> f;
  switch (preference) {
    case FlasherKind::kPyocd:
      if (!(f = pyocd()))
        throw DriverError::FlashFailed("neither pyocd nor pyocd-flashtool found in PATH");
      return f;
    case FlasherKind::kOpenocd:
      if (!(f = openocd())) throw DriverError::FlashFailed("openocd not found in PATH");
      return f;
    case FlasherKind::kAuto:
      if (!profile.probe->pyocd_target.empty() && (f = pyocd())) return f;
      if ((f = openocd())) return f;
      throw DriverError::FlashFailed(
          "no flashing tool found in PATH (pyocd, pyocd-flashtool, openocd)");
  }
  throw DriverError::FlashFailed("unknown flasher kind");
}

}  // namespace hb::driver
