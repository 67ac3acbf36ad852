// api/http_server.cc: the Beast side of HttpServer (see http_server.h).
#include "api/http_server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace hbs::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::shared_ptr<spdlog::logger> http_log() {
  static std::shared_ptr<spdlog::logger> l = [] {
    auto existing = spdlog::get("http");
    return existing ? existing : spdlog::default_logger()->clone("http");
  }();
  return l;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A client-supplied request id is echoed only if it is short and plain, so it
// cannot inject anything into log lines.
bool sane_request_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace

std::string url_decode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& q) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= q.size()) {
    size_t amp = q.find('&', pos);
    if (amp == std::string::npos) amp = q.size();
    const std::string pair = q.substr(pos, amp - pos);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      if (eq == std::string::npos)
        out[url_decode(pair, true)] = "";
      else
        out[url_decode(pair.substr(0, eq), true)] = url_decode(pair.substr(eq + 1), true);
    }
    pos = amp + 1;
  }
  return out;
}

const std::string& HttpRequest::header(const std::string& name) const {
  static const std::string kEmpty;
  auto it = headers.find(name);
  return it == headers.end() ? kEmpty : it->second;
}

HttpResponse HttpResponse::json(int status, const nlohmann::json& j) {
  HttpResponse r;
  r.status = status;
  r.body = j.dump();
  r.body.push_back('\n');
  return r;
}

HttpResponse HttpResponse::empty(int status) {
  HttpResponse r;
  r.status = status;
  r.content_type.clear();
  return r;
}

// ---------------------------------------------------------------------------

struct HttpServer::Impl {
  HttpServerOptions opts;
  Handler handler;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<net::thread_pool> workers;
  std::vector<std::thread> io_threads;
  uint16_t bound_port = 0;
  std::atomic<bool> draining{false};
  std::atomic<uint64_t> next_request{1};

  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;  // GUARDED_BY(mu): requests read but not yet answered
  bool running = false;

