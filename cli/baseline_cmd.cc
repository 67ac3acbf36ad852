// baseline_cmd.cc: see baseline_cmd.h.
#include "baseline_cmd.h"

#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "board_cmd.h"
#include "gate_client.h"
#include "gate_report.h"
#include "model_cmd.h"

namespace hb_cli {
namespace {

using nlohmann::json;
using namespace gate;

constexpr const char* kUsage =
    "usage: hilbench baseline show --model KEY|SHA256 [--board PROFILE] [--all] [--json]\n"
    "       hilbench baseline set JOB [--name KEY] [--metrics m1,m2] [--reason TEXT]\n"
    "                                 [--board-specific] [--json]\n"
    "common: --server URL ($HILBENCH_SERVER), --token T ($HILBENCH_TOKEN)\n";

struct UsageError {
  std::string msg;
};

void print_rows(const json& list, std::ostream& out) {
  const json rows = list.value("baselines", json::array());
  if (rows.empty()) {
    out << "no baselines\n";
    return;
  }
  out << std::left << std::setw(6) << "ID" << std::setw(24) << "MODEL" << std::setw(14) << "PROFILE"
      << std::setw(14) << "METRIC" << std::right << std::setw(18) << "VALUE"
      << "  " << std::left << std::setw(6) << "JOB" << std::setw(22) << "BRANCH@COMMIT"
      << std::setw(8) << "ACTIVE"
      << "REASON\n";
  for (const auto& b : rows) {
    std::string where = b.value("branch", "");
    const std::string commit = b.value("commit", "");
    if (!commit.empty()) where += "@" + commit.substr(0, 10);
    std::string model = b.value("model_key", "");
    if (b["board_id"].is_string()) model += " [" + b["board_id"].get<std::string>() + "]";
    out << std::left << std::setw(6) << b.value("id", 0) << std::setw(24) << model.substr(0, 23)
        << std::setw(14) << b.value("profile", "") << std::setw(14) << b.value("metric", "")
        << std::right << std::setw(18) << format_value(b.value("metric", ""), b.value("value", 0.0))
        << "  " << std::left << std::setw(6) << b.value("job_id", 0) << std::setw(22)
        << where.substr(0, 21) << std::setw(8) << (b.value("active", false) ? "yes" : "-")
        << b.value("reason", "") << "\n";
  }
}

}  // namespace

int baseline_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty() || (args[0] != "show" && args[0] != "set")) throw UsageError{""};
    const std::string sub = args[0];
    std::string server = default_server(), token = default_token();
    std::string model, board, name, metrics, reason;
    bool all = false, as_json = false, board_specific = false;
    std::vector<std::string> pos;
    for (size_t i = 1; i < args.size(); ++i) {
      const std::string& w = args[i];
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw UsageError{"missing value for " + w};
        return args[++i];
      };
      if (w == "--server") {
        server = value();
      } else if (w == "--token") {
        token = value();
      } else if (w == "--json") {
        as_json = true;
      } else if (sub == "show" && w == "--model") {
        model = value();
      } else if (sub == "show" && w == "--board") {
        board = value();
      } else if (sub == "show" && w == "--all") {
        all = true;
      } else if (sub == "set" && w == "--name") {
        name = value();
      } else if (sub == "set" && w == "--metrics") {
        metrics = value();
      } else if (sub == "set" && w == "--reason") {
        reason = value();
      } else if (sub == "set" && w == "--board-specific") {
        board_specific = true;
      } else if (w == "-h" || w == "--help") {
        throw UsageError{""};
      } else if (!w.empty() && w[0] == '-') {
        throw UsageError{"unknown option " + w + " for 'baseline " + sub + "'"};
      } else {
        pos.push_back(w);
      }
    }
    ApiClient api(server, token);
    if (sub == "show") {
      if (!pos.empty()) throw UsageError{"baseline show: unexpected argument " + pos[0]};
      if (model.empty()) throw UsageError{"baseline show: --model KEY|SHA256 is required"};
      std::string t = "/api/v1/baselines?model=" + url_encode(model);
      if (!board.empty()) t += "&profile=" + url_encode(board);
      if (!all) t += "&active=1";
      const json j = api.get(t);
      if (as_json) {
        out << j.dump(2) << "\n";
      } else {
        print_rows(j, out);
      }
      return kExitOk;
    }
    if (pos.size() != 1) throw UsageError{"baseline set: expected one JOB id"};
    json body = {{"job_id", 0}};
    try {
      body["job_id"] = std::stoll(pos[0]);
    } catch (const std::exception&) {
      throw UsageError{"JOB must be a job id"};
    }
    if (!name.empty()) body["model_key"] = name;
    body["reason"] = reason.empty() ? "set by hilbench baseline set" : reason;
    if (reason.rfind(kGateReasonPrefix, 0) == 0)
      throw UsageError{std::string("--reason must not start with '") + kGateReasonPrefix +
                       "' (kept for rows a gate records)"};
    if (board_specific) body["board_specific"] = true;
    if (!metrics.empty()) {
      body["metrics"] = json::array();
      std::stringstream ss(metrics);
      std::string m;
      while (std::getline(ss, m, ','))
        if (!m.empty()) body["metrics"].push_back(m);
    }
    const json j = api.post("/api/v1/baselines", body);
    if (as_json) {
      out << j.dump(2) << "\n";
    } else {
      out << "accepted job " << pos[0] << " as the baseline:\n";
      print_rows(j, out);
    }
    return kExitOk;
  } catch (const UsageError& e) {
    if (!e.msg.empty()) err << "error: " << e.msg << "\n";
    err << kUsage;
    return kExitUsage;
  } catch (const hb::agent::HttpError& e) {
    if (e.unreachable()) {
      err << "error: infrastructure: server unreachable: " << e.what() << "\n";
      return kExitInfrastructure;
    }
    err << "error: HTTP " << e.status() << ": " << e.what() << "\n";
    return e.status() >= 500 ? kExitInfrastructure : kExitUsage;
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return kExitInfrastructure;
  }
}

}  // namespace hb_cli
