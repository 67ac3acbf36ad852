// board_cmd.cc: `hilbench board ...` (see board_cmd.h).
#include "board_cmd.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "driver/board_session.h"
#include "driver/device_profile.h"
#include "driver/driver_error.h"
#include "driver/elf_symbols.h"
#include "driver/energy_estimate.h"
#include "driver/host_tools.h"
#include "hb/plan_format.h"
#include "hbc/compile.h"
#include "hbc/error.h"
#include "hbc/model.h"
#include "model_cmd.h"
#include "text_format.h"

namespace hb_cli {
namespace {

namespace fs = std::filesystem;
namespace drv = hb::driver;
using nlohmann::json;

const char kUsage[] =
    "usage:\n"
    "  hilbench board list [--json] [--profiles DIR]\n"
    "  hilbench board run --board ID|PROFILE.json --model FILE.tflite|PLAN [--input FILE]\n"
    "                     [--runs N] [--warmup W] [--rounding double|single]\n"
    "                     [--transfer bin|hex] [--timeout-ms T] [--no-layers] [--json]\n"
    "                     [--firmware DIR] [--plugin SO] [--profiles DIR] [--shared DIR]\n";

constexpr const char* kEmulatedLabel = "emulated: instruction count, no pipeline/cache model";

struct UsageError {
  std::string msg;
};
// A job error found by the command itself (not by the driver).
struct JobError {
  std::string msg;
};

struct Args {
  std::string cmd;
  std::string board, model, input, firmware, plugin, profiles, shared;
  std::optional<hbc::Rounding> rounding;
  uint32_t runs = 10, warmup = 1;
  uint32_t timeout_ms = 0;  // 0: derived from runs + warmup
  bool json = false, layers = true;
  drv::InputTransfer transfer = drv::InputTransfer::kBinary;
};

uint32_t parse_u32(const std::string& opt, const std::string& v, uint32_t min) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || x > UINT32_MAX || x < min || v[0] == '-') {
    throw UsageError{opt + " needs an integer >= " + std::to_string(min) + ", not '" + v + "'"};
  }
  return static_cast<uint32_t>(x);
}

Args parse(const std::vector<std::string>& a) {
  if (a.empty()) throw UsageError{"missing subcommand"};
  Args r;
  r.cmd = a[0];
  if (r.cmd != "list" && r.cmd != "run") throw UsageError{"unknown subcommand '" + r.cmd + "'"};
  const bool run = r.cmd == "run";
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string& w = a[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= a.size()) throw UsageError{w + " needs a value"};
      return a[++i];
    };
    if (w == "--json") {
      r.json = true;
    } else if (w == "--profiles") {
      r.profiles = value();
    } else if (run && w == "--board") {
      r.board = value();
    } else if (run && w == "--model") {
      r.model = value();
    } else if (run && w == "--input") {
      r.input = value();
    } else if (run && w == "--runs") {
      r.runs = parse_u32(w, value(), 1);
    } else if (run && w == "--warmup") {
      r.warmup = parse_u32(w, value(), 0);
    } else if (run && w == "--timeout-ms") {
      r.timeout_ms = parse_u32(w, value(), 1);
    } else if (run && w == "--firmware") {
      r.firmware = value();
    } else if (run && w == "--plugin") {
      r.plugin = value();
    } else if (run && w == "--shared") {
      r.shared = value();
    } else if (run && w == "--no-layers") {
      r.layers = false;
    } else if (run && w == "--transfer") {
      const std::string v = value();
      if (v == "bin")
        r.transfer = drv::InputTransfer::kBinary;
      else if (v == "hex")
        r.transfer = drv::InputTransfer::kHex;
      else
        throw UsageError{"--transfer must be bin or hex, not '" + v + "'"};
    } else if (run && w == "--rounding") {
      const std::string v = value();
      if (v == "double")
        r.rounding = hbc::Rounding::kDouble;
      else if (v == "single")
        r.rounding = hbc::Rounding::kSingle;
      else
        throw UsageError{"--rounding must be double or single, not '" + v + "'"};
    } else {
      throw UsageError{"unknown option '" + w + "' for '" + r.cmd + "'"};
    }
  }
  if (run && r.board.empty()) throw UsageError{"run needs --board ID"};
  if (run && r.model.empty()) throw UsageError{"run needs --model FILE"};
  return r;
}

