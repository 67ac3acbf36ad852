// gate_report.cc: see gate_report.h.
#include "gate_report.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "hbs/gate_json.h"
#include "hbs/result_metrics.h"
#include "text_format.h"

namespace hb_cli::gate {

using nlohmann::json;

int exit_code(const std::vector<GateOutcome>& outcomes) {
  bool regression = false;
  for (const auto& o : outcomes) {
    if (o.verdict == "error") return kGateError;
    regression = regression || o.verdict == "regression";
  }
  if (outcomes.empty()) return kGateError;
  return regression ? kGateRegression : kGatePass;
}

std::string overall_verdict(const std::vector<GateOutcome>& outcomes) {
  switch (exit_code(outcomes)) {
    case kGatePass:
      return "pass";
    case kGateRegression:
      return "regression";
    default:
      return "error";
  }
}

namespace {

std::string signed_value(const std::string& metric, double v) {
  return (v > 0 ? "+" : "") + format_value(metric, v);
}

std::string percent(double delta, double base) {
  if (base == 0) return "";
  const double p = 100.0 * delta / std::fabs(base);
  return " (" + std::string(p > 0 ? "+" : "") + fmt(p, 2) + " %)";
}

std::string verdict_mark(const std::string& v) {
  if (v == "pass") return ":white_check_mark: pass";
  if (v == "regression") return ":x: regression";
  if (v == "no_baseline") return ":new: no baseline";
  return ":warning: error";
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&apos;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, LF, CR.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          o += ' ';
        } else {
          o += c;
        }
    }
  }
  return o;
}

// Markdown table cells must not contain '|' or newlines.
std::string cell(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? '/' : (c == '\n' ? ' ' : c);
  return o;
}

std::string short_sha(const std::string& s) { return s.size() > 12 ? s.substr(0, 12) : s; }

// One outcome's JUnit test cases: one a metric, and one more (an error) when
// the gate could not decide.
struct JunitCounts {
  int tests = 0, failures = 0, errors = 0;
};

JunitCounts junit_counts(const GateOutcome& g) {
  JunitCounts c;
  for (const auto& m : g.metrics) {
    ++c.tests;
    c.failures += m.verdict == "regression";
  }
  if (g.verdict == "error") {
    ++c.tests;
    ++c.errors;
  }
  return c;
}

}  // namespace

std::string format_value(const std::string& metric, double v) {
  if (metric == "latency_us") {
    if (std::fabs(v) >= 1000) return fmt(v / 1000.0, 3) + " ms";
    return fmt(v, 1) + " us";
  }
  if (metric == "energy_uj") return fmt(v, 2) + " uJ";
  return with_commas(std::llround(v)) + " " + hbs::metrics::unit_of(metric);
}

std::string markdown(const std::vector<GateOutcome>& outcomes, const std::string& branch,
                     const std::string& commit) {
  std::ostringstream o;
  const std::string v = overall_verdict(outcomes);
  o << "### hilbench gate: " << verdict_mark(v) << "\n\n";
  if (!branch.empty() || !commit.empty())
    o << "Candidate `" << cell(branch) << (commit.empty() ? "" : "@" + short_sha(commit))
      << "`.\n\n";
  o << "| model | board | metric | baseline | candidate | delta | threshold | verdict |\n"
       "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n";
  for (const auto& g : outcomes) {
    const std::string model = "`" + cell(g.model_key) + "`";
    const std::string board = cell(g.profile) + (g.emulated ? " (emulated)" : "");
    if (g.verdict == "error" && g.metrics.empty()) {
      o << "| " << model << " | " << board << " | - | - | - | - | - | " << verdict_mark("error")
        << ": " << cell(g.message) << " |\n";
      continue;
    }
    for (const auto& m : g.metrics) {
      o << "| " << model << " | " << board << " | " << m.metric << " | "
        << (m.baseline ? format_value(m.metric, *m.baseline) : "-") << " | "
        << format_value(m.metric, m.candidate) << " | "
        << (m.delta ? signed_value(m.metric, *m.delta) +
                          (m.baseline ? percent(*m.delta, *m.baseline) : std::string())
                    : "-")
        << " | " << (m.threshold ? "+" + format_value(m.metric, *m.threshold) : "-") << " | "
        << verdict_mark(m.verdict) << " |\n";
    }
  }
  o << "\n";
  for (const auto& g : outcomes) {
    o << "- `" << cell(g.model_key) << "` on " << g.profile << ": **" << g.verdict << "**";
    if (g.job_id) o << ", job " << g.job_id;
    if (g.baseline_job_id) o << " vs baseline job " << g.baseline_job_id;
    if (!g.board_id.empty()) o << " (board " << g.board_id << ")";
    if (!g.message.empty()) o << ". " << g.message;
    o << "\n";
    for (const auto& m : g.metrics)
      if (!g.emulated && !m.detail.empty() && m.detail.find("Mann-Whitney") != std::string::npos)
        o << "  - " << m.metric << ": " << m.detail << "\n";
  }
  if (!outcomes.empty() && outcomes.front().emulated)
    o << "\nEmulated boards are deterministic: figures are compared exactly against the "
         "threshold (max of absolute and relative x baseline).\n";
  return o.str();
}

