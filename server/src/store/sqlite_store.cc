// sqlite_store.cc: Store on SQLite (see sqlite_store.h for durability and
// locking). Every public method takes mu_ once and runs either one statement
// (its own implicit transaction) or an explicit BEGIN IMMEDIATE ... COMMIT.
#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sha256.h"  // hbc::sha256_hex (compiler/src)
#include "store/migrations.h"
#include "store/sqlite_query.h"

namespace hbs {

std::unique_ptr<Store> open_sqlite_store(const std::string& path) {
  return std::make_unique<store::SqliteStore>(path);
}

namespace store {

namespace {

template <typename T, typename From>
T parse_enum(const std::string& s, From from, const char* what) {
  auto v = from(s);
  if (!v) throw StoreError(std::string("corrupt ") + what + " \"" + s + "\" in database");
  return *v;
}

nlohmann::json selector_json(const BoardSelector& s) {
  return {{"profile", s.profile}, {"tags", s.tags}};
}

BoardSelector selector_from(const nlohmann::json& j) {
  BoardSelector s;
  try {
    s.profile = j.at("profile").get<std::string>();
    s.tags = j.at("tags").get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(std::string("corrupt job selector: ") + e.what());
  }
  return s;
}

// Column list shared by every job SELECT; read_job() reads in this order.
#define HBS_JOB_COLUMNS                                                                        \
  "id, model_id, firmware_id, selector, runs, warmup, windows, priority, rounding, repo, "     \
  "branch, commit_sha, ci_url, state, failure, message, attempts, board_id, excluded_boards, " \
  "created_ms, updated_ms, started_ms, finished_ms"

Job read_job(const Query& q) {
  Job j;
  j.id = q.i64(0);
  j.spec.model_id = q.text(1);
  j.spec.firmware_id = q.text(2);
  j.spec.selector = selector_from(q.json(3));
  j.spec.runs = q.i32(4);
  j.spec.warmup = q.i32(5);
  j.spec.windows = q.i32(6);
  j.spec.priority = q.i32(7);
  j.spec.rounding = q.text(8);
  j.spec.labels.repo = q.text(9);
  j.spec.labels.branch = q.text(10);
  j.spec.labels.commit = q.text(11);
  j.spec.labels.ci_url = q.text(12);
  j.state = parse_enum<JobState>(q.text(13), job_state_from, "job state");
  j.failure = parse_enum<FailureType>(q.text(14), failure_type_from, "failure type");
  j.message = q.text(15);
  j.attempts = q.i32(16);
  j.board_id = q.text(17);
  try {
    j.excluded_boards = q.json(18).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(std::string("corrupt excluded_boards: ") + e.what());
  }
  j.created_ms = q.i64(19);
  j.updated_ms = q.i64(20);
  j.started_ms = q.i64(21);
  j.finished_ms = q.i64(22);
  return j;
}

#define HBS_BOARD_COLUMNS                                                                    \
  "id, profile_id, agent_id, tags, state, health, current_job, consecutive_infra_failures, " \
  "last_health_check_ms, health_message, probe_serial"

Board read_board(const Query& q) {
  Board b;
  b.id = q.text(0);
  b.profile_id = q.text(1);
  b.agent_id = q.text(2);
  try {
    b.tags = q.json(3).get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(std::string("corrupt board tags: ") + e.what());
  }
  b.state = parse_enum<BoardState>(q.text(4), board_state_from, "board state");
  b.health = parse_enum<BoardHealth>(q.text(5), board_health_from, "board health");
  b.current_job = q.i64(6);
  b.consecutive_infra_failures = q.i32(7);
  b.last_health_check_ms = q.i64(8);
  b.health_message = q.text(9);
  b.probe_serial = q.text(10);
  return b;
}

#define HBS_RESULT_COLUMNS                                                                        \
  "r.job_id, r.model_id, r.board_id, r.profile_id, r.branch, r.commit_sha, r.latency_median_us, " \
  "r.data, r.created_ms"

Result read_result(const Query& q) {
  Result r;
  r.job_id = q.i64(0);
  r.model_id = q.text(1);
  r.board_id = q.text(2);
  r.profile_id = q.text(3);
  r.branch = q.text(4);
  r.commit = q.text(5);
  r.latency_median_us = q.dbl(6);
  r.data = q.json(7);
  r.created_ms = q.i64(8);
  return r;
}

ModelRecord read_model(const Query& q) {
  ModelRecord m;
  m.id = q.text(0);
  m.name = q.text(1);
  m.size = q.i64(2);
  m.inspection = q.json(3);
  m.created_ms = q.i64(4);
  return m;
}

// Paging arguments from outside: a negative LIMIT means "all rows" to SQLite.
int32_t clamp_limit(int32_t limit) { return limit < 0 ? 0 : (limit > 10000 ? 10000 : limit); }
int32_t clamp_offset(int32_t offset) { return offset < 0 ? 0 : offset; }

std::string random_hex(size_t nbytes) {
  std::string raw(nbytes, '\0');
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StoreError(std::string("open /dev/urandom: ") + std::strerror(errno));
  size_t got = 0;
  while (got < nbytes) {
    ssize_t n = ::read(fd, raw.data() + got, nbytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw StoreError("read /dev/urandom failed");
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(nbytes * 2);
  for (unsigned char c : raw) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

std::string sha256_hex(const std::string& s) {
  return hbc::sha256_hex(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Equal-length comparison whose time does not depend on where the inputs
// differ.
bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;  // both are 64-char hashes here
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = diff | (a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, Sync sync) {
  // NOMUTEX: mu_ already serialises every use of the connection.
  int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw StoreError("cannot open database " + path + ": " + msg);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    sqlite3_extended_result_codes(db_, 1);
    exec("PRAGMA foreign_keys = ON");
    // journal_mode answers with the mode in force ("memory" for :memory:).
    {
      Query q(db_, prepare("PRAGMA journal_mode = WAL"));
      if (q.step()) {
        std::string mode = q.text(0);
        if (mode != "wal" && mode != "memory") {
          throw StoreError("cannot enable WAL on " + path + " (journal_mode=" + mode + ")");
        }
      }
    }
    exec(sync == Sync::kFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    migrate(db_);
  } catch (...) {
    for (auto& [sql, st] : statements_) sqlite3_finalize(st);
    statements_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteStore::~SqliteStore() {
  std::lock_guard lock(mu_);
  for (auto& [sql, st] : statements_) sqlite3_finalize(st);
  sqlite3_close(db_);
}

sqlite3_stmt* SqliteStore::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
    fail(db_, std::string("prepare \"") + sql + "\"");
  }
  statements_.emplace(sql, st);
  return st;
}

void SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw StoreError(std::string("sqlite: ") + sql + ": " + msg);
  }
}

// --- models -----------------------------------------------------------------

void SqliteStore::put_model(const ModelRecord& m) {
  std::lock_guard lock(mu_);
  // Same id = same bytes: a re-upload keeps the first name and time and only
  // refreshes the inspection (a newer compiler may report more).
  Query q(db_, prepare("INSERT INTO models (id, name, size, inspection, created_ms) "
                       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
                       "inspection = excluded.inspection"));
  q.bind(1, m.id)
      .bind(2, m.name)
      .bind(3, m.size)
      .bind(4, m.inspection.dump())
      .bind(5, m.created_ms);
  q.run();
}

std::optional<ModelRecord> SqliteStore::get_model(const std::string& id) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT id, name, size, inspection, created_ms FROM models WHERE id = ?1"));
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_model(q);
}

std::vector<ModelRecord> SqliteStore::list_models(int32_t limit, int32_t offset) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT id, name, size, inspection, created_ms FROM models "
                       "ORDER BY created_ms DESC, id LIMIT ?1 OFFSET ?2"));
  q.bind(1, clamp_limit(limit)).bind(2, clamp_offset(offset));
  std::vector<ModelRecord> out;
  while (q.step()) out.push_back(read_model(q));
  return out;
}

// --- jobs -------------------------------------------------------------------

Job SqliteStore::create_job(const JobSpec& spec, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Job j;
  j.spec = spec;
  j.created_ms = j.updated_ms = now_ms;
  Query q(db_,
          prepare("INSERT INTO jobs (model_id, firmware_id, selector, runs, warmup, windows, "
                  "priority, rounding, repo, branch, commit_sha, ci_url, state, failure, message, "
                  "attempts, board_id, excluded_boards, created_ms, updated_ms, started_ms, "
                  "finished_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                  "'queued', 'none', '', 0, '', '[]', ?13, ?13, 0, 0) RETURNING id"));
  q.bind(1, spec.model_id)
      .bind(2, spec.firmware_id)
      .bind(3, selector_json(spec.selector).dump())
      .bind(4, spec.runs)
      .bind(5, spec.warmup)
      .bind(6, spec.windows)
      .bind(7, spec.priority)
      .bind(8, spec.rounding)
      .bind(9, spec.labels.repo)
      .bind(10, spec.labels.branch)
      .bind(11, spec.labels.commit)
      .bind(12, spec.labels.ci_url)
      .bind(13, now_ms);
  if (!q.step()) throw StoreError("sqlite: INSERT INTO jobs returned no id");
  j.id = q.i64(0);
  q.run();  // finish the statement so the implicit transaction commits
  return j;
}

std::optional<Job> SqliteStore::get_job(int64_t id) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT " HBS_JOB_COLUMNS " FROM jobs WHERE id = ?1"));
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_job(q);
}

std::vector<Job> SqliteStore::list_jobs(const JobFilter& f) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT " HBS_JOB_COLUMNS " FROM jobs WHERE "
                       "(?1 IS NULL OR state = ?1) AND (?2 = '' OR model_id = ?2) AND "
                       "(?3 = '' OR board_id = ?3) AND (?4 = '' OR branch = ?4) AND "
                       "(?5 = '' OR commit_sha = ?5) AND (?6 = '' OR repo = ?6) AND "
                       "(?9 = '' OR json_extract(selector, '$.profile') = ?9) "
                       "ORDER BY id DESC LIMIT ?7 OFFSET ?8"));
  if (f.state) {
    q.bind(1, to_string(*f.state));
  } else {
    q.bind_null(1);
  }
  q.bind(2, f.model_id).bind(3, f.board_id).bind(4, f.branch).bind(5, f.commit).bind(6, f.repo);
  q.bind(7, clamp_limit(f.limit)).bind(8, clamp_offset(f.offset)).bind(9, f.profile);
  std::vector<Job> out;
  while (q.step()) out.push_back(read_job(q));
  return out;
}

