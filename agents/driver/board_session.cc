// board_session.cc: see board_session.h.
#include "driver/board_session.h"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "driver/driver_error.h"
#include "driver/elf_symbols.h"
#include "hb/plan_format.h"
#include "hb/runtime.h"

namespace hb::driver {
namespace {

using std::chrono::milliseconds;

std::string hex(const uint8_t* p, size_t n) {
  static constexpr char k[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(k[p[i] >> 4]);
    s.push_back(k[p[i] & 15]);
  }
  return s;
}

std::string short_by(uint64_t need, uint64_t have) {
  return std::to_string(need - have) + " bytes short";
}

// A byte buffer whose start is 16-aligned (the runtime reads plans in place).
struct Aligned {
  explicit Aligned(size_t n) : raw(n + 16, 0) {
    off = (16 - reinterpret_cast<uintptr_t>(raw.data()) % 16) % 16;
  }
  uint8_t* data() { return raw.data() + off; }
  std::vector<uint8_t> raw;
  size_t off = 0;
};

}  // namespace

PlanSummary summarize_plan(std::span<const uint8_t> plan) {
  if (plan.size() < sizeof(hb_plan_header)) {
    throw DriverError::BadImage("plan is " + std::to_string(plan.size()) +
                                " bytes, shorter than its header (" +
                                std::to_string(sizeof(hb_plan_header)) + ")");
  }
  hb_plan_header h;
  std::memcpy(&h, plan.data(), sizeof h);
  if (h.magic != HB_PLAN_MAGIC) throw DriverError::BadImage("not a plan (bad magic)");
  PlanSummary s;
  s.total_size = h.total_size;
  s.arena_size = h.arena_size;
  s.flags = h.flags;
  s.n_inputs = h.n_inputs;
  s.n_outputs = h.n_outputs;
  s.sha256_hex = hex(h.model_sha256, sizeof h.model_sha256);
  // Input sizes, read defensively: the board validates the plan for real.
  uint64_t io = h.io_offset, tens = h.tensors_offset;
  if (io + 2ull * (h.n_inputs + h.n_outputs) <= plan.size()) {
    for (uint32_t i = 0; i < h.n_inputs; ++i) {
      uint16_t id;
      std::memcpy(&id, plan.data() + io + 2 * i, 2);
      const uint64_t at = tens + uint64_t{id} * sizeof(hb_tensor);
      if (id >= h.n_tensors || at + sizeof(hb_tensor) > plan.size()) {
        s.input_bytes = 0;
        break;
      }
      hb_tensor t;
      std::memcpy(&t, plan.data() + at, sizeof t);
      s.input_bytes += t.bytes;
    }
  }
  return s;
}

std::vector<std::string> plan_fit_problems(const DeviceProfile& p, const PlanSummary& plan,
                                           std::optional<uint64_t> input_capacity) {
  std::vector<std::string> out;
  const uint64_t bytes = std::max<uint64_t>(plan.total_size, 0);
  if (bytes > p.model_partition.size) {
    out.push_back("plan is " + std::to_string(bytes) + " bytes; " + p.id +
                  "'s model partition holds " + std::to_string(p.model_partition.size) + ": " +
                  short_by(bytes, p.model_partition.size));
  }
  if (plan.arena_size > p.arena_bytes) {
    out.push_back("plan needs an arena of " + std::to_string(plan.arena_size) + " bytes; " + p.id +
                  " offers " + std::to_string(p.arena_bytes) +
                  " (arena_bytes): " + short_by(plan.arena_size, p.arena_bytes));
  }
  if (plan.arena_size > p.ram.size) {
    out.push_back("plan's arena of " + std::to_string(plan.arena_size) + " bytes exceeds " + p.id +
                  "'s RAM of " + std::to_string(p.ram.size) + ": " +
                  short_by(plan.arena_size, p.ram.size));
  }
  if (input_capacity && plan.input_bytes > *input_capacity) {
    out.push_back("plan's input is " + std::to_string(plan.input_bytes) + " bytes; " + p.id +
                  "'s harness input buffer holds " + std::to_string(*input_capacity) + ": " +
                  short_by(plan.input_bytes, *input_capacity));
  }
  return out;
}

std::vector<std::vector<uint8_t>> host_reference_outputs(std::span<const uint8_t> plan_bytes,
                                                         std::span<const uint8_t> input) {
  if (plan_bytes.size() < sizeof(hb_plan_header) || plan_bytes.size() > UINT32_MAX) {
    throw DriverError::BadImage("host reference: plan size " + std::to_string(plan_bytes.size()));
  }
  Aligned mem(plan_bytes.size());
  std::memcpy(mem.data(), plan_bytes.data(), plan_bytes.size());
  hb_plan_header h;
  std::memcpy(&h, mem.data(), sizeof h);
  Aligned arena(h.arena_size);
  hb_plan plan;
  hb_status st =
      hb_plan_init(&plan, mem.data(), static_cast<uint32_t>(plan_bytes.size()), h.arena_size);
  if (st != HB_OK) {
    throw DriverError::BadImage(std::string("host runtime refuses the plan: ") +
                                hb_status_name(st));
  }
  size_t pos = 0;
  for (uint32_t i = 0; i < plan.header->n_inputs; ++i) {
    const uint16_t id = hb_plan_input(&plan, i);
    const uint32_t n = plan.tensors[id].bytes;
    if (pos + n > input.size()) {
      throw DriverError::BadImage("input has " + std::to_string(input.size()) +
                                  " bytes, the plan's inputs need more");
    }
    std::memcpy(hb_tensor_data(&plan, arena.data(), id), input.data() + pos, n);
    pos += n;
  }
  if (pos != input.size()) {
    throw DriverError::BadImage("input has " + std::to_string(input.size()) +
                                " bytes, the plan's inputs need " + std::to_string(pos));
  }
  st = hb_invoke(&plan, arena.data(), nullptr);
  if (st != HB_OK) {
    throw DriverError::BadImage(std::string("host runtime: invoke failed: ") + hb_status_name(st));
  }
  std::vector<std::vector<uint8_t>> outs;
  for (uint32_t i = 0; i < plan.header->n_outputs; ++i) {
    const uint16_t id = hb_plan_output(&plan, i);
    const auto* p = static_cast<const uint8_t*>(hb_tensor_data(&plan, arena.data(), id));
    outs.emplace_back(p, p + plan.tensors[id].bytes);
  }
  return outs;
}

std::vector<uint8_t> lcg_bytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> out(n);
  uint64_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = (1103515245ull * x + 12345ull) % (1ull << 31);
    out[i] = static_cast<uint8_t>((x >> 16) & 255);
  }
  return out;
}