std::string junit_xml(const std::vector<GateOutcome>& outcomes) {
  JunitCounts all;
  for (const auto& g : outcomes) {
    const JunitCounts c = junit_counts(g);
    all.tests += c.tests;
    all.failures += c.failures;
    all.errors += c.errors;
  }
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites name=\"hilbench gate\" tests=\"" << all.tests << "\" failures=\""
    << all.failures << "\" errors=\"" << all.errors << "\">\n";
  for (const auto& g : outcomes) {
    const std::string cls = "hilbench.gate." + g.model_key + "." + g.profile;
    const JunitCounts c = junit_counts(g);
    o << "  <testsuite name=\"" << xml_escape(cls) << "\" tests=\"" << c.tests << "\" failures=\""
      << c.failures << "\" errors=\"" << c.errors << "\">\n";
    for (const auto& m : g.metrics) {
      o << "    <testcase classname=\"" << xml_escape(cls) << "\" name=\"" << xml_escape(m.metric)
        << "\">";
      std::string text = "candidate " + format_value(m.metric, m.candidate);
      if (m.baseline) text += ", baseline " + format_value(m.metric, *m.baseline);
      if (m.delta) text += ", delta " + signed_value(m.metric, *m.delta);
      if (m.threshold) text += ", threshold +" + format_value(m.metric, *m.threshold);
      if (!m.detail.empty()) text += "; " + m.detail;
      if (m.verdict == "regression") {
        o << "\n      <failure type=\"regression\" message=\"" << xml_escape(m.metric)
          << " regressed: " << xml_escape(text) << "\">" << xml_escape(text) << "</failure>\n    ";
      } else {
        o << "<system-out>" << xml_escape(m.verdict + ": " + text) << "</system-out>";
      }
      o << "</testcase>\n";
    }
    if (g.verdict == "error") {
      o << "    <testcase classname=\"" << xml_escape(cls) << "\" name=\"gate\">\n"
        << "      <error type=\"error\" message=\"" << xml_escape(g.message) << "\">"
        << xml_escape(g.message) << "</error>\n    </testcase>\n";
    }
    o << "  </testsuite>\n";
  }
  o << "</testsuites>\n";
  return o.str();
}

json report_json(const std::vector<GateOutcome>& outcomes, const std::string& branch,
                 const std::string& commit) {
  json gates = json::array();
  for (const auto& g : outcomes) {
    gates.push_back(
        {{"model_key", g.model_key},
         {"source", g.source},
         {"model_id", g.model_id},
         {"profile", g.profile},
         {"board_id", g.board_id.empty() ? json(nullptr) : json(g.board_id)},
         {"emulated", g.emulated},
         {"job_id", g.job_id ? json(g.job_id) : json(nullptr)},
         {"baseline_job_id", g.baseline_job_id ? json(g.baseline_job_id) : json(nullptr)},
         {"gate_id", g.gate_id ? json(g.gate_id) : json(nullptr)},
         {"verdict", g.verdict},
         {"message", g.message},
         {"accepted", g.accepted},
         {"metrics", hbs::gate_metrics_json(g.metrics)}});
  }
  return {{"verdict", overall_verdict(outcomes)},
          {"exit_code", exit_code(outcomes)},
          {"branch", branch},
          {"commit", commit},
          {"gates", gates}};
}

}  // namespace hb_cli::gate
