// api/service_api.h: what the HTTP handlers ask of the daemon's job logic.
//
// The API layer reads the Store directly for plain queries (GET models, jobs,
// results, boards) but every state change of a job or board goes through a
// JobService, which owns the rules: scheduling, agent liveness, retries of
// infrastructure failures, quarantine. The production implementation is
// daemon/service.{h,cc} (one process, one scheduler thread); a test may pass
// a fake.
//
// Errors: methods throw ApiError (api_error.h) for anything the client
// should see (unknown job: NotFound; job already finished: Conflict; selector
// that matches no board: Unprocessable). Thread-safety: every method may be
// called from any HTTP worker thread concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hbs/types.h"

namespace hbs::api {

// One board as an agent announces it (POST /agent/register).
struct AgentBoard {
  std::string profile_id;
  std::string probe_serial;                 // "" for emulated boards
  std::map<std::string, std::string> tags;  // core, emulated, mcu, ...
};

// What an agent gets from a poll: everything needed to run the job without
// another lookup except downloading the artifact (model or firmware) by id.
struct AgentAssignment {
  int64_t job_id = 0;
  std::string board_id;
  std::string profile_id;
  JobSpec spec;
  int32_t attempt = 0;     // 1 for the first try
  int64_t timeout_ms = 0;  // the job fails with type timeout after this long
};

// Prometheus-facing numbers the service keeps in memory since start.
struct ServiceMetrics {
  std::vector<double> duration_buckets_s;  // upper bounds, ascending (no +Inf)
  std::vector<uint64_t> duration_counts;   // cumulative, one per bucket, then +Inf
  double duration_sum_s = 0;
  uint64_t duration_count = 0;
  int agents_online = 0;
};

class JobService {
 public:
  virtual ~JobService() = default;

  // --- users -------------------------------------------------------------
  // Validates references (model/firmware exists, some registered board
  // matches the selector) and queues the job.
  virtual Job submit_job(const JobSpec& spec) = 0;
  // Queued or in-flight -> cancelled (the board is freed; its agent learns it
  // from its next progress report or heartbeat). Terminal: Conflict.
  virtual Job cancel_job(int64_t job_id) = 0;

  // --- admins ------------------------------------------------------------
  // on: health maintenance (never scheduled). off ("restore"): health good,
  // infrastructure failure count reset; also the way out of quarantine.
  virtual Board set_maintenance(const std::string& board_id, bool on) = 0;

  // --- agents ------------------------------------------------------------
  // Registers (or refreshes) the agent's boards; returns them with their ids.
  virtual std::vector<Board> register_agent(const std::string& agent_id,
                                            const std::vector<AgentBoard>& boards) = 0;
  // Liveness. Returns ids of jobs on this agent's boards that were cancelled
  // or taken away, so the agent stops running them.
  virtual std::vector<int64_t> heartbeat(const std::string& agent_id) = 0;
  // Long poll: an assignment for one of the agent's boards, or nullopt after
  // `wait` (also counts as a heartbeat). Returns early on shutdown.
  virtual std::optional<AgentAssignment> poll(const std::string& agent_id,
                                              std::chrono::milliseconds wait) = 0;
  // state: kFlashing or kRunning. Conflict if the job is no longer this
  // agent's (cancelled, timed out, requeued).
  virtual void report_progress(const std::string& agent_id, int64_t job_id, JobState state,
                               const std::string& message) = 0;
  virtual void append_log(const std::string& agent_id, int64_t job_id,
                          const std::vector<std::string>& lines) = 0;
  // `result` follows schemas/api/result.schema.json.
  virtual Job report_result(const std::string& agent_id, int64_t job_id,
                            const nlohmann::json& result) = 0;
  // type kInfrastructure: retried elsewhere (bounded); kJob/kTimeout: failed.
  virtual Job report_failure(const std::string& agent_id, int64_t job_id, FailureType type,
                             const std::string& message) = 0;

  virtual ServiceMetrics metrics() = 0;
};

}  // namespace hbs::api
