// elf_image.h: the loadable contents of a 32-bit little-endian ARM ELF executable.
//
// A deliberately small reader: it parses the ELF header and program headers,
// every offset and size bounds-checked against the file, and keeps the
// PT_LOAD segments (what a loader writes to the target, like gdb's `load`).
// Sections and symbols are not read. Anything malformed (truncated file, wrong
// class/endianness/machine, a segment outside the file, filesz > memsz, an
// address range wrapping past 4 GiB, overlapping load ranges) throws
// DriverError::BadImage naming the problem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hb::driver {

struct ElfSegment {
  uint32_t load_addr = 0;     // p_paddr: where the bytes go (LMA; .data's copy in flash)
  uint32_t virt_addr = 0;     // p_vaddr: where the code expects them at run time
  uint32_t mem_size = 0;      // p_memsz (>= data.size(); the rest is .bss, zeroed by startup code)
  uint32_t flags = 0;         // p_flags (PF_X=1, PF_W=2, PF_R=4)
  std::vector<uint8_t> data;  // p_filesz bytes from the file
};

class ElfImage {
 public:
  // Parses an in-memory ELF file. `origin` names it in error messages.
  static ElfImage parse(std::span<const uint8_t> bytes, const std::string& origin = "ELF");
  // Reads and parses a file (DriverError::BadImage also if it cannot be read).
  static ElfImage load(const std::filesystem::path& path);

  uint32_t entry() const { return entry_; }
  // PT_LOAD segments with file bytes, in program-header order (empty ones skipped).
  const std::vector<ElfSegment>& segments() const { return segments_; }
  // Total bytes a loader writes (sum of the segments' file sizes).
  uint64_t load_bytes() const;
  // Reads a little-endian word from the load image (by load address), if the
  // 4 bytes lie inside one segment's file data. Used for the vector table.
  std::optional<uint32_t> read_u32(uint32_t load_addr) const;

 private:
  uint32_t entry_ = 0;
  std::vector<ElfSegment> segments_;
};

}  // namespace hb::driver
