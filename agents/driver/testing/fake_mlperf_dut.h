// fake_mlperf_dut.h: TEST DOUBLE. A fake MLPerf Tiny device-under-test that
// speaks the real wire protocol (docs/mlperf-tiny-protocol.md) on a loopback
// TCP socket, as QEMU's serial chardev would, so the host client is tested
// byte for byte without a board. Header-only, tests only.
//
// Its "model" answers results[i] = input[i % n] / 255 for i < 4 ("%0.3f"), so
// a test can check that an upload arrived intact; its clock is a counter that
// each inference advances by us_per_inference. Fault knobs make it hang
// (no m-ready), babble, send garbage, or close the connection.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace hb::driver::testing {

struct FakeDutBehavior {
  bool boot_banner = true;
  std::string hang_on;         // after receiving this command word: silence (no reply, no m-ready)
  std::string close_on;        // after receiving this command word: close the connection
  std::string babble_on;       // after this command word: an endless line without newline
  bool garbage = false;        // noise lines (non m-/e-, binary bytes) before every reply
  bool energy_mode = false;    // no m-lap-us lines
  bool bare_newlines = false;  // "\n" instead of "\r\n"
  bool omit_results = false;   // infer without its m-results line
  uint32_t us_per_inference = 1500;
};

class FakeMlperfDut {
 public:
  using Behavior = FakeDutBehavior;

  explicit FakeMlperfDut(Behavior b = Behavior()) : b_(std::move(b)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 1) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("FakeMlperfDut: cannot listen");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~FakeMlperfDut() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  uint16_t port() const { return port_; }

  std::vector<std::string> commands() const {
    std::lock_guard<std::mutex> l(mu_);
    return commands_;
  }
  std::vector<uint8_t> input() const {
    std::lock_guard<std::mutex> l(mu_);
    return input_;
  }

 private:
  void send(const std::string& s) {
    size_t off = 0;
    while (off < s.size() && !stop_) {
      ssize_t n = ::send(conn_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += size_t(n);
    }
  }
  void line(const std::string& s) { send(s + (b_.bare_newlines ? "\n" : "\r\n")); }
  void lap() {
    if (!b_.energy_mode) line("m-lap-us-" + std::to_string(clock_us_));
  }

  void serve() {
    pollfd p{listen_fd_, POLLIN, 0};
    while (!stop_ && ::poll(&p, 1, 20) <= 0) {
    }
    if (stop_) return;
    conn_ = ::accept(listen_fd_, nullptr, nullptr);
    if (conn_ < 0) return;
    if (b_.boot_banner) {
      line(b_.energy_mode ? "m-timestamp-mode-energy" : "m-timestamp-mode-performance");
      lap();
      line("m-init-done");
      line("m-ready");
    }
    std::string cmd;
    bool silent = false;
    while (!stop_) {
      pollfd c{conn_, POLLIN, 0};
      if (::poll(&c, 1, 20) <= 0) continue;
      char buf[512];
      ssize_t n = ::recv(conn_, buf, sizeof buf, 0);
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) {
        if (bin_left_ > 0) {  // hb-bin payload + CRC-32 trailer: raw bytes, '%' included
          bin_.push_back(uint8_t(buf[i]));
          if (--bin_left_ == 0) finish_bin();
          continue;
        }
        if (buf[i] != '%') {
          cmd.push_back(buf[i]);
          continue;
        }
        std::string word = cmd.substr(0, cmd.find(' '));
        {
          std::lock_guard<std::mutex> l(mu_);
          commands_.push_back(cmd);
        }
        if (!silent && word == b_.close_on) {
          ::close(conn_);
          conn_ = -1;
          return;
        }
        if (!silent && word == b_.babble_on) {
          std::string junk(4096, 'x');
          while (!stop_) send(junk);
          return;
        }
        if (!silent && word == b_.hang_on) silent = true;
        if (!silent) handle(cmd);
        cmd.clear();
      }
    }
    if (conn_ >= 0) ::close(conn_);
  }