// The explicit path, else $env, else the first of `rels` found from here or
// beside the executable, else the first of `rels` as it is.
fs::path locate(const std::string& explicit_path, const char* env,
                const std::vector<std::string>& rels) {
  return drv::locate(explicit_path, env, rels).value_or(rels.front());
}

std::vector<uint8_t> read_bytes(const fs::path& p, bool job) {
  std::ifstream f(p, std::ios::binary);
  if (!f) {
    const std::string m = "cannot open '" + p.string() + "'";
    if (job) throw JobError{m};
    throw drv::DriverError::Io(m);
  }
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// ---- list -------------------------------------------------------------------------

std::vector<drv::DeviceProfile> load_profiles(const fs::path& dir, std::ostream& err) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  if (ec) throw drv::DriverError::BadProfile("cannot read profiles folder '" + dir.string() + "'");
  std::sort(files.begin(), files.end());
  std::vector<drv::DeviceProfile> out;
  for (const auto& f : files) {
    try {
      out.push_back(drv::load_device_profile(f));
    } catch (const drv::DriverError& e) {
      err << "warning: skipping " << f.string() << ": " << e.what() << "\n";
    }
  }
  return out;
}

int cmd_list(const Args& a, std::ostream& out, std::ostream& err) {
  const fs::path dir = locate(a.profiles, "HB_PROFILES_DIR", {"device-profiles"});
  const auto profiles = load_profiles(dir, err);
  const json probes = drv::probe_report();
  if (a.json) {
    json j;
    j["profiles_dir"] = dir.string();
    j["boards"] = json::array();
    for (const auto& p : profiles) {
      json b = {{"id", p.id},
                {"name", p.name},
                {"core", p.core},
                {"clock_hz", p.clock_hz},
                {"emulated", p.emulated},
                {"ram_bytes", p.ram.size},
                {"flash_bytes", p.flash.size},
                {"arena_bytes", p.arena_bytes},
                {"model_partition_bytes", p.model_partition.size}};
      if (p.qemu)
        b["qemu"] = {{"machine", p.qemu->machine}, {"icount_shift", p.qemu->icount_shift}};
      if (p.probe) b["probe"] = {{"pyocd_target", p.probe->pyocd_target}};
      j["boards"].push_back(b);
    }
    j["host"] = probes;
    out << j.dump(2) << "\n";
    return kExitOk;
  }
  out << "device profiles (" << dir.string() << "):\n";
  out << std::left << std::setw(15) << "id" << std::setw(11) << "kind" << std::setw(14) << "core"
      << std::right << std::setw(9) << "clock" << std::setw(10) << "RAM" << std::setw(10) << "flash"
      << std::setw(10) << "arena"
      << "  name\n";
  for (const auto& p : profiles) {
    out << std::left << std::setw(15) << p.id << std::setw(11) << (p.emulated ? "emulated" : "real")
        << std::setw(14) << p.core << std::right << std::setw(5)
        << fmt(p.clock_hz / 1e6, p.clock_hz % 1000000 ? 1 : 0) << " MHz" << std::setw(7)
        << p.ram.size / 1024 << " KiB" << std::setw(7) << p.flash.size / 1024 << " KiB"
        << std::setw(7) << p.arena_bytes / 1024 << " KiB"
        << "  " << p.name << "\n";
  }
  out << "\nhost probes and serial ports:\n";
  const auto& ports = probes["serial_ports"];
  out << "  serial ports   "
      << (ports.empty() ? std::string("none found (no /dev/ttyACM*, /dev/ttyUSB*)") : "");
  for (size_t i = 0; i < ports.size(); ++i) out << (i ? ", " : "") << ports[i].get<std::string>();
  out << "\n  pyocd          ";
  if (!probes["pyocd"]["installed"].get<bool>()) {
    out << "not installed: no probe scan\n";
  } else {
    std::string l = probes["pyocd"]["list"].get<std::string>();
    const bool modern = probes["pyocd"].value("tool", "pyocd") == "pyocd";
    out << (modern ? "pyocd list:\n" : "pyocd-flashtool --list:\n") << l
        << (l.empty() || l.back() != '\n' ? "\n" : "");
  }
  out << "  openocd        ";
  if (!probes["openocd"]["installed"].get<bool>()) {
    out << "not installed\n";
  } else {
    out << "installed (" << probes["openocd"]["version"].get<std::string>()
        << "); it cannot list probes without a board config: none probed\n";
  }
  return kExitOk;
}

