// board_cmd.h: `hilbench board list|run`.
//
//   hilbench board list [--json] [--profiles DIR]
//   hilbench board run --board ID|PROFILE.json --model FILE.tflite|PLAN
//                      [--input FILE] [--runs N] [--warmup W] [--rounding double|single]
//                      [--transfer bin|hex] [--timeout-ms T] [--no-layers] [--json]
//                      [--firmware DIR] [--plugin SO] [--profiles DIR] [--shared DIR]
//
// `list` shows the device profiles and the probes and serial ports found on
// this host. `run` compiles the model if needed, refuses a plan that does not
// fit the board (naming the shortfall in bytes), runs it on the emulated
// board through agents/driver/board_session.h and checks the board's output
// byte for byte against the host runtime on the same plan and input.
//
// Where things are found (first hit wins):
//   profiles   --profiles DIR, $HB_PROFILES_DIR, ./device-profiles, <exe>/../device-profiles
//   firmware   --firmware DIR, $HB_FW_BUILD_DIR, firmware/ or build/firmware/ from here,
//              beside the executable or in its parent
//              (<DIR>/<board>/harness.elf)
//   plugin     --plugin SO, $HB_ICOUNT_PLUGIN, <firmware>/qemu-plugin/libhb_icount.so
//   golden     --shared DIR, $HB_SHARED_DIR (golden/manifest.json): a model found
//              there by sha256 gets its `lcg` input by default (and its golden
//              output is compared too); otherwise the default input is the
//              same LCG stream (golden/README.md) over the input's bytes.
//   qemu       $HB_QEMU, else qemu-system-arm
//
// Exit codes: 0 ok, 1 output check FAILED, 2 usage, 3 job error (model does
// not compile or fit, the board refused it), 4 infrastructure error
// (emulator, hung board, missing firmware). Errors print
// "error: <job|infrastructure>: <message>".
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hb_cli {

constexpr int kExitCheckFailed = 1;
constexpr int kExitJob = 3;
constexpr int kExitInfrastructure = 4;

// args are the words after "board". Normal output to `out`, diagnostics to `err`.
int board_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace hb_cli