  void handle(const std::string& cmd) {
    if (b_.garbage) {
      send("debug: \x01\x02\xff noise\r\n");
      line("   ");
      line("");
    }
    std::istringstream in(cmd);
    std::string w, a1, a2;
    in >> w >> a1 >> a2;
    if (w == "name") {
      line("m-name-dut-[hilbench fake DUT]");
    } else if (w == "profile") {
      line("m-profile-[fake-ulp-mlperftiny 1.0]");
      line("m-model-[ic01]");
    } else if (w == "timestamp") {
      lap();
    } else if (w == "db" && a1 == "load") {
      expect_ = std::stoul(a2);
      if (expect_ == 0) {
        line("e-[Invalid size]");
      } else {
        std::lock_guard<std::mutex> l(mu_);
        input_.clear();
        line("m-[Expecting " + a2 + " bytes]");
      }
    } else if (w == "db") {
      std::string hex = a1;
      if (hex.size() % 2 != 0) {
        line("e-[Number of hex digits must be even]");
      } else {
        std::lock_guard<std::mutex> l(mu_);
        for (size_t i = 0; i < hex.size(); i += 2)
          input_.push_back(uint8_t(std::stoul(hex.substr(i, 2), nullptr, 16)));
        if (input_.size() == expect_) line("m-load-done");
      }
    } else if (w == "infer") {
      unsigned long n = std::stoul(a1), wu = a2.empty() ? 0 : std::stoul(a2);
      if (n == 0) {
        line("e-[Number of iterations must be > 0]");
      } else {
        line("m-warmup-start-" + std::to_string(wu));
        clock_us_ += wu * b_.us_per_inference;
        line("m-warmup-done");
        line("m-infer-start-" + std::to_string(n));
        lap();
        clock_us_ += n * b_.us_per_inference;
        lap();
        line("m-infer-done");
        if (!b_.omit_results) results();
      }
    } else if (w == "hb-info") {
      for (const char* l :
           {"m-hb-proto=1.0", "m-hb-firmware=hilbench-harness 0.1.0", "m-hb-board=mps2-an386",
            "m-hb-clock-hz=25000000", "m-hb-timer=systick", "m-hb-timer-hz=25000000",
            "m-hb-arena-capacity=262144", "m-hb-input-capacity=32768", "m-hb-mode=performance",
            "m-hb-plan=ok", "m-hb-plan-input-bytes=3072"})
        line(l);
    } else if (w == "hb-lat") {
      for (const char* l : {"m-hb-lat-count=20", "m-hb-lat-min=1234567", "m-hb-lat-median=1240000",
                            "m-hb-lat-max=na", "m-hb-lat-timer=systick"})
        line(l);
    } else if (w == "hb-layers") {
      for (const char* l : {"m-hb-layers-count=2", "m-hb-layer=[0,CONV_2D,0,812345,2654208]",
                            "m-hb-layer=[1,SOFTMAX,2,na,0]", "m-hb-layers-total=812345"})
        line(l);
    } else if (w == "hb-mem") {
      line("m-hb-mem-stack-used=3120");
      line("m-hb-mem-flash-plan=na");
    } else if (w == "hb-out") {
      // 40 bytes 0..39: two data lines (32 + 8 bytes); CRC-32 of them computed by hand below.
      std::string d1, d2;
      char h[3];
      for (int i = 0; i < 40; ++i) std::snprintf(h, sizeof h, "%02x", i), (i < 32 ? d1 : d2) += h;
      for (const std::string& l :
           {std::string("m-hb-out-index=0"), std::string("m-hb-out-dtype=int8"),
            std::string("m-hb-out-bytes=40"), std::string("m-hb-out-scale-bits=3b800000"),
            std::string("m-hb-out-zero-point=-128"), "m-hb-out-crc32=" + crc_hex_of_0_to_39(),
            "m-hb-out-data=" + d1, "m-hb-out-data=" + d2})
        line(l);
    } else if (w == "hb-bin") {
      bin_left_ = std::stoul(a1) + 4;
      bin_.clear();
      line("m-hb-bin-ready=" + a1);
      return;  // no m-ready until the data arrived
    } else if (w == "results") {
      results();
    } else {
      line("e-[Unknown command: " + cmd + "]");
    }
    line("m-ready");
  }

  static uint32_t crc32(const std::vector<uint8_t>& b) {
    uint32_t c = ~0u;
    for (uint8_t x : b) {
      c ^= x;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
  }
  static std::string crc_hex_of_0_to_39() {
    std::vector<uint8_t> b(40);
    for (int i = 0; i < 40; ++i) b[i] = uint8_t(i);
    char h[16];
    std::snprintf(h, sizeof h, "%08x", crc32(b));
    return h;
  }
  void finish_bin() {
    std::vector<uint8_t> data(bin_.begin(), bin_.end() - 4);
    uint32_t got = bin_[bin_.size() - 4] | bin_[bin_.size() - 3] << 8 |
                   bin_[bin_.size() - 2] << 16 | uint32_t(bin_[bin_.size() - 1]) << 24;
    if (got != crc32(data)) {
      line("e-[hb-bin CRC mismatch]");
    } else {
      std::lock_guard<std::mutex> l(mu_);
      input_ = data;
      line("m-load-done");
    }
    line("m-ready");
  }

  void results() {
    std::vector<uint8_t> in = input();
    std::string s = "m-results-[";
    for (size_t i = 0; i < 4; ++i) {
      char b[16];
      std::snprintf(b, sizeof b, "%0.3f", in.empty() ? 0.0 : in[i % in.size()] / 255.0);
      s += (i ? "," : "") + std::string(b);
    }
    line(s + "]");
  }

  Behavior b_;
  int listen_fd_ = -1, conn_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> commands_;  // GUARDED_BY(mu_)
  std::vector<uint8_t> input_;         // GUARDED_BY(mu_)
  size_t expect_ = 0;
  size_t bin_left_ = 0;
  std::vector<uint8_t> bin_;
  uint64_t clock_us_ = 1000;
};

}  // namespace hb::driver::testing
