// gate_config.cc: see gate_config.h.
#include "gate_config.h"

#include <cstdlib>
#include <set>

#include "hbs/result_metrics.h"

namespace hb_cli::gate {

using nlohmann::json;

namespace {

struct Line {
  int no;            // 1-based, for messages
  size_t indent;     // leading spaces
  std::string text;  // without indentation, comment and trailing spaces
};

[[noreturn]] void fail(int line, const std::string& msg) {
  throw ConfigError("line " + std::to_string(line) + ": " + msg);
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

// Drops a # comment (one that starts the text or follows a space), outside quotes.
std::string strip_comment(const std::string& s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
      return s.substr(0, i);
    }
  }
  return s;
}

// Walks a flow value one character at a time, tracking quotes and {} / []
// nesting, so a caller can find its separators.
class FlowScanner {
 public:
  // Takes the next character; true when it is plain text at the top level:
  // outside quotes and brackets, and not a quote or bracket itself.
  bool top_level(char c) {
    if (quote_) {
      if (c == quote_) quote_ = 0;
    } else if (c == '\'' || c == '"') {
      quote_ = c;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      --depth_;
    } else {
      return depth_ == 0;
    }
    return false;
  }

 private:
  char quote_ = 0;
  int depth_ = 0;
};

// The offset of the ':' that ends a mapping key (followed by a space or the
// end), outside quotes and brackets; npos if none.
size_t key_colon(const std::string& s) {
  FlowScanner scan;
  for (size_t i = 0; i < s.size(); ++i) {
    if (scan.top_level(s[i]) && s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return i;
  }
  return std::string::npos;
}

std::string unquote_key(const std::string& k, int line) {
  const std::string t = trim(k);
  if (t.size() >= 2 && (t.front() == '"' || t.front() == '\'') && t.back() == t.front())
    return t.substr(1, t.size() - 2);
  if (t.empty()) fail(line, "empty mapping key");
  return t;
}

// Splits "a, b, {c: d}" at top-level commas.
std::vector<std::string> split_flow(const std::string& s) {
  std::vector<std::string> out;
  FlowScanner scan;
  std::string cur;
  for (char c : s) {
    if (scan.top_level(c) && c == ',') {
      out.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}

json scalar(const std::string& raw, int line) {
  const std::string s = trim(raw);
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s.front() == '&' || s.front() == '*' || s.front() == '!' || s.front() == '|' ||
      s.front() == '>')
    fail(line, "anchors, aliases, tags and block scalars are not supported: " + s);
  if (s.front() == '"' || s.front() == '\'') {
    if (s.size() < 2 || s.back() != s.front()) fail(line, "unterminated string: " + s);
    std::string body = s.substr(1, s.size() - 2);
    if (s.front() == '\'') {  // '' is a quote inside single quotes
      std::string o;
      for (size_t i = 0; i < body.size(); ++i) {
        o += body[i];
        if (body[i] == '\'' && i + 1 < body.size() && body[i + 1] == '\'') ++i;
      }
      return o;
    }
    std::string o;  // the common escapes only
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\\' && i + 1 < body.size()) {
        const char e = body[++i];
        o += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        o += body[i];
      }
    }
    return o;
  }
  if (s.front() == '{') {
    if (s.back() != '}') fail(line, "unterminated flow mapping: " + s);
    json m = json::object();
    for (const auto& item : split_flow(s.substr(1, s.size() - 2))) {
      const size_t c = key_colon(item);
      if (c == std::string::npos) fail(line, "expected key: value in " + s);
      m[unquote_key(item.substr(0, c), line)] = scalar(item.substr(c + 1), line);
    }
    return m;
  }
  if (s.front() == '[') {
    if (s.back() != ']') fail(line, "unterminated flow sequence: " + s);
    json a = json::array();
    for (const auto& item : split_flow(s.substr(1, s.size() - 2))) a.push_back(scalar(item, line));
    return a;
  }
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  {
    char* end = nullptr;
    const long long i = std::strtoll(s.c_str(), &end, 10);
    if (*end == '\0') return static_cast<int64_t>(i);
    const double d = std::strtod(s.c_str(), &end);
    if (*end == '\0') return d;
  }
  return s;
}

class Parser {
 public:
  explicit Parser(std::vector<Line> lines) : lines_(std::move(lines)) {}