std::vector<Job> SqliteStore::queued_jobs() {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT " HBS_JOB_COLUMNS " FROM jobs WHERE state = 'queued'"));
  std::vector<Job> out;
  while (q.step()) out.push_back(read_job(q));
  return out;
}

bool SqliteStore::update_job(int64_t id, JobState expected, const JobUpdate& u, int64_t now_ms) {
  std::lock_guard lock(mu_);
  // One statement = one transaction; the WHERE on state is the compare-and-set.
  Query q(db_, prepare("UPDATE jobs SET state = ?1, failure = COALESCE(?2, failure), "
                       "message = COALESCE(?3, message), board_id = COALESCE(?4, board_id), "
                       "attempts = COALESCE(?5, attempts), "
                       "excluded_boards = COALESCE(?6, excluded_boards), "
                       "started_ms = COALESCE(?7, started_ms), "
                       "finished_ms = COALESCE(?8, finished_ms), updated_ms = ?9 "
                       "WHERE id = ?10 AND state = ?11"));
  q.bind(1, to_string(u.state));
  if (u.failure) {
    q.bind(2, to_string(*u.failure));
  } else {
    q.bind_null(2);
  }
  q.bind(3, u.message).bind(4, u.board_id).bind(5, u.attempts);
  if (u.excluded_boards) {
    q.bind(6, nlohmann::json(*u.excluded_boards).dump());
  } else {
    q.bind_null(6);
  }
  q.bind(7, u.started_ms).bind(8, u.finished_ms).bind(9, now_ms).bind(10, id);
  q.bind(11, to_string(expected));
  q.run();
  return sqlite3_changes(db_) == 1;
}

