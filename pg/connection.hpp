#pragma once
// One PostgreSQL session over libpq (issue 17), for the stores that keep the
// trail and the region's state in PostgreSQL. Every wait has a deadline: the
// connection (each host of a multi-host conninfo in turn, each with its own
// `timeout`, libpq's target_session_attrs finding the primary: a hung old
// primary cannot hide a promoted standby) and every statement run through
// libpq's asynchronous interface under poll(2) with `timeout`; past it the
// session is closed and the statement fails — never a thread blocked on a
// server that stopped answering. A failed session is closed at once (the
// server rolls back what it had open) and reports `broken()`; its owner
// opens a new one (a promoted standby is found again that way).
// The password comes from `Options::password` (read from a file by the
// caller) or libpq's environment (PGPASSWORD, PGPASSFILE): a conninfo that
// holds one is refused (check_conninfo). Every session runs with
// synchronous_commit at least "on" (off, local, remote_write raised; remote_apply
// kept): a commit returns once it is durable (on
// the synchronous standby too, when one is configured). Used by one thread
// at a time.
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace schakel::pg {

struct Error {
  enum class Kind { kConnection, kStatement, kTimeout };
  Kind kind = Kind::kStatement;
  std::string sqlstate;  // e.g. "40001"; empty when the server sent none
  std::string message;   // libpq's, one line; never a parameter's value
};

// "postgresql: " + what went wrong, for logs and errors.
[[nodiscard]] std::string describe(const Error& error);

struct Options {
  std::string conninfo;                 // libpq key=value form or a postgresql:// URI
  std::optional<std::string> password;  // else libpq's environment or passfile
  std::string application_name = "schakel";
  std::chrono::milliseconds timeout{5'000};  // connecting, and every statement
};

// Refuses a conninfo libpq cannot parse, or one holding a password.
[[nodiscard]] std::expected<void, std::string> check_conninfo(const std::string& conninfo);

class Result {
 public:
  explicit Result(PGresult* result) : result_(result, &PQclear) {}
  [[nodiscard]] int rows() const { return PQntuples(result_.get()); }
  [[nodiscard]] bool is_null(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) != 0;
  }
  // The value's bytes (text, or raw for a binary result column).
  [[nodiscard]] std::string_view value(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  // A text column holding a bigint; nothing when it holds no number.
  [[nodiscard]] std::optional<std::int64_t> integer(int row, int column) const;
  // Rows a command changed (INSERT, UPDATE, DELETE).
  [[nodiscard]] std::uint64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// A statement parameter: text (or raw bytes when `binary`); nothing is NULL.
struct Param {
  std::optional<std::string_view> value;
  bool binary = false;
};

class Connection {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<Connection>, Error> open(
      const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One or more statements without parameters; the last one's result.
  [[nodiscard]] std::expected<Result, Error> exec(std::string_view sql);
  // One statement; `binary_result`: every column's value as raw bytes.
  [[nodiscard]] std::expected<Result, Error> exec(std::string_view sql,
                                                  std::span<const Param> params,
                                                  bool binary_result = false);
  // Whether the session failed (connection lost, timed out): open a new one.
  [[nodiscard]] bool broken() const { return broken_; }

 private:
  [[nodiscard]] static std::expected<std::unique_ptr<Connection>, Error> open_one(
      const Options& options, const std::string& host, const std::string& port);
  Connection(PGconn* connection, std::chrono::milliseconds timeout)
      : connection_(connection), timeout_(timeout) {}
  [[nodiscard]] std::expected<Result, Error> collect(
      std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] Error fail(Error::Kind kind, std::string message);

  PGconn* connection_;
  std::chrono::milliseconds timeout_;
  bool broken_ = false;
};

}  // namespace schakel::pg
