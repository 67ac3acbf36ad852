// firmware_session.cc: see firmware_session.h.
#include "driver/firmware_session.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "driver/board_session.h"
#include "driver/driver_error.h"
#include "driver/elf_symbols.h"
#include "driver/hex.h"

namespace hb::driver {
namespace {

std::string range(uint64_t start, uint64_t len) {
  return "[" + hex32(start) + ", " + hex32(start + len) + ")";
}

}  // namespace

std::vector<std::string> firmware_fit_problems(const DeviceProfile& p, const ElfImage& image) {
  const MemoryRegion regions[] = {p.flash, p.ram, p.model_partition};
  auto inside = [&](uint64_t a, uint64_t n) {
    for (const MemoryRegion& r : regions)
      if (r.size && r.contains(a, n)) return true;
    return false;
  };
  const std::string where = "flash " + range(p.flash.start, p.flash.size) + ", RAM " +
                            range(p.ram.start, p.ram.size) + " or model partition " +
                            range(p.model_partition.start, p.model_partition.size);
  std::vector<std::string> out;
  if (image.segments().empty()) out.push_back("the ELF has no loadable segment");
  for (size_t i = 0; i < image.segments().size(); ++i) {
    const ElfSegment& s = image.segments()[i];
    // The bytes go to the load address; the code runs at the virtual one
    // (.data is copied there, .bss zeroed up to mem_size).
    if (!inside(s.load_addr, s.data.size()))
      out.push_back("segment " + std::to_string(i) + " loads " + std::to_string(s.data.size()) +
                    " bytes at " + range(s.load_addr, s.data.size()) + ", outside " + p.id + "'s " +
                    where);
    else if (!inside(s.virt_addr, s.mem_size))
      out.push_back("segment " + std::to_string(i) + " occupies " + range(s.virt_addr, s.mem_size) +
                    " at run time (" + std::to_string(s.mem_size) + " bytes with .bss), outside " +
                    p.id + "'s " + where);
  }
  if (!image.segments().empty() && !image.read_u32(p.flash.start))
    out.push_back("no vector table at " + p.id + "'s flash start " + hex32(p.flash.start));
  return out;
}

std::optional<size_t> mlperf_input_bytes(std::string_view tag) {
  if (tag == "kws01") return 490;    // 49x10 int8 MFCC features
  if (tag == "vww01") return 27648;  // 96x96x3 uint8 RGB
  if (tag == "ic01") return 3072;    // 32x32x3 uint8 RGB
  if (tag == "ad01") return 2560;    // 640 float32 (5 frames x 128 mel bins)
  return std::nullopt;
}

std::vector<uint8_t> mlperf_default_input(std::string_view tag) {
  const auto n = mlperf_input_bytes(tag);
  if (!n) return {};
  if (tag != "ad01") return lcg_bytes(*n, 1);
  const std::vector<uint8_t> b = lcg_bytes(*n / 4, 1);
  std::vector<uint8_t> out(*n);
  for (size_t i = 0; i < b.size(); ++i) {
    const float f = (static_cast<int>(b[i]) - 128) / 128.0f;
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int k = 0; k < 4; ++k) out[4 * i + k] = static_cast<uint8_t>(u >> (8 * k));
  }
  return out;
}

