// mlperf_client.h: the host side of the MLPerf Tiny (EEMBC) DUT serial
// protocol (docs/mlperf-tiny-protocol.md), over a SerialLink.
//
// Drives any firmware that speaks the standard protocol (the reference
// MLPerf Tiny firmwares and our harness). Wire summary:
//   host -> DUT: ASCII words separated by spaces, terminated by '%' (<= 80 chars)
//   DUT -> host: lines ending "\r\n"; "m-..." messages, "e-[...]" errors;
//                every command's response, errors included, ends with "m-ready".
//   boot: m-timestamp-mode-performance|energy, a timestamp, m-init-done, m-ready
//   timestamps (performance mode): m-lap-us-<microseconds of the DUT's timer>
//
// Failure mapping: no m-ready within a command's timeout is
// DriverError::BoardHung (the line stays connected but the board is stuck);
// an e-[...] answer is DeviceRejected (the command was understood and
// refused: bad input, model mismatch); a response missing a line the
// protocol promises (no m-results after infer, an unparsable timestamp) is
// ProtocolError; a closed link is Io. Lines that are neither m- nor e-
// (debug prints of a vendor firmware, line noise) are kept in
// DutResponse::other and otherwise ignored, as the official runner does.
// Not thread-safe; one client per link.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "driver/serial_link.h"

namespace hb::driver {

// Everything a DUT sent in answer to one command, up to (not including) m-ready.
struct DutResponse {
  std::vector<std::string> lines;   // all lines, in order
  std::vector<std::string> errors;  // payloads of e-[...] lines (without "e-[" and "]")
  std::vector<std::string> other;   // lines that are neither m- nor e-
  double seconds = 0;               // command sent -> m-ready received

  // First line starting with `prefix`, if any.
  std::optional<std::string> find(std::string_view prefix) const;
};

struct DutBoot {
  std::string timestamp_mode;            // "performance" or "energy"
  std::optional<uint64_t> timestamp_us;  // the boot m-lap-us (performance mode)
  DutResponse raw;
};

struct DutProfile {
  std::string firmware;  // m-profile-[...]
  std::string model;     // m-model-[...] ("kws01", "vww01", "ic01", "ad01"), may be empty
};

struct InferResult {
  uint32_t iterations = 0;  // N
  uint32_t warmups = 0;     // W
  // The first and second m-lap-us after m-infer-start (absent in energy mode,
  // where the timestamps are GPIO edges seen by the energy monitor).
  std::optional<uint64_t> start_us, end_us;
  std::vector<float> results;  // the m-results-[...] line
  DutResponse raw;

  // end - start in µs (handles one 32-bit wrap of the DUT's µs counter).
  std::optional<uint64_t> elapsed_us() const;
  // Mean latency of one inference, µs; nullopt without timestamps.
  std::optional<double> us_per_inference() const;
};

struct MlperfOptions {
  std::chrono::milliseconds command_timeout{3000};  // any command except infer
  size_t max_response_lines = 100000;  // more before m-ready: ProtocolError (a babbling board)
  size_t db_chunk_bytes = 31;          // bytes per `db <hex>` command, as the official runner
};

class MlperfClient {
 public:
  // The link must outlive the client.
  explicit MlperfClient(SerialLink& link, MlperfOptions opts = {});

  // Reads the boot banner, up to m-ready. BoardHung if it does not complete in time.
  DutBoot wait_boot(std::chrono::milliseconds timeout);

  // Sends `cmd%` and collects the response up to m-ready, without
  // interpreting it (e- lines do not throw). BoardHung on timeout.
  DutResponse command_raw(std::string_view cmd, std::chrono::milliseconds timeout);
  // As command_raw, with the default timeout, and DeviceRejected on any e- line.
  DutResponse command(std::string_view cmd);

  std::string name();       // m-name-dut-[...]
  DutProfile profile();     // m-profile-[...] (+ m-model-[...])
  uint64_t timestamp_us();  // `timestamp%` in performance mode
  // Uploads the input tensor: `db load N`, then `db <hex>` chunks of
  // db_chunk_bytes, each acknowledged by m-ready; the DUT must report
  // m-load-done after the last. Returns the time taken, s.
  double load_input(std::span<const uint8_t> bytes);
  // `infer N W`: W untimed and N timed inferences. timeout bounds the whole
  // command (give it room for N+W inferences).
  InferResult infer(uint32_t n, uint32_t warmups, std::chrono::milliseconds timeout);
  std::vector<float> results();  // `results%`

 protected:
  // Reads lines up to m-ready for a command sent at t0 (or the boot banner).
  // BoardHung past t0 + timeout.
  DutResponse collect_response(std::string_view what, Clock::time_point t0,
                               std::chrono::milliseconds timeout);

  SerialLink& link_;
  MlperfOptions opts_;
};

// Line parsers (pure; exposed for tests and fuzzers).
// "<prefix>[<payload>]" -> payload, if `line` has exactly that form.
std::optional<std::string> bracket_payload(std::string_view line, std::string_view prefix);
// "m-lap-us-<decimal>" -> value (no sign, <= 20 digits, fits in 64 bits).
std::optional<uint64_t> parse_lap_us(std::string_view line);
// "m-results-[f,f,...]" -> values; nullopt if any element is not a finite number.
std::optional<std::vector<float>> parse_results(std::string_view line);

}  // namespace hb::driver