void SqliteStore::append_log(int64_t job_id, const std::string& line, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("INSERT INTO job_logs (job_id, line, created_ms) VALUES (?1, ?2, ?3)"));
  q.bind(1, job_id).bind(2, line).bind(3, now_ms);
  q.run();
}

std::vector<std::string> SqliteStore::job_log(int64_t job_id) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT line FROM job_logs WHERE job_id = ?1 ORDER BY id"));
  q.bind(1, job_id);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

int SqliteStore::requeue_in_flight(int64_t now_ms) {
  std::lock_guard lock(mu_);
  HBS_TRANSACTION(txn);
  int n;
  {
    Query q(db_, prepare("UPDATE jobs SET state = 'queued', "
                         "message = 'requeued: daemon restarted while the job was ' || state, "
                         "updated_ms = ?1 "
                         "WHERE state IN ('assigned', 'flashing', 'running')"));
    q.bind(1, now_ms);
    q.run();
    n = sqlite3_changes(db_);
  }
  Query(db_, prepare("UPDATE boards SET state = 'idle', current_job = 0 WHERE state = 'busy'"))
      .run();
  txn.commit();
  return n;
}

// --- boards -----------------------------------------------------------------

void SqliteStore::upsert_board(const Board& b) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("INSERT INTO boards (" HBS_BOARD_COLUMNS ") VALUES "
                       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO UPDATE "
                       "SET profile_id = excluded.profile_id, agent_id = excluded.agent_id, "
                       "tags = excluded.tags, state = excluded.state, "
                       "current_job = excluded.current_job, probe_serial = excluded.probe_serial"));
  q.bind(1, b.id)
      .bind(2, b.profile_id)
      .bind(3, b.agent_id)
      .bind(4, nlohmann::json(b.tags).dump())
      .bind(5, to_string(b.state))
      .bind(6, to_string(b.health))
      .bind(7, b.current_job)
      .bind(8, b.consecutive_infra_failures)
      .bind(9, b.last_health_check_ms)
      .bind(10, b.health_message)
      .bind(11, b.probe_serial);
  q.run();
}

