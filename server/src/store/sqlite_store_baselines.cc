// sqlite_store_baselines.cc: the CI gate's part of SqliteStore (baselines and
// gate verdicts; migration 2). Same rules as sqlite_store.cc: every method
// takes mu_ once; a state change is one statement or one BEGIN IMMEDIATE
// transaction.
#include "hbs/gate_json.h"
#include "store/sqlite_query.h"
#include "store/sqlite_store.h"

namespace hbs::store {

namespace {

int32_t clamp(int32_t limit) { return limit < 1 ? 1 : (limit > 10000 ? 10000 : limit); }

#define HBS_BASELINE_COLUMNS                                                                   \
  "id, model_key, model_id, profile_id, board_id, metric, value, job_id, branch, commit_sha, " \
  "reason, created_ms, active"

Baseline read_baseline(const Query& q) {
  Baseline b;
  b.id = q.i64(0);
  b.model_key = q.text(1);
  b.model_id = q.text(2);
  b.profile = q.text(3);
  b.board_id = q.text(4);
  b.metric = q.text(5);
  b.value = q.dbl(6);
  b.job_id = q.i64(7);
  b.branch = q.text(8);
  b.commit = q.text(9);
  b.reason = q.text(10);
  b.created_ms = q.i64(11);
  b.active = q.i64(12) != 0;
  return b;
}

std::vector<GateMetric> metrics_from(const nlohmann::json& j) {
  std::vector<GateMetric> out;
  if (!j.is_array()) throw StoreError("corrupt gate metrics");
  for (const auto& e : j) out.push_back(gate_metric_from_json(e));
  return out;
}

#define HBS_GATE_COLUMNS                                                                        \
  "id, job_id, baseline_job_id, model_key, model_id, profile_id, verdict, branch, commit_sha, " \
  "metrics, created_ms"

GateRecord read_gate(const Query& q) {
  GateRecord g;
  g.id = q.i64(0);
  g.job_id = q.i64(1);
  g.baseline_job_id = q.i64(2);
  g.model_key = q.text(3);
  g.model_id = q.text(4);
  g.profile = q.text(5);
  g.verdict = q.text(6);
  g.branch = q.text(7);
  g.commit = q.text(8);
  g.metrics = metrics_from(q.json(9));
  g.created_ms = q.i64(10);
  return g;
}

}  // namespace

std::vector<Baseline> SqliteStore::add_baselines(const std::vector<Baseline>& rows,
                                                 int64_t now_ms) {
  std::lock_guard lock(mu_);
  HBS_TRANSACTION(txn);
  std::vector<Baseline> out;
  for (Baseline b : rows) {
    {
      Query q(db_, prepare("UPDATE baselines SET active = 0 WHERE active = 1 AND model_key = ?1 "
                           "AND profile_id = ?2 AND board_id = ?3 AND metric = ?4"));
      q.bind(1, b.model_key).bind(2, b.profile).bind(3, b.board_id).bind(4, b.metric);
      q.run();
    }
    Query q(db_, prepare("INSERT INTO baselines (model_key, model_id, profile_id, board_id, "
                         "metric, value, job_id, branch, commit_sha, reason, created_ms, active) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1) RETURNING id"));
    q.bind(1, b.model_key)
        .bind(2, b.model_id)
        .bind(3, b.profile)
        .bind(4, b.board_id)
        .bind(5, b.metric)
        .bind(6, b.value)
        .bind(7, b.job_id)
        .bind(8, b.branch)
        .bind(9, b.commit)
        .bind(10, b.reason)
        .bind(11, now_ms);
    if (!q.step()) throw StoreError("sqlite: INSERT INTO baselines returned no id");
    b.id = q.i64(0);
    q.run();
    b.created_ms = now_ms;
    b.active = true;
    out.push_back(std::move(b));
  }
  txn.commit();
  return out;
}

std::vector<Baseline> SqliteStore::list_baselines(const BaselineFilter& f) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT " HBS_BASELINE_COLUMNS " FROM baselines WHERE "
                       "(?1 = '' OR model_key = ?1 OR model_id = ?1) AND "
                       "(?2 = '' OR profile_id = ?2) AND (?3 = '' OR metric = ?3) AND "
                       "(?4 = 0 OR active = 1) ORDER BY created_ms DESC, id DESC LIMIT ?5"));
  q.bind(1, f.model).bind(2, f.profile).bind(3, f.metric);
  q.bind(4, int64_t{f.active_only ? 1 : 0}).bind(5, clamp(f.limit));
  std::vector<Baseline> out;
  while (q.step()) out.push_back(read_baseline(q));
  return out;
}

GateRecord SqliteStore::add_gate(const GateRecord& in, int64_t now_ms) {
  std::lock_guard lock(mu_);
  GateRecord g = in;
  g.created_ms = now_ms;
  // One statement: its own transaction; the metrics travel in the same row.
  Query q(db_, prepare("INSERT INTO gates (job_id, baseline_job_id, model_key, model_id, "
                       "profile_id, verdict, branch, commit_sha, metrics, created_ms) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id"));
  q.bind(1, g.job_id)
      .bind(2, g.baseline_job_id)
      .bind(3, g.model_key)
      .bind(4, g.model_id)
      .bind(5, g.profile)
      .bind(6, g.verdict)
      .bind(7, g.branch)
      .bind(8, g.commit)
      .bind(9, gate_metrics_json(g.metrics).dump())
      .bind(10, now_ms);
  if (!q.step()) throw StoreError("sqlite: INSERT INTO gates returned no id");
  g.id = q.i64(0);
  q.run();
  return g;
}

std::vector<GateRecord> SqliteStore::list_gates(const GateFilter& f) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT " HBS_GATE_COLUMNS " FROM gates WHERE "
                       "(?1 = '' OR model_key = ?1 OR model_id = ?1) AND "
                       "(?2 = '' OR profile_id = ?2) AND (?3 = '' OR branch = ?3) "
                       "ORDER BY created_ms DESC, id DESC LIMIT ?4"));
  q.bind(1, f.model).bind(2, f.profile).bind(3, f.branch).bind(4, clamp(f.limit));
  std::vector<GateRecord> out;
  while (q.step()) out.push_back(read_gate(q));
  return out;
}

}  // namespace hbs::store
