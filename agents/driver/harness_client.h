// harness_client.h: typed calls for the hilbench `hb-` protocol extensions
// (schemas/harness-protocol.md, version 1.x) on top of the MLPerf client.
//
// Extension replies are lines `m-hb-<key>=<value>`; a value may be `na` (the
// board cannot measure it), which maps to an empty optional here. Same error
// mapping as MlperfClient (e- -> DeviceRejected, silence -> BoardHung, a reply
// missing a promised key or with an unparsable number -> ProtocolError).
#pragma once

#include <map>
#include <optional>

#include "driver/mlperf_client.h"

namespace hb::driver {

// key -> value of every `m-hb-<key>=<value>` line (the last one wins for a
// repeated key). Lines of other shapes are skipped.
std::map<std::string, std::string> hb_key_values(const DutResponse& r);

// CRC-32 (IEEE 802.3 / zlib, reflected 0xEDB88320), as hb-bin and the plan use.
uint32_t crc32_ieee(std::span<const uint8_t> bytes, uint32_t crc = 0);

struct HbInfo {
  std::string proto, firmware, runtime, board, core, timer, mode, plan;
  std::optional<uint64_t> clock_hz, timer_hz, arena_capacity, input_capacity;
  std::optional<uint64_t> plan_input_bytes, plan_bytes, plan_arena, plan_ops;
  std::string plan_model, plan_sha256;
  std::map<std::string, std::string> all;  // every key, for what is not typed above
};

struct HbLatency {  // of the last infer, in ticks of timer_hz
  std::optional<uint64_t> count, min, median, max, total, kept, timer_hz;
  std::string timer;
};

struct HbLayer {
  uint32_t index = 0;             // op index in the plan
  std::string op;                 // TFLite builtin name, e.g. CONV_2D
  int64_t tflite_index = -1;      // operator index in the .tflite
  std::optional<uint64_t> ticks;  // timer ticks spent (na: not measured)
  std::optional<uint64_t> macs;
};

struct HbLayers {
  std::vector<HbLayer> layers;
  std::optional<uint64_t> total_ticks, timer_hz;
};

struct HbOutput {
  uint32_t index = 0;
  std::string dtype;        // int8, int16, int32, int64, float32
  uint32_t scale_bits = 0;  // IEEE-754 bits of the scale
  int64_t zero_point = 0;
  std::vector<uint8_t> data;  // checked against m-hb-out-bytes and m-hb-out-crc32
};

class HarnessClient : public MlperfClient {
 public:
  using MlperfClient::MlperfClient;

  HbInfo info();                                            // hb-info
  HbLatency latency();                                      // hb-lat
  HbLayers layers();                                        // hb-layers
  std::map<std::string, std::optional<uint64_t>> memory();  // hb-mem: key (without "mem-") -> bytes
  HbOutput output(uint32_t index = 0);                      // hb-out I
  // hb-bin N: raw input upload with a CRC-32 trailer. Returns seconds taken.
  double load_input_binary(std::span<const uint8_t> bytes);
};

}  // namespace hb::driver
