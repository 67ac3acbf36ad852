// gate_client.h: the few API calls `hilbench gate` and `hilbench baseline`
// make besides `submit` (which they run through service_main): the agent's
// HTTP client (agents/agent/http_client.h) with JSON in and out. Errors are
// hb::agent::HttpError: kStatus when the server refused (status() and the
// API's message in what()), kTransport/kTimeout when it could not be reached.
#pragma once

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/http_client.h"
#include "url.h"

namespace hb_cli::gate {

class ApiClient {
 public:
  ApiClient(const std::string& server, const std::string& token) : http_(server, options()) {
    if (!token.empty()) http_.set_bearer_token(token);
  }
  nlohmann::json get(const std::string& target) const { return http_.get(target).json(); }
  nlohmann::json post(const std::string& target, const nlohmann::json& body) const {
    return http_.post_json(target, body).json();
  }

 private:
  static hb::agent::HttpClientOptions options() {
    hb::agent::HttpClientOptions o;
    o.user_agent = "hilbench-gate";
    return o;
  }
  hb::agent::HttpClient http_;
};

// $HILBENCH_SERVER, else http://127.0.0.1:8080.
inline std::string default_server() {
  const char* s = std::getenv("HILBENCH_SERVER");
  return s && *s ? s : "http://127.0.0.1:8080";
}
inline std::string default_token() {
  const char* t = std::getenv("HILBENCH_TOKEN");
  return t && *t ? t : "";
}

}  // namespace hb_cli::gate
