// gate_cmd.cc: see gate_cmd.h.
#include "gate_cmd.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gate_client.h"
#include "gate_config.h"
#include "gate_report.h"
#include "gate_stats.h"
#include "hbs/gate_json.h"
#include "hbs/result_metrics.h"
#include "model_cmd.h"
#include "service_cmd.h"

namespace hb_cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace gate;

constexpr const char* kUsage =
    "usage: hilbench gate [MODEL.tflite ...|--firmware ELF] [--board SELECTOR] [--name KEY]\n"
    "                     [--config .hilbench.yml] [--base-branch B] [--branch B] [--commit SHA]\n"
    "                     [--merge-base SHA] [--repo R] [--ci-url U]\n"
    "                     [--runs N] [--windows K] [--warmup W]\n"
    "                     [--markdown FILE] [--junit FILE] [--json FILE]\n"
    "                     [--accept] [--require-baseline] [--server URL] [--token T]\n"
    "exit codes: 0 pass, 1 regression, 2 error (never reported as a regression)\n";

struct UsageError {
  std::string msg;
};

struct Options {
  std::vector<std::string> models;
  std::string firmware, board, name, config_path;
  std::string base_branch, branch, commit, merge_base, repo, ci_url;
  std::optional<int64_t> runs, windows, warmup;
  std::string markdown_file, junit_file, json_file;
  bool accept = false, require_baseline = false;
  std::string server, token;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : "";
}

std::string first_env(std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto v = env(n); !v.empty()) return v;
  return "";
}

int64_t to_int(const std::string& flag, const std::string& v) {
  try {
    size_t n = 0;
    const long long x = std::stoll(v, &n);
    if (n == v.size() && x > 0) return x;
  } catch (const std::exception&) {
  }
  throw UsageError{flag + " needs a positive integer (got '" + v + "')"};
}

Options parse(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& w = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError{"missing value for " + w};
      return args[++i];
    };
    if (w == "--firmware") {
      o.firmware = value();
    } else if (w == "--board") {
      o.board = value();
    } else if (w == "--name") {
      o.name = value();
    } else if (w == "--config") {
      o.config_path = value();
    } else if (w == "--base-branch") {
      o.base_branch = value();
    } else if (w == "--branch") {
      o.branch = value();
    } else if (w == "--commit") {
      o.commit = value();
    } else if (w == "--merge-base") {
      o.merge_base = value();
    } else if (w == "--repo") {
      o.repo = value();
    } else if (w == "--ci-url") {
      o.ci_url = value();
    } else if (w == "--runs") {
      o.runs = to_int(w, value());
    } else if (w == "--windows") {
      o.windows = to_int(w, value());
    } else if (w == "--warmup") {
      o.warmup = std::stoll(value());
    } else if (w == "--markdown") {
      o.markdown_file = value();
    } else if (w == "--junit") {
      o.junit_file = value();
    } else if (w == "--json") {
      o.json_file = value();
    } else if (w == "--accept") {
      o.accept = true;
    } else if (w == "--require-baseline") {
      o.require_baseline = true;
    } else if (w == "--server") {
      o.server = value();
    } else if (w == "--token") {
      o.token = value();
    } else if (w == "-h" || w == "--help") {
      throw UsageError{""};
    } else if (!w.empty() && w[0] == '-') {
      throw UsageError{"unknown option " + w};
    } else {
      o.models.push_back(w);
    }
  }
  if (!o.firmware.empty() && !o.models.empty())
    throw UsageError{"give models or --firmware, not both"};
  return o;
}

// One candidate to gate.
struct Candidate {
  std::string key, path;
  bool firmware = false;
};

// Everything the per-candidate steps share.
struct Context {
  Options opt;
  GateConfig cfg;
  std::unique_ptr<ApiClient> api;
  std::ostream* err = nullptr;
};

std::string labels_arg(const Context& c) {
  std::string s;
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    if (v.find(',') != std::string::npos) throw UsageError{std::string(k) + " must not hold ','"};
    s += (s.empty() ? "" : ",") + std::string(k) + "=" + v;
  };
  add("repo", c.opt.repo);
  add("branch", c.opt.branch);
  add("commit", c.opt.commit);
  add("ci_url", c.opt.ci_url);
  return s;
}

