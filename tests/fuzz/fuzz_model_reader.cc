// fuzz_model_reader.cc: libFuzzer target for the model compiler's front door.
//
// Any bytes -> hbc::read_tflite -> hbc::compile_plan. Rejecting the input
// with hbc::CompileError is the only acceptable failure: any other exception,
// a crash or a sanitizer report is a bug (an uploaded .tflite is outside
// input). The rounding mode follows the input length's parity so both
// lowering paths are reached.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hbc/compile.h"
#include "hbc/error.h"
#include "hbc/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    hbc::Model model = hbc::read_tflite(std::vector<uint8_t>(data, data + size));
    hbc::CompileOptions opts;
    opts.rounding = (size & 1) ? hbc::Rounding::kSingle : hbc::Rounding::kDouble;
    hbc::InspectReport report;
    std::vector<uint8_t> plan = hbc::compile_plan(model, opts, &report);
    (void)plan;
  } catch (const hbc::CompileError&) {
    // A clean rejection.
  }
  // Any other exception escapes and libFuzzer reports it as a crash.
  return 0;
}