  json document() {
    if (lines_.empty()) return json::object();
    json v = block(lines_[0].indent);
    if (i_ < lines_.size()) fail(lines_[i_].no, "unexpected indentation");
    return v;
  }

 private:
  bool is_item(const Line& l) const { return l.text == "-" || l.text.rfind("- ", 0) == 0; }

  json block(size_t indent) { return is_item(lines_[i_]) ? sequence(indent) : mapping(indent); }

  // The value after "key:" with nothing on its line: a nested block, or null.
  json nested(size_t parent_indent, bool allow_same_indent_sequence) {
    if (i_ >= lines_.size()) return nullptr;
    const Line& l = lines_[i_];
    if (l.indent > parent_indent) return block(l.indent);
    // YAML allows a mapping's sequence value at the key's own indentation.
    if (allow_same_indent_sequence && l.indent == parent_indent && is_item(l))
      return sequence(l.indent);
    return nullptr;
  }

  json sequence(size_t indent) {
    json a = json::array();
    while (i_ < lines_.size() && lines_[i_].indent == indent && is_item(lines_[i_])) {
      Line& l = lines_[i_];
      const std::string rest = l.text == "-" ? "" : l.text.substr(2);
      const size_t lead = rest.find_first_not_of(' ');
      if (rest.empty() || lead == std::string::npos) {
        ++i_;
        a.push_back(nested(indent, false));
      } else if (key_colon(rest) != std::string::npos && rest.front() != '{' &&
                 rest.front() != '"' && rest.front() != '\'') {
        // "- key: value": a mapping whose keys sit where "key" starts.
        l.indent = indent + 2 + lead;
        l.text = rest.substr(lead);
        a.push_back(mapping(l.indent));
      } else {
        a.push_back(scalar(rest, l.no));
        ++i_;
      }
    }
    if (i_ < lines_.size() && lines_[i_].indent > indent)
      fail(lines_[i_].no, "unexpected indentation");
    return a;
  }

  json mapping(size_t indent) {
    json m = json::object();
    while (i_ < lines_.size() && lines_[i_].indent == indent && !is_item(lines_[i_])) {
      const Line l = lines_[i_];
      const size_t c = key_colon(l.text);
      if (c == std::string::npos) fail(l.no, "expected 'key: value', got '" + l.text + "'");
      const std::string key = unquote_key(l.text.substr(0, c), l.no);
      if (m.contains(key)) fail(l.no, "duplicate key '" + key + "'");
      const std::string value = trim(l.text.substr(c + 1));
      ++i_;
      m[key] = value.empty() ? nested(indent, true) : scalar(value, l.no);
    }
    if (i_ < lines_.size() && lines_[i_].indent > indent)
      fail(lines_[i_].no, "unexpected indentation");
    return m;
  }

  std::vector<Line> lines_;
  size_t i_ = 0;
};

double number(const json& v, const std::string& what) {
  if (!v.is_number()) throw ConfigError(what + ": must be a number");
  return v.get<double>();
}

int64_t integer(const json& v, const std::string& what, int64_t lo, int64_t hi) {
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    throw ConfigError(what + ": must be an integer in " + std::to_string(lo) + ".." +
                      std::to_string(hi));
  return v.get<int64_t>();
}

std::string string(const json& v, const std::string& what) {
  if (!v.is_string()) throw ConfigError(what + ": must be a string");
  return v.get<std::string>();
}

}  // namespace

json parse_yaml_subset(const std::string& text) {
  std::vector<Line> lines;
  int no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string raw = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++no;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.find('\t') != std::string::npos && raw.find_first_not_of(' ') == raw.find('\t'))
      fail(no, "tabs cannot indent YAML");
    const std::string body = strip_comment(raw);
    const std::string t = trim(body);
    if (t.empty()) continue;
    if (t == "---" || t == "...") {
      if (!lines.empty()) fail(no, "only one YAML document is supported");
      continue;
    }
    lines.push_back({no, body.find_first_not_of(' '), t});
  }
  return Parser(std::move(lines)).document();
}

