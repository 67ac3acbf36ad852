// migrations.h: the SQLite schema, as numbered migrations compiled into the
// binary.
//
// The database records the highest migration applied in schema_version (one
// row). Opening applies every newer migration in order, each in its own
// transaction together with the version bump, so a crash mid-migration leaves
// the file at the previous version, never half-migrated. A database whose
// version is newer than this binary knows is refused (StoreError): an old
// daemon must not write to a schema it does not understand.
//
// Adding a migration: append to the list in migrations.cc; never edit or
// reorder a released one.
#pragma once

#include <span>

struct sqlite3;

namespace hbs::store {

struct Migration {
  int version;      // 1, 2, 3, ... consecutive
  const char* sql;  // one or more statements, run with sqlite3_exec
};

// Every migration this binary knows, in order.
std::span<const Migration> migrations();

// The highest version in migrations().
int latest_schema_version();

// Reads schema_version (0 for a fresh database).
int schema_version(sqlite3* db);

// Brings `db` to latest_schema_version(). Throws StoreError if the file is
// newer than this binary or a migration fails (that migration is rolled back).
// Returns how many migrations were applied.
int migrate(sqlite3* db);

}  // namespace hbs::store
