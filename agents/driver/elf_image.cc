#include "driver/elf_image.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "driver/driver_error.h"

namespace hb::driver {
namespace {

// ELF32 header fields used here (offsets in bytes, all little-endian):
//   e_ident[0..3] "\x7fELF", [4] class (1 = 32-bit), [5] data (1 = LE), [6] version 1
//   e_type @16 (u16, 2 = EXEC), e_machine @18 (u16, 40 = ARM), e_entry @24 (u32),
//   e_phoff @28 (u32), e_phentsize @42 (u16), e_phnum @44 (u16). Header is 52 bytes.
// Program header (32 bytes): p_type @0, p_offset @4, p_vaddr @8, p_paddr @12,
//   p_filesz @16, p_memsz @20, p_flags @24, p_align @28.
constexpr size_t kEhdrSize = 52;
constexpr size_t kPhdrSize = 32;
constexpr uint16_t kEmArm = 40;
constexpr uint32_t kPtLoad = 1;
constexpr uint16_t kPnXnum = 0xffff;  // e_phnum escape: real count in section 0 (not supported)

uint16_t u16(std::span<const uint8_t> b, size_t off) { return uint16_t(b[off] | b[off + 1] << 8); }
uint32_t u32(std::span<const uint8_t> b, size_t off) {
  return uint32_t(b[off]) | uint32_t(b[off + 1]) << 8 | uint32_t(b[off + 2]) << 16 |
         uint32_t(b[off + 3]) << 24;
}

}  // namespace

ElfImage ElfImage::parse(std::span<const uint8_t> b, const std::string& origin) {
  auto bad = [&](const std::string& what) { return DriverError::BadImage(origin + ": " + what); };
  if (b.size() < kEhdrSize)
    throw bad("truncated ELF header (" + std::to_string(b.size()) + " bytes)");
  if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') throw bad("not an ELF file");
  if (b[4] != 1) throw bad("not a 32-bit ELF (class " + std::to_string(b[4]) + ")");
  if (b[5] != 1) throw bad("not little-endian");
  if (b[6] != 1) throw bad("unknown ELF version");
  if (u16(b, 16) != 2) throw bad("not an executable (e_type " + std::to_string(u16(b, 16)) + ")");
  if (u16(b, 18) != kEmArm)
    throw bad("not an ARM ELF (e_machine " + std::to_string(u16(b, 18)) + ")");

  ElfImage img;
  img.entry_ = u32(b, 24);
  uint32_t phoff = u32(b, 28);
  uint16_t phentsize = u16(b, 42);
  uint16_t phnum = u16(b, 44);
  if (phnum == 0) throw bad("no program headers");
  if (phnum == kPnXnum) throw bad("extended program header count is not supported");
  if (phentsize < kPhdrSize) throw bad("program header entry size " + std::to_string(phentsize));
  if (uint64_t{phoff} + uint64_t{phnum} * phentsize > b.size())
    throw bad("program headers lie outside the file");

  for (uint16_t i = 0; i < phnum; ++i) {
    size_t ph = size_t(phoff) + size_t(i) * phentsize;
    if (u32(b, ph) != kPtLoad) continue;
    uint32_t off = u32(b, ph + 4), vaddr = u32(b, ph + 8), paddr = u32(b, ph + 12);
    uint32_t filesz = u32(b, ph + 16), memsz = u32(b, ph + 20), flags = u32(b, ph + 24);
    std::string seg = "segment " + std::to_string(i) + ": ";
    if (filesz > memsz) throw bad(seg + "p_filesz > p_memsz");
    if (uint64_t{off} + filesz > b.size()) throw bad(seg + "file bytes lie outside the file");
    if (uint64_t{paddr} + filesz > 0x100000000ull || uint64_t{vaddr} + memsz > 0x100000000ull)
      throw bad(seg + "address range wraps past 4 GiB");
    if (filesz == 0) continue;  // .bss-only: nothing to write
    ElfSegment s;
    s.load_addr = paddr;
    s.virt_addr = vaddr;
    s.mem_size = memsz;
    s.flags = flags;
    s.data.assign(b.begin() + off, b.begin() + off + filesz);
    for (const ElfSegment& o : img.segments_) {
      if (uint64_t{s.load_addr} < uint64_t{o.load_addr} + o.data.size() &&
          uint64_t{o.load_addr} < uint64_t{s.load_addr} + s.data.size())
        throw bad(seg + "load range overlaps another segment");
    }
    img.segments_.push_back(std::move(s));
  }
  if (img.segments_.empty()) throw bad("no loadable segment");
  return img;
}

ElfImage ElfImage::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DriverError::BadImage(path.string() + ": cannot open");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return parse(bytes, path.string());
}

uint64_t ElfImage::load_bytes() const {
  uint64_t n = 0;
  for (const ElfSegment& s : segments_) n += s.data.size();
  return n;
}

std::optional<uint32_t> ElfImage::read_u32(uint32_t addr) const {
  for (const ElfSegment& s : segments_) {
    if (addr >= s.load_addr && uint64_t{addr} + 4 <= uint64_t{s.load_addr} + s.data.size())
      return u32(s.data, addr - s.load_addr);
  }
  return std::nullopt;
}

}  // namespace hb::driver
