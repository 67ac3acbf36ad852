// gate_cmd.h: `hilbench gate`, the CI gate.
//
//   hilbench gate [MODEL.tflite ...|--firmware ELF] [--board SELECTOR] [--name KEY]
//                 [--config .hilbench.yml] [--base-branch B] [--branch B] [--commit SHA]
//                 [--merge-base SHA] [--repo R] [--ci-url U]
//                 [--runs N] [--windows K] [--warmup W]
//                 [--markdown FILE] [--junit FILE] [--json FILE]
//                 [--accept] [--require-baseline] [--server URL] [--token T]
//
// For each candidate (the MODELs given, else the `models` of the settings
// file; or one firmware image): submits it (`hilbench submit --wait`), takes
// its metrics from the result (hbs/result_metrics.h), looks up the accepted
// baselines for the same model key and board type (GET /api/v1/baselines;
// selection in gate_stats.h: the physical board's own history first, the
// merge-base commit's row first, rows set by a person cut older ones off),
// and judges every metric against its threshold (gate_stats.h: exact on
// emulated boards, Mann-Whitney U over the timing windows on real ones).
// A suspected regression on a real board is re-run on a second unit of the
// same type when one exists and can be pinned by its tags, and only fails if
// it shows there too. The verdict is recorded (POST /api/v1/gates); with
// --accept, a passing candidate on the base branch becomes the new baseline
// (POST /api/v1/baselines, reason "gate: ...").
//
// Output: the Markdown summary on stdout (and in --markdown FILE), JUnit XML
// and JSON files on request; progress on stderr.
// Exit codes: 0 pass, 1 regression, 2 error (usage, settings file, a job that
// failed or was refused, an unreachable server, no baseline with
// --require-baseline): never reported as a regression.
//
// Labels default from the CI's environment when not given: GitHub Actions
// (GITHUB_HEAD_REF / GITHUB_REF_NAME, GITHUB_SHA, GITHUB_BASE_REF) and GitLab
// CI (CI_COMMIT_REF_NAME, CI_COMMIT_SHA, CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
// CI_MERGE_REQUEST_DIFF_BASE_SHA); HILBENCH_MERGE_BASE for any CI.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hb_cli {

int gate_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace hb_cli
