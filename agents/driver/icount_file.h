// icount_file.h: the instruction-count plugin's output file for one emulator
// run (firmware-harness/qemu-plugin/hb_icount.c writes a line "hb_icount region=N insns=M" per
// region between the two marker addresses).
//
// Ownership: an IcountFile owns its file in /tmp: it creates it empty in
// open() and removes it in reset() and in its destructor. Not copyable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "driver/qemu_board.h"

namespace hb::driver {

class IcountFile {
 public:
  IcountFile() = default;
  ~IcountFile() { reset(); }
  IcountFile(const IcountFile&) = delete;
  IcountFile& operator=(const IcountFile&) = delete;

  // Creates a fresh output file (removing the previous one) and returns the
  // plugin argument for QemuOptions::plugin: `plugin` counting the
  // instructions between the addresses `begin` and `end` (the harness's or
  // firmware's marker functions). Throws DriverError(kIo) if /tmp refuses.
  QemuPlugin open(const std::filesystem::path& plugin, uint64_t begin, uint64_t end);

  // Removes the file; regions() is empty afterwards.
  void reset();

  // Instructions per completed region, in order; empty without a file.
  std::vector<uint64_t> regions() const;

 private:
  std::filesystem::path path_;
};

}  // namespace hb::driver
