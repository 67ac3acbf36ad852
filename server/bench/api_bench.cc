// api_bench.cc: latency of the read API under a fixed, open-loop request rate.
//
//   api_bench [--rate 500] [--seconds 10] [--connections 8]
//             [--url http://127.0.0.1:PORT] [--hilbenchd PATH]
//
// Without --url it starts its own hilbenchd (next to this binary, or
// --hilbenchd) on 127.0.0.1 with a temporary database and no local agent, and
// stops it at the end. Only loopback addresses are accepted.
//
// Load: `rate` requests/s spread over `connections` keep-alive HTTP/1.1
// connections (raw sockets), cycling through GET /api/v1/jobs?limit=20,
// GET /api/v1/boards and GET /api/v1/healthz. Each request has an intended
// send time on a fixed schedule; latency is measured from that time, not
// from when it was actually sent, so a slow server cannot hide its queueing
// (no coordinated omission). Prints p50/p90/p99/max latency per path and
// overall, achieved rate and errors. Figures, not a test (no thresholds).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const char* kPaths[] = {"/api/v1/jobs?limit=20", "/api/v1/boards", "/api/v1/healthz"};
constexpr int kNumPaths = 3;

struct Sample {
  int path;
  double latency_us;
};

struct ConnStats {
  std::vector<Sample> samples;
  int errors = 0;
  std::string first_error;
};

int connect_to(const std::string& host, uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1 ||
      connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// One request/response on a keep-alive connection. Returns the status code,
// or -1 on an I/O or framing error (the connection is then unusable).
// `buf` keeps bytes read past the response (none expected: one in flight).
int round_trip(int fd, const std::string& req, std::string& buf) {
  size_t off = 0;
  while (off < req.size()) {
    const ssize_t n = send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return -1;
    off += static_cast<size_t>(n);
  }
  char tmp[16384];
  size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return -1;
    buf.append(tmp, static_cast<size_t>(n));
  }
  int status = -1;
  if (sscanf(buf.c_str(), "HTTP/1.%*d %d", &status) != 1) return -1;
  std::string head = buf.substr(0, head_end);
  std::transform(head.begin(), head.end(), head.begin(), ::tolower);
  const size_t cl = head.find("\r\ncontent-length:");
  if (cl == std::string::npos) return -1;  // the daemon always sets it (prepare_payload)
  const size_t len = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
  const size_t total = head_end + 4 + len;
  while (buf.size() < total) {
    const ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return -1;
    buf.append(tmp, static_cast<size_t>(n));
  }
  buf.erase(0, total);
  return status;
}

bool parse_url(const std::string& url, std::string& host, uint16_t& port) {
  unsigned p = 0;
  char h[64] = {0};
  if (sscanf(url.c_str(), "http://%63[^:/]:%u", h, &p) != 2 || p == 0 || p > 65535) return false;
  host = h;
  port = static_cast<uint16_t>(p);
  return true;
}

bool is_loopback(const std::string& host) {
  in_addr a{};
  return inet_pton(AF_INET, host.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * v.size()));
  return v[i];
}

void print_row(const char* name, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  printf("%-24s %8zu %9.0f %9.0f %9.0f %9.0f\n", name, v.size(), pct(v, 50), pct(v, 90), pct(v, 99),
         v.empty() ? 0.0 : v.back());
}