std::optional<double> BoardRunResult::insns_per_inference() const {
  if (!region_insns || infer.iterations == 0) return std::nullopt;
  return static_cast<double>(*region_insns) / infer.iterations;
}

BoardSession::BoardSession(DeviceProfile profile, BoardSessionOptions opts)
    : profile_(std::move(profile)), opts_(std::move(opts)) {
  if (profile_.emulated && !profile_.qemu)
    throw DriverError::BadProfile(profile_.id + ": emulated, but no qemu machine");
  if (!profile_.emulated && (!profile_.probe || opts_.serial_port.empty())) {
    throw DriverError::BadProfile(profile_.id +
                                  " is a real board: it needs a probe section in its profile and a "
                                  "serial_port in the agent's board config");
  }
  const ElfSymbols syms = ElfSymbols::load(opts_.harness_elf);
  mark_begin_ = syms.require("hb_mark_begin").value & ~1u;
  mark_end_ = syms.require("hb_mark_end").value & ~1u;
}

BoardSession::~BoardSession() { stop(); }

void BoardSession::stop() {
  client_.reset();
  port_.reset();
  board_.reset();  // SIGTERM/SIGKILL + waitpid: no process or port outlives this
  icount_.reset();
}

HarnessClient& BoardSession::client() {
  if (!client_) throw DriverError::ProtocolError("board session: not booted");
  return *client_;
}

QemuBoard& BoardSession::board() {
  if (!board_) throw DriverError::ProtocolError("board session: not booted");
  return *board_;
}

int BoardSession::pid() const { return board_ ? board_->pid() : -1; }

void BoardSession::boot_emulated(std::span<const uint8_t> plan) {
  QemuOptions q;
  q.qemu_binary = opts_.qemu_binary;
  q.kernel = opts_.harness_elf;
  q.start_timeout = opts_.boot_timeout;
  if (!opts_.icount_plugin.empty())
    q.plugin = icount_.open(opts_.icount_plugin, mark_begin_, mark_end_);
  board_ = std::make_unique<QemuBoard>(profile_, q);
  // qemu is halted (-S): the plan is in place before the first instruction.
  board_->gdb().write_memory(profile_.model_partition.start, plan);
  MlperfOptions mo;
  mo.command_timeout = opts_.command_timeout;
  client_ = std::make_unique<HarnessClient>(board_->serial(), mo);
  board_->gdb().cont();
}

