#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <vector>

#include "hbs/store.h"
#include "store/test_dir.h"

namespace hbs::store {

TEST_CASE("ArtifactStore: put/get/has by sha256, idempotent, binary-safe") {
  TestDir dir;
  ArtifactStore a(dir.file("artifacts"));
  // sha256("abc"), FIPS 180-4 example.
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  CHECK_FALSE(a.has(abc));
  CHECK_FALSE(a.get(abc));
  CHECK(a.put("abc") == abc);
  CHECK(a.has(abc));
  CHECK(a.get(abc) == "abc");
  CHECK(a.path_of(abc) == dir.file("artifacts") + "/ba/" + abc);
  CHECK(std::filesystem::is_regular_file(a.path_of(abc)));
  CHECK(a.put("abc") == abc);  // again: same id, no error

  std::string binary("\0\xff\x01tflite\0", 10);
  std::string id = a.put(binary);
  CHECK(a.get(id) == binary);
  CHECK(a.get(a.put("")) == "");

  // No temp files left behind.
  for (auto& e : std::filesystem::recursive_directory_iterator(dir.file("artifacts"))) {
    CHECK(e.path().filename().string().rfind(".tmp-", 0) == std::string::npos);
  }
  // A second store on the same root sees the same files.
  ArtifactStore b(dir.file("artifacts"));
  CHECK(b.get(abc) == "abc");
}

TEST_CASE("ArtifactStore: ids that are not sha256 hex never become paths") {
  TestDir dir;
  ArtifactStore a(dir.file("artifacts"));
  for (const std::string& bad :
       std::vector<std::string>{"", "../../etc/passwd", std::string(64, 'A'), std::string(63, 'a'),
                                std::string(65, 'a'), "../" + std::string(61, 'a')}) {
    CHECK_FALSE(a.has(bad));
    CHECK_FALSE(a.get(bad));
    CHECK_THROWS_AS(a.path_of(bad), StoreError);
  }
}

}  // namespace hbs::store