  void begin_request() {
    std::lock_guard<std::mutex> l(mu);
    ++in_flight;
  }
  void end_request() {
    std::lock_guard<std::mutex> l(mu);
    if (--in_flight == 0) cv.notify_all();
  }
  void do_accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& s, HttpServer::Impl* srv)
      : stream_(std::move(s)), timer_(stream_.get_executor()), srv_(srv) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_head(); });
  }

 private:
  // Deadline for the current read: on expiry the read is cancelled (not the
  // socket closed), so the handler can still answer 408.
  void arm_timer() {
    timed_out_ = false;
    timer_.expires_after(srv_->opts.read_timeout);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;  // cancelled: the read finished in time
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void read_head() {
    if (srv_->draining) return close();
    parser_.emplace();
    parser_->body_limit(srv_->opts.body_limit);
    parser_->header_limit(16 * 1024);
    arm_timer();
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    timer_.cancel();
    if (ec) {
      if (timed_out_) {
        // Nothing of a request arrived: an idle keep-alive connection; close
        // quietly. Part of a request: say why we hang up.
        if (parser_->got_some() || buffer_.size() > 0)
          return fail_and_close(ApiError::RequestTimeout("request head not received in time"));
        return close();
      }
      if (ec == http::error::end_of_stream || ec == net::error::eof ||
          ec == net::error::operation_aborted || ec == net::error::connection_reset)
        return close();
      if (ec == http::error::body_limit)  // Content-Length over the limit, seen in the head
        return fail_and_close(ApiError::PayloadTooLarge("request body exceeds the limit of " +
                                                        std::to_string(srv_->opts.body_limit) +
                                                        " bytes"));
      if (ec == http::error::header_limit)
        return fail_and_close(ApiError::BadRequest("request head too large"));
      return fail_and_close(ApiError::BadRequest(std::string("bad request: ") + ec.message()));
    }
    auto& req = parser_->get();
    if (const auto len = parser_->content_length(); len && *len > srv_->opts.body_limit) {
      return fail_and_close(ApiError::PayloadTooLarge("request body of " + std::to_string(*len) +
                                                      " bytes exceeds the limit of " +
                                                      std::to_string(srv_->opts.body_limit)));
    }
    if (parser_->is_done()) return dispatch();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     req.version());
      stream_.expires_after(srv_->opts.write_timeout);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                          self->stream_.expires_never();
                          if (ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    arm_timer();
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    timer_.cancel();
    if (ec) {
      if (timed_out_)
        return fail_and_close(ApiError::RequestTimeout("request body not received in time"));
      if (ec == http::error::body_limit)
        return fail_and_close(ApiError::PayloadTooLarge("request body exceeds the limit of " +
                                                        std::to_string(srv_->opts.body_limit) +
                                                        " bytes"));
      if (ec == http::error::end_of_stream || ec == net::error::eof ||
          ec == net::error::connection_reset || ec == net::error::operation_aborted)
        return close();
      return fail_and_close(ApiError::BadRequest(std::string("bad request: ") + ec.message()));
    }
    dispatch();
  }

  void dispatch() {
    auto breq = parser_->release();
    auto req = std::make_shared<HttpRequest>();
    req->method = std::string(breq.method_string());
    req->target = std::string(breq.target());
    const size_t qpos = req->target.find('?');
    req->path = url_decode(req->target.substr(0, qpos), false);
    if (qpos != std::string::npos) req->query = parse_query(req->target.substr(qpos + 1));
    for (const auto& f : breq) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
      req->headers[name] = std::string(f.value());
    }
    req->body = std::move(breq.body());
    req->remote = remote_;
    const std::string& rid = req->header("x-request-id");
    req->request_id = sane_request_id(rid) ? rid : "r" + std::to_string(srv_->next_request++);
    keep_alive_ = breq.keep_alive();
    version_ = breq.version();
    head_only_ = breq.method() == http::verb::head;
    started_ = std::chrono::steady_clock::now();

    srv_->begin_request();
    net::post(*srv_->workers, [self = shared_from_this(), req] {
      HttpResponse resp;
      try {
        resp = self->srv_->handler(*req);
      } catch (const ApiError& e) {
        resp = HttpResponse::error(e);
      } catch (const std::exception& e) {
        http_log()->error("[{}] {} {}: unhandled: {}", req->request_id, req->method, req->path,
                          e.what());
        resp = HttpResponse::error(ApiError::Internal("internal error"));
      }
      resp.headers.emplace_back("X-Request-Id", req->request_id);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - self->started_)
                          .count();
      http_log()->info("[{}] {} {} {} {}B {}ms {}", req->request_id, req->method, req->target,
                       resp.status, resp.body.size(), ms, self->remote_);
      net::post(self->stream_.get_executor(),
                [self, resp = std::move(resp)]() mutable { self->write(std::move(resp), true); });
    });
  }

  // `counted`: the response ends a request counted in in_flight.
  void write(HttpResponse r, bool counted) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version_ ? version_ : 11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "hilbenchd");
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    const bool keep = keep_alive_ && !close_after_ && !srv_->draining;
    res->keep_alive(keep);
    if (head_only_) {
      res->content_length(r.body.size());
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }
    stream_.expires_after(srv_->opts.write_timeout);
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep, counted](beast::error_code ec, size_t) {
          self->stream_.expires_never();
          if (counted) self->srv_->end_request();
          if (ec || !keep) return self->close();
          self->buffer_.consume(0);
          self->read_head();
        });
  }

  void fail_and_close(const ApiError& e) {
    http_log()->warn("[conn {}] {} {}", remote_, e.status(), e.what());
    close_after_ = true;
    if (!version_) version_ = 11;
    write(HttpResponse::error(e), false);
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
    timer_.cancel();
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  // Not owned: the server outlives every session (they die with its io_context).
  HttpServer::Impl* srv_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_;
  bool timed_out_ = false;
  bool keep_alive_ = false;
  bool close_after_ = false;
  bool head_only_ = false;
  unsigned version_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

void HttpServer::Impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc), [self = this](beast::error_code ec, tcp::socket s) {
    if (ec) {
      if (ec == net::error::operation_aborted || !self->acceptor.is_open()) return;
      http_log()->warn("accept: {}", ec.message());
    } else {
      std::make_shared<Session>(std::move(s), self)->start();
    }
    if (!self->draining) self->do_accept();
  });
}

HttpServer::HttpServer(HttpServerOptions opts, Handler handler) : impl_(std::make_shared<Impl>()) {
  impl_->opts = std::move(opts);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  Impl& s = *impl_;
  beast::error_code ec;
  const auto addr = net::ip::make_address(s.opts.address, ec);
  if (ec) throw std::runtime_error("bad listen address '" + s.opts.address + "'");
  tcp::endpoint ep(addr, s.opts.port);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + s.opts.address + ":" +
                             std::to_string(s.opts.port) + ": " + ec.message());
  s.bound_port = s.acceptor.local_endpoint().port();
  s.workers = std::make_unique<net::thread_pool>(std::max(1, s.opts.worker_threads));
  s.guard.emplace(s.ioc.get_executor());
  s.running = true;
  s.do_accept();
  for (int i = 0; i < std::max(1, s.opts.io_threads); ++i)
    s.io_threads.emplace_back([&s] { s.ioc.run(); });
  http_log()->info("listening on {}:{}", s.opts.address, s.bound_port);
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::stop(const std::function<void()>& on_drain) {
  Impl& s = *impl_;
  if (!s.running) return;
  s.running = false;
  s.draining = true;
  net::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  if (on_drain) on_drain();
  {
    std::unique_lock<std::mutex> l(s.mu);
    if (!s.cv.wait_for(l, s.opts.drain_timeout, [&s] { return s.in_flight == 0; }))
      http_log()->warn("shutdown: {} request(s) still in flight after {} ms; dropping them",
                       s.in_flight, s.opts.drain_timeout.count());
  }
  s.guard.reset();
  s.ioc.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  s.workers->stop();
  s.workers->join();
  http_log()->info("stopped");
}

}  // namespace hbs::api
