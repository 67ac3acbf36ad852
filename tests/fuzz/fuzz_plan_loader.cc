// fuzz_plan_loader.cc: libFuzzer target for the runtime's plan loader.
//
// A plan comes from outside the board (serial upload), so hb_plan_init must
// reject every malformed one, and whatever it accepts must run without
// reading or writing out of bounds. This target loads the bytes with a 64 KiB
// arena and, when they validate, runs hb_invoke on a zeroed arena.
//
// The header CRC is recomputed over the input before loading: without that,
// almost every mutation would stop at the CRC check and the fuzzer would
// never reach the tensor/op/params validation behind it. (The CRC check
// itself is covered by plan_loader_test.cc.)
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "hb/plan_format.h"
#include "hb/runtime.h"

namespace {

constexpr uint32_t kArenaBytes = 64 * 1024;
alignas(HB_ARENA_ALIGN) uint8_t g_arena[kArenaBytes];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > UINT32_MAX) return 0;
  // A copy of exactly `size` bytes, so a read past the end hits ASan's
  // redzone. operator new returns 16-aligned memory: hb_plan_init needs 4.
  std::vector<uint8_t> store(data, data + size);
  uint8_t* plan_bytes = store.data();
  if (size >= sizeof(hb_plan_header)) {
    uint32_t crc = hb_plan_crc(plan_bytes, size);
    std::memcpy(plan_bytes + offsetof(hb_plan_header, crc32), &crc, sizeof crc);
  }

  hb_plan plan;
  if (hb_plan_init(&plan, plan_bytes, static_cast<uint32_t>(size), kArenaBytes) != HB_OK) {
    return 0;
  }
  std::memset(g_arena, 0, sizeof g_arena);
  (void)hb_invoke(&plan, g_arena, nullptr);
  return 0;
}
