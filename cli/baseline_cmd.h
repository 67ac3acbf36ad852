// baseline_cmd.h: `hilbench baseline`, the CI gate's accepted figures.
//
//   hilbench baseline show --model KEY|SHA256 [--board PROFILE] [--all] [--json]
//   hilbench baseline set JOB [--name KEY] [--metrics m1,m2] [--reason TEXT]
//                             [--board-specific] [--json]
//
// `show` lists the active baselines (with --all, the history too) of a model
// key or sha256 (GET /api/v1/baselines). `set` accepts job JOB's result as
// the new baseline of its model and board type (POST /api/v1/baselines): the
// older rows of the same keys stop counting, and rows older than one set by
// a person are no longer candidates for a gate's merge-base lookup (see
// gate_stats.h). Use it when a change is slower on purpose. --name is the
// model key (default: the model's uploaded file name); --metrics limits the
// metrics (default: every one the result carries); --board-specific also
// records the figures for the job's physical board.
//
// Common: --server URL ($HILBENCH_SERVER), --token T ($HILBENCH_TOKEN; set
// needs a user token). Exit codes: 0 ok, 2 usage or refused request, 4 server
// unreachable.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hb_cli {

int baseline_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace hb_cli
