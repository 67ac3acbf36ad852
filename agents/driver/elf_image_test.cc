// ElfImage on the real smoke ELFs of every board, and on truncated/corrupt copies.
#include "driver/elf_image.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "driver/device_profile.h"
#include "driver/driver_error.h"
#include "driver/testing/test_env.h"

namespace hb::driver {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

uint32_t get32(const std::vector<uint8_t>& b, size_t off) {
  return b[off] | b[off + 1] << 8 | b[off + 2] << 16 | uint32_t(b[off + 3]) << 24;
}

// Offset of the first PT_LOAD program header with file bytes.
size_t first_load_phdr(const std::vector<uint8_t>& b) {
  size_t ph = get32(b, 28);
  while (get32(b, ph) != 1 || get32(b, ph + 16) == 0) ph += 32;
  return ph;
}

void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = uint8_t(v >> (8 * i));
}

bool is_bad_image(const std::vector<uint8_t>& b) {
  try {
    ElfImage::parse(b, "test");
  } catch (const DriverError& e) {
    return e.kind() == DriverError::Kind::kBadImage && !e.is_infrastructure();
  }
  return false;
}

fs::path an386_elf() {
  fs::path p = testing::firmware_build_dir() / "mps2-an386/smoke.elf";
  REQUIRE_MESSAGE(fs::exists(p), p.string(),
                  " missing: build the firmware (firmware-harness/boards)");
  return p;
}

}  // namespace

TEST_CASE("smoke ELFs of every board: segments inside the profile's memory, vector table sane") {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(testing::source_dir() / "device-profiles")) {
    if (entry.path().extension() != ".json") continue;
    DeviceProfile prof = load_device_profile(entry.path());
    fs::path elf_path = testing::firmware_build_dir() / prof.id / "smoke.elf";
    if (!fs::exists(elf_path)) continue;
    CAPTURE(prof.id);
    ElfImage elf = ElfImage::load(elf_path);
    CHECK(elf.load_bytes() > 0);
    for (const ElfSegment& s : elf.segments())
      CHECK(prof.flash.contains(s.load_addr, s.data.size()));  // every byte goes to code memory
    // The RP2040 boots a 256-byte second stage first; its vector table follows.
    uint32_t vt = prof.flash.start + (prof.id == "rpi-pico" ? 0x100 : 0);
    auto sp = elf.read_u32(vt), reset = elf.read_u32(vt + 4);
    REQUIRE(sp);
    REQUIRE(reset);
    CHECK(prof.ram.contains(*sp - 4, 4));  // initial SP: top of RAM (or just below)
    CHECK((*reset & 1u) == 1u);            // Thumb
    CHECK(prof.flash.contains(*reset & ~1u, 2));
    CHECK((elf.entry() & ~1u) == (*reset & ~1u));
    ++checked;
  }
  MESSAGE("checked " << checked << " smoke ELFs");
  CHECK(checked >= 6);
}

TEST_CASE("ELF reader rejects truncated and corrupt files") {
  std::vector<uint8_t> good = read_file(an386_elf());
  REQUIRE(good.size() > 52);
  ElfImage ok = ElfImage::parse(good);
  REQUIRE(!ok.segments().empty());

  SUBCASE("every truncation inside the headers or the loadable bytes") {
    uint32_t phoff = good[28] | good[29] << 8 | good[30] << 16 | uint32_t(good[31]) << 24;
    uint16_t phnum = uint16_t(good[44] | good[45] << 8);
    size_t headers_end = phoff + size_t(phnum) * 32;
    for (size_t n = 0; n < headers_end; ++n) {
      CAPTURE(n);
      CHECK(is_bad_image({good.begin(), good.begin() + n}));
    }
    // Cutting into the first segment's bytes must fail too.
    size_t ph = first_load_phdr(good);
    size_t seg_end = get32(good, ph + 4) + get32(good, ph + 16);
    CHECK(is_bad_image({good.begin(), good.begin() + seg_end - 1}));
  }
  SUBCASE("header fields") {
    auto mutate = [&](size_t off, uint8_t v) {
      auto b = good;
      b[off] = v;
      return b;
    };
    CHECK(is_bad_image(mutate(0, 0)));    // magic
    CHECK(is_bad_image(mutate(4, 2)));    // 64-bit class
    CHECK(is_bad_image(mutate(5, 2)));    // big-endian
    CHECK(is_bad_image(mutate(18, 62)));  // x86-64 machine
    CHECK(is_bad_image(mutate(16, 1)));   // relocatable, not executable
    auto b = good;
    put32(b, 28, 0xfffffff0u);  // phoff far outside the file
    CHECK(is_bad_image(b));
    b = good;
    b[44] = 0xff, b[45] = 0xff;  // PN_XNUM
    CHECK(is_bad_image(b));
  }
  SUBCASE("program header fields of the first PT_LOAD") {
    size_t ph = first_load_phdr(good);
    auto b = good;
    put32(b, ph + 4, uint32_t(good.size()));  // p_offset past the end
    CHECK(is_bad_image(b));
    b = good;
    put32(b, ph + 20, 0);  // p_memsz < p_filesz
    CHECK(is_bad_image(b));
    b = good;
    put32(b, ph + 12, 0xffffff00u);  // p_paddr + filesz wraps
    CHECK(is_bad_image(b));
  }
  SUBCASE("random byte corruption never crashes (parse or BadImage)") {
    uint32_t x = 1;
    for (int i = 0; i < 2000; ++i) {
      auto b = good;
      for (int k = 0; k < 4; ++k) {
        x = x * 1664525u + 1013904223u;
        b[(x >> 8) % 200] = uint8_t(x >> 24);  // within the ELF and program headers
      }
      try {
        ElfImage::parse(b);
      } catch (const DriverError& e) {
        CHECK(e.kind() == DriverError::Kind::kBadImage);
      }
    }
  }
  CHECK_THROWS_AS(ElfImage::load("/nonexistent/x.elf"), DriverError);
}

}  // namespace hb::driver
