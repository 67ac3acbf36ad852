#include "store/migrations.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite_store.h"
#include "store/test_dir.h"

namespace hbs::store {

namespace {

// A raw connection, to look at and tamper with the file behind the store.
struct RawDb {
  explicit RawDb(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
  ~RawDb() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    INFO(sql << ": " << (err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
  }
  bool has_table(const std::string& name) {
    sqlite3_stmt* st;
    sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1", -1, &st,
                       nullptr);
    sqlite3_bind_text(st, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
  }
  sqlite3* db = nullptr;
};

}  // namespace

TEST_CASE("migrations: versions are 1..N consecutive") {
  int expect = 1;
  for (const Migration& m : migrations()) CHECK(m.version == expect++);
  CHECK(latest_schema_version() == expect - 1);
}

TEST_CASE("migrations: fresh file gets every table; reopening applies nothing and keeps data") {
  TestDir dir;
  const std::string path = dir.file("m.db");
  int64_t id;
  {
    SqliteStore s(path);
    id = s.create_job(JobSpec{}, 1).id;
  }
  {
    RawDb raw(path);
    CHECK(schema_version(raw.db) == latest_schema_version());
    for (const char* t : {"models", "jobs", "job_logs", "boards", "results", "tokens"}) {
      CHECK_MESSAGE(raw.has_table(t), t);
    }
    CHECK(migrate(raw.db) == 0);  // already current
    CHECK(schema_version(raw.db) == latest_schema_version());
  }
  SqliteStore again(path);
  CHECK(again.get_job(id));
  CHECK(again.integrity_check() == "ok");
}

TEST_CASE("migrations: a database from a newer hilbenchd is refused, untouched") {
  TestDir dir;
  const std::string path = dir.file("future.db");
  { SqliteStore s(path); }
  const int future = latest_schema_version() + 1;
  {
    RawDb raw(path);
    raw.exec("UPDATE schema_version SET version = " + std::to_string(future));
  }
  std::string message;
  try {
    SqliteStore s(path);
  } catch (const StoreError& e) {
    message = e.what();
  }
  CHECK(message.find("newer") != std::string::npos);
  CHECK(message.find(std::to_string(future)) != std::string::npos);
  RawDb raw(path);
  CHECK(schema_version(raw.db) == future);
}

TEST_CASE("migrations: a failing migration is rolled back as a whole") {
  TestDir dir;
  const std::string path = dir.file("clash.db");
  {
    // A stray table that migration 1 also creates: migration 1 must fail
    // and leave none of its other tables behind.
    RawDb raw(path);
    raw.exec("CREATE TABLE tokens (x INTEGER)");
  }
  std::string message;
  try {
    SqliteStore s(path);
  } catch (const StoreError& e) {
    message = e.what();
  }
  CHECK(message.find("migration 1 failed") != std::string::npos);
  RawDb raw(path);
  CHECK(schema_version(raw.db) == 0);
  CHECK_FALSE(raw.has_table("jobs"));
  CHECK_FALSE(raw.has_table("models"));
}

TEST_CASE("SqliteStore: WAL and foreign keys are on") {
  TestDir dir;
  const std::string path = dir.file("p.db");
  SqliteStore s(path);
  RawDb raw(path);
  sqlite3_stmt* st;
  REQUIRE(sqlite3_prepare_v2(raw.db, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
  sqlite3_finalize(st);
  // Foreign keys are per connection: check through the store.
  CHECK_THROWS_AS(s.append_log(777, "orphan", 1), StoreError);
}

}  // namespace hbs::store
