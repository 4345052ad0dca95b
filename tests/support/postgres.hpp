#pragma once
// A real PostgreSQL 15 server for the tests (issue 17), made and driven by
// scripts/pg-local.sh in a fresh directory: Unix socket only, database and
// role "schakel", its password in a file. One server per test program
// (shared(), reset between tests with drop_tables()); standbys made on
// demand. Tests skip, saying why, only when PostgreSQL is not installed.
#include <filesystem>
#include <optional>
#include <string>

#include "pg/connection.hpp"

namespace schakel::testing {

class Postgres {
 public:
  // The program's shared primary, made at the first call; nothing when
  // PostgreSQL is not installed (`why_not` says so).
  static Postgres* shared();
  static const std::string& why_not();

  // A new server in `dir` (which must not exist): a primary, or a hot
  // standby of `primary` with synchronous replication. Nothing when it failed.
  static std::optional<Postgres> make(const std::filesystem::path& dir,
                                      const Postgres* primary = nullptr);

  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  [[nodiscard]] std::filesystem::path password_file() const { return dir_ / "password"; }
  // "host=DIR dbname=schakel user=schakel target_session_attrs=read-write"
  [[nodiscard]] std::string conninfo() const;
  [[nodiscard]] pg::Options options(
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  // scripts/pg-local.sh COMMAND DIR [ARGS]; its exit status.
  int run(const std::string& command, const std::string& args = "") const;
  // psql -c SQL as the superuser; its output (tuples only, unaligned).
  [[nodiscard]] std::string sql(const std::string& statement) const;
  // Removes every table (a test starts from an empty database).
  void drop_tables() const;

 private:
  explicit Postgres(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// A password file's one line (scripts/pg-local.sh writes DIR/password).
[[nodiscard]] std::string read_password_file(const std::filesystem::path& file);

// The output of a shell command (stdout), and its exit status.
struct CommandOutput {
  int status = -1;
  std::string out;
};
[[nodiscard]] CommandOutput run_command(const std::string& command);

}  // namespace schakel::testing
