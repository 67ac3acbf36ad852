// service_cmd.cc: see service_cmd.h.
#include "service_cmd.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "agent/http_client.h"
#include "board_cmd.h"
#include "model_cmd.h"
#include "text_format.h"
#include "url.h"

namespace hb_cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using hb::agent::HttpError;
using HttpReply = hb::agent::HttpResponse;

constexpr const char* kUsage =
    "usage:\n"
    "  hilbench submit MODEL.tflite|--model-id ID|--firmware ELF --board SELECTOR\n"
    "                  [--runs N] [--warmup W] [--windows K] [--priority P]\n"
    "                  [--rounding double|single]\n"
    "                  [--label repo=..,branch=..,commit=..,ci_url=..] [--wait] [--json]\n"
    "  hilbench jobs [--state queued|assigned|flashing|running|done|failed|cancelled] [--json]\n"
    "  hilbench result JOB [--json]\n"
    "  hilbench boards [--json]\n"
    "  hilbench cancel JOB [--json]\n"
    "common: --server URL ($HILBENCH_SERVER, default http://127.0.0.1:8080)\n"
    "        --token T    ($HILBENCH_TOKEN; needed by submit and cancel)\n";

constexpr const char* kApi = "/api/v1";

struct UsageError {
  std::string msg;
};
// The server answered with an error status: print its message, exit by status.
struct RefusedError {
  int status;
  std::string code, message, what;
};

struct Args {
  std::string server, token;
  bool as_json = false, wait = false;
  std::vector<std::string> positional;
  std::string model_id, firmware, board, state, rounding;
  std::optional<int64_t> runs, warmup, windows, priority;
  json labels = json::object();
};

int64_t parse_int(const std::string& flag, const std::string& v) {
  try {
    size_t n = 0;
    const long long x = std::stoll(v, &n);
    if (n != v.size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    throw UsageError{flag + " needs an integer (got '" + v + "')"};
  }
}

void parse_labels(const std::string& spec, json& labels) {
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) throw UsageError{"--label expects key=value (got '" + item + "')"};
    const std::string k = item.substr(0, eq);
    if (k != "repo" && k != "branch" && k != "commit" && k != "ci_url") {
      throw UsageError{"--label: unknown key '" + k + "' (repo, branch, commit, ci_url)"};
    }
    labels[k] = item.substr(eq + 1);
  }
}

Args parse(const std::string& cmd, const std::vector<std::string>& args) {
  Args a;
  if (const char* s = std::getenv("HILBENCH_SERVER"); s && *s) a.server = s;
  if (const char* t = std::getenv("HILBENCH_TOKEN"); t && *t) a.token = t;
  if (a.server.empty()) a.server = "http://127.0.0.1:8080";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& w = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError{"missing value for " + w};
      return args[++i];
    };
    if (w == "--json") {
      a.as_json = true;
    } else if (w == "--wait" && cmd == "submit") {
      a.wait = true;
    } else if (w == "--server") {
      a.server = value();
    } else if (w == "--token") {
      a.token = value();
    } else if (cmd == "submit" && w == "--model-id") {
      a.model_id = value();
    } else if (cmd == "submit" && w == "--firmware") {
      a.firmware = value();
    } else if (cmd == "submit" && w == "--board") {
      a.board = value();
    } else if (cmd == "submit" && w == "--rounding") {
      a.rounding = value();
      if (a.rounding != "double" && a.rounding != "single") {
        throw UsageError{"--rounding must be double or single"};
      }
    } else if (cmd == "submit" && w == "--runs") {
      a.runs = parse_int(w, value());
    } else if (cmd == "submit" && w == "--warmup") {
      a.warmup = parse_int(w, value());
    } else if (cmd == "submit" && w == "--windows") {
      a.windows = parse_int(w, value());
    } else if (cmd == "submit" && w == "--priority") {
      a.priority = parse_int(w, value());
    } else if (cmd == "submit" && w == "--label") {
      parse_labels(value(), a.labels);
    } else if (cmd == "jobs" && w == "--state") {
      a.state = value();
    } else if (w == "-h" || w == "--help") {
      throw UsageError{""};
    } else if (!w.empty() && w[0] == '-') {
      throw UsageError{"unknown option " + w + " for '" + cmd + "'"};
    } else {
      a.positional.push_back(w);
    }
  }
  return a;
}

// ---- talking to the server ------------------------------------------------------