FirmwareSession::FirmwareSession(DeviceProfile profile, std::span<const uint8_t> elf_bytes,
                                 FirmwareSessionOptions opts)
    : profile_(std::move(profile)), opts_(std::move(opts)) {
  if (profile_.emulated && !profile_.qemu)
    throw DriverError::BadProfile(profile_.id + ": emulated, but no qemu machine");
  if (!profile_.emulated) {
    if (!profile_.probe || opts_.serial_port.empty())
      throw DriverError::BadProfile(
          profile_.id +
          " is a real board: it needs a probe section in its profile and a "
          "serial_port in the agent's board config");
    elf_bytes_.assign(elf_bytes.begin(), elf_bytes.end());
    opts_.icount_plugin.clear();  // no emulator, no instruction count
  }
  image_ = ElfImage::parse(elf_bytes, "firmware");
  const auto problems = firmware_fit_problems(profile_, image_);
  if (!problems.empty()) {
    std::string m = "the firmware does not fit " + profile_.id + ": ";
    for (size_t i = 0; i < problems.size(); ++i) m += (i ? "; " : "") + problems[i];
    throw DriverError::BadImage(m);
  }
  try {
    const ElfSymbols syms = ElfSymbols::parse(elf_bytes, "firmware");
    auto b = syms.find("hb_mark_begin"), e = syms.find("hb_mark_end");
    if (b && e) {
      mark_begin_ = b->value & ~1u;
      mark_end_ = e->value & ~1u;
    }
  } catch (const DriverError&) {
    // A stripped or odd symbol table costs the instruction count, not the job.
  }
}

FirmwareSession::~FirmwareSession() { stop(); }

void FirmwareSession::stop() {
  client_.reset();
  port_.reset();
  board_.reset();
  icount_.reset();
}

MlperfClient& FirmwareSession::client() {
  if (!client_) throw DriverError::ProtocolError("firmware session: not booted");
  return *client_;
}

QemuBoard& FirmwareSession::board() {
  if (!board_) throw DriverError::ProtocolError("firmware session: not booted");
  return *board_;
}

int FirmwareSession::pid() const { return board_ ? board_->pid() : -1; }

void FirmwareSession::boot_real() {
  port_ =
      SerialLink::open_port(opts_.serial_port, profile_.uart_baud ? profile_.uart_baud : 115200);
  auto flasher = make_flasher(profile_, opts_.probe_uid, opts_.flasher, opts_.flasher_options);
  char tmpl[] = "/tmp/hb_firmware_XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) throw DriverError::Io("cannot create a temporary file for the firmware in /tmp");
  size_t off = 0;
  while (off < elf_bytes_.size()) {
    const ssize_t n = ::write(fd, elf_bytes_.data() + off, elf_bytes_.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  struct Remove {
    const char* p;
    ~Remove() { ::unlink(p); }
  } remove{tmpl};
  if (off != elf_bytes_.size())
    throw DriverError::Io("cannot write the firmware to " + std::string(tmpl));
  // Whatever was flashed (our harness) is gone from now on.
  note_flashed_image(flasher->probe_key(), "");
  flasher->flash(tmpl);  // programs, verifies, resets: the banner follows
  MlperfOptions mo;
  mo.command_timeout = opts_.command_timeout;
  client_ = std::make_unique<MlperfClient>(*port_, mo);
}

DutBoot FirmwareSession::boot() {
  stop();
  const auto t0 = Clock::now();
  if (!profile_.emulated) {
    boot_real();  // flashing has its own timeout; the banner gets boot_timeout
    DutBoot b = client_->wait_boot(opts_.boot_timeout);
    boot_seconds_ = std::chrono::duration<double>(Clock::now() - t0).count();
    return b;
  }
  QemuOptions q;
  q.qemu_binary = opts_.qemu_binary;
  q.start_timeout = opts_.boot_timeout;
  q.extra_args = opts_.extra_qemu_args;
  if (counts_instructions()) q.plugin = icount_.open(opts_.icount_plugin, *mark_begin_, *mark_end_);
  board_ = std::make_unique<QemuBoard>(profile_, q);
  board_->gdb().load_elf(image_, profile_.flash.start, GdbStart::kVectorTable, true);
  MlperfOptions mo;
  mo.command_timeout = opts_.command_timeout;
  client_ = std::make_unique<MlperfClient>(board_->serial(), mo);
  board_->gdb().cont();
  const auto left =
      opts_.boot_timeout - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  DutBoot b = client_->wait_boot(std::max(left, std::chrono::milliseconds(1000)));
  boot_seconds_ = std::chrono::duration<double>(Clock::now() - t0).count();
  return b;
}

std::vector<uint64_t> FirmwareSession::icount_regions() const { return icount_.regions(); }

}  // namespace hb::driver
