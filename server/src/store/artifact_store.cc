// artifact_store.cc: content-addressed files (hbs/store.h, ArtifactStore).
//
// Crash safety: bytes go to "<dir>/.tmp-<sha>-<pid>-<n>", are fsynced, then
// renamed onto "<dir>/<sha>" and the directory is fsynced, so after a crash a
// name either holds the complete artifact or does not exist. Leftover .tmp-
// files are harmless garbage. Two writers of the same bytes race benignly:
// rename is atomic and both write identical content.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hbs/store.h"
#include "sha256.h"  // hbc::sha256_hex (compiler/src)

namespace hbs {

namespace {

// Ids come from URLs: only 64 lower-case hex characters may become a path.
bool valid_id(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

[[noreturn]] void io_fail(const std::string& what, const std::string& path) {
  throw StoreError(what + " " + path + ": " + std::strerror(errno));
}

void mkdir_if_missing(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) io_fail("mkdir", dir);
}

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) io_fail("open", path);
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    io_fail("fsync", path);
  }
  ::close(fd);
}

std::atomic<uint64_t> g_temp_counter{0};

}  // namespace

ArtifactStore::ArtifactStore(std::string root) : root_(std::move(root)) { mkdir_if_missing(root_); }

std::string ArtifactStore::path_of(const std::string& sha256) const {
  if (!valid_id(sha256)) throw StoreError("invalid artifact id \"" + sha256.substr(0, 80) + "\"");
  return root_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

bool ArtifactStore::has(const std::string& sha256) const {
  if (!valid_id(sha256)) return false;
  struct stat st;
  return ::stat(path_of(sha256).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<std::string> ArtifactStore::get(const std::string& sha256) const {
  if (!valid_id(sha256)) return std::nullopt;
  std::ifstream in(path_of(sha256), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw StoreError("read " + path_of(sha256) + " failed");
  return std::move(ss).str();
}

std::string ArtifactStore::put(const std::string& bytes) {
  const std::string id =
      hbc::sha256_hex(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (has(id)) return id;
  const std::string dir = root_ + "/" + id.substr(0, 2);
  mkdir_if_missing(dir);
  const std::string tmp = dir + "/.tmp-" + id + "-" + std::to_string(::getpid()) + "-" +
                          std::to_string(g_temp_counter.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) io_fail("create", tmp);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = e;
      io_fail("write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  int synced = ::fsync(fd);
  int e = errno;
  if (::close(fd) != 0 && synced == 0) {
    synced = -1;
    e = errno;
  }
  if (synced != 0) {
    ::unlink(tmp.c_str());
    errno = e;
    io_fail("fsync", tmp);
  }
  const std::string final_path = path_of(id);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    errno = e;
    io_fail("rename to", final_path);
  }
  fsync_path(dir, O_RDONLY | O_DIRECTORY);  // make the rename itself durable
  return id;
}

}  // namespace hbs
