// migrations.cc: the schema history. Column notes:
//   - enums are stored as their to_string() text (types.cc), checked by CHECK;
//   - times are int64 milliseconds since the Unix epoch;
//   - selector, excluded_boards, tags, inspection and result data are JSON text;
//   - "commit" is an SQL keyword, hence commit_sha.
#include "store/migrations.h"

#include <sqlite3.h>

#include <string>

#include "hbs/store.h"

namespace hbs::store {

namespace {

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE models (
  id          TEXT PRIMARY KEY,           -- sha256 hex of the .tflite bytes
  name        TEXT NOT NULL,
  size        INTEGER NOT NULL,           -- bytes
  inspection  TEXT NOT NULL,              -- JSON: the compiler's report
  created_ms  INTEGER NOT NULL
);

CREATE TABLE jobs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused
  model_id        TEXT NOT NULL,          -- "" for firmware-only jobs, so no FK
  firmware_id     TEXT NOT NULL,
  selector        TEXT NOT NULL,          -- JSON {"profile": "...", "tags": {...}}
  runs            INTEGER NOT NULL,
  warmup          INTEGER NOT NULL,
  windows         INTEGER NOT NULL,
  priority        INTEGER NOT NULL,
  rounding        TEXT NOT NULL,
  repo            TEXT NOT NULL,
  branch          TEXT NOT NULL,
  commit_sha      TEXT NOT NULL,
  ci_url          TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN
                    ('queued','assigned','flashing','running','done','failed','cancelled')),
  failure         TEXT NOT NULL CHECK (failure IN ('none','infrastructure','job','timeout')),
  message         TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  board_id        TEXT NOT NULL,
  excluded_boards TEXT NOT NULL,          -- JSON array of board ids
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL,
  started_ms      INTEGER NOT NULL,
  finished_ms     INTEGER NOT NULL
);
CREATE INDEX jobs_by_state ON jobs (state);
CREATE INDEX jobs_by_model ON jobs (model_id);
CREATE INDEX jobs_by_board ON jobs (board_id);
CREATE INDEX jobs_by_branch_commit ON jobs (branch, commit_sha);

CREATE TABLE job_logs (
  id          INTEGER PRIMARY KEY,
  job_id      INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  line        TEXT NOT NULL,
  created_ms  INTEGER NOT NULL
);
CREATE INDEX job_logs_by_job ON job_logs (job_id, id);

CREATE TABLE boards (
  id                         TEXT PRIMARY KEY,
  profile_id                 TEXT NOT NULL,
  agent_id                   TEXT NOT NULL,
  tags                       TEXT NOT NULL,  -- JSON object
  state                      TEXT NOT NULL CHECK (state IN ('idle','busy','offline')),
  health                     TEXT NOT NULL CHECK (health IN ('good','bad','unknown','maintenance')),
  current_job                INTEGER NOT NULL,  -- 0 = none (not an FK: 0 is no row)
  consecutive_infra_failures INTEGER NOT NULL,
  last_health_check_ms       INTEGER NOT NULL,
  health_message             TEXT NOT NULL,
  probe_serial               TEXT NOT NULL
);

CREATE TABLE results (
  job_id             INTEGER PRIMARY KEY REFERENCES jobs (id),
  model_id           TEXT NOT NULL,
  board_id           TEXT NOT NULL,
  profile_id         TEXT NOT NULL,
  branch             TEXT NOT NULL,
  commit_sha         TEXT NOT NULL,
  latency_median_us  REAL NOT NULL,
  data               TEXT NOT NULL,       -- JSON, schemas/api/result.schema.json
  created_ms         INTEGER NOT NULL
);
CREATE INDEX results_by_model ON results (model_id);
CREATE INDEX results_by_board ON results (board_id);
CREATE INDEX results_by_profile ON results (profile_id);
CREATE INDEX results_by_branch_commit ON results (branch, commit_sha);

CREATE TABLE tokens (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL,
  sha256      TEXT NOT NULL UNIQUE,       -- hex sha256 of the plaintext token
  created_ms  INTEGER NOT NULL
);
)sql"},
    // 2: the CI gate. A baseline row is one accepted metric value of one job
    // for (model_key, profile, board_id, metric); board_id '' = the board type.
    // Accepting a newer row for a key sets active = 0 on the older ones.
    {2, R"sql(
CREATE TABLE baselines (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  model_key   TEXT NOT NULL,              -- stable model name (file name or .hilbench.yml name)
  model_id    TEXT NOT NULL,              -- sha256 of the model or firmware the job ran
  profile_id  TEXT NOT NULL,
  board_id    TEXT NOT NULL,              -- '' = the whole board type
  metric      TEXT NOT NULL,
  value       REAL NOT NULL,
  job_id      INTEGER NOT NULL REFERENCES jobs (id),
  branch      TEXT NOT NULL,
  commit_sha  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  active      INTEGER NOT NULL CHECK (active IN (0, 1))
);
CREATE INDEX baselines_by_key ON baselines (model_key, profile_id, metric, board_id, active);
CREATE INDEX baselines_by_model_id ON baselines (model_id);

CREATE TABLE gates (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id           INTEGER NOT NULL REFERENCES jobs (id),
  baseline_job_id  INTEGER NOT NULL,      -- 0 = no baseline (not an FK: 0 is no row)
  model_key        TEXT NOT NULL,
  model_id         TEXT NOT NULL,
  profile_id       TEXT NOT NULL,
  verdict          TEXT NOT NULL CHECK (verdict IN ('pass','regression','error')),
  branch           TEXT NOT NULL,
  commit_sha       TEXT NOT NULL,
  metrics          TEXT NOT NULL,         -- JSON array, schemas/api/gate.schema.json
  created_ms       INTEGER NOT NULL
);
CREATE INDEX gates_by_model ON gates (model_key, profile_id);
CREATE INDEX gates_by_model_id ON gates (model_id);
)sql"},
};

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    throw StoreError(std::string("sqlite: ") + msg);
  }
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

int schema_version(sqlite3* db) {
  exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_version", -1, &st, nullptr) !=
      SQLITE_OK) {
    throw StoreError(std::string("sqlite: ") + sqlite3_errmsg(db));
  }
  int v = 0;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);  // NULL -> 0
  sqlite3_finalize(st);
  return v;
}

int migrate(sqlite3* db) {
  const int latest = latest_schema_version();
  // BEGIN IMMEDIATE: two daemons opening one fresh file must not both migrate.
  exec(db, "BEGIN IMMEDIATE");
  int current;
  try {
    current = schema_version(db);
    exec(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  if (current > latest) {
    throw StoreError("database schema version " + std::to_string(current) +
                     " is newer than this hilbenchd understands (" + std::to_string(latest) +
                     "); upgrade hilbenchd or restore a matching backup");
  }
  int applied = 0;
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    exec(db, "BEGIN IMMEDIATE");
    try {
      // Re-read under the write lock: another process may have migrated meanwhile.
      if (schema_version(db) >= m.version) {
        exec(db, "COMMIT");
        continue;
      }
      exec(db, m.sql);
      exec(db, "DELETE FROM schema_version");
      exec(db, ("INSERT INTO schema_version (version) VALUES (" + std::to_string(m.version) + ")")
                   .c_str());
      exec(db, "COMMIT");
      ++applied;
    } catch (const StoreError& e) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw StoreError("migration " + std::to_string(m.version) + " failed: " + e.what());
    }
  }
  return applied;
}

}  // namespace hbs::store
