// service_cmd.h: the commands that talk to a hilbenchd service over its HTTP
// API v1 (schemas/openapi.yaml):
//
//   hilbench submit MODEL.tflite|--model-id ID|--firmware ELF --board SELECTOR
//                   [--runs N] [--warmup W] [--windows K] [--priority P]
//                   [--rounding double|single]
//                   [--label repo=..,branch=..,commit=..,ci_url=..] [--wait] [--json]
//   hilbench jobs [--state S] [--json]
//   hilbench result JOB [--json]
//   hilbench boards [--json]
//   hilbench cancel JOB [--json]
//
// Every command also takes --server URL (else $HILBENCH_SERVER, else
// http://127.0.0.1:8080) and --token T (else $HILBENCH_TOKEN; only mutating
// requests need one).
//
// `submit` uploads the model (POST /models) or firmware (POST /firmware),
// then POST /jobs. With --wait it follows the job (state changes and log
// lines on stderr) until it ends and prints the result table (latency, the
// slowest layers, memory, energy estimate and its method, output check) on
// stdout; --json prints the result record instead.
//
// Exit codes: 0 ok; 1 the job failed (timeout, cancelled) or its output
// check failed; 2 usage, or the server refused the request as malformed
// (400, 401, 403, 404, 409, 413, 415); 3 job error (the server refused the
// model or selector with 422, or the job failed with failure "job");
// 4 server unreachable, 5xx, or the job failed for infrastructure reasons.
// A refused request prints "error: HTTP <status> <code>: <server message>".
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hb_cli {

// True when `cmd` is one of submit, jobs, result, boards, cancel.
bool is_service_command(const std::string& cmd);

// cmd is the first word ("submit", ...), args the words after it. Normal
// output to `out`; progress and diagnostics to `err`.
int service_main(const std::string& cmd, const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err);

}  // namespace hb_cli
