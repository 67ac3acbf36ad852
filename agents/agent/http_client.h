// http_client.h: a small synchronous HTTP/1.1 client (Boost.Beast) for the
// hilbench API: the agent's link to hilbenchd, and the CLI's.
//
// One request = one fresh TCP connection (no keep-alive, no pooling): the
// calls are few (a heartbeat every few seconds, one long poll at a time, a
// handful of reports per job), so simplicity wins over the saved handshake.
// Plain http:// only; put TLS in front (a reverse proxy) if the daemon is
// remote.
//
//   HttpClient c("http://127.0.0.1:8080");
//   c.set_bearer_token(token);
//   nlohmann::json boards = c.get("/api/v1/boards").json();
//   c.post_json("/api/v1/agent/heartbeat", {{"agent_id", "lab1"}});
//   HttpResponse m = c.post("/api/v1/models", bytes, "application/octet-stream");
//
// Errors: everything is an HttpError. kTransport (cannot connect, reset,
// malformed reply), kTimeout (the whole request did not finish within its
// timeout), kCancelled (the caller's cancel flag was raised) and kStatus (the
// server answered >= 400: status() and body() hold the reply, message() the
// API's error.message when the body is the API's error JSON). 1xx-3xx
// replies are returned, including 204 with an empty body.
//
// Thread-safety: configure (set_header, set_bearer_token) before sharing;
// after that every request method is const and may run concurrently from any
// number of threads (each call owns its io_context and socket).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace hb::agent {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  // The body parsed as JSON; throws HttpError(kTransport) if it is not JSON.
  nlohmann::json json() const;
};

class HttpError : public std::runtime_error {
 public:
  enum class Kind { kTransport, kTimeout, kCancelled, kStatus };

  static HttpError Transport(const std::string& msg) { return {Kind::kTransport, msg, 0, ""}; }
  static HttpError Timeout(const std::string& msg) { return {Kind::kTimeout, msg, 0, ""}; }
  static HttpError Cancelled(const std::string& msg) { return {Kind::kCancelled, msg, 0, ""}; }
  static HttpError Status(const std::string& msg, int status, std::string body) {
    return {Kind::kStatus, msg, status, std::move(body)};
  }

  Kind kind() const { return kind_; }
  // true when the server could not be reached or did not answer in time: the
  // caller may retry later. false for kStatus (the server answered) and
  // kCancelled.
  bool unreachable() const { return kind_ == Kind::kTransport || kind_ == Kind::kTimeout; }
  int status() const { return status_; }  // kStatus only, else 0
  const std::string& body() const { return body_; }

 private:
  HttpError(Kind k, const std::string& msg, int status, std::string body)
      : std::runtime_error(msg), kind_(k), status_(status), body_(std::move(body)) {}
  Kind kind_;
  int status_;
  std::string body_;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};  // default per-request total (connect+send+receive)
  uint64_t body_limit = 256ull << 20;        // largest reply body accepted, bytes
  std::string user_agent = "hilbench/0.1";
};

class HttpClient {
 public:
  using Headers = std::map<std::string, std::string>;

  // base_url: "http://host:port" with an optional path prefix ("http://h:80/hb"),
  // prepended to every target. Throws HttpError(kTransport) for anything else.
  explicit HttpClient(const std::string& base_url, HttpClientOptions opts = {});

  // Sent with every request (e.g. Authorization). Not thread-safe: call before sharing.
  void set_header(const std::string& name, const std::string& value);
  void set_bearer_token(const std::string& token);

  // Per-call options. timeout 0 = the client's default. cancel: when it
  // becomes true the call gives up within ~50 ms with HttpError(kCancelled)
  // (checked between network waits; the flag is only read).
  struct Call {
    Headers headers;
    std::chrono::milliseconds timeout{0};
    const std::atomic<bool>* cancel = nullptr;
  };

  HttpResponse get(const std::string& target, const Call& call) const;
  HttpResponse get(const std::string& target) const { return get(target, Call{}); }
  // Raw body with its content type (e.g. "application/octet-stream").
  HttpResponse post(const std::string& target, const std::string& body,
                    const std::string& content_type, const Call& call) const;
  HttpResponse post(const std::string& target, const std::string& body,
                    const std::string& content_type) const {
    return post(target, body, content_type, Call{});
  }
  HttpResponse post_json(const std::string& target, const nlohmann::json& body,
                         const Call& call) const;
  HttpResponse post_json(const std::string& target, const nlohmann::json& body) const {
    return post_json(target, body, Call{});
  }
  // Any method; returns whatever status the server sent (no kStatus error).
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body, const std::string& content_type,
                       const Call& call) const;

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  std::string base_url() const;

 private:
  HttpResponse checked(const std::string& method, const std::string& target,
                       const std::string& body, const std::string& content_type,
                       const Call& call) const;

  std::string host_;
  uint16_t port_ = 80;
  std::string prefix_;  // path prefix without a trailing '/'
  HttpClientOptions opts_;
  Headers headers_;
};

}  // namespace hb::agent
