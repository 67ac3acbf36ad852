// job_runner.cc: see job_runner.h.
#include "agent/job_runner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "driver/board_session.h"
#include "driver/driver_error.h"
#include "driver/elf_symbols.h"
#include "driver/energy_estimate.h"
#include "driver/firmware_session.h"
#include "hb/plan_format.h"
#include "hbc/compile.h"
#include "hbc/error.h"
#include "hbc/model.h"

namespace hb::agent {

namespace fs = std::filesystem;
namespace drv = hb::driver;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const char* to_string(FailureType t) {
  switch (t) {
    case FailureType::kInfrastructure:
      return "infrastructure";
    case FailureType::kJob:
      return "job";
    case FailureType::kTimeout:
      return "timeout";
  }
  return "infrastructure";
}

namespace {

constexpr const char* kEmulatedMethod =
    "emulated: instruction count at the profile clock (1 instruction per cycle), no pipeline/cache "
    "model";

// The result's energy block: an estimate from the profile's power model and
// the measured time per inference (us), named by `time_basis`; or why there
// is none. A malformed power block costs the estimate, not the job.
json energy_json(const BoardEnvironment& env, const drv::DeviceProfile& profile,
                 double us_per_inference, const char* time_basis) {
  std::optional<drv::PowerModel> power;
  try {
    if (!env.profile_path.empty()) power = drv::load_power_model(env.profile_path);
  } catch (const drv::DriverError&) {
    power.reset();
  }
  if (!power || us_per_inference <= 0) {
    return {{"method", "none"},
            {"reason", power ? "no time measured" : std::string(drv::kNoPowerModel)}};
  }
  const drv::EnergyEstimate e =
      drv::estimate_energy(*power, profile.clock_hz, us_per_inference / 1e6);
  return {{"uj_per_inference", e.energy_uj},
          {"power_mw", e.power_mw},
          {"method", e.method},
          {"source", e.source},
          {"time_basis", time_basis}};
}

std::string fmt(double v, int prec) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

// Emulated boards run under -icount shift=N: the DUT's timer measures virtual
// time, 2^N ns per instruction, which is not the board's clock
// period. Results report the instruction count at the profile's clock, one
// instruction per cycle (as `hilbench board run` does), so every time the DUT
// reports is multiplied by this factor (1 on real boards).
double emulated_time_scale(const drv::DeviceProfile& profile) {
  if (!profile.emulated || !profile.qemu || profile.clock_hz == 0) return 1.0;
  return 1e9 /
         (std::ldexp(1.0, profile.qemu->icount_shift) * static_cast<double>(profile.clock_hz));
}

// The latency block's description of how emulated times were obtained.
std::string emulated_time_basis(const drv::DeviceProfile& profile) {
  return "instructions at the profile clock of " + fmt(profile.clock_hz / 1e6, 3) +
         " MHz, 1 per cycle: the DUT timer's virtual time under -icount shift=" +
         std::to_string(profile.qemu->icount_shift) + " (" +
         fmt(std::ldexp(1.0, profile.qemu->icount_shift), 0) + " ns per instruction) x " +
         fmt(emulated_time_scale(profile), 4);
}

// A driver error while the board runs a job, as the job's failure: a hang
// once the job's time is up is a timeout; an error about the job itself (the
// board refused it) is a job error, "`who` refused the job"; anything else is
// infrastructure, its message prefixed with `infra_prefix`. `remaining` is the
// job's time left.
[[noreturn]] void throw_run_failure(const drv::DriverError& e, milliseconds remaining,
                                    milliseconds timeout, const std::string& who,
                                    const std::string& infra_prefix) {
  const bool hung = e.kind() == drv::DriverError::Kind::kBoardHung ||
                    e.kind() == drv::DriverError::Kind::kTimeout;
  if (hung && remaining.count() <= 0)
    throw JobFailure::Timeout("the job ran past its timeout of " +
                              std::to_string(timeout.count() / 1000) + " s (" + e.what() + ")");
  if (!e.is_infrastructure()) throw JobFailure::Job(who + " refused the job: " + e.what());
  throw JobFailure::Infrastructure(infra_prefix + e.kind_name() + ": " + e.what());
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

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// What one infer window measured.
struct Window {
  drv::InferResult infer;
  drv::HbLatency latency;
  std::optional<uint64_t> region_insns;
};

// Stops the board on every path; tells the hooks first so nobody kills a
// pid that is being reaped.
struct SessionGuard {
  drv::BoardSession& s;
  JobHooks& hooks;
  bool started = false;
  void stop() {
    if (started) hooks.board_stopping();
    started = false;
    s.stop();
  }
  ~SessionGuard() { stop(); }
};

// The result's board block: which board ran it (its identity: profile and,
// for a real board, probe serial and port; for an emulated one, the machine).
json board_json(const BoardEnvironment& env) {
  const drv::DeviceProfile& profile = env.profile;
  json board = {{"id", env.board_id},           {"profile_id", profile.id},
                {"name", profile.name},         {"core", profile.core},
                {"clock_hz", profile.clock_hz}, {"emulated", profile.emulated}};
  if (profile.qemu)
    board["qemu"] = {{"machine", profile.qemu->machine},
                     {"icount_shift", profile.qemu->icount_shift}};
  if (!profile.emulated) {
    board["probe_serial"] = env.probe_serial;
    board["serial_port"] = env.serial_port;
  }
  return board;
}

// A user firmware (MLPerf Tiny DUT protocol) on a board: no plan,
// no harness extensions; latency from the DUT's own timestamps.
json run_firmware_job(const JobRequest& job, const BoardEnvironment& env, JobHooks& hooks) {
  const auto t_start = Clock::now();
  const drv::DeviceProfile& profile = env.profile;
  auto check_cancel = [&] {
    if (hooks.cancelled())
      throw JobFailure::Cancelled("job " + std::to_string(job.job_id) + " cancelled");
  };
  auto remaining = [&] {
    return std::chrono::duration_cast<milliseconds>(job.timeout - (Clock::now() - t_start));
  };
  drv::FirmwareSessionOptions so;
  so.qemu_binary = env.qemu_binary;
  if (profile.emulated && !env.icount_plugin.empty() && fs::exists(env.icount_plugin))
    so.icount_plugin = env.icount_plugin;
  so.probe_uid = env.probe_serial;
  so.serial_port = env.serial_port;
  so.extra_qemu_args = env.firmware_test_qemu_args;
  std::optional<drv::FirmwareSession> session;
  try {
    session.emplace(profile, job.artifact, so);
  } catch (const drv::DriverError& e) {
    if (!e.is_infrastructure())
      throw JobFailure::Job(std::string("the firmware cannot run on ") + profile.id + ": " +
                            e.what());
    throw JobFailure::Infrastructure(std::string(e.kind_name()) + ": " + e.what());
  }
  char entry[16];
  std::snprintf(entry, sizeof entry, "0x%08x", session->image().entry());
  hooks.log("firmware: " + std::to_string(session->image().load_bytes()) + " bytes in " +
            std::to_string(session->image().segments().size()) + " segments, entry " + entry);
  const milliseconds per_window(20000 + 2000 * std::min<uint64_t>(job.runs + job.warmup, 100000));

  struct FwWindow {
    drv::InferResult infer;
    std::optional<uint64_t> region_insns;
  };
  std::vector<FwWindow> windows;
  drv::DutBoot boot;
  std::string dut_name;
  drv::DutProfile dut_profile;
  std::vector<uint8_t> input;
  double input_s = 0, board_s = 0;
  bool booted = false;
  try {
    hooks.progress(
        "flashing",
        (profile.emulated ? "booting " + profile.id + " (qemu " + profile.qemu->machine + ")"
                          : "flashing " + profile.id + " through its probe") +
            " with the submitted firmware");
    const auto t_board = Clock::now();
    struct Guard {
      drv::FirmwareSession& s;
      JobHooks& hooks;
      bool started = false;
      ~Guard() {
        if (started) hooks.board_stopping();
        s.stop();
      }
    } guard{*session, hooks};
    try {
      boot = session->boot();
    } catch (const drv::DriverError& e) {
      check_cancel();
      if (!e.is_infrastructure()) throw;
      throw JobFailure::Infrastructure(
          "board did not boot: no complete MLPerf Tiny boot banner (m-init-done, m-ready) "
          "from the firmware: " +
          std::string(e.what()));
    }
    booted = true;
    guard.started = true;
    hooks.board_started(session->pid());
    hooks.log("booted " + profile.id + " in " + fmt(session->boot_seconds(), 3) +
              " s (timestamp mode " + boot.timestamp_mode + ")");
    if (boot.timestamp_mode == "energy")
      throw JobFailure::Job(
          "the firmware boots in energy timestamp mode; this agent needs performance mode "
          "(m-lap-us timestamps): energy mode is timed by an energy monitor, which it has not");
    check_cancel();
    dut_name = session->client().name();
    dut_profile = session->client().profile();
    hooks.log("DUT " + dut_name + ", firmware " + dut_profile.firmware + ", model " +
              (dut_profile.model.empty() ? "(none)" : dut_profile.model));
    input = drv::mlperf_default_input(dut_profile.model);
    if (!input.empty()) {
      input_s = session->client().load_input(input);
      hooks.log("input: " + std::to_string(input.size()) + " bytes (LCG seed 1) in " +
                fmt(input_s * 1000, 1) + " ms");
    } else {
      hooks.log("no input uploaded: the firmware reports no known model tag");
    }
    for (uint32_t w = 0; w < job.windows; ++w) {
      check_cancel();
      const std::string label = "window " + std::to_string(w + 1) + "/" +
                                std::to_string(job.windows) + ": " + std::to_string(job.runs) +
                                " runs, " + std::to_string(job.warmup) + " warmup";
      hooks.progress("running", label);
      const milliseconds left = remaining();
      if (left.count() <= 0) throw JobFailure::Timeout("job timed out before " + label);
      FwWindow win;
      const size_t before = session->icount_regions().size();
      win.infer = session->client().infer(job.runs, job.warmup, std::min(per_window, left));
      const auto regions = session->icount_regions();
      if (regions.size() == before + 1) win.region_insns = regions.back();
      if (!win.infer.us_per_inference())
        throw JobFailure::Job("the firmware's infer answer has no m-lap-us start/end timestamps");
      hooks.log(label + ": " + fmt(*win.infer.us_per_inference(), 1) + " us/inference");
      windows.push_back(std::move(win));
    }
    board_s = std::chrono::duration<double>(Clock::now() - t_board).count();
  } catch (const drv::DriverError& e) {
    check_cancel();
    throw_run_failure(e, remaining(), job.timeout, "the firmware",
                      booted ? "" : "board did not boot: ");
  }

  // ---- figures: µs per inference from the DUT's two timestamps ----
  const double scale = emulated_time_scale(profile);
  std::vector<double> per;
  uint64_t insns = 0;
  bool all_insns = true;
  json jw = json::array();
  for (size_t i = 0; i < windows.size(); ++i) {
    const auto& w = windows[i];
    const double u = *w.infer.us_per_inference() * scale;
    per.push_back(u);
    json o = {{"index", i},
              {"runs", w.infer.iterations},
              {"warmup", w.infer.warmups},
              {"us_per_inference", u},
              {"start_us", *w.infer.start_us},
              {"end_us", *w.infer.end_us},
              {"elapsed_us", *w.infer.elapsed_us()},
              {"results", w.infer.results}};
    if (w.region_insns)
      o["instructions"] = *w.region_insns;
    else
      all_insns = false;
    if (w.region_insns) insns += *w.region_insns;
    jw.push_back(o);
  }
  double mean = 0;
  for (double v : per) mean += v;
  mean /= per.size();
  json lat;
  lat["method"] = profile.emulated ? "DUT timestamps (emulated: instructions at the profile clock)"
                                   : "DUT timestamps (measured)";
  if (profile.emulated && profile.qemu) lat["time_basis"] = emulated_time_basis(profile);
  lat["median_us"] = median_of(per);
  lat["mean_us"] = mean;
  lat["min_us"] = *std::min_element(per.begin(), per.end());
  lat["max_us"] = *std::max_element(per.begin(), per.end());
  lat["timer"] = profile.emulated
                     ? "DUT m-lap-us (the firmware's own timer; emulated time under -icount)"
                     : "DUT m-lap-us (the firmware's own timer)";
  lat["windows"] = jw;
  if (all_insns && !windows.empty() && profile.qemu) {
    const double ipi =
        static_cast<double>(insns) / (static_cast<double>(job.runs) * windows.size());
    lat["instructions_per_inference"] = ipi;
    lat["icount_shift"] = profile.qemu->icount_shift;
    if (profile.clock_hz) lat["time_at_clock_us"] = ipi / profile.clock_hz * 1e6;
  }

  const json energy =
      energy_json(env, profile, mean,
                  profile.emulated ? "DUT timestamps per inference (emulated: instructions at the "
                                     "profile clock)"
                                   : "DUT timestamps per inference (measured)");

  json r;
  r["latency"] = lat;
  r["layers"] = json::array();  // a foreign firmware has no per-layer profile
  json mem = {{"firmware_load_bytes", session->image().load_bytes()}};
  try {
    const drv::ElfSizes z = drv::ElfSymbols::parse(job.artifact, "firmware").sizes();
    mem["text"] = z.text;
    mem["data"] = z.data;
    mem["bss"] = z.bss;
  } catch (const drv::DriverError&) {
  }
  r["memory"] = mem;
  r["energy"] = energy;
  r["output_check"] = {{"passed", nullptr},
                       {"check", "not applicable"},
                       {"reason",
                        "a submitted firmware carries its own model: there is no reference to "
                        "compare its outputs with; the results lines are in latency.windows"}};
  r["board"] = board_json(env);
  r["versions"] = {{"agent", "hilbench-agent 0.1.0"},
                   {"firmware", dut_profile.firmware},
                   {"dut_name", dut_name},
                   {"protocol", "MLPerf Tiny DUT (performance mode)"}};
  if (!job.model_id.empty()) r["firmware_id"] = job.model_id;
  r["model_tag"] = dut_profile.model;
  r["runs"] = job.runs;
  r["warmup"] = job.warmup;
  r["windows"] = job.windows;
  r["input"] = {{"source", input.empty()                 ? "none (unknown model tag)"
                           : dut_profile.model == "ad01" ? "LCG seed 1 as float32 (b-128)/128"
                                                         : "LCG seed 1 (golden/README.md)"},
                {"bytes", input.size()},
                {"transfer", "db hex, 31-byte chunks"},
                {"seconds", input_s}};
  r["timing"] = {{"wall_seconds", std::chrono::duration<double>(Clock::now() - t_start).count()},
                 {"board_seconds", board_s},
                 {"boot_seconds", session->boot_seconds()}};
  return r;
}

}  // namespace

json run_job(const JobRequest& job, const BoardEnvironment& env, JobHooks& hooks) {
  const auto t_start = Clock::now();
  const drv::DeviceProfile& profile = env.profile;
  auto check_cancel = [&] {
    if (hooks.cancelled())
      throw JobFailure::Cancelled("job " + std::to_string(job.job_id) + " cancelled");
  };

  if (!profile.emulated && env.serial_port.empty()) {
    throw JobFailure::Infrastructure(
        "board " + env.board_id + " (" + profile.id +
        (env.probe_serial.empty() ? "" : ", probe " + env.probe_serial) +
        ") has no serial_port in the agent's board config: the harness cannot be driven");
  }
  if (job.runs == 0 || job.windows == 0)
    throw JobFailure::Job("runs and windows must be at least 1");
  if (job.is_firmware) return run_firmware_job(job, env, hooks);

  // ---- model -> plan ----
  hbc::CompileOptions co;
  co.rounding = job.rounding == "single" ? hbc::Rounding::kSingle : hbc::Rounding::kDouble;
  std::vector<uint8_t> plan;
  try {
    plan = hbc::compile_plan(hbc::read_tflite(job.artifact), co);
  } catch (const hbc::CompileError& e) {
    throw JobFailure::Job(std::string("the model does not compile: ") + e.kind_name() + ": " +
                          e.what());
  }
  const drv::PlanSummary sum = drv::summarize_plan(plan);
  hooks.log("plan: " + std::to_string(sum.total_size) + " bytes, arena " +
            std::to_string(sum.arena_size) + " bytes, " + job.rounding + " rounding, input " +
            std::to_string(sum.input_bytes) + " bytes");

  // ---- does it fit? (before any emulator starts) ----
  const fs::path elf = env.firmware_dir / profile.id / "harness.elf";
  std::optional<uint64_t> input_capacity;
  std::optional<drv::ElfSizes> fw_sizes;
  if (fs::exists(elf)) {
    try {
      const drv::ElfSymbols syms = drv::ElfSymbols::load(elf);
      if (auto s = syms.find("g_db")) input_capacity = s->size;  // the harness's input buffer
      fw_sizes = syms.sizes();
    } catch (const drv::DriverError& e) {
      throw JobFailure::Infrastructure("harness firmware " + elf.string() +
                                       " is unreadable: " + e.what());
    }
  }
  const auto problems = drv::plan_fit_problems(profile, sum, input_capacity);
  if (!problems.empty()) {
    std::string m = "the plan does not fit " + profile.id + ": ";
    for (size_t i = 0; i < problems.size(); ++i) m += (i ? "; " : "") + problems[i];
    throw JobFailure::Job(m + " (pick a board with more memory, or a smaller model)");
  }
  if (!fs::exists(elf)) {
    throw JobFailure::Infrastructure("no harness firmware for " + profile.id + " at " +
                                     elf.string() +
                                     " (build firmware-harness and point the agent's "
                                     "--firmware at the build folder)");
  }

  // ---- input and the expected output ----
  const std::vector<uint8_t> input = drv::lcg_bytes(sum.input_bytes, 1);
  std::vector<std::vector<uint8_t>> expected;
  try {
    expected = drv::host_reference_outputs(plan, input);
  } catch (const drv::DriverError& e) {
    throw JobFailure::Job(std::string("the host runtime refuses the plan: ") + e.what());
  }
  check_cancel();

  // ---- the board ----
  drv::BoardSessionOptions so;
  so.harness_elf = elf;
  so.qemu_binary = env.qemu_binary;
  if (profile.emulated && !env.icount_plugin.empty() && fs::exists(env.icount_plugin))
    so.icount_plugin = env.icount_plugin;
  so.probe_uid = env.probe_serial;
  so.serial_port = env.serial_port;
  const milliseconds per_window(20000 + 2000 * std::min<uint64_t>(job.runs + job.warmup, 100000));
  auto remaining = [&] {
    return std::chrono::duration_cast<milliseconds>(job.timeout - (Clock::now() - t_start));
  };

  std::vector<Window> windows;
  std::optional<drv::HbLayers> layers;
  std::map<std::string, std::optional<uint64_t>> memory;
  std::vector<drv::HbOutput> outputs;
  drv::HbInfo info;
  double boot_s = 0, input_s = 0, board_s = 0;
  try {
    drv::BoardSession session(profile, so);
    SessionGuard guard{session, hooks};
    hooks.progress(
        "flashing",
        (profile.emulated
             ? "booting " + profile.id + " (qemu " + profile.qemu->machine + ")"
             : "flashing " + profile.id + " through probe " +
                   (env.probe_serial.empty() ? std::string("(the only one)") : env.probe_serial)) +
            ", plan of " + std::to_string(sum.total_size) + " bytes");
    const auto t_board = Clock::now();
    info = session.boot(plan);
    guard.started = true;
    hooks.board_started(session.pid());
    boot_s = session.boot_seconds();
    hooks.log("booted " + profile.id + " in " + fmt(boot_s, 3) + " s (firmware " + info.firmware +
              ", plan " + info.plan + ")");
    check_cancel();
    input_s = session.upload_input(input, drv::InputTransfer::kBinary);
    hooks.log("input: " + std::to_string(input.size()) + " bytes (LCG seed 1) in " +
              fmt(input_s * 1000, 1) + " ms");
    for (uint32_t w = 0; w < job.windows; ++w) {
      check_cancel();
      const std::string label = "window " + std::to_string(w + 1) + "/" +
                                std::to_string(job.windows) + ": " + std::to_string(job.runs) +
                                " runs, " + std::to_string(job.warmup) + " warmup";
      hooks.progress("running", label);
      const milliseconds left = remaining();
      if (left.count() <= 0) throw JobFailure::Timeout("job timed out before " + label);
      Window win;
      const size_t before = session.icount_regions().size();
      win.infer = session.client().infer(job.runs, job.warmup, std::min(per_window, left));
      const auto regions = session.icount_regions();
      if (regions.size() == before + 1) win.region_insns = regions.back();
      win.latency = session.client().latency();
      std::string line =
          label + ": median " + std::to_string(win.latency.median.value_or(0)) + " ticks";
      if (win.region_insns)
        line += ", " + std::to_string(*win.region_insns / std::max<uint32_t>(job.runs, 1)) +
                " instructions/inference";
      hooks.log(line);
      windows.push_back(std::move(win));
    }
    check_cancel();
    if (job.collect_layers) layers = session.client().layers();
    memory = session.client().memory();
    const uint64_t n_out = info.all.count("plan-outputs")
                               ? std::strtoull(info.all["plan-outputs"].c_str(), nullptr, 10)
                               : 1;
    for (uint32_t i = 0; i < n_out; ++i) outputs.push_back(session.client().output(i));
    board_s = std::chrono::duration<double>(Clock::now() - t_board).count();
    guard.stop();
  } catch (const drv::DriverError& e) {
    check_cancel();  // a killed emulator fails the step: report the cancel, not the error
    throw_run_failure(e, remaining(), job.timeout, "the board", "");
  }

  // ---- figures ----
  const double timer_hz = windows.back().latency.timer_hz
                              ? static_cast<double>(*windows.back().latency.timer_hz)
                              : static_cast<double>(profile.timer_hz);
  const double scale = emulated_time_scale(profile);
  auto us = [&](uint64_t ticks) { return timer_hz > 0 ? ticks / timer_hz * 1e6 * scale : 0.0; };
  std::vector<double> medians;
  uint64_t tmin = UINT64_MAX, tmax = 0, ttotal = 0, tcount = 0, insns = 0;
  bool all_insns = true;
  json jwindows = json::array();
  for (size_t i = 0; i < windows.size(); ++i) {
    const Window& w = windows[i];
    const drv::HbLatency& l = w.latency;
    medians.push_back(us(l.median.value_or(0)));
    tmin = std::min(tmin, l.min.value_or(0));
    tmax = std::max(tmax, l.max.value_or(0));
    ttotal += l.total.value_or(0);
    tcount += l.count.value_or(0);
    if (w.region_insns)
      insns += *w.region_insns;
    else
      all_insns = false;
    json jw = {{"index", i},
               {"runs", w.infer.iterations},
               {"warmup", w.infer.warmups},
               {"median_us", us(l.median.value_or(0))},
               {"min_us", us(l.min.value_or(0))},
               {"max_us", us(l.max.value_or(0))},
               {"ticks",
                {{"count", l.count.value_or(0)},
                 {"min", l.min.value_or(0)},
                 {"median", l.median.value_or(0)},
                 {"max", l.max.value_or(0)},
                 {"total", l.total.value_or(0)}}}};
    if (w.region_insns) jw["instructions"] = *w.region_insns;
    jwindows.push_back(jw);
  }
  const double mean_us = tcount ? us(ttotal) / tcount : 0;
  json lat;
  lat["method"] = profile.emulated ? std::string(kEmulatedMethod)
                                   : "measured: the board's " + windows.back().latency.timer +
                                         " timer, no host in the loop";
  lat["median_us"] = median_of(medians);
  lat["mean_us"] = mean_us;
  lat["min_us"] = us(tmin == UINT64_MAX ? 0 : tmin);
  lat["max_us"] = us(tmax);
  lat["timer"] = windows.back().latency.timer;
  lat["timer_hz"] = timer_hz;
  if (profile.emulated && profile.qemu) lat["time_basis"] = emulated_time_basis(profile);
  lat["windows"] = jwindows;
  if (all_insns && tcount) {
    const double ipi =
        static_cast<double>(insns) / (static_cast<double>(job.runs) * windows.size());
    lat["instructions_per_inference"] = ipi;
    if (profile.qemu && profile.clock_hz) {
      // The plugin's count against the DUT timer: both at the profile clock.
      lat["icount_shift"] = profile.qemu->icount_shift;
      const double clock_us = ipi / profile.clock_hz * 1e6;
      lat["time_at_clock_us"] = clock_us;
      if (mean_us > 0) {
        const double rel = std::fabs(clock_us - mean_us) / mean_us;
        lat["instructions_vs_ticks_rel_diff"] = rel;
        lat["agree"] = rel < 0.005;
      }
    }
  }

  json jlayers = json::array();
  if (layers) {
    uint64_t total = 0;
    for (const auto& l : layers->layers) total += l.ticks.value_or(0);
    for (const auto& l : layers->layers) {
      json jl = {{"index", l.index}, {"op", l.op}, {"tflite_index", l.tflite_index}};
      if (l.ticks) {
        jl["ticks"] = *l.ticks;
        jl["us"] = us(*l.ticks);
        jl["share"] = total ? static_cast<double>(*l.ticks) / total : 0.0;
      }
      if (l.macs) jl["macs"] = *l.macs;
      jlayers.push_back(jl);
    }
  }

  // memory: numbers only (the schema), bytes; hb-mem keys with '_' for '-'.
  json mem = {{"arena_bytes", sum.arena_size}, {"plan_bytes", sum.total_size}};
  for (const auto& [k, v] : memory) {
    if (!v) continue;
    std::string key = k;
    std::replace(key.begin(), key.end(), '-', '_');
    mem[key] = *v;
  }
  if (auto it = memory.find("stack-used"); it != memory.end() && it->second)
    mem["stack"] = *it->second;
  if (fw_sizes) {
    mem["text"] = fw_sizes->text;
    mem["data"] = fw_sizes->data;
    mem["bss"] = fw_sizes->bss;
  }

  const json energy = energy_json(env, profile, mean_us,
                                  profile.emulated ? "instructions per inference at the "
                                                     "profile clock (emulated)"
                                                   : "measured time per inference (board timer)");

  size_t mismatches = 0;
  bool pass = outputs.size() == expected.size();
  uint64_t out_bytes = 0;
  for (size_t i = 0; i < outputs.size() && i < expected.size(); ++i) {
    const auto& got = outputs[i].data;
    out_bytes += got.size();
    if (got.size() != expected[i].size()) {
      mismatches += std::max(got.size(), expected[i].size());
      continue;
    }
    for (size_t k = 0; k < got.size(); ++k) mismatches += got[k] != expected[i][k];
  }
  pass = pass && mismatches == 0;
  hooks.log(std::string("output check ") + (pass ? "PASS" : "FAIL") +
            " (board vs host runtime, byte for byte" +
            (pass ? "" : ", " + std::to_string(mismatches) + " bytes differ") + ")");

  const double wall_s = std::chrono::duration<double>(Clock::now() - t_start).count();
  json r;
  r["latency"] = lat;
  r["layers"] = jlayers;
  r["memory"] = mem;
  r["energy"] = energy;
  r["output_check"] = {{"passed", pass},
                       {"check", pass ? "PASS" : "FAIL"},
                       {"reference", "host runtime (hb_runtime, same sources as the firmware)"},
                       {"mismatched_bytes", mismatches},
                       {"bytes", out_bytes},
                       {"data_hex", outputs.empty() ? "" : hex_bytes(outputs[0].data, 64)}};
  r["board"] = board_json(env);
  r["versions"] = {{"agent", "hilbench-agent 0.1.0"},
                   {"firmware", info.firmware},
                   {"runtime", info.runtime},
                   {"protocol", info.proto}};
  r["model_sha256"] = sum.sha256_hex;
  r["rounding"] = job.rounding;
  r["runs"] = job.runs;
  r["warmup"] = job.warmup;
  r["windows"] = job.windows;
  r["input"] = {{"source", "LCG seed 1 (golden/README.md)"},
                {"bytes", input.size()},
                {"transfer", "hb-bin"},
                {"seconds", input_s}};
  r["timing"] = {{"wall_seconds", wall_s}, {"board_seconds", board_s}, {"boot_seconds", boot_s}};
  return r;
}

}  // namespace hb::agent
