// test_env.h: where the driver tests find the repository, the firmware build
// and qemu. Header-only, tests only.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace hb::driver::testing {

inline std::filesystem::path source_dir() {
  if (const char* e = std::getenv("HB_SOURCE_DIR")) return e;
#ifdef HB_SOURCE_DIR
  return HB_SOURCE_DIR;
#else
  return ".";
#endif
}

// The firmware build (harness and smoke ELFs): $HB_FW_BUILD_DIR, else
// <source>/build/firmware (scripts/build.sh's).
inline std::filesystem::path firmware_build_dir() {
  if (const char* e = std::getenv("HB_FW_BUILD_DIR")) return e;
  return source_dir() / "build/firmware";
}

// qemu binary to use: $HB_QEMU, else qemu-system-arm; empty if not found in PATH.
inline std::string find_qemu() {
  std::string name = std::getenv("HB_QEMU") ? std::getenv("HB_QEMU") : "qemu-system-arm";
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  size_t pos = 0;
  while (pos < p.size()) {
    size_t end = p.find(':', pos);
    if (end == std::string::npos) end = p.size();
    std::string cand = p.substr(pos, end - pos) + "/" + name;
    if (::access(cand.c_str(), X_OK) == 0) return cand;
    pos = end + 1;
  }
  return "";
}

}  // namespace hb::driver::testing