int usage() {
  fprintf(stderr,
          "usage: api_bench [--rate N] [--seconds N] [--connections N] [--url "
          "http://127.0.0.1:PORT] [--hilbenchd PATH]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  double rate = 500, seconds = 10;
  int conns = 8;
  std::string url, daemon_path = (fs::path(argv[0]).parent_path() / "hilbenchd").string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const char* v = argv[++i];
    if (a == "--rate")
      rate = atof(v);
    else if (a == "--seconds")
      seconds = atof(v);
    else if (a == "--connections")
      conns = atoi(v);
    else if (a == "--url")
      url = v;
    else if (a == "--hilbenchd")
      daemon_path = v;
    else
      return usage();
  }
  if (rate <= 0 || seconds <= 0 || conns < 1 || conns > 256) return usage();

  std::string host = "127.0.0.1";
  uint16_t port = 0;
  pid_t child = 0;
  fs::path tmp;
  if (!url.empty()) {
    if (!parse_url(url, host, port) || !is_loopback(host)) {
      fprintf(stderr, "api_bench: --url must be http://127.x.x.x:PORT (loopback only)\n");
      return 2;
    }
  } else {
    char tmpl[] = "/tmp/hb_api_bench.XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    tmp = tmpl;
    port = free_port();
    const std::string listen = host + ":" + std::to_string(port);
    const std::string db = (tmp / "hb.db").string(), art = (tmp / "art").string();
    child = fork();
    if (child == 0) {
      execl(daemon_path.c_str(), daemon_path.c_str(), "serve", "--no-local-agent", "--listen",
            listen.c_str(), "--db", db.c_str(), "--artifacts", art.c_str(), "--log-level", "warn",
            static_cast<char*>(nullptr));
      perror("api_bench: exec hilbenchd");
      _exit(127);
    }
    // Wait until it answers.
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const int fd = connect_to(host, port);
      if (fd < 0) continue;
      std::string buf;
      up = round_trip(fd, "GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n\r\n", buf) == 200;
      close(fd);
    }
    if (!up) {
      fprintf(stderr, "api_bench: %s did not come up on %s\n", daemon_path.c_str(), listen.c_str());
      kill(child, SIGTERM);
      waitpid(child, nullptr, 0);
      fs::remove_all(tmp);
      return 1;
    }
  }

  // Connection c sends requests c, c+conns, c+2*conns, ... of one global
  // schedule: request k is due at start + k/rate.
  const int64_t total = static_cast<int64_t>(rate * seconds);
  std::vector<ConnStats> stats(static_cast<size_t>(conns));
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(50);
  std::vector<std::thread> threads;
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      ConnStats& st = stats[static_cast<size_t>(c)];
      int fd = connect_to(host, port);
      std::string buf;
      for (int64_t k = c; k < total; k += conns) {
        const auto due = start + std::chrono::nanoseconds(static_cast<int64_t>(k * 1e9 / rate));
        std::this_thread::sleep_until(due);
        const int path = static_cast<int>(k % kNumPaths);
        if (fd < 0) fd = connect_to(host, port);
        int status = -1;
        if (fd >= 0) {
          const std::string req = std::string("GET ") + kPaths[path] +
                                  " HTTP/1.1\r\nHost: " + host +
                                  "\r\nConnection: keep-alive\r\n\r\n";
          status = round_trip(fd, req, buf);
        }
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - due).count();
        if (status == 200) {
          st.samples.push_back({path, us});
        } else {
          if (!st.errors++)
            st.first_error = status < 0 ? "I/O error" : "HTTP " + std::to_string(status);
          if (status < 0 && fd >= 0) {
            close(fd);
            fd = -1;
            buf.clear();
          }
        }
      }
      if (fd >= 0) close(fd);
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all, per[kNumPaths];
  int errors = 0;
  std::string first_error;
  for (const ConnStats& st : stats) {
    for (const Sample& s : st.samples) {
      all.push_back(s.latency_us);
      per[s.path].push_back(s.latency_us);
    }
    errors += st.errors;
    if (first_error.empty()) first_error = st.first_error;
  }
  printf("target %.0f req/s for %.1f s over %d keep-alive connections to %s:%u\n", rate, seconds,
         conns, host.c_str(), port);
  printf("achieved %.1f req/s (%zu ok in %.2f s), errors %d%s%s\n", all.size() / elapsed,
         all.size(), elapsed, errors, errors ? ", first: " : "", first_error.c_str());
  printf("%-24s %8s %9s %9s %9s %9s   (latency, us, from intended send time)\n", "path", "n", "p50",
         "p90", "p99", "max");
  for (int p = 0; p < kNumPaths; ++p) print_row(kPaths[p], per[p]);
  print_row("all", all);

  if (child > 0) {
    kill(child, SIGTERM);
    waitpid(child, nullptr, 0);
    fs::remove_all(tmp);
  }
  return errors ? 1 : 0;
}