std::optional<Board> SqliteStore::get_board(const std::string& id) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT " HBS_BOARD_COLUMNS " FROM boards WHERE id = ?1"));
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_board(q);
}

std::vector<Board> SqliteStore::list_boards() {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT " HBS_BOARD_COLUMNS " FROM boards ORDER BY id"));
  std::vector<Board> out;
  while (q.step()) out.push_back(read_board(q));
  return out;
}

void SqliteStore::set_board_state(const std::string& id, BoardState s, int64_t current_job) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("UPDATE boards SET state = ?1, current_job = ?2 WHERE id = ?3"));
  q.bind(1, to_string(s)).bind(2, current_job).bind(3, id);
  q.run();
}

void SqliteStore::set_board_health(const std::string& id, BoardHealth h, const std::string& message,
                                   int32_t consecutive_infra_failures, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("UPDATE boards SET health = ?1, health_message = ?2, "
                       "consecutive_infra_failures = ?3, last_health_check_ms = ?4 WHERE id = ?5"));
  q.bind(1, to_string(h)).bind(2, message).bind(3, consecutive_infra_failures).bind(4, now_ms);
  q.bind(5, id);
  q.run();
}

// --- results ----------------------------------------------------------------

bool SqliteStore::finish_job_with_result(int64_t job_id, JobState expected, const Result& r,
                                         int64_t now_ms) {
  std::lock_guard lock(mu_);
  HBS_TRANSACTION(txn);
  {
    Query q(db_, prepare("UPDATE jobs SET state = 'done', failure = 'none', finished_ms = ?1, "
                         "updated_ms = ?1 WHERE id = ?2 AND state = ?3"));
    q.bind(1, now_ms).bind(2, job_id).bind(3, to_string(expected));
    q.run();
    if (sqlite3_changes(db_) != 1) return false;  // ~Transaction rolls back
  }
  {
    Query q(db_, prepare("INSERT INTO results (job_id, model_id, board_id, profile_id, branch, "
                         "commit_sha, latency_median_us, data, created_ms) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    q.bind(1, job_id)
        .bind(2, r.model_id)
        .bind(3, r.board_id)
        .bind(4, r.profile_id)
        .bind(5, r.branch)
        .bind(6, r.commit)
        .bind(7, r.latency_median_us)
        .bind(8, r.data.dump())
        .bind(9, r.created_ms != 0 ? r.created_ms : now_ms);
    q.run();
  }
  txn.commit();
  return true;
}

std::optional<Result> SqliteStore::get_result(int64_t job_id) {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("SELECT " HBS_RESULT_COLUMNS " FROM results r WHERE r.job_id = ?1"));
  q.bind(1, job_id);
  if (!q.step()) return std::nullopt;
  return read_result(q);
}

std::vector<Result> SqliteStore::query_results(const JobFilter& f) {
  std::lock_guard lock(mu_);
  if (f.state && *f.state != JobState::kDone) return {};
  Query q(db_,
          prepare("SELECT " HBS_RESULT_COLUMNS " FROM results r JOIN jobs j ON j.id = r.job_id "
                  "WHERE (?1 = '' OR r.model_id = ?1) AND (?2 = '' OR r.board_id = ?2) AND "
                  "(?3 = '' OR r.branch = ?3) AND (?4 = '' OR r.commit_sha = ?4) AND "
                  "(?5 = '' OR j.repo = ?5) AND (?8 = '' OR r.profile_id = ?8) "
                  "ORDER BY r.created_ms DESC, r.job_id DESC LIMIT ?6 OFFSET ?7"));
  q.bind(1, f.model_id).bind(2, f.board_id).bind(3, f.branch).bind(4, f.commit).bind(5, f.repo);
  q.bind(6, clamp_limit(f.limit)).bind(7, clamp_offset(f.offset)).bind(8, f.profile);
  std::vector<Result> out;
  while (q.step()) out.push_back(read_result(q));
  return out;
}

// --- tokens -----------------------------------------------------------------

std::string SqliteStore::create_token(const std::string& name, const std::string& role,
                                      int64_t now_ms) {
  std::string plaintext = random_hex(32);
  std::lock_guard lock(mu_);
  Query q(db_, prepare("INSERT INTO tokens (name, role, sha256, created_ms) "
                       "VALUES (?1, ?2, ?3, ?4)"));
  q.bind(1, name).bind(2, role).bind(3, sha256_hex(plaintext)).bind(4, now_ms);
  q.run();
  return plaintext;
}

std::optional<std::string> SqliteStore::token_role(const std::string& plaintext) {
  const std::string hash = sha256_hex(plaintext);
  std::lock_guard lock(mu_);
  // A scan rather than an index lookup on the hash: there are few tokens, and
  // a scan with no early exit takes the same time whichever token matches.
  Query q(db_, prepare("SELECT sha256, role FROM tokens"));
  std::optional<std::string> role;
  while (q.step()) {
    if (constant_time_equal(q.text(0), hash)) role = q.text(1);
  }
  return role;
}

// --- counts -----------------------------------------------------------------

Counts SqliteStore::counts() {
  std::lock_guard lock(mu_);
  Counts c;
  {
    Query q(db_, prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state"));
    while (q.step()) c.jobs_by_state[q.text(0)] = q.i64(1);
  }
  {
    Query q(db_, prepare("SELECT state, COUNT(*) FROM boards GROUP BY state"));
    while (q.step()) c.boards_by_state[q.text(0)] = q.i64(1);
  }
  {
    Query q(db_, prepare("SELECT health, COUNT(*) FROM boards GROUP BY health"));
    while (q.step()) c.boards_by_health[q.text(0)] = q.i64(1);
  }
  auto it = c.jobs_by_state.find("queued");
  c.queued = it == c.jobs_by_state.end() ? 0 : it->second;
  return c;
}

std::string SqliteStore::integrity_check() {
  std::lock_guard lock(mu_);
  Query q(db_, prepare("PRAGMA integrity_check"));
  return q.step() ? q.text(0) : "no answer";
}

}  // namespace store
}  // namespace hbs
