// elf_symbols.cc: see elf_symbols.h. Layouts from the System V ABI (ELF32):
//   header: e_shoff @0x20 (4), e_shentsize @0x2E (2), e_shnum @0x30 (2), e_shstrndx @0x32
//   section header (40 bytes): name, type, flags, addr, offset, size, link, info, align, entsize
//   symbol (16 bytes): st_name (4), st_value (4), st_size (4), st_info (1), st_other (1), st_shndx
//   (2)
#include "driver/elf_symbols.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "driver/driver_error.h"

namespace hb::driver {
namespace {

constexpr uint32_t kShtSymtab = 2;
constexpr uint32_t kShtNobits = 8;
constexpr uint32_t kShfWrite = 1;
constexpr uint32_t kShfAlloc = 2;

struct Reader {
  std::span<const uint8_t> b;
  const std::string& origin;

  [[noreturn]] void fail(const std::string& what) const {
    throw DriverError::BadImage(origin + ": " + what);
  }
  void need(uint64_t off, uint64_t len, const char* what) const {
    if (off > b.size() || len > b.size() - off) fail(std::string(what) + " lies outside the file");
  }
  uint32_t u32(uint64_t off) const {
    need(off, 4, "a field");
    return uint32_t{b[off]} | uint32_t{b[off + 1]} << 8 | uint32_t{b[off + 2]} << 16 |
           uint32_t{b[off + 3]} << 24;
  }
  uint16_t u16(uint64_t off) const {
    need(off, 2, "a field");
    return static_cast<uint16_t>(b[off] | b[off + 1] << 8);
  }
  // NUL-terminated string at off inside [start, start + size).
  std::string str(uint64_t start, uint64_t size, uint64_t off) const {
    if (off >= size) fail("a name offset lies outside its string table");
    const auto* p = reinterpret_cast<const char*>(b.data() + start + off);
    const void* nul = std::memchr(p, 0, size - off);
    if (!nul) fail("an unterminated string in a string table");
    return std::string(p, static_cast<const char*>(nul));
  }
};

struct Section {
  uint32_t name, type, flags, addr, offset, size, link, entsize;
};

}  // namespace

ElfSymbols ElfSymbols::parse(std::span<const uint8_t> bytes, const std::string& origin) {
  Reader r{bytes, origin};
  if (bytes.size() < 52 || std::memcmp(bytes.data(),
                                       "\x7f"
                                       "ELF",
                                       4) != 0)
    r.fail("not an ELF file");
  if (bytes[4] != 1 || bytes[5] != 1) r.fail("not a 32-bit little-endian ELF");
  const uint32_t shoff = r.u32(0x20);
  const uint16_t shentsize = r.u16(0x2E), shnum = r.u16(0x30);
  if (shnum == 0) r.fail("no section headers (stripped?)");
  if (shentsize < 40) r.fail("section header entries are too small");
  r.need(shoff, uint64_t{shentsize} * shnum, "the section header table");
  std::vector<Section> secs(shnum);
  for (uint32_t i = 0; i < shnum; ++i) {
    const uint64_t o = shoff + uint64_t{i} * shentsize;
    secs[i] = {r.u32(o),      r.u32(o + 4),  r.u32(o + 8),  r.u32(o + 12),
               r.u32(o + 16), r.u32(o + 20), r.u32(o + 24), r.u32(o + 36)};
  }
  ElfSymbols out;
  out.origin_ = origin;
  for (const Section& s : secs) {
    if (s.flags & kShfAlloc) {
      if (s.type == kShtNobits) {
        out.sizes_.bss += s.size;
      } else if (s.flags & kShfWrite) {
        out.sizes_.data += s.size;
      } else {
        out.sizes_.text += s.size;
      }
    }
    if (s.type != kShtSymtab) continue;
    if (s.entsize < 16) r.fail("symbol table entries are too small");
    if (s.link >= shnum) r.fail("symbol table links to a missing string table");
    const Section& strtab = secs[s.link];
    r.need(s.offset, s.size, "the symbol table");
    r.need(strtab.offset, strtab.size, "the string table");
    for (uint64_t o = s.offset; o + 16 <= uint64_t{s.offset} + s.size; o += s.entsize) {
      const uint32_t name = r.u32(o);
      if (name == 0) continue;
      std::string n = r.str(strtab.offset, strtab.size, name);
      ElfSymbol sym{r.u32(o + 4), r.u32(o + 8), static_cast<uint8_t>(bytes[o + 12] & 0xF)};
      out.symbols_.emplace(std::move(n), sym);  // the first one wins
    }
  }
  return out;
}

ElfSymbols ElfSymbols::load(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw DriverError::BadImage(path.string() + ": cannot open");
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return parse(b, path.string());
}

std::optional<ElfSymbol> ElfSymbols::find(const std::string& name) const {
  auto it = symbols_.find(name);
  if (it == symbols_.end()) return std::nullopt;
  return it->second;
}

ElfSymbol ElfSymbols::require(const std::string& name) const {
  auto s = find(name);
  if (!s) throw DriverError::BadImage(origin_ + ": no symbol '" + name + "'");
  return *s;
}

}  // namespace hb::driver
