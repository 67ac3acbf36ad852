// sqlite_query.h: the two helpers every SqliteStore method uses (internal to
// server/src/store; shared by sqlite_store.cc and sqlite_store_baselines.cc).
//
// Query: one use of a cached prepared statement (binds, steps, reads columns;
// resets on scope exit). Transaction: BEGIN IMMEDIATE ... COMMIT, rolled back
// on scope exit unless committed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hbs/store.h"

namespace hbs::store {

[[noreturn]] inline void fail(sqlite3* db, const std::string& what) {
  throw StoreError("sqlite: " + what + ": " + sqlite3_errmsg(db));
}

// One use of a cached prepared statement: binds, steps, reads columns, and
// resets the statement when it goes out of scope (so a thrown exception never
// leaves it mid-step holding a read lock).
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  ~Query() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Parameter indices are 1-based, as in SQL's ?NNN.
  Query& bind(int i, int64_t v) { return check(sqlite3_bind_int64(st_, i, v)); }
  Query& bind(int i, int32_t v) { return check(sqlite3_bind_int64(st_, i, v)); }
  Query& bind(int i, double v) { return check(sqlite3_bind_double(st_, i, v)); }
  Query& bind(int i, const std::string& v) {
    return check(sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Query& bind(int i, const char* v) {
    return check(sqlite3_bind_text(st_, i, v, -1, SQLITE_STATIC));
  }
  Query& bind_null(int i) { return check(sqlite3_bind_null(st_, i)); }
  template <typename T>
  Query& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // True if a row is ready; false when done. Throws on errors (including
  // constraint violations).
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, std::string("step \"") + first_line() + "\"");
  }
  void run() {
    while (step()) {
    }
  }

  int64_t i64(int col) const { return sqlite3_column_int64(st_, col); }
  int32_t i32(int col) const { return static_cast<int32_t>(sqlite3_column_int64(st_, col)); }
  double dbl(int col) const { return sqlite3_column_double(st_, col); }
  std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(st_, col)))
             : std::string();
  }
  nlohmann::json json(int col) const {
    // Stored by us, so a parse failure means the file was edited or corrupted.
    auto j = nlohmann::json::parse(text(col), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      throw StoreError(std::string("corrupt JSON in column ") + sqlite3_column_name(st_, col));
    }
    return j;
  }

 private:
  Query& check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "bind");
    return *this;
  }
  std::string first_line() const {
    std::string s = sqlite3_sql(st_);
    auto start = s.find_first_not_of(" \n");
    s = s.substr(start == std::string::npos ? 0 : start);
    return s.substr(0, s.find('\n'));
  }

  sqlite3* db_;
  sqlite3_stmt* st_;
};

// BEGIN IMMEDIATE takes the write lock up front, so a transaction that reads
// then writes cannot fail halfway with SQLITE_BUSY. Rolls back unless
// commit() ran.
class Transaction {
 public:
  Transaction(sqlite3* db, sqlite3_stmt* begin, sqlite3_stmt* commit, sqlite3_stmt* rollback)
      : db_(db), commit_(commit), rollback_(rollback) {
    Query(db_, begin).run();
  }
  ~Transaction() {
    if (!done_) {
      sqlite3_step(rollback_);
      sqlite3_reset(rollback_);
    }
  }
  void commit() {
    Query(db_, commit_).run();
    done_ = true;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* commit_;
  sqlite3_stmt* rollback_;
  bool done_ = false;
};

// Inside a SqliteStore method (mu_ held): a transaction on db_.
#define HBS_TRANSACTION(name) \
  Transaction name(db_, prepare("BEGIN IMMEDIATE"), prepare("COMMIT"), prepare("ROLLBACK"))

}  // namespace hbs::store