// Runs `hilbench submit ... --wait --json` in-process. Returns the result
// record, or throws std::runtime_error with what went wrong (and the job, if
// one was created, in *job).
json submit_and_wait(const Context& c, const std::vector<std::string>& source,
                     const std::string& board, json* job) {
  std::vector<std::string> a = source;
  a.insert(a.end(), {"--board", board, "--wait", "--json", "--server", c.opt.server});
  if (!c.opt.token.empty()) a.insert(a.end(), {"--token", c.opt.token});
  const auto runs = c.opt.runs ? c.opt.runs : c.cfg.runs;
  const auto windows = c.opt.windows ? c.opt.windows : c.cfg.windows;
  const auto warmup = c.opt.warmup ? c.opt.warmup : c.cfg.warmup;
  if (runs) a.insert(a.end(), {"--runs", std::to_string(*runs)});
  if (windows) a.insert(a.end(), {"--windows", std::to_string(*windows)});
  if (warmup) a.insert(a.end(), {"--warmup", std::to_string(*warmup)});
  if (const std::string l = labels_arg(c); !l.empty()) a.insert(a.end(), {"--label", l});
  std::ostringstream out, err;
  const int rc = service_main("submit", a, out, err);
  *c.err << err.str();
  const json j = json::parse(out.str(), nullptr, false);
  if (rc == kExitOk && j.is_object() && j.contains("data")) return j;
  if (j.is_object() && j.contains("state")) *job = j;  // the failed job
  if (j.is_object() && j.contains("job_id")) {
    *job = {{"id", j["job_id"]}};
    throw std::runtime_error("the candidate's output check failed (job " +
                             std::to_string(j.value("job_id", 0)) + "): not a timing result");
  }
  // The submit command's last error line says what happened.
  std::string why = err.str(), line, last;
  std::istringstream ls(why);
  while (std::getline(ls, line))
    if (line.rfind("error:", 0) == 0) last = line.substr(7);
  throw std::runtime_error(last.empty() ? "submit failed (exit " + std::to_string(rc) + ")" : last);
}

// Per-window samples of the baseline jobs' results, fetched once each.
class BaselineResults {
 public:
  explicit BaselineResults(const ApiClient& api) : api_(api) {}
  const json& data(int64_t job_id) {
    auto it = cache_.find(job_id);
    if (it != cache_.end()) return it->second;
    json d = json::object();
    try {
      d = api_.get("/api/v1/results/" + std::to_string(job_id)).value("data", json::object());
    } catch (const hb::agent::HttpError& e) {
      if (e.unreachable()) throw;
    }
    return cache_[job_id] = d;
  }

 private:
  const ApiClient& api_;
  std::map<int64_t, json> cache_;
};

// Judges every metric the candidate's result carries against its baseline.
std::vector<MetricVerdict> judge_result(Context& c, const json& rec,
                                        const std::vector<BaselineRow>& rows,
                                        BaselineResults& base_results, int64_t* baseline_job) {
  const json data = rec.value("data", json::object());
  const bool emulated = hbs::metrics::is_emulated(data);
  const std::string board_id = rec.value("board_id", "");
  std::vector<MetricVerdict> out;
  for (const auto& [metric, value] : hbs::metrics::extract(data)) {
    MetricInput in;
    in.metric = metric;
    in.candidate = value;
    in.threshold =
        c.cfg.thresholds.count(metric) ? c.cfg.thresholds[metric] : default_threshold(metric);
    in.deterministic = emulated || is_size_metric(metric);
    auto row = select_baseline(rows, metric, board_id, c.opt.base_branch, c.opt.merge_base);
    // Timed on another basis (another latency method): no baseline for a time
    // metric, rather than a regression or an improvement.
    if (row && hbs::metrics::is_time_metric(metric) &&
        hbs::metrics::latency_method(base_results.data(row->job_id)) !=
            hbs::metrics::latency_method(data))
      row.reset();
    if (row) {
      in.baseline = row->value;
      if (!*baseline_job || metric == "latency_us") *baseline_job = row->job_id;
      if (!in.deterministic) {
        in.baseline_samples = hbs::metrics::window_samples(base_results.data(row->job_id), metric);
        in.candidate_samples = hbs::metrics::window_samples(data, metric);
      }
    }
    out.push_back(judge(in, c.cfg.noise));
  }
  return out;
}

