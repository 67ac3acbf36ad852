// main.cc: the `hilbench` command-line entry point. Each command group
// lives in its own file (model_cmd.cc: `hilbench model ...`, board_cmd.cc:
// `hilbench board ...`, service_cmd.cc: `hilbench submit|jobs|result|boards|cancel`).
#include <iostream>
#include <string>
#include <vector>

#include "baseline_cmd.h"
#include "board_cmd.h"
#include "gate_cmd.h"
#include "hb/runtime.h"
#include "model_cmd.h"
#include "service_cmd.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--version" || args[0] == "version")) {
    std::cout << "hilbench " << HB_RUNTIME_VERSION << "\n";
    return hb_cli::kExitOk;
  }
  if (!args.empty() && args[0] == "model") {
    return hb_cli::model_main({args.begin() + 1, args.end()}, std::cout, std::cerr);
  }
  if (!args.empty() && args[0] == "board") {
    return hb_cli::board_main({args.begin() + 1, args.end()}, std::cout, std::cerr);
  }
  if (!args.empty() && args[0] == "gate") {
    return hb_cli::gate_main({args.begin() + 1, args.end()}, std::cout, std::cerr);
  }
  if (!args.empty() && args[0] == "baseline") {
    return hb_cli::baseline_main({args.begin() + 1, args.end()}, std::cout, std::cerr);
  }
  if (!args.empty() && hb_cli::is_service_command(args[0])) {
    return hb_cli::service_main(args[0], {args.begin() + 1, args.end()}, std::cout, std::cerr);
  }
  std::cerr
      << "usage: hilbench model inspect|compile|run ...   (hilbench model for details)\n"
         "       hilbench board list|run ...              (hilbench board for details)\n"
         "       hilbench submit|jobs|result|boards|cancel ...  (a hilbenchd service;\n"
         "                                                 hilbench submit --help)\n"
         "       hilbench gate ... | baseline show|set ...  (the CI gate; hilbench gate --help)\n";
  return hb_cli::kExitUsage;
}
