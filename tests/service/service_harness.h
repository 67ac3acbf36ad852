// service_harness.h: what the service suite needs to drive real processes:
// hilbenchd and hilbench-agent started with fork/exec on loopback with a
// fresh state directory, a raw-socket HTTP/1.1 client (so a test controls
// every byte, e.g. a client that stalls), and a recorder that writes every
// API JSON body the tests see, with the schema it must match, to a JSON-lines
// file that validate_responses.mjs checks with ajv (validate_recorded()).
//
// Header-only: the suite's CMake glob compiles *_test.cc files only.
//
// Where things are found:
//   binaries     beside this test binary (/proc/self/exe's folder): hilbenchd,
//                hilbench-agent, hilbench
//   firmware     $HB_FW_BUILD_DIR (ctest sets it), else <bin>/firmware
//   shared       $HB_SHARED_DIR, else the HB_SHARED_DIR compile definition
//   schemas      HB_SOURCE_DIR/schemas/api; the validator and its node_modules
//                in HB_SOURCE_DIR/tests/service
// Each process's stdout+stderr goes to <state dir>/<name>.log; a failing
// check prints the tail of the daemon's log.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace hb_service_test {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

inline fs::path bin_dir() { return fs::read_symlink("/proc/self/exe").parent_path(); }
inline fs::path source_dir() { return HB_SOURCE_DIR; }
inline fs::path shared_dir() {
  const char* e = std::getenv("HB_SHARED_DIR");
  return e && *e ? fs::path(e) : fs::path(HB_SHARED_DIR);
}
inline fs::path firmware_dir() {
  const char* e = std::getenv("HB_FW_BUILD_DIR");
  return e && *e ? fs::path(e) : bin_dir() / "firmware";
}

inline std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline std::string tail(const fs::path& p, size_t bytes = 3000) {
  const std::string s = read_file(p);
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

// A fresh, empty directory under the build tree (kept after the run for
// post-mortems; wiped at the start of the next).
inline fs::path fresh_dir(const std::string& name) {
  const fs::path d = bin_dir() / "service-test-state" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A loopback port that was free a moment ago.
inline uint16_t free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// ---- processes ------------------------------------------------------------------

// A child process in a process group of its own (so kill_group() takes its
// emulators with it, like a host losing power). Killed (SIGKILL) on destruction.
class Process {
 public:
  Process() = default;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() { kill_group(SIGKILL); }

  void start(const std::vector<std::string>& argv, const fs::path& log,
             const std::map<std::string, std::string>& env = {}) {
    REQUIRE_MESSAGE(fs::exists(argv[0]), "missing binary " << argv[0]);
    log_ = log;
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::setpgid(0, 0);
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      const int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // both sides: no race with the first kill
  }

  bool running() {
    if (pid_ <= 0) return false;
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = st;
      pid_ = -1;
      return false;
    }
    return true;
  }
  // Sends `sig` to the process only and waits up to `timeout` for it to exit.
  // Returns the wait status, or nullopt if it did not exit.
  std::optional<int> stop(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, sig);
    const auto end = Clock::now() + timeout;
    while (Clock::now() < end) {
      if (!running()) return status_;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }
  void kill_group(int sig) {
    if (pid_ <= 0) return;
    ::kill(-pid_, sig);
    ::kill(pid_, sig);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    status_ = st;
    pid_ = -1;
  }
  pid_t pid() const { return pid_; }
  const fs::path& log() const { return log_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  fs::path log_;
};

// Runs a command to completion; returns (exit code, stdout). stderr goes to `err_file`.
inline std::pair<int, std::string> run_command(const std::vector<std::string>& argv,
                                               const std::map<std::string, std::string>& env = {},
                                               const fs::path& err_file = "/dev/null") {
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    const int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::close(pipefd[0]);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out};
}

// ---- HTTP -------------------------------------------------------------------------

struct Reply {
  int status = 0;  // 0: no reply (connection refused or closed)
  std::string content_type;
  std::string body;
  json j;  // body parsed when it is JSON, else null
};

// One request on a fresh connection (Connection: close), read to EOF.
inline Reply http(uint16_t port, const std::string& method, const std::string& target,
                  const std::string& body = "", const std::string& content_type = "",
                  const std::string& token = "", int timeout_s = 60) {
  Reply r;
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{timeout_s, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(s);
    return r;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (!content_type.empty()) req += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "POST") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  for (size_t off = 0; off < req.size();) {
    const ssize_t n = ::send(s, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) before reading everything
    off += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(s, buf, sizeof buf, 0)) > 0) raw.append(buf, static_cast<size_t>(n));
  ::close(s);
  const size_t hend = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || hend == std::string::npos) return r;
  r.status = std::atoi(raw.c_str() + 9);
  std::string head = raw.substr(0, hend);
  std::string lower = head;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  r.body = raw.substr(hend + 4);
  if (const size_t ct = lower.find("\r\ncontent-type:"); ct != std::string::npos) {
    const size_t e = head.find("\r\n", ct + 2);
    r.content_type = head.substr(ct + 15, e == std::string::npos ? std::string::npos : e - ct - 15);
    while (!r.content_type.empty() && r.content_type[0] == ' ') r.content_type.erase(0, 1);
  }
  if (lower.find("transfer-encoding: chunked") != std::string::npos) {
    std::string dec;
    size_t p = 0;
    while (p < r.body.size()) {
      const size_t le = r.body.find("\r\n", p);
      if (le == std::string::npos) break;
      const size_t len = std::stoul(r.body.substr(p, le - p), nullptr, 16);
      if (len == 0) break;
      dec += r.body.substr(le + 2, len);
      p = le + 2 + len + 2;
    }
    r.body = dec;
  }
  r.j = json::parse(r.body, nullptr, false);
  if (r.j.is_discarded()) r.j = nullptr;
  return r;
}