GateConfig default_config() {
  GateConfig c;
  for (const auto& m : hbs::metrics::all_metrics()) c.thresholds[m] = default_threshold(m);
  return c;
}

GateConfig parse_config(const std::string& text) {
  GateConfig c = default_config();
  const json y = parse_yaml_subset(text);
  if (!y.is_object()) throw ConfigError("the settings file must be a mapping at the top");
  static const std::set<std::string> kKnown = {"server", "board",      "base_branch",
                                               "runs",   "windows",    "warmup",
                                               "models", "thresholds", "statistics"};
  for (const auto& [k, v] : y.items()) {
    if (!kKnown.count(k)) throw ConfigError("unknown key '" + k + "'");
    if (v.is_null()) continue;
    if (k == "server") c.server = string(v, k);
    if (k == "board") c.board = string(v, k);
    if (k == "base_branch") c.base_branch = string(v, k);
    if (k == "runs") c.runs = integer(v, k, 1, 100000);
    if (k == "windows") c.windows = integer(v, k, 1, 1000);
    if (k == "warmup") c.warmup = integer(v, k, 0, 10000);
  }
  if (y.contains("models") && !y["models"].is_null()) {
    if (!y["models"].is_array()) throw ConfigError("models: must be a list");
    for (const auto& m : y["models"]) {
      GateModel gm;
      if (m.is_string()) {
        gm.path = m.get<std::string>();
      } else if (m.is_object()) {
        for (const auto& [k, v] : m.items()) {
          if (k == "path") {
            gm.path = string(v, "models[].path");
          } else if (k == "name") {
            gm.name = string(v, "models[].name");
          } else {
            throw ConfigError("models[]: unknown key '" + k + "'");
          }
        }
      } else {
        throw ConfigError("models[]: must be a path or {name, path}");
      }
      if (gm.path.empty()) throw ConfigError("models[]: path is required");
      c.models.push_back(gm);
    }
  }
  if (y.contains("thresholds") && !y["thresholds"].is_null()) {
    if (!y["thresholds"].is_object()) throw ConfigError("thresholds: must be a mapping");
    for (const auto& [metric, t] : y["thresholds"].items()) {
      if (!hbs::metrics::is_metric(metric))
        throw ConfigError("thresholds: unknown metric '" + metric +
                          "' (latency_us, instructions, arena_bytes, ram_bytes, flash_bytes, "
                          "energy_uj)");
      if (!t.is_object()) throw ConfigError("thresholds." + metric + ": must be a mapping");
      Threshold th = c.thresholds[metric];
      for (const auto& [k, v] : t.items()) {
        const std::string what = "thresholds." + metric + "." + k;
        if (k == "relative") {
          th.relative = number(v, what);
        } else if (k == "absolute") {
          th.absolute = number(v, what);
        } else {
          throw ConfigError(what + ": unknown key (relative, absolute)");
        }
        if (number(v, what) < 0) throw ConfigError(what + ": must not be negative");
      }
      c.thresholds[metric] = th;
    }
  }
  if (y.contains("statistics") && !y["statistics"].is_null()) {
    if (!y["statistics"].is_object()) throw ConfigError("statistics: must be a mapping");
    for (const auto& [k, v] : y["statistics"].items()) {
      if (k == "alpha") {
        c.noise.alpha = number(v, "statistics.alpha");
        if (c.noise.alpha <= 0 || c.noise.alpha >= 1)
          throw ConfigError("statistics.alpha: must be in (0, 1)");
      } else if (k == "min_windows") {
        c.noise.min_windows = static_cast<int>(integer(v, "statistics.min_windows", 2, 1000));
      } else {
        throw ConfigError("statistics." + k + ": unknown key (alpha, min_windows)");
      }
    }
  }
  return c;
}

}  // namespace hb_cli::gate
