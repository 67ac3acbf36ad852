// plan_loader_test.cc: a plan is validated completely before anything runs.
// Corrupt, truncated and hostile plans are refused with the right code;
// mutated plans with a recomputed CRC (what a malicious or buggy compiler
// could produce) never make the loader or an accepted plan's run misbehave
// (this binary also runs under ASan+UBSan).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "hb/runtime.h"
#include "hbc/compile.h"
#include "hbc/model.h"

namespace {

std::vector<uint8_t> kws_plan() {
  static std::vector<uint8_t> plan = [] {
    hbc::Model m =
        hbc::read_tflite_file(std::string(HB_SHARED_DIR) + "/models/kws_ref_model.tflite");
    return hbc::compile_plan(m, hbc::CompileOptions{});
  }();
  return plan;
}

// Aligned copy + init.
struct Buf {
  std::vector<uint32_t> words;
  uint32_t size;
  explicit Buf(const std::vector<uint8_t>& b)
      : words((b.size() + 3) / 4), size(uint32_t(b.size())) {
    std::memcpy(words.data(), b.data(), b.size());
  }
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(words.data()); }
  hb_plan_header* header() { return reinterpret_cast<hb_plan_header*>(words.data()); }
  void fix_crc() { header()->crc32 = hb_plan_crc(bytes(), header()->total_size); }
  hb_status init(uint32_t arena = 1u << 20) {
    hb_plan p;
    return hb_plan_init(&p, words.data(), size, arena);
  }
};

}  // namespace

TEST_CASE("crc32 matches the zlib check value") {
  const char* s = "123456789";
  CHECK(hb_crc32(0, s, 9) == 0xCBF43926u);
  // Chaining two halves gives the same as one call.
  CHECK(hb_crc32(hb_crc32(0, s, 4), s + 4, 5) == 0xCBF43926u);
  CHECK(hb_crc32(0, s, 0) == 0u);
}

TEST_CASE("a good plan loads; header problems get their own codes") {
  Buf good(kws_plan());
  REQUIRE(good.init() == HB_OK);
  CHECK(good.header()->arena_size > 0);

  SUBCASE("arena too small") {
    CHECK(good.init(good.header()->arena_size - 1) == HB_ERR_ARENA_TOO_SMALL);
  }
  SUBCASE("bad magic") {
    good.header()->magic ^= 1;
    CHECK(good.init() == HB_ERR_BAD_MAGIC);
  }
  SUBCASE("future major version") {
    good.header()->version_major = 2;
    CHECK(good.init() == HB_ERR_BAD_VERSION);
  }
  SUBCASE("truncated") {
    good.size -= 1;
    CHECK(good.init() == HB_ERR_BAD_SIZE);
  }
  SUBCASE("shorter than a header") {
    good.size = 40;
    CHECK(good.init() == HB_ERR_BAD_SIZE);
  }
  SUBCASE("unknown flag") {
    good.header()->flags |= 0x80;
    good.fix_crc();
    CHECK(good.init() == HB_ERR_BAD_PARAMS);
  }
  SUBCASE("misaligned buffer") {
    std::vector<uint8_t> b(kws_plan().size() + 1);
    std::memcpy(b.data() + 1, kws_plan().data(), kws_plan().size());
    hb_plan p;
    CHECK(hb_plan_init(&p, b.data() + ((reinterpret_cast<uintptr_t>(b.data()) & 3) == 0 ? 1 : 0),
                       uint32_t(kws_plan().size()), 1u << 20) != HB_OK);
  }
}

TEST_CASE("every single-bit flip of a plan is refused") {
  const std::vector<uint8_t> plan = kws_plan();
  int refused = 0, tried = 0;
  // Every bit of the first 4 KiB (header, tables, params) and a stride over the rest.
  for (size_t bit = 0; bit < plan.size() * 8; bit += (bit < 4096 * 8 ? 1 : 997)) {
    Buf b(plan);
    b.bytes()[bit / 8] ^= uint8_t(1u << (bit % 8));
    ++tried;
    if (b.init() != HB_OK) ++refused;
  }
  CHECK(refused == tried);
}

TEST_CASE("structural corruption behind a valid CRC is caught by the structure checks") {
  Buf b(kws_plan());
  auto* h = b.header();
  auto* tensors = reinterpret_cast<hb_tensor*>(b.bytes() + h->tensors_offset);
  auto* ops = reinterpret_cast<hb_op*>(b.bytes() + h->ops_offset);
  SUBCASE("tensor past the arena") {
    uint16_t id = ops[0].tensors[ops[0].n_inputs];
    tensors[id].offset = h->arena_size;
    b.fix_crc();
    CHECK(b.init() == HB_ERR_BAD_OFFSET);
  }
  SUBCASE("tensor bytes inconsistent with dims") {
    tensors[0].bytes += 1;
    b.fix_crc();
    CHECK(b.init() == HB_ERR_BAD_TENSOR);
  }
  SUBCASE("absurd dims") {
    tensors[0].dims[0] = 0x7FFFFFFF;
    b.fix_crc();
    CHECK(b.init() == HB_ERR_BAD_TENSOR);
  }
  SUBCASE("unknown opcode") {
    ops[0].opcode = 999;
    b.fix_crc();
    CHECK(b.init() == HB_ERR_UNSUPPORTED_OP);
  }
  SUBCASE("op slot names a missing tensor") {
    ops[0].tensors[0] = uint16_t(h->n_tensors);
    b.fix_crc();
    CHECK(b.init() == HB_ERR_BAD_OP);
  }
  SUBCASE("params outside the plan") {
    ops[0].params_offset = h->total_size;
    b.fix_crc();
    CHECK(b.init() == HB_ERR_BAD_OFFSET);
  }
  SUBCASE("op table outside the plan") {
    h->n_ops = 0x10000000;
    b.fix_crc();
    CHECK(b.init() == HB_ERR_BAD_OFFSET);
  }
  SUBCASE("output in flash") {
    uint16_t id = ops[0].tensors[ops[0].n_inputs];
    tensors[id].storage = HB_STORAGE_CONST;
    b.fix_crc();
    CHECK(b.init() != HB_OK);
  }
}

TEST_CASE("random mutations with a fixed-up CRC never break the loader or the run") {
  const std::vector<uint8_t> plan = kws_plan();
  uint32_t x = 12345;
  auto next = [&x] { return x = x * 1103515245u + 12345u; };
  int accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Buf b(plan);
    const int n = 1 + int(next() % 4);
    for (int k = 0; k < n; ++k) {
      // Mostly hit the header/tables/params, where structure lives.
      uint32_t limit = (next() & 1) ? std::min<uint32_t>(b.size, 2048) : b.size;
      b.bytes()[next() % limit] = uint8_t(next() >> 16);
    }
    if (b.header()->total_size <= b.size && b.header()->total_size >= sizeof(hb_plan_header))
      b.fix_crc();
    hb_plan p;
    const uint32_t cap = 64 * 1024;
    if (hb_plan_init(&p, b.words.data(), b.size, cap) != HB_OK) continue;
    ++accepted;
    alignas(16) static uint8_t arena[64 * 1024];
    std::memset(arena, 0, sizeof arena);
    CHECK(hb_invoke(&p, arena, nullptr) == HB_OK);
  }
  MESSAGE("mutated plans accepted (harmless changes such as weights): " << accepted);
}