GateOutcome gate_one(Context& c, const Candidate& cand) {
  GateOutcome g;
  g.model_key = cand.key;
  g.source = cand.path;
  std::ostream& err = *c.err;
  json job;
  json rec;
  try {
    err << "gate: " << cand.key << " (" << cand.path << ") on " << c.opt.board << "\n";
    const std::vector<std::string> src = cand.firmware
                                             ? std::vector<std::string>{"--firmware", cand.path}
                                             : std::vector<std::string>{cand.path};
    rec = submit_and_wait(c, src, c.opt.board, &job);
  } catch (const std::exception& e) {
    g.verdict = "error";
    g.message = e.what();
    if (job.is_object() && job.contains("id")) g.job_id = job["id"].get<int64_t>();
    if (job.is_object()) g.profile = job.value("board", json::object()).value("profile", "");
    if (g.profile.empty()) g.profile = c.opt.board;
    return g;
  }
  g.job_id = rec.value("job_id", int64_t{0});
  g.model_id = rec.value("model_id", "");
  g.profile = rec.value("profile_id", "");
  g.board_id = rec.value("board_id", "");
  g.emulated = hbs::metrics::is_emulated(rec.value("data", json::object()));
  if (g.model_id.empty()) {
    g.model_id = rec.value("data", json::object()).value("firmware_sha256", "");
  }

  BaselineResults base_results(*c.api);
  const std::string bt =
      "/api/v1/baselines?model=" + url_encode(cand.key) + "&profile=" + url_encode(g.profile);
  const std::vector<BaselineRow> rows = baseline_rows(c.api->get(bt));
  g.metrics = judge_result(c, rec, rows, base_results, &g.baseline_job_id);
  g.verdict = overall(g.metrics);
  bool any_baseline = false;
  for (const auto& m : g.metrics) any_baseline = any_baseline || m.baseline.has_value();
  if (!any_baseline) {
    g.message = "no accepted baseline for " + cand.key + " on " + g.profile + " yet";
    if (c.opt.require_baseline) g.verdict = "error";
  }

  // A suspected regression on a real board: confirm it on a second unit.
  if (g.verdict == "regression" && !g.emulated) {
    const json boards = c.api->get("/api/v1/boards");
    const auto sel = confirmation_selector(boards, g.profile, g.board_id);
    if (!sel) {
      g.message = "regression seen on " + g.board_id +
                  "; no second unit of this board type to confirm it on";
    } else {
      err << "gate: suspected regression on " << g.board_id << "; confirming on " << *sel << "\n";
      json job2;
      try {
        const std::vector<std::string> src2 =
            cand.firmware ? std::vector<std::string>{"--firmware", cand.path}
                          : std::vector<std::string>{"--model-id", g.model_id};
        const json rec2 = submit_and_wait(c, src2, *sel, &job2);
        int64_t unused = 0;
        const auto again = judge_result(c, rec2, rows, base_results, &unused);
        const std::string b2 = rec2.value("board_id", "");
        if (overall(again) == "regression") {
          g.message = "regression confirmed on a second unit, " + b2 + " (job " +
                      std::to_string(rec2.value("job_id", 0)) + ")";
        } else {
          g.verdict = "pass";
          g.message = "a regression seen on " + g.board_id + " did not show on a second unit, " +
                      b2 + " (job " + std::to_string(rec2.value("job_id", 0)) +
                      "): treated as noise";
          g.metrics = again;
        }
      } catch (const std::exception& e) {
        g.verdict = "error";
        g.message = std::string("could not confirm a suspected regression: ") + e.what();
      }
    }
  }
  return g;
}

// POST /gates; then, with --accept on the base branch, POST /baselines.
void record(Context& c, GateOutcome& g) {
  if (!g.job_id) return;
  json body = {{"job_id", g.job_id},
               {"model_key", g.model_key},
               {"verdict", g.verdict},
               {"metrics", hbs::gate_metrics_json(g.metrics)}};
  if (g.baseline_job_id) body["baseline_job_id"] = g.baseline_job_id;
  try {
    g.gate_id = c.api->post("/api/v1/gates", body).value("id", int64_t{0});
  } catch (const std::exception& e) {
    *c.err << "warning: the verdict was not recorded: " << e.what() << "\n";
  }
  if (!c.opt.accept || g.verdict != "pass") return;
  if (c.opt.base_branch.empty() || c.opt.branch != c.opt.base_branch) {
    *c.err << "gate: --accept: " << g.model_key << " not recorded as baseline (branch '"
           << c.opt.branch << "' is not the base branch '" << c.opt.base_branch << "')\n";
    return;
  }
  try {
    c.api->post("/api/v1/baselines",
                {{"job_id", g.job_id},
                 {"model_key", g.model_key},
                 {"board_specific", !g.emulated},
                 {"reason", std::string(kGateReasonPrefix) + " passed on " + c.opt.branch +
                                (c.opt.commit.empty() ? "" : "@" + c.opt.commit)}});
    g.accepted = true;
    g.message += std::string(g.message.empty() ? "" : "; ") + "recorded as the new baseline";
  } catch (const std::exception& e) {
    g.verdict = "error";
    g.message = std::string("could not record the baseline: ") + e.what();
  }
}