// ---- run --------------------------------------------------------------------------

struct GoldenMatch {
  std::string name;
  std::vector<uint8_t> input, output;
};

// The shared model whose sha256 is the plan's, with its lcg case, if any.
std::optional<GoldenMatch> find_golden(const fs::path& shared, const std::string& sha) {
  const fs::path manifest = shared / "golden/manifest.json";
  std::ifstream f(manifest);
  if (!f) return std::nullopt;
  json m;
  try {
    m = json::parse(f);
  } catch (const json::exception&) {
    return std::nullopt;
  }
  if (!m.contains("models") || !m["models"].is_array()) return std::nullopt;
  for (const auto& e : m["models"]) {
    if (!e.contains("sha256") || e["sha256"] != sha || !e.contains("name")) continue;
    const std::string name = e["name"];
    const fs::path in = shared / "golden" / name / "lcg.input.bin";
    const fs::path outp = shared / "golden" / name / "lcg.output.bin";
    if (!fs::exists(in) || !fs::exists(outp)) return std::nullopt;
    return GoldenMatch{name, read_bytes(in, false), read_bytes(outp, false)};
  }
  return std::nullopt;
}

bool is_plan(const std::vector<uint8_t>& b) {
  uint32_t magic = 0;
  if (b.size() >= 4) std::memcpy(&magic, b.data(), 4);
  return b.size() >= 4 && magic == HB_PLAN_MAGIC;
}

drv::DeviceProfile resolve_profile(const Args& a, fs::path* path) {
  fs::path p = a.board;
  if (p.extension() != ".json") {
    p = locate(a.profiles, "HB_PROFILES_DIR", {"device-profiles"}) / (a.board + ".json");
  }
  if (!fs::exists(p))
    throw JobError{"no device profile '" + a.board + "' (looked for " + p.string() + ")"};
  *path = p;
  return drv::load_device_profile(p);
}

std::string hex_bytes(const std::vector<uint8_t>& v, size_t max) {
  std::string s;
  char b[4];
  for (size_t i = 0; i < v.size() && i < max; ++i) {
    std::snprintf(b, sizeof b, "%02x", v[i]);
    s += b;
  }
  return s + (v.size() > max ? "..." : "");
}

