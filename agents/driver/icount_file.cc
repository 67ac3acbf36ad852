// icount_file.cc: see icount_file.h.
#include "driver/icount_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "driver/driver_error.h"
#include "driver/hex.h"

namespace hb::driver {

QemuPlugin IcountFile::open(const std::filesystem::path& plugin, uint64_t begin, uint64_t end) {
  reset();
  char tmpl[] = "/tmp/hb_icount_XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) throw DriverError::Io("cannot create the plugin's output file in /tmp");
  ::close(fd);
  path_ = tmpl;
  return QemuPlugin{plugin,
                    {{"begin", hex32(begin)}, {"end", hex32(end)}, {"out", path_.string()}}};
}

void IcountFile::reset() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  path_.clear();
}

std::vector<uint64_t> IcountFile::regions() const {
  std::vector<uint64_t> out;
  if (path_.empty()) return out;
  std::ifstream f(path_);
  std::string line;
  while (std::getline(f, line)) {
    unsigned region = 0;
    unsigned long long insns = 0;
    if (std::sscanf(line.c_str(), "hb_icount region=%u insns=%llu", &region, &insns) == 2)
      out.push_back(insns);
  }
  return out;
}

}  // namespace hb::driver