// The agent's HTTP client (agents/agent/http_client.h), returning every
// status as a reply: the commands map error statuses themselves.
class Client {
 public:
  Client(const std::string& server, const std::string& token) : http_(make(server)) {
    if (!token.empty()) http_.set_bearer_token(token);
  }
  HttpReply get(const std::string& target) { return http_.request("GET", target, "", "", {}); }
  HttpReply post(const std::string& target, const std::string& body, const std::string& type) {
    return http_.request("POST", target, body, type, {});
  }

 private:
  static hb::agent::HttpClient make(const std::string& server) {
    hb::agent::HttpClientOptions o;
    o.user_agent = "hilbench-cli";
    o.timeout = std::chrono::seconds(120);  // a model upload is compiled before the reply
    try {
      return hb::agent::HttpClient(server, o);
    } catch (const HttpError& e) {
      throw UsageError{std::string("--server: ") + e.what()};
    }
  }
  hb::agent::HttpClient http_;
};

json parse_body(const HttpReply& r, const std::string& what) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) {
    throw std::runtime_error(what + ": the server's answer is not JSON (HTTP " +
                             std::to_string(r.status) + ")");
  }
  return j;
}

// Returns the JSON body of a 2xx reply; throws RefusedError otherwise.
json expect_ok(const HttpReply& r, const std::string& what) {
  if (r.status >= 200 && r.status < 300) return r.body.empty() ? json() : parse_body(r, what);
  RefusedError e{r.status, "", "", what};
  const json j = json::parse(r.body, nullptr, false);
  if (!j.is_discarded() && j.contains("error") && j["error"].is_object()) {
    e.code = j["error"].value("code", "");
    e.message = j["error"].value("message", "");
  } else {
    e.message = r.body.substr(0, 300);
  }
  throw e;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw UsageError{"cannot read " + path};
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// ---- formatting -------------------------------------------------------------------

std::optional<double> num(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string str(const json& j, const char* key, const std::string& dflt = "") {
  if (!j.is_object()) return dflt;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return dflt;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string ms_text(std::optional<double> us) {
  return us ? fmt(*us / 1000.0, 3) + " ms" : std::string("na");
}

// The result's output check: true/false, or nullopt if it reports none. The
// agent writes {"passed": bool, ...}; "check": "PASS"|"FAIL" is accepted too.
std::optional<bool> output_passed(const json& data) {
  const json oc = data.is_object() ? data.value("output_check", json()) : json();
  if (!oc.is_object()) return std::nullopt;
  for (const char* k : {"passed", "pass", "ok"}) {
    if (oc.contains(k) && oc[k].is_boolean()) return oc[k].get<bool>();
  }
  for (const char* k : {"check", "status", "result"}) {
    if (oc.contains(k) && oc[k].is_string()) {
      std::string v = oc[k].get<std::string>();
      std::transform(v.begin(), v.end(), v.begin(), ::toupper);
      return v == "PASS" || v == "PASSED" || v == "OK";
    }
  }
  return std::nullopt;
}

// A layer's cost for ranking, with its unit.
std::optional<std::pair<double, std::string>> layer_cost(const json& l) {
  for (const char* k : {"cycles", "instructions", "ticks", "us", "latency_us", "time_us"}) {
    if (auto v = num(l, k)) return std::make_pair(*v, std::string(k));
  }
  return std::nullopt;
}

bool is_emulated(const json& data) {
  const json b = data.value("board", json::object());
  if (b.is_object() && b.contains("emulated") && b["emulated"].is_boolean()) {
    return b["emulated"].get<bool>();
  }
  const json lat = data.value("latency", json::object());
  return lat.is_object() && (lat.contains("instructions_per_inference") ||
                             str(lat, "method").find("emulat") != std::string::npos);
}

void print_result(const json& rec, std::ostream& out) {
  const json data = rec.value("data", json::object());
  const json lat = data.value("latency", json::object());
  const json board = data.value("board", json::object());
  const bool emulated = is_emulated(data);

  out << "job       " << rec.value("job_id", 0) << "\n";
  out << "model     " << rec.value("model_id", std::string()).substr(0, 16) << "\n";
  out << "board     " << rec.value("board_id", std::string()) << " (profile "
      << rec.value("profile_id", std::string()) << (emulated ? ", emulated" : "") << ")\n";
  if (!rec.value("branch", std::string()).empty() || !rec.value("commit", std::string()).empty()) {
    out << "labels    branch " << rec.value("branch", std::string()) << ", commit "
        << rec.value("commit", std::string()) << "\n";
  }

  out << "\nlatency   ";
  if (emulated && lat.contains("method") && lat["method"].is_string()) {
    out << "[" << lat["method"].get<std::string>() << "]\n";
  } else if (emulated) {
    const auto clock = num(board, "clock_hz");
    out << "[emulated: instruction counts as time at the profile clock"
        << (clock ? " of " + fmt(*clock / 1e6, 1) + " MHz" : std::string()) << "; not a real "
        << "board's timing]\n";
  } else {
    out << "[measured on the board]\n";
  }
  out << "  median " << ms_text(num(lat, "median_us")) << "   min " << ms_text(num(lat, "min_us"))
      << "   max " << ms_text(num(lat, "max_us"));
  if (auto m = num(lat, "mean_us")) out << "   mean " << ms_text(m);
  out << "\n";
  if (auto ipi = num(lat, "instructions_per_inference")) {
    out << "  instructions / inference  " << with_commas(static_cast<uint64_t>(std::llround(*ipi)))
        << "\n";
  }
  if (lat.contains("time_basis") && lat["time_basis"].is_string())
    out << "  time basis  " << lat["time_basis"].get<std::string>() << "\n";
  if (auto c = num(lat, "cycles_per_inference")) {
    out << "  cycles / inference        " << with_commas(static_cast<uint64_t>(std::llround(*c)))
        << "\n";
  }
  if (lat.contains("windows") && lat["windows"].is_array() && lat["windows"].size() > 1) {
    out << "  " << lat["windows"].size() << " windows\n";
  }

  // The slowest layers.
  const json layers = data.value("layers", json::array());
  if (layers.is_array() && !layers.empty()) {
    std::vector<std::pair<double, const json*>> ranked;
    std::string unit;
    double total = 0;
    for (const auto& l : layers) {
      if (auto c = layer_cost(l)) {
        ranked.emplace_back(c->first, &l);
        unit = c->second;
        total += c->first;
      }
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    if (ranked.size() > 5) ranked.resize(5);
    out << "\nslowest layers (of " << layers.size() << ")\n";
    for (const auto& [cost, l] : ranked) {
      std::string idx = str(*l, "index", "?");
      out << "  #" << std::left << std::setw(4) << idx << std::setw(20) << str(*l, "op", "?")
          << std::right << std::setw(14) << with_commas(static_cast<uint64_t>(std::llround(cost)))
          << " " << std::left << std::setw(12) << unit << std::right << std::setw(6)
          << fmt(total > 0 ? 100.0 * cost / total : 0.0, 1) << "%";
      if (l->contains("us") && (*l)["us"].is_number())
        out << std::setw(12) << fmt((*l)["us"].get<double>() / 1000, 3) << " ms";
      out << "\n";
    }
  }

  const json mem = data.value("memory", json::object());
  if (mem.is_object() && !mem.empty()) {
    out << "\nmemory\n";
    for (const auto& [k, v] : mem.items()) {
      out << "  " << std::left << std::setw(20) << k << std::right << std::setw(12)
          << (v.is_number() ? with_commas(static_cast<uint64_t>(std::llround(v.get<double>())))
                            : v.dump())
          << " bytes\n";
    }
  }

  const json en = data.value("energy", json::object());
  out << "\nenergy    ";
  if (auto uj = num(en, "uj_per_inference")) {
    out << fmt(*uj, 1) << " uJ / inference (estimate)\n  method  " << str(en, "method", "?")
        << "\n";
    if (en.contains("source")) out << "  source  " << str(en, "source") << "\n";
  } else {
    out << "no estimate" << (en.contains("reason") ? ": " + str(en, "reason") : std::string())
        << "\n";
  }

  const json oc = data.value("output_check", json::object());
  const auto passed = output_passed(data);
  out << "\noutput    " << (passed ? (*passed ? "PASS" : "FAIL") : "not checked");
  if (oc.is_object()) {
    if (oc.contains("reference")) out << " (against " << str(oc, "reference") << ")";
    if (auto mm = num(oc, "mismatched_bytes"); mm && *mm > 0) {
      out << ", " << with_commas(static_cast<uint64_t>(*mm)) << " bytes differ";
    }
    if (oc.contains("golden") && !oc["golden"].is_null()) out << "; golden " << str(oc, "golden");
  }
  out << "\n";
  const json timing = data.value("timing", json::object());
  if (auto board_s = num(timing, "board_seconds")) {
    out << "\ntiming    board " << fmt(*board_s, 2) << " s";
    if (auto wall_s = num(timing, "wall_seconds")) out << ", agent " << fmt(*wall_s, 2) << " s";
    if (auto boot_s = num(timing, "boot_seconds")) out << " (boot " << fmt(*boot_s, 2) << " s)";
    out << "\n";
  }
}

std::string fmt_time_ms(const json& v) {
  if (!v.is_number_integer()) return "-";
  const std::time_t t = static_cast<std::time_t>(v.get<int64_t>() / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%m-%d %H:%M:%S", &tm);
  return b;
}

std::string board_text(const json& job) {
  if (job.contains("board_id") && job["board_id"].is_string()) return job["board_id"];
  const json b = job.value("board", json::object());
  std::string s = str(b, "profile", "any");
  if (b.contains("tags") && b["tags"].is_object()) {
    for (const auto& [k, v] : b["tags"].items()) s += "," + k + "=" + str(b["tags"], k.c_str());
  }
  return s;
}

// ---- commands -----------------------------------------------------------------------

int exit_for_job(const json& job, std::optional<bool> check) {
  const std::string state = job.value("state", "");
  if (state == "done") return check.value_or(true) ? kExitOk : kExitCheckFailed;
  if (state == "failed") {
    const std::string f = job.value("failure", "");
    if (f == "job") return kExitJob;
    if (f == "infrastructure") return kExitInfrastructure;
    return kExitCheckFailed;  // timeout
  }
  return kExitCheckFailed;  // cancelled
}

int64_t job_id_arg(const Args& a, const std::string& cmd) {
  if (a.positional.size() != 1) throw UsageError{cmd + ": expected one JOB id"};
  const int64_t id = parse_int("JOB", a.positional[0]);
  if (id < 1) throw UsageError{"JOB must be a positive job id"};
  return id;
}

// Follows job `id` until it ends, printing state changes and new log lines to
// `err`. Returns the final job.
json follow(Client& c, int64_t id, std::ostream& err) {
  const std::string jt = std::string(kApi) + "/jobs/" + std::to_string(id);
  const auto t0 = std::chrono::steady_clock::now();
  std::string last_state;
  size_t seen_lines = 0;
  auto elapsed = [&] {
    return fmt(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1);
  };
  for (;;) {
    const json job = expect_ok(c.get(jt), "GET " + jt);
    const json log = expect_ok(c.get(jt + "/log"), "GET " + jt + "/log");
    if (log.contains("lines") && log["lines"].is_array()) {
      const auto& lines = log["lines"];
      for (size_t i = seen_lines; i < lines.size(); ++i) {
        err << "  | " << (lines[i].is_string() ? lines[i].get<std::string>() : lines[i].dump())
            << "\n";
      }
      seen_lines = std::max(seen_lines, lines.size());
    }
    const std::string state = job.value("state", "");
    if (state != last_state) {
      err << "[" << std::setw(6) << elapsed() << " s] job " << id << " " << state;
      if (job.contains("board_id") && job["board_id"].is_string()) {
        err << " on " << job["board_id"].get<std::string>();
      }
      if (job.value("attempts", 0) > 1) err << " (attempt " << job.value("attempts", 0) << ")";
      if (!job.value("message", std::string()).empty() && state != "queued") {
        err << ": " << job.value("message", std::string());
      }
      err << "\n";
      last_state = state;
    }
    if (state == "done" || state == "failed" || state == "cancelled") {
      err.flush();
      return job;
    }
    err.flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int cmd_submit(const Args& a, Client& c, std::ostream& out, std::ostream& err) {
  const int sources = !a.positional.empty() + !a.model_id.empty() + !a.firmware.empty();
  if (sources != 1 || a.positional.size() > 1) {
    throw UsageError{"submit: give exactly one of MODEL.tflite, --model-id ID, --firmware ELF"};
  }
  if (a.board.empty()) throw UsageError{"submit: --board SELECTOR is required"};

  json req = json::object();
  if (!a.positional.empty()) {
    const std::string& path = a.positional[0];
    const std::string bytes = read_file(path);
    const std::string t =
        std::string(kApi) + "/models?name=" + url_encode(fs::path(path).filename().string());
    const json m = expect_ok(c.post(t, bytes, "application/octet-stream"), "upload " + path);
    req["model_id"] = m.at("id");
    if (!a.as_json) {
      err << "model " << m.value("name", path) << " uploaded: " << m.at("id").get<std::string>()
          << " (" << with_commas(m.value("size", 0)) << " bytes)\n";
    }
  } else if (!a.model_id.empty()) {
    req["model_id"] = a.model_id;
  } else {
    const std::string bytes = read_file(a.firmware);
    const std::string t = std::string(kApi) + "/firmware";
    const json f = expect_ok(c.post(t, bytes, "application/octet-stream"), "upload " + a.firmware);
    req["firmware_id"] = f.at("id");
    if (!a.as_json) err << "firmware uploaded: " << f.at("id").get<std::string>() << "\n";
  }
  req["board"] = a.board;
  if (a.runs) req["runs"] = *a.runs;
  if (a.warmup) req["warmup"] = *a.warmup;
  if (a.windows) req["windows"] = *a.windows;
  if (a.priority) req["priority"] = *a.priority;
  if (!a.rounding.empty()) req["rounding"] = a.rounding;
  if (!a.labels.empty()) req["labels"] = a.labels;

  const std::string jt = std::string(kApi) + "/jobs";
  const json job = expect_ok(c.post(jt, req.dump(), "application/json"), "POST " + jt);
  const int64_t id = job.at("id").get<int64_t>();
  if (!a.wait) {
    if (a.as_json) {
      out << job.dump(2) << "\n";
    } else {
      out << "job " << id << " " << job.value("state", "") << " (board " << a.board
          << "); follow it with: hilbench result " << id << "\n";
    }
    return kExitOk;
  }
  err << "job " << id << " submitted (board " << a.board << ")\n";
  const json fin = follow(c, id, err);
  const std::string state = fin.value("state", "");
  if (state != "done") {
    if (a.as_json) out << fin.dump(2) << "\n";
    err << "error: job " << id << " " << state;
    if (state == "failed") err << " (" << fin.value("failure", "") << ")";
    err << ": " << fin.value("message", std::string("no message")) << "\n";
    return exit_for_job(fin, std::nullopt);
  }
  const std::string rt = std::string(kApi) + "/results/" + std::to_string(id);
  const json rec = expect_ok(c.get(rt), "GET " + rt);
  const auto passed = output_passed(rec.value("data", json::object()));
  if (a.as_json) {
    out << rec.dump(2) << "\n";
  } else {
    out << "\n";
    print_result(rec, out);
    const auto sec = [&](const char* k) { return fin.value(k, json()); };
    if (sec("created_ms").is_number() && sec("finished_ms").is_number()) {
      const double wall =
          (sec("finished_ms").get<int64_t>() - sec("created_ms").get<int64_t>()) / 1000.0;
      out << "\nwall time " << fmt(wall, 2) << " s from submission to result\n";
    }
  }
  return exit_for_job(fin, passed);
}

int cmd_jobs(const Args& a, Client& c, std::ostream& out) {
  if (!a.positional.empty()) throw UsageError{"jobs: unexpected argument " + a.positional[0]};
  std::string t = std::string(kApi) + "/jobs?limit=100";
  if (!a.state.empty()) t += "&state=" + url_encode(a.state);
  const json j = expect_ok(c.get(t), "GET " + t);
  if (a.as_json) {
    out << j.dump(2) << "\n";
    return kExitOk;
  }
  const json jobs = j.value("jobs", json::array());
  if (jobs.empty()) {
    out << "no jobs" << (a.state.empty() ? "" : " in state " + a.state) << "\n";
    return kExitOk;
  }
  out << std::left << std::setw(6) << "ID" << std::setw(11) << "STATE" << std::setw(18) << "MODEL"
      << std::setw(28) << "BOARD" << std::setw(16) << "CREATED"
      << "MESSAGE\n";
  for (const auto& job : jobs) {
    std::string model = str(job, "model_id");
    if (model.empty() || model == "null") model = "fw:" + str(job, "firmware_id").substr(0, 13);
    std::string state = str(job, "state");
    if (state == "failed") state += "/" + str(job, "failure").substr(0, 5);
    out << std::left << std::setw(6) << job.value("id", 0) << std::setw(11) << state
        << std::setw(18) << model.substr(0, 16) << std::setw(28) << board_text(job).substr(0, 27)
        << std::setw(16) << fmt_time_ms(job.value("created_ms", json()))
        << job.value("message", std::string()) << "\n";
  }
  return kExitOk;
}

int cmd_result(const Args& a, Client& c, std::ostream& out, std::ostream& err) {
  const int64_t id = job_id_arg(a, "result");
  const std::string rt = std::string(kApi) + "/results/" + std::to_string(id);
  const HttpReply r = c.get(rt);
  if (r.status == 404) {
    // No result: say why, from the job itself (or pass its 404 on).
    const std::string jt = std::string(kApi) + "/jobs/" + std::to_string(id);
    const json job = expect_ok(c.get(jt), "GET " + jt);
    if (a.as_json) out << job.dump(2) << "\n";
    const std::string state = job.value("state", "");
    err << "job " << id << " has no result: it is " << state;
    if (state == "failed") err << " (" << job.value("failure", "") << ")";
    if (!job.value("message", std::string()).empty()) err << ": " << job.value("message", "");
    err << "\n";
    if (state == "done" || state == "failed" || state == "cancelled") {
      return exit_for_job(job, std::nullopt);
    }
    return kExitCheckFailed;  // still queued or running: no result yet
  }
  const json rec = expect_ok(r, "GET " + rt);
  if (a.as_json) {
    out << rec.dump(2) << "\n";
  } else {
    print_result(rec, out);
  }
  return output_passed(rec.value("data", json::object())).value_or(true) ? kExitOk
                                                                         : kExitCheckFailed;
}

int cmd_boards(const Args& a, Client& c, std::ostream& out) {
  if (!a.positional.empty()) throw UsageError{"boards: unexpected argument " + a.positional[0]};
  const std::string t = std::string(kApi) + "/boards";
  const json j = expect_ok(c.get(t), "GET " + t);
  if (a.as_json) {
    out << j.dump(2) << "\n";
    return kExitOk;
  }
  const json boards = j.value("boards", json::array());
  if (boards.empty()) {
    out << "no boards registered\n";
    return kExitOk;
  }
  out << std::left << std::setw(34) << "BOARD" << std::setw(18) << "PROFILE" << std::setw(9)
      << "STATE" << std::setw(13) << "HEALTH" << std::setw(6) << "JOB"
      << "TAGS\n";
  for (const auto& b : boards) {
    std::string tags;
    if (b.contains("tags") && b["tags"].is_object()) {
      for (const auto& [k, v] : b["tags"].items()) {
        tags += (tags.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : "");
      }
    }
    const json job = b.value("current_job", json());
    out << std::left << std::setw(34) << str(b, "id") << std::setw(18) << str(b, "profile_id")
        << std::setw(9) << str(b, "state") << std::setw(13) << str(b, "health") << std::setw(6)
        << (job.is_number() ? std::to_string(job.get<int64_t>()) : "-") << tags << "\n";
  }
  return kExitOk;
}

int cmd_cancel(const Args& a, Client& c, std::ostream& out) {
  const int64_t id = job_id_arg(a, "cancel");
  const std::string t = std::string(kApi) + "/jobs/" + std::to_string(id) + "/cancel";
  const json job = expect_ok(c.post(t, "", ""), "POST " + t);
  if (a.as_json) {
    out << job.dump(2) << "\n";
  } else {
    out << "job " << id << " " << job.value("state", "") << "\n";
  }
  return kExitOk;
}

}  // namespace

bool is_service_command(const std::string& cmd) {
  return cmd == "submit" || cmd == "jobs" || cmd == "result" || cmd == "boards" || cmd == "cancel";
}

int service_main(const std::string& cmd, const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err) {
  try {
    const Args a = parse(cmd, args);
    Client c(a.server, a.token);
    if (cmd == "submit") return cmd_submit(a, c, out, err);
    if (cmd == "jobs") return cmd_jobs(a, c, out);
    if (cmd == "result") return cmd_result(a, c, out, err);
    if (cmd == "boards") return cmd_boards(a, c, out);
    if (cmd == "cancel") return cmd_cancel(a, c, out);
    throw UsageError{"unknown command " + cmd};
  } catch (const UsageError& e) {
    if (!e.msg.empty()) err << "error: " << e.msg << "\n";
    err << kUsage;
    return kExitUsage;
  } catch (const RefusedError& e) {
    err << "error: " << e.what << ": HTTP " << e.status << (e.code.empty() ? "" : " " + e.code)
        << ": " << e.message << "\n";
    if (e.status == 401) err << "hint: pass --token or set HILBENCH_TOKEN\n";
    if (e.status == 422) return kExitJob;
    if (e.status >= 400 && e.status < 500) return kExitUsage;
    return kExitInfrastructure;
  } catch (const HttpError& e) {  // transport: no answer from the server
    err << "error: infrastructure: server unreachable: " << e.what() << "\n";
    return kExitInfrastructure;
  } catch (const std::exception& e) {
    err << "error: infrastructure: " << e.what() << "\n";
    return kExitInfrastructure;
  }
}

}  // namespace hb_cli