int cmd_run(const Args& a, std::ostream& out) {
  fs::path profile_path;
  const drv::DeviceProfile profile = resolve_profile(a, &profile_path);
  const std::optional<drv::PowerModel> power = drv::load_power_model(profile_path);

  // Model -> plan.
  const std::vector<uint8_t> file = read_bytes(a.model, true);
  std::vector<uint8_t> plan;
  if (is_plan(file)) {
    plan = file;
    if (a.rounding && file.size() >= sizeof(hb_plan_header)) {
      hb_plan_header h;
      std::memcpy(&h, file.data(), sizeof h);
      const bool single = h.flags & HB_PLAN_FLAG_SINGLE_ROUNDING;
      if (single != (*a.rounding == hbc::Rounding::kSingle)) {
        throw JobError{"--rounding disagrees with the plan, compiled for " +
                       std::string(single ? "single" : "double") + " rounding"};
      }
    }
  } else {
    hbc::CompileOptions co;
    if (a.rounding) co.rounding = *a.rounding;
    plan = hbc::compile_plan(hbc::read_tflite(file), co);
  }
  const drv::PlanSummary sum = drv::summarize_plan(plan);

  // Firmware, and the refusal of a plan that does not fit, before any emulator starts.
  const fs::path fw = locate(a.firmware, "HB_FW_BUILD_DIR", {"firmware", "build/firmware"});
  const fs::path elf = fw / profile.id / "harness.elf";
  if (!fs::exists(elf)) {
    throw drv::DriverError::BadProfile("no harness firmware for " + profile.id + " at " +
                                       elf.string() +
                                       " (build firmware-harness, or --firmware DIR)");
  }
  const drv::ElfSymbols syms = drv::ElfSymbols::load(elf);
  std::optional<uint64_t> input_capacity;
  if (auto s = syms.find("g_db")) input_capacity = s->size;  // the harness's db buffer
  const auto problems = drv::plan_fit_problems(profile, sum, input_capacity);
  if (!problems.empty()) {
    std::string m = "the plan does not fit " + profile.id + ": ";
    for (size_t i = 0; i < problems.size(); ++i) m += (i ? "; " : "") + problems[i];
    throw JobError{m};
  }

  // Input: the user's, else the golden lcg input of a shared model, else the LCG stream.
  const fs::path shared = locate(a.shared, "HB_SHARED_DIR", {"../shared"});
  const std::optional<GoldenMatch> golden = find_golden(shared, sum.sha256_hex);
  std::vector<uint8_t> input;
  std::string input_source;
  if (!a.input.empty()) {
    input = read_bytes(a.input, true);
    input_source = a.input;
  } else if (golden) {
    input = golden->input;
    input_source = "golden " + golden->name + "/lcg.input.bin";
  } else {
    input = drv::lcg_bytes(sum.input_bytes, 1);
    input_source = "LCG seed 1 (golden/README.md), " + std::to_string(sum.input_bytes) + " bytes";
  }
  if (input.size() != sum.input_bytes) {
    throw JobError{"input has " + std::to_string(input.size()) +
                   " bytes; the model's inputs need " + std::to_string(sum.input_bytes)};
  }
  // Expected output: the host runtime on the same plan and input.
  std::vector<std::vector<uint8_t>> expected;
  try {
    expected = drv::host_reference_outputs(plan, input);
  } catch (const drv::DriverError& e) {
    throw JobError{e.what()};
  }

  drv::BoardSessionOptions so;
  so.harness_elf = elf;
  fs::path plugin =
      locate(a.plugin, "HB_ICOUNT_PLUGIN", {(fw / "qemu-plugin/libhb_icount.so").string()});
  if (fs::exists(plugin)) so.icount_plugin = plugin;
  if (const char* q = std::getenv("HB_QEMU"); q && *q) so.qemu_binary = q;
  const uint32_t timeout_ms =
      a.timeout_ms ? a.timeout_ms : 20000u + 2000u * std::min<uint32_t>(a.runs + a.warmup, 100000u);
  drv::BoardSession session(profile, so);
  const drv::BoardRunResult r = session.run(
      plan, input, a.runs, a.warmup, std::chrono::milliseconds(timeout_ms), a.transfer, a.layers);
  session.stop();  // emulator gone before we print

  // ---- figures ----
  const double timer_hz = r.latency.timer_hz ? static_cast<double>(*r.latency.timer_hz)
                                             : static_cast<double>(profile.timer_hz);
  auto us = [&](std::optional<uint64_t> t) -> std::optional<double> {
    if (!t || timer_hz <= 0) return std::nullopt;
    return *t / timer_hz * 1e6;
  };
  const uint32_t n = r.infer.iterations;
  std::optional<double> mean_ticks;
  if (r.latency.total && r.latency.count && *r.latency.count) {
    mean_ticks = static_cast<double>(*r.latency.total) / *r.latency.count;
  }
  const std::optional<double> ipi = r.insns_per_inference();
  std::optional<double> insn_us;  // instructions x 2^shift ns
  if (ipi && profile.qemu) insn_us = *ipi * std::ldexp(1.0, profile.qemu->icount_shift) / 1000.0;
  std::optional<double> tick_us =
      mean_ticks ? std::optional<double>(*mean_ticks / timer_hz * 1e6) : std::nullopt;
  std::optional<double> rel_diff;
  if (insn_us && tick_us && *tick_us > 0) rel_diff = std::fabs(*insn_us - *tick_us) / *tick_us;
  const bool agree = rel_diff && *rel_diff < 0.005;
  // QEMU's virtual clock advances 2^shift ns per instruction, which is not the
  // board's clock period: the latency we report for an emulated board is the
  // instruction count at the profile's clock, one instruction per cycle.
  std::optional<double> clock_us;
  if (ipi && profile.qemu && profile.clock_hz) clock_us = *ipi / profile.clock_hz * 1e6;
  const std::optional<double> latency_us = clock_us ? clock_us : tick_us;

  // Output check.
  bool pass = r.outputs.size() == expected.size();
  size_t mismatches = 0;
  for (size_t i = 0; i < r.outputs.size() && i < expected.size(); ++i) {
    const auto& got = r.outputs[i].data;
    if (got.size() != expected[i].size()) {
      pass = false;
      mismatches += std::max(got.size(), expected[i].size());
      continue;
    }
    for (size_t k = 0; k < got.size(); ++k) mismatches += got[k] != expected[i][k];
  }
  pass = pass && mismatches == 0;
  std::optional<bool> golden_pass;
  const bool double_rounding = !(sum.flags & HB_PLAN_FLAG_SINGLE_ROUNDING);
  if (golden && a.input.empty() && double_rounding) {
    std::vector<uint8_t> all;
    for (const auto& o : r.outputs) all.insert(all.end(), o.data.begin(), o.data.end());
    golden_pass = all == golden->output;
  }

  // Layers: the 5 slowest.
  std::vector<drv::HbLayer> slow;
  uint64_t layer_total = 0;
  if (r.layers) {
    slow = r.layers->layers;
    for (const auto& l : slow) layer_total += l.ticks.value_or(0);
    std::stable_sort(slow.begin(), slow.end(), [](const auto& x, const auto& y) {
      return x.ticks.value_or(0) > y.ticks.value_or(0);
    });
    if (slow.size() > 5) slow.resize(5);
  }
  auto mem = [&](const char* k) -> std::optional<uint64_t> {
    auto it = r.memory.find(k);
    return it == r.memory.end() ? std::nullopt : it->second;
  };
  std::optional<drv::EnergyEstimate> energy;
  if (power && latency_us) {
    energy = drv::estimate_energy(*power, profile.clock_hz, *latency_us / 1e6);
  }
  const double in_rate = r.input_seconds > 0 ? input.size() / r.input_seconds : 0;
  const char* transfer = r.input_transfer == drv::InputTransfer::kBinary ? "hb-bin" : "db hex";

  if (a.json) {
    json j;
    j["board"] = profile.id;
    j["emulated"] = profile.emulated;
    j["model"] = a.model;
    j["model_sha256"] = sum.sha256_hex;
    j["golden_model"] = golden ? json(golden->name) : json(nullptr);
    j["plan_bytes"] = sum.total_size;
    j["rounding"] = double_rounding ? "double" : "single";
    j["input"] = {{"source", input_source},
                  {"bytes", input.size()},
                  {"transfer", transfer},
                  {"seconds", r.input_seconds},
                  {"bytes_per_s", in_rate}};
    j["runs"] = n;
    j["warmup"] = r.infer.warmups;
    json lat;
    lat["method"] = kEmulatedLabel;
    lat["instructions_per_inference"] = ipi ? json(*ipi) : json(nullptr);
    lat["instructions_region"] = r.region_insns ? json(*r.region_insns) : json(nullptr);
    lat["icount_shift"] = profile.qemu ? json(profile.qemu->icount_shift) : json(nullptr);
    lat["instruction_time_us"] = insn_us ? json(*insn_us) : json(nullptr);
    lat["time_at_clock_us"] = clock_us ? json(*clock_us) : json(nullptr);
    lat["latency_us"] = latency_us ? json(*latency_us) : json(nullptr);
    lat["timer"] = r.latency.timer;
    lat["timer_hz"] = timer_hz;
    lat["ticks"] = {{"count", r.latency.count.value_or(0)},
                    {"min", r.latency.min.value_or(0)},
                    {"median", r.latency.median.value_or(0)},
                    {"max", r.latency.max.value_or(0)},
                    {"total", r.latency.total.value_or(0)}};
    lat["median_us"] = us(r.latency.median) ? json(*us(r.latency.median)) : json(nullptr);
    lat["min_us"] = us(r.latency.min) ? json(*us(r.latency.min)) : json(nullptr);
    lat["max_us"] = us(r.latency.max) ? json(*us(r.latency.max)) : json(nullptr);
    lat["mean_tick_us"] = tick_us ? json(*tick_us) : json(nullptr);
    lat["instructions_vs_ticks_rel_diff"] = rel_diff ? json(*rel_diff) : json(nullptr);
    lat["agree"] = agree;
    j["latency"] = lat;
    j["layers_slowest"] = json::array();
    for (const auto& l : slow) {
      j["layers_slowest"].push_back(
          {{"index", l.index},
           {"op", l.op},
           {"tflite_index", l.tflite_index},
           {"ticks", l.ticks.value_or(0)},
           {"share", layer_total ? double(l.ticks.value_or(0)) / layer_total : 0.0}});
    }
    json m;
    for (const auto& [k, v] : r.memory) m[k] = v ? json(*v) : json(nullptr);
    m["plan_arena"] = sum.arena_size;
    j["memory"] = m;
    if (energy) {
      j["energy"] = {
          {"uj_per_inference", energy->energy_uj},
          {"power_mw", energy->power_mw},
          {"method", energy->method},
          {"source", energy->source},
          {"time_basis", clock_us ? "instructions per inference at the profile clock (emulated)"
                                  : "SysTick time per inference"}};
    } else {
      j["energy"] = {{"uj_per_inference", nullptr},
                     {"reason", power ? "no time measured" : std::string(drv::kNoPowerModel)}};
    }
    j["output"] = {{"check", pass ? "PASS" : "FAIL"},
                   {"mismatched_bytes", mismatches},
                   {"bytes", r.outputs.empty() ? 0 : r.outputs[0].data.size()},
                   {"golden", golden_pass ? json(*golden_pass ? "PASS" : "FAIL") : json(nullptr)},
                   {"data_hex", r.outputs.empty() ? "" : hex_bytes(r.outputs[0].data, 64)}};
    out << j.dump(2) << "\n";
    return pass && golden_pass.value_or(true) ? kExitOk : kExitCheckFailed;
  }

  out << "board     " << profile.id << " (" << profile.name << ", " << profile.core << " @ "
      << fmt(profile.clock_hz / 1e6, 1) << " MHz)\n";
  out << "model     " << a.model << (golden ? " (shared model " + golden->name + ")" : "") << "\n";
  out << "plan      " << with_commas(sum.total_size) << " bytes, arena "
      << with_commas(sum.arena_size) << " bytes, " << (double_rounding ? "double" : "single")
      << " rounding\n";
  out << "input     " << input_source << "; sent by " << transfer << " in "
      << fmt(r.input_seconds * 1000, 1) << " ms (" << with_commas(uint64_t(in_rate)) << " B/s)\n";
  out << "runs      " << n << " timed, " << r.infer.warmups << " warmup\n\n";
  out << "latency   [" << kEmulatedLabel << "]\n";
  if (ipi) {
    out << "  instructions / inference  " << with_commas(uint64_t(std::llround(*ipi)))
        << "  (plugin, mean of " << n << "; x 2^" << profile.qemu->icount_shift
        << " ns = " << fmt(*insn_us / 1000, 3) << " ms of QEMU virtual time)\n";
    if (clock_us) {
      out << "  latency at " << fmt(profile.clock_hz / 1e6, 1) << " MHz        "
          << fmt(*clock_us / 1000, 3) << " ms / inference (instructions / clock, 1 per cycle)\n";
    }
  } else {
    out << "  instructions / inference  na (instruction-count plugin not found)\n";
  }
  out << "  " << r.latency.timer << " ticks @ " << fmt(timer_hz / 1e6, 3) << " MHz  median "
      << with_commas(r.latency.median.value_or(0)) << " = "
      << fmt(us(r.latency.median).value_or(0) / 1000, 3) << " ms, min "
      << fmt(us(r.latency.min).value_or(0) / 1000, 3) << " ms, max "
      << fmt(us(r.latency.max).value_or(0) / 1000, 3) << " ms\n";
  if (rel_diff) {
    out << "  instructions vs ticks     " << (agree ? "agree" : "DISAGREE") << " (differ by "
        << fmt(*rel_diff * 100, 3) << "%)\n";
  }
  if (r.layers) {
    out << "\nslowest layers (of " << r.layers->layers.size() << ", one profiled inference)\n";
    for (const auto& l : slow) {
      out << "  #" << std::left << std::setw(4) << l.index << std::setw(20) << l.op << std::right
          << std::setw(12) << with_commas(l.ticks.value_or(0)) << " ticks  " << std::setw(5)
          << fmt(layer_total ? 100.0 * l.ticks.value_or(0) / layer_total : 0, 1) << "%\n";
    }
  }
  auto mline = [&](const char* label, std::optional<uint64_t> v) {
    out << "  " << std::left << std::setw(20) << label << std::right << std::setw(12)
        << (v ? with_commas(*v) : std::string("na")) << " bytes\n";
  };
  out << "\nmemory\n";
  mline("arena (plan)", sum.arena_size);
  mline("arena capacity", mem("arena-capacity"));
  mline("stack high-water", mem("stack-used"));
  mline("stack size", mem("stack-size"));
  mline("static RAM", mem("static-ram"));
  mline("harness flash", mem("flash-harness"));
  mline("plan flash", mem("flash-plan"));
  out << "\nenergy    ";
  if (energy) {
    out << fmt(energy->energy_uj, 1) << " uJ / inference (estimate)\n  method  " << energy->method
        << ", time = "
        << (clock_us ? "instructions per inference at the profile clock (emulated)"
                     : "SysTick time per inference")
        << "\n  source  " << energy->source << "\n";
  } else {
    out << (power ? "no estimate: no time measured" : std::string(drv::kNoPowerModel)) << "\n";
  }
  out << "\noutput    " << (pass ? "PASS" : "FAIL") << " (board vs host runtime, byte for byte"
      << (pass ? "" : ", " + std::to_string(mismatches) + " bytes differ") << ")";
  if (golden_pass) out << "; golden lcg output " << (*golden_pass ? "PASS" : "FAIL");
  out << "\n";
  return pass && golden_pass.value_or(true) ? kExitOk : kExitCheckFailed;
}

}  // namespace

int board_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    const Args a = parse(args);
    if (a.cmd == "list") return cmd_list(a, out, err);
    return cmd_run(a, out);
  } catch (const UsageError& e) {
    err << "error: " << e.msg << "\n" << kUsage;
    return kExitUsage;
  } catch (const JobError& e) {
    err << "error: job: " << e.msg << "\n";
    return kExitJob;
  } catch (const hbc::CompileError& e) {
    err << "error: job: " << e.kind_name() << ": " << e.what() << "\n";
    return kExitJob;
  } catch (const hb::driver::DriverError& e) {
    err << "error: " << (e.is_infrastructure() ? "infrastructure" : "job") << ": " << e.kind_name()
        << ": " << e.what() << "\n";
    return e.is_infrastructure() ? kExitInfrastructure : kExitJob;
  } catch (const std::exception& e) {
    err << "error: infrastructure: " << e.what() << "\n";
    return kExitInfrastructure;
  }
}

}  // namespace hb_cli
