// fuzz_protocol.cc: libFuzzer target for the harness protocol engine. Any
// byte stream from the serial line must leave it without a crash, hang,
// out-of-bounds access or undefined behaviour, and every reply must be
// complete lines.
//
// Build (CMake: the HB_FUZZ tree), or by hand: compile the C sources with
//   clang -std=c11 -fsanitize=fuzzer-no-link,address,undefined -I firmware-harness/protocol/include
//   -I firmware-harness/runtime/include -c firmware-harness/protocol/*.c
//   firmware-harness/runtime/src/{crc32,status}.c
// then link them with
//   clang++ -std=c++20 -fsanitize=fuzzer,address,undefined -I firmware-harness/protocol
//   -I firmware-harness/protocol/include -I firmware-harness/runtime/include
//   firmware-harness/protocol/fuzz_protocol.cc *.o
//
// Input: byte 0 selects the board's features and sizes; the rest is split into
// feeds at 0xFE bytes, with an idle timeout between feeds when byte 0 asks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "hb/protocol.h"
#include "testing/fake_board.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t sel = data[0];
  hbtest::FakeBoard b;
  b.plan_loaded = (sel & 1) != 0;
  b.with_energy = (sel & 2) != 0;
  b.with_plan_upload = (sel & 4) != 0;
  b.with_layers = (sel & 8) != 0;
  b.with_mem = (sel & 16) != 0;
  b.cfg.energy_mode = (sel & 32) != 0;
  b.out_dtype = (sel & 64) ? HB_DT_INT16 : HB_DT_INT8;
  const bool idle_between_feeds = (sel & 128) != 0;
  b.input_bytes = 1u + sel % 7u;
  b.plan_capacity = 256;
  b.max_inferences = 2000;  // `infer 4000000000` must not make a run take hours
  b.Start();
  size_t start = 1;
  for (size_t i = 1; i <= size; ++i) {
    if (i == size || data[i] == 0xFE) {
      hb_proto_feed(&b.proto, data + start, static_cast<uint32_t>(i - start));
      if (idle_between_feeds) hb_proto_idle(&b.proto);
      start = i + 1;
    }
  }
  // Output is always whole \r\n-terminated lines once the engine is in text mode.
  if (b.proto.rx_mode == HB_RX_TEXT && !b.out.empty() &&
      b.out.compare(b.out.size() - 2, 2, "\r\n") != 0) {
    std::abort();
  }
  return 0;
}
