// api/http_server.h: a small HTTP/1.1 server (Boost.Beast) that hands each
// complete request to one Handler and writes back what it returns.
//
// Why its own request/response types: Beast stays inside http_server.cc (one
// slow translation unit), and handlers are testable without sockets.
//
// Threads: `io_threads` run Asio (each connection on its own strand); handlers
// run on a separate pool of `worker_threads`, so a handler may block (the
// agent long poll does, for up to its `wait`) without stalling other I/O.
// Limits on every connection:
//   - request head: `read_timeout` from when the server starts waiting for it
//     (this is also the keep-alive idle limit); a client that sent part of a
//     request and stalls gets 408 and is closed, an idle one is just closed;
//   - request body: a fresh `read_timeout`; at most `body_limit` bytes, else
//     413 (checked against Content-Length before reading when there is one);
//   - response write: `write_timeout`, then the connection is dropped.
// Shutdown (stop()): stop accepting; call `on_drain` (so long polls return);
// requests already read finish (responses carry Connection: close) for at
// most `drain_timeout`; then every connection is closed and threads joined.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"

namespace hbs::api {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // as sent: "/api/v1/jobs?state=queued"
  std::string path;                            // percent-decoded, without the query
  std::map<std::string, std::string> query;    // percent-decoded; last one wins
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string request_id;  // X-Request-Id if sane, else generated
  std::string remote;      // "ip:port"
  // Filled by the router: path parameters ("{id}" -> value).
  std::map<std::string, std::string> params;

  // "" when absent. `name` must be lower case.
  const std::string& header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static HttpResponse json(int status, const nlohmann::json& j);
  static HttpResponse error(const ApiError& e) { return json(e.status(), e.body()); }
  static HttpResponse empty(int status);
};

using Handler = std::function<HttpResponse(HttpRequest&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;               // 0 = any free port (see HttpServer::port())
  std::size_t body_limit = 8u << 20;  // bytes
  std::chrono::milliseconds read_timeout{15000};
  std::chrono::milliseconds write_timeout{15000};
  std::chrono::milliseconds drain_timeout{10000};
  int io_threads = 1;
  int worker_threads = 8;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions opts, Handler handler);
  ~HttpServer();  // stop() if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, starts the threads. Throws std::runtime_error when the
  // address cannot be bound.
  void start();
  uint16_t port() const;  // the bound port (after start)
  // Graceful stop, as described above. Idempotent; blocks until done.
  void stop(const std::function<void()>& on_drain = {});

  struct Impl;  // opaque; public only so http_server.cc's sessions can name it

 private:
  std::shared_ptr<Impl> impl_;
};

// Percent-decoding for paths and query strings ('+' is a space in queries).
std::string url_decode(const std::string& s, bool plus_is_space);
// Splits "a=1&b=x%20y" into decoded pairs.
std::map<std::string, std::string> parse_query(const std::string& q);

}  // namespace hbs::api