// Records (schema, body) pairs for validate_recorded().
class Recorder {
 public:
  static Recorder& get() {
    static Recorder r;
    return r;
  }
  void add(const std::string& schema, const std::string& what, const json& body) {
    std::lock_guard<std::mutex> l(mu_);
    std::ofstream f(path(), std::ios::app);
    f << json{{"schema", schema}, {"what", what}, {"body", body}}.dump() << "\n";
    ++count_;
  }
  fs::path path() const { return bin_dir() / "service-test-state" / "responses.jsonl"; }
  size_t count() const { return count_; }
  void clear() {
    std::lock_guard<std::mutex> l(mu_);
    fs::create_directories(path().parent_path());
    std::ofstream(path(), std::ios::trunc);
    count_ = 0;
  }

 private:
  std::mutex mu_;
  size_t count_ = 0;
};

// Validates every response recorded since the last call with ajv
// (validate_responses.mjs) and clears the record. Skips loudly when node or
// the suite's node_modules (scripts/bootstrap.sh installs them) are missing.
inline void validate_recorded() {
  Recorder& rec = Recorder::get();
  const fs::path dir = source_dir() / "tests/service";
  const auto [node_rc, node_path] = run_command({"/usr/bin/env", "sh", "-c", "command -v node"});
  if (node_rc != 0 || !fs::exists(dir / "node_modules/ajv")) {
    MESSAGE("SKIPPED schema validation of " << rec.count() << " responses: "
                                            << (node_rc != 0 ? "node not found"
                                                             : "no tests/service/node_modules "
                                                               "(run scripts/bootstrap.sh)"));
    rec.clear();
    return;
  }
  const fs::path out = rec.path().parent_path() / "validate.out";
  std::string node = node_path;
  while (!node.empty() && (node.back() == '\n' || node.back() == ' ')) node.pop_back();
  const auto [rc, text] =
      run_command({node, (dir / "validate_responses.mjs").string(),
                   (source_dir() / "schemas/api").string(), rec.path().string()},
                  {}, out);
  INFO("validate_responses.mjs:\n" << text << read_file(out));
  CHECK_MESSAGE(rc == 0, "API responses that do not match their schema");
  MESSAGE("schema validation: " << (text.empty()
                                        ? std::string("no output")
                                        : text.substr(text.rfind('\n', text.size() - 2) + 1)));
  rec.clear();
}

// ---- the daemon -------------------------------------------------------------------

// A hilbenchd process with its own state directory. `config` is written to
// <dir>/hilbenchd.json and passed with --config (tight timeouts for tests).
class Daemon {
 public:
  // Board health checks are off unless `config` sets "health_model": they
  // add jobs of their own that most tests do not count.
  Daemon(fs::path dir, json config) : dir_(std::move(dir)), config_(std::move(config)) {
    if (!config_.contains("health_model")) config_["health_model"] = "";
    port_ = free_port();
    std::ofstream(dir_ / "hilbenchd.json") << config_.dump(2);
  }
  ~Daemon() { stop(SIGKILL); }

