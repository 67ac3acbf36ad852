// model_cmd.h: `hilbench model inspect|compile|run`.
//
//   hilbench model inspect FILE [--json] [--rounding double|single]
//   hilbench model compile FILE -o PLAN [--rounding double|single]
//   hilbench model run FILE|PLAN --input IN.bin --output OUT.bin
//                      [--rounding double|single] [--dump-layers DIR]
//
// `run` accepts a .tflite (compiled on the fly) or a plan (recognised by its
// magic) and executes it with the C runtime on the host. IN.bin holds every
// graph input's raw bytes concatenated in input order; OUT.bin receives every
// output's, the layout of /work/shared/golden/*/*.bin. --dump-layers writes
// each op's output right after the op as DIR/<node:03d>_<OPNAME>.bin, the
// naming of the golden lcg.tensors directories.
//
// Exit codes (kExit*): 0 ok, 2 usage (bad arguments, wrong input size),
// 3 model error (printed "error: <kind>: <message>"), 4 runtime error.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hb_cli {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitModel = 3;
constexpr int kExitRuntime = 4;

// args are the words after "model" (e.g. {"inspect", "kws.tflite"}).
// Normal output goes to `out`, diagnostics to `err`.
int model_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace hb_cli
