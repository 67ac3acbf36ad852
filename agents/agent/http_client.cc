// http_client.cc: see http_client.h.
#include "agent/http_client.h"

#include <optional>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace hb::agent {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

nlohmann::json HttpResponse::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded())
    throw HttpError::Transport("reply (HTTP " + std::to_string(status) +
                               ") is not JSON: " + body.substr(0, 200));
  return j;
}

HttpClient::HttpClient(const std::string& base_url, HttpClientOptions opts)
    : opts_(std::move(opts)) {
  const std::string scheme = "http://";
  if (base_url.rfind(scheme, 0) != 0)
    throw HttpError::Transport("base URL '" + base_url +
                               "' must start with http:// (https: put a TLS proxy in front)");
  std::string rest = base_url.substr(scheme.size());
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    prefix_ = rest.substr(slash);
    rest = rest.substr(0, slash);
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  }
  std::string port = "80";
  if (!rest.empty() && rest.front() == '[') {  // [::1]:8080
    const size_t close = rest.find(']');
    if (close == std::string::npos) throw HttpError::Transport("bad host in '" + base_url + "'");
    host_ = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (const size_t colon = rest.rfind(':'); colon != std::string::npos) {
    host_ = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  } else {
    host_ = rest;
  }
  size_t used = 0;
  long p = -1;
  try {
    p = std::stol(port, &used);
  } catch (const std::exception&) {
  }
  if (host_.empty() || used != port.size() || p <= 0 || p > 65535)
    throw HttpError::Transport("bad host or port in '" + base_url + "'");
  port_ = static_cast<uint16_t>(p);
}

void HttpClient::set_header(const std::string& name, const std::string& value) {
  headers_[name] = value;
}

void HttpClient::set_bearer_token(const std::string& token) {
  set_header("Authorization", "Bearer " + token);
}

std::string HttpClient::base_url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_) + prefix_;
}

namespace {

// Runs the io_context until the pending operation's handler has run, in
// short slices so a raised cancel flag or the deadline is noticed. On either,
// closes the socket (the handler then runs with operation_aborted) and throws.
void run_until(net::io_context& ioc, bool& done, beast::tcp_stream& s, Clock::time_point deadline,
               const std::atomic<bool>* cancel, const std::string& what) {
  ioc.restart();
  while (!done) {
    ioc.run_for(milliseconds(50));
    if (done) break;
    const bool cancelled = cancel && cancel->load();
    if (cancelled || Clock::now() >= deadline) {
      beast::error_code ec;
      s.socket().close(ec);
      ioc.restart();
      ioc.run_for(milliseconds(100));  // let the aborted handler run
      if (cancelled) throw HttpError::Cancelled(what + ": cancelled");
      throw HttpError::Timeout(what + ": no complete reply in time");
    }
  }
}

}  // namespace

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::string& body, const std::string& content_type,
                                 const Call& call) const {
  const std::string what = method + " " + base_url() + target;
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) throw HttpError::Transport(what + ": unknown method");
  const milliseconds timeout = call.timeout.count() > 0 ? call.timeout : opts_.timeout;
  const Clock::time_point deadline = Clock::now() + timeout;

  net::io_context ioc;
  beast::tcp_stream s(ioc);
  beast::error_code ec;

  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
  if (ec) throw HttpError::Transport(what + ": cannot resolve " + host_ + ": " + ec.message());

  bool done = false;
  s.expires_after(std::min(opts_.connect_timeout, timeout));
  s.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  run_until(ioc, done, s, deadline, call.cancel, what);
  if (ec == beast::error::timeout) throw HttpError::Timeout(what + ": connect timed out");
  if (ec) throw HttpError::Transport(what + ": cannot connect: " + ec.message());

  http::request<http::string_body> req(verb, prefix_ + target, 11);
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  req.set(http::field::user_agent, opts_.user_agent);
  for (const auto& [k, v] : headers_) req.set(k, v);
  for (const auto& [k, v] : call.headers) req.set(k, v);
  if (!body.empty() || verb == http::verb::post || verb == http::verb::put) {
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();

  // Beast's own expiry is a backstop; run_until enforces the deadline.
  s.expires_after(timeout + milliseconds(1000));
  done = false;
  http::async_write(s, req, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  run_until(ioc, done, s, deadline, call.cancel, what);
  if (ec) throw HttpError::Transport(what + ": sending the request failed: " + ec.message());

  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(opts_.body_limit);
  done = false;
  http::async_read(s, buf, parser, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  run_until(ioc, done, s, deadline, call.cancel, what);
  if (ec == http::error::body_limit)
    throw HttpError::Transport(what + ": reply larger than " + std::to_string(opts_.body_limit) +
                               " bytes");
  if (ec) throw HttpError::Transport(what + ": reading the reply failed: " + ec.message());

  HttpResponse r;
  r.status = static_cast<int>(parser.get().result_int());
  r.body = std::move(parser.get().body());
  r.content_type = std::string(parser.get()[http::field::content_type]);
  s.socket().shutdown(tcp::socket::shutdown_both, ec);
  return r;
}

HttpResponse HttpClient::checked(const std::string& method, const std::string& target,
                                 const std::string& body, const std::string& content_type,
                                 const Call& call) const {
  HttpResponse r = request(method, target, body, content_type, call);
  if (r.status < 400) return r;
  // The API's errors are {"error": {"code": ..., "message": ...}}.
  std::string detail = r.body.substr(0, 300);
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("message") && j["error"]["message"].is_string())
    detail = j["error"]["message"].get<std::string>();
  throw HttpError::Status(
      method + " " + target + ": HTTP " + std::to_string(r.status) + ": " + detail, r.status,
      r.body);
}

HttpResponse HttpClient::get(const std::string& target, const Call& call) const {
  return checked("GET", target, "", "", call);
}

HttpResponse HttpClient::post(const std::string& target, const std::string& body,
                              const std::string& content_type, const Call& call) const {
  return checked("POST", target, body, content_type, call);
}

HttpResponse HttpClient::post_json(const std::string& target, const nlohmann::json& body,
                                   const Call& call) const {
  return checked("POST", target, body.dump(), "application/json", call);
}

}  // namespace hb::agent