  void start() {
    proc_ = std::make_unique<Process>();
    proc_->start({(bin_dir() / "hilbenchd").string(), "serve", "--config",
                  (dir_ / "hilbenchd.json").string(), "--listen",
                  "127.0.0.1:" + std::to_string(port_), "--db", (dir_ / "hilbench.db").string(),
                  "--artifacts", (dir_ / "artifacts").string(), "--log-level", "debug"},
                 dir_ / "hilbenchd.log", env());
    const auto end = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < end) {
      if (!proc_->running()) break;
      if (http(port_, "GET", "/api/v1/healthz", "", "", "", 2).status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("hilbenchd did not answer /healthz on port " << port_ << "; log:\n" << log_tail());
  }
  // SIGTERM (graceful) or SIGKILL (crash). Returns the wait status.
  std::optional<int> stop(int sig) {
    if (!proc_) return std::nullopt;
    auto st = proc_->stop(sig);
    if (!st) proc_->kill_group(SIGKILL);
    proc_.reset();
    return st;
  }
  std::string token(const std::string& name, const std::string& role) {
    const auto [rc, out] = run_command({(bin_dir() / "hilbenchd").string(), "token", "create", name,
                                        "--role", role, "--db", (dir_ / "hilbench.db").string()});
    REQUIRE_MESSAGE(rc == 0, "hilbenchd token create failed: " << out);
    std::string t = out;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    REQUIRE(!t.empty());
    return t;
  }

  uint16_t port() const { return port_; }
  pid_t pid() const { return proc_ ? proc_->pid() : -1; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const fs::path& dir() const { return dir_; }
  std::string log_tail() const { return tail(dir_ / "hilbenchd.log"); }
  static std::map<std::string, std::string> env() {
    return {{"HB_FW_BUILD_DIR", firmware_dir().string()},
            {"HB_PROFILES_DIR", (source_dir() / "device-profiles").string()},
            {"HB_SHARED_DIR", shared_dir().string()}};
  }

 private:
  fs::path dir_;
  json config_;
  uint16_t port_ = 0;
  std::unique_ptr<Process> proc_;
};

// The API as the tests use it: every JSON reply is recorded for schema
// validation: with `schema` for a 2xx, with error.schema.json otherwise.
class Api {
 public:
  Api(uint16_t port, std::string token) : port_(port), token_(std::move(token)) {}

  Reply call(const std::string& method, const std::string& path, const std::string& schema,
             const std::string& body = "", const std::string& content_type = "",
             std::optional<std::string> token = std::nullopt) {
    const std::string target = "/api/v1" + path;
    Reply r = http(port_, method, target, body, content_type, token ? *token : token_);
    const std::string what = method + " " + target + " -> " + std::to_string(r.status);
    if (r.status >= 400) {
      CHECK_MESSAGE(!r.j.is_null(), what << ": error reply is not JSON: " << r.body.substr(0, 200));
      Recorder::get().add("error.schema.json", what, r.j);
    } else if (r.status >= 200 && r.status < 300 && r.status != 204 && !schema.empty()) {
      CHECK_MESSAGE(!r.j.is_null(), what << ": reply is not JSON: " << r.body.substr(0, 200));
      Recorder::get().add(schema, what, r.j);
    }
    return r;
  }
  json get(const std::string& path, const std::string& schema) {
    Reply r = call("GET", path, schema);
    REQUIRE_MESSAGE(r.status == 200, "GET " << path << " -> " << r.status << " " << r.body);
    return r.j;
  }
  // Uploads a model; returns its id.
  std::string upload_model(const fs::path& file) {
    Reply r = call("POST", "/models?name=" + file.filename().string(), "model.schema.json",
                   read_file(file), "application/octet-stream");
    REQUIRE_MESSAGE((r.status == 201 || r.status == 200),
                    "upload " << file << ": " << r.status << " " << r.body);
    return r.j.at("id").get<std::string>();
  }
  // Submits a job; returns its id.
  int64_t submit(const json& request) {
    Reply r = call("POST", "/jobs", "job.schema.json", request.dump(), "application/json");
    REQUIRE_MESSAGE(r.status == 201,
                    "POST /jobs " << request.dump() << ": " << r.status << " " << r.body);
    return r.j.at("id").get<int64_t>();
  }
  json job(int64_t id) { return get("/jobs/" + std::to_string(id), "job.schema.json"); }

  // Polls the job until `pred` holds; returns the job. FAILs after `timeout`.
  json wait_job(int64_t id, const std::function<bool(const json&)>& pred,
                std::chrono::seconds timeout = std::chrono::seconds(120)) {
    const auto end = Clock::now() + timeout;
    json j;
    while (Clock::now() < end) {
      j = http(port_, "GET", "/api/v1/jobs/" + std::to_string(id)).j;
      if (!j.is_null() && pred(j)) {
        Recorder::get().add("job.schema.json", "GET /api/v1/jobs/" + std::to_string(id), j);
        return j;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("job " << id << " did not reach the expected state in " << timeout.count()
                << " s; last: " << j.dump());
    return j;
  }
  json wait_final(int64_t id, std::chrono::seconds timeout = std::chrono::seconds(120)) {
    return wait_job(
        id,
        [](const json& j) {
          const std::string s = j.value("state", "");
          return s == "done" || s == "failed" || s == "cancelled";
        },
        timeout);
  }

  uint16_t port() const { return port_; }
  const std::string& token() const { return token_; }

 private:
  uint16_t port_;
  std::string token_;
};

// ---- shared models and golden outputs -----------------------------------------------

struct SharedModel {
  std::string name;  // file stem, e.g. kws_ref_model
  fs::path file;
  std::string golden_lcg_output;  // TFLM's output for the lcg input, or "" if absent
};

inline std::vector<SharedModel> shared_models() {
  std::vector<SharedModel> v;
  const fs::path dir = shared_dir() / "models";
  if (!fs::exists(dir)) return v;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".tflite") continue;
    SharedModel m{e.path().stem().string(), e.path(), ""};
    const fs::path g = shared_dir() / "golden" / m.name / "lcg.output.bin";
    if (fs::exists(g)) m.golden_lcg_output = read_file(g);
    v.push_back(m);
  }
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return v;
}

inline std::string hex(const std::string& bytes, size_t max) {
  static const char* d = "0123456789abcdef";
  std::string o;
  for (size_t i = 0; i < bytes.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    o += d[c >> 4];
    o += d[c & 15];
  }
  return o;
}

// A copy of `tflite` with every operator code `from` rewritten to `to` (both
// the int8 deprecated_builtin_code and the int32 builtin_code, where
// present): a well-formed model with an operator the compiler refuses.
// Flatbuffer walk: root uoffset -> Model table; field 1 operator_codes
// (vector of OperatorCode tables; field 0 int8 deprecated code, field 3 int32 code).
inline std::string rewrite_opcode(std::string m, int from, int to) {
  auto u32 = [&](size_t p) {
    uint32_t v;
    std::memcpy(&v, m.data() + p, 4);
    return v;
  };
  auto u16 = [&](size_t p) {
    uint16_t v;
    std::memcpy(&v, m.data() + p, 2);
    return v;
  };
  auto field = [&](size_t table, int i) -> size_t {  // 0 = absent
    const size_t vt = table - static_cast<int32_t>(u32(table));
    if (4u + 2u * i >= u16(vt)) return 0;
    const uint16_t off = u16(vt + 4 + 2 * i);
    return off ? table + off : 0;
  };
  const size_t model = u32(0);
  const size_t codes_field = field(model, 1);
  REQUIRE(codes_field != 0);
  const size_t vec = codes_field + u32(codes_field);
  const uint32_t n = u32(vec);
  int rewritten = 0;
  for (uint32_t k = 0; k < n; ++k) {
    const size_t elem = vec + 4 + 4 * k;
    const size_t code = elem + u32(elem);
    const size_t dep = field(code, 0), full = field(code, 3);
    const int dep_v = dep ? static_cast<int8_t>(m[dep]) : 0;
    int32_t full_v = 0;
    if (full) std::memcpy(&full_v, m.data() + full, 4);
    if (std::max(dep_v, static_cast<int>(full_v)) != from) continue;
    if (dep) m[dep] = static_cast<char>(to);
    if (full) std::memcpy(m.data() + full, &to, 4);
    ++rewritten;
  }
  REQUIRE_MESSAGE(rewritten > 0, "no operator code " << from << " in the model");
  return m;
}

}  // namespace hb_service_test
