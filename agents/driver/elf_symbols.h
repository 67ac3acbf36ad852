// elf_symbols.h: the symbol table of a 32-bit little-endian ELF file.
//
// ElfImage reads what a loader writes (program headers) and nothing else;
// the board session also needs a few symbol addresses from the harness ELF
// (hb_mark_begin / hb_mark_end for the QEMU instruction-count plugin) and the
// section sizes arm-none-eabi-size reports. This reader parses the section
// headers and every SHT_SYMTAB, bounds-checking each offset against the
// file; anything malformed is DriverError::BadImage naming the problem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>

namespace hb::driver {

struct ElfSymbol {
  uint32_t value = 0;  // st_value (for Thumb functions the Thumb bit is set)
  uint32_t size = 0;   // st_size, bytes
  uint8_t type = 0;    // ELF32_ST_TYPE (2 = STT_FUNC, 1 = STT_OBJECT)
};

// Sizes as `arm-none-eabi-size` (Berkeley format) reports them, bytes:
// text = allocated read-only sections (code, rodata, vectors), data =
// allocated writable sections with contents, bss = allocated NOBITS.
struct ElfSizes {
  uint64_t text = 0, data = 0, bss = 0;
};

class ElfSymbols {
 public:
  static ElfSymbols parse(std::span<const uint8_t> bytes, const std::string& origin = "ELF");
  static ElfSymbols load(const std::filesystem::path& path);

  // The named symbol (the first one with that name in table order), if any.
  std::optional<ElfSymbol> find(const std::string& name) const;
  // As find, but DriverError::BadImage naming the symbol and the file if absent.
  ElfSymbol require(const std::string& name) const;
  const ElfSizes& sizes() const { return sizes_; }
  size_t count() const { return symbols_.size(); }

 private:
  std::string origin_;
  std::map<std::string, ElfSymbol> symbols_;
  ElfSizes sizes_;
};

}  // namespace hb::driver