void write_file(const std::string& path, const std::string& text) {
  if (path.empty()) return;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw UsageError{"cannot read " + path};
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace

int gate_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Context c;
  c.err = &err;
  std::vector<GateOutcome> outcomes;
  try {
    c.opt = parse(args);
    // Settings: --config, else ./.hilbench.yml when present.
    fs::path cfg_dir = ".";
    std::string cfg_path = c.opt.config_path;
    if (cfg_path.empty() && fs::exists(".hilbench.yml")) cfg_path = ".hilbench.yml";
    c.cfg = default_config();
    if (!cfg_path.empty()) {
      try {
        c.cfg = parse_config(read_text(cfg_path));
      } catch (const ConfigError& e) {
        throw UsageError{cfg_path + ": " + e.what()};
      }
      cfg_dir = fs::path(cfg_path).parent_path();
    }
    Options& o = c.opt;
    if (o.server.empty()) o.server = env("HILBENCH_SERVER");
    if (o.server.empty()) o.server = c.cfg.server;
    if (o.server.empty()) o.server = default_server();
    if (o.token.empty()) o.token = default_token();
    if (o.board.empty()) o.board = c.cfg.board;
    if (o.board.empty())
      throw UsageError{"--board SELECTOR (or board: in .hilbench.yml) is required"};
    if (o.branch.empty())
      o.branch = first_env({"GITHUB_HEAD_REF", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
                            "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"});
    if (o.commit.empty()) o.commit = first_env({"GITHUB_SHA", "CI_COMMIT_SHA"});
    if (o.merge_base.empty())
      o.merge_base = first_env({"HILBENCH_MERGE_BASE", "CI_MERGE_REQUEST_DIFF_BASE_SHA"});
    if (o.base_branch.empty())
      o.base_branch = first_env({"GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"});
    if (o.base_branch.empty()) o.base_branch = c.cfg.base_branch;

    std::vector<Candidate> cands;
    if (!o.firmware.empty()) {
      cands.push_back(
          {o.name.empty() ? fs::path(o.firmware).filename().string() : o.name, o.firmware, true});
    } else if (!o.models.empty()) {
      if (!o.name.empty() && o.models.size() > 1)
        throw UsageError{"--name names one model; give one MODEL with it"};
      for (const auto& m : o.models) {
        std::string key = o.name;
        for (const auto& cm : c.cfg.models)  // the settings file may name it
          if (key.empty() && fs::path(cm.path).lexically_normal() == fs::path(m).lexically_normal())
            key = cm.name;
        if (key.empty()) key = fs::path(m).filename().string();
        cands.push_back({key, m, false});
      }
    } else {
      for (const auto& cm : c.cfg.models) {
        const fs::path p = fs::path(cm.path).is_absolute() ? fs::path(cm.path) : cfg_dir / cm.path;
        cands.push_back({cm.name.empty() ? p.filename().string() : cm.name, p.string(), false});
      }
    }
    if (cands.empty())
      throw UsageError{
          "nothing to gate: give MODEL.tflite, --firmware ELF or models: in .hilbench.yml"};
    for (const auto& cd : cands)
      if (!fs::exists(cd.path)) throw UsageError{"no such file: " + cd.path};

    try {
      c.api = std::make_unique<ApiClient>(o.server, o.token);
    } catch (const std::exception& e) {
      throw UsageError{std::string("--server: ") + e.what()};
    }
    for (const auto& cd : cands) {
      GateOutcome g;
      try {
        g = gate_one(c, cd);
      } catch (const std::exception& e) {  // the API: unreachable, refused, odd replies
        g.model_key = cd.key;
        g.source = cd.path;
        g.profile = c.opt.board;
        g.verdict = "error";
        g.message = std::string("infrastructure: ") + e.what();
      }
      record(c, g);
      err << "gate: " << g.model_key << ": " << g.verdict
          << (g.message.empty() ? "" : " (" + g.message + ")") << "\n";
      outcomes.push_back(std::move(g));
    }
  } catch (const UsageError& e) {
    if (!e.msg.empty()) err << "error: " << e.msg << "\n";
    err << kUsage;
    return kGateError;
  }
  const std::string md = markdown(outcomes, c.opt.branch, c.opt.commit);
  out << md;
  try {
    write_file(c.opt.markdown_file, md);
    write_file(c.opt.junit_file, junit_xml(outcomes));
    write_file(c.opt.json_file, report_json(outcomes, c.opt.branch, c.opt.commit).dump(2) + "\n");
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return kGateError;
  }
  return exit_code(outcomes);
}

}  // namespace hb_cli