void BoardSession::boot_real(std::span<const uint8_t> plan) {
  // The port first: the boot banner after the reset must not be missed.
  port_ =
      SerialLink::open_port(opts_.serial_port, profile_.uart_baud ? profile_.uart_baud : 115200);
  auto flasher = make_flasher(profile_, opts_.probe_uid, opts_.flasher, opts_.flasher_options);
  // The plan first (its reset boots whatever harness is there), then the
  // harness if it changed (its reset boots the new harness with the plan).
  flasher->write_plan(plan);
  std::error_code ec;
  const auto fsize = std::filesystem::file_size(opts_.harness_elf, ec);
  const auto mtime = std::filesystem::last_write_time(opts_.harness_elf, ec);
  const std::string image_key = "harness|" + std::filesystem::absolute(opts_.harness_elf).string() +
                                "|" + std::to_string(fsize) + "|" +
                                std::to_string(mtime.time_since_epoch().count());
  if (flashed_image(flasher->probe_key()) != image_key) {
    port_->drain(milliseconds(100));               // the plan reset's banner, if any
    note_flashed_image(flasher->probe_key(), "");  // unknown until it succeeded
    flasher->flash(opts_.harness_elf);
    note_flashed_image(flasher->probe_key(), image_key);
  }
  MlperfOptions mo;
  mo.command_timeout = opts_.command_timeout;
  client_ = std::make_unique<HarnessClient>(*port_, mo);
}

HbInfo BoardSession::boot(std::span<const uint8_t> plan, bool allow_bad_plan) {
  stop();
  const auto t0 = Clock::now();
  if (plan.size() > profile_.model_partition.size) {
    throw DriverError::BadImage("plan of " + std::to_string(plan.size()) +
                                " bytes does not fit the model partition");
  }
  if (profile_.emulated)
    boot_emulated(plan);
  else
    boot_real(plan);
  client_->wait_boot(opts_.boot_timeout);
  boot_seconds_ = std::chrono::duration<double>(Clock::now() - t0).count();
  HbInfo info = client_->info();
  if (info.plan != "ok" && !allow_bad_plan) {
    throw DriverError::DeviceRejected("board refused the plan: " + info.plan);
  }
  return info;
}

double BoardSession::upload_input(std::span<const uint8_t> input, InputTransfer how) {
  HbInfo info = client().info();
  if (info.input_capacity && input.size() > *info.input_capacity) {
    throw DriverError::DeviceRejected("input is " + std::to_string(input.size()) + " bytes; " +
                                      profile_.id + "'s harness input buffer holds " +
                                      std::to_string(*info.input_capacity) + ": " +
                                      short_by(input.size(), *info.input_capacity));
  }
  return how == InputTransfer::kBinary ? client().load_input_binary(input)
                                       : client().load_input(input);
}

std::vector<uint64_t> BoardSession::icount_regions() const { return icount_.regions(); }

BoardRunResult BoardSession::run(std::span<const uint8_t> plan, std::span<const uint8_t> input,
                                 uint32_t runs, uint32_t warmup, milliseconds infer_timeout,
                                 InputTransfer how, bool layers) {
  BoardRunResult r;
  r.info = boot(plan);
  r.boot_seconds = boot_seconds_;
  r.input_transfer = how;
  r.input_seconds = upload_input(input, how);
  const size_t regions_before = icount_regions().size();
  r.infer = client().infer(runs, warmup, infer_timeout);
  const std::vector<uint64_t> regions = icount_regions();
  if (regions.size() == regions_before + 1) r.region_insns = regions.back();
  r.latency = client().latency();
  if (layers) r.layers = client().layers();
  r.memory = client().memory();
  const uint64_t n_out = r.info.all.count("plan-outputs")
                             ? std::strtoull(r.info.all["plan-outputs"].c_str(), nullptr, 10)
                             : 1;
  for (uint32_t i = 0; i < n_out; ++i) r.outputs.push_back(client().output(i));
  return r;
}

}  // namespace hb::driver
