#include "pg/connection.hpp"

#include <poll.h>

#include <cerrno>

#include <charconv>
#include <cstdlib>

namespace schakel::pg {
namespace {

using Clock = std::chrono::steady_clock;

std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (auto& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

// Waits until the socket is ready for `events` or the deadline passes.
bool wait_for(int socket, short events, Clock::time_point deadline) {
  if (socket < 0) return false;
  pollfd fd{socket, events, 0};
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready == 0 || errno != EINTR) return false;
  }
}

Error result_error(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  Error error{Error::Kind::kStatement, state ? state : "",
              one_line(primary ? primary : PQresStatus(PQresultStatus(result)))};
  // Class 08 (connection exception) and 57P (operator intervention: shutdown,
  // a standby promoted) leave the session unusable.
  if (error.sqlstate.starts_with("08") || error.sqlstate.starts_with("57P")) {
    error.kind = Error::Kind::kConnection;
  }
  return error;
}

}  // namespace

std::string describe(const Error& error) {
  std::string text = "postgresql: " + error.message;
  if (!error.sqlstate.empty()) text += " (SQLSTATE " + error.sqlstate + ")";
  return text;
}

std::expected<void, std::string> check_conninfo(const std::string& conninfo) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &message);
  if (options == nullptr) {
    PQfreemem(message);  // it may quote the text, password and all: not repeated
    return std::unexpected(
        std::string("not a libpq connection string (key=value pairs, or a postgresql:// URI)"));
  }
  bool has_password = false;
  for (auto* option = options; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val && *option->val) {
      has_password = true;
    }
  }
  PQconninfoFree(options);
  if (has_password) {
    return std::unexpected(
        "holds a password; give it in store.password_file or libpq's environment (PGPASSWORD, "
        "PGPASSFILE), never in the settings");
  }
  return {};
}

std::optional<std::int64_t> Result::integer(int row, int column) const {
  const auto text = value(row, column);
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return number;
}

std::uint64_t Result::affected() const {
  const char* tuples = PQcmdTuples(result_.get());
  return tuples && *tuples ? std::strtoull(tuples, nullptr, 10) : 0;
}

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (;;) {
    const auto comma = text.find(',', from);
    out.push_back(text.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (comma == std::string::npos) return out;
    from = comma + 1;
  }
}

// The hosts of a multi-host conninfo, each with its port (libpq: one port
// for all of them, or one each): tried one at a time, each with a deadline
// of its own, because libpq applies connect_timeout per host only in its
// blocking calls — a first host that hangs would use up the whole deadline
// and a promoted standby behind it would never be tried. One empty entry
// (libpq decides) when the conninfo names no list, or names hostaddr.
std::vector<std::pair<std::string, std::string>> hosts_of(const std::string& conninfo) {
  std::vector<std::pair<std::string, std::string>> out;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  std::string hosts;
  std::string ports;
  bool by_address = false;
  for (auto* option = options; option && option->keyword; ++option) {
    const std::string_view keyword(option->keyword);
    const std::string value = option->val ? option->val : "";
    if (keyword == "host") hosts = value;
    if (keyword == "port") ports = value;
    if (keyword == "hostaddr" && !value.empty()) by_address = true;
  }
  PQconninfoFree(options);
  if (by_address || hosts.find(',') == std::string::npos) return {{"", ""}};
  const auto host_list = split_list(hosts);
  const auto port_list = split_list(ports);
  for (std::size_t i = 0; i < host_list.size(); ++i) {
    const std::string port = port_list.size() == host_list.size() ? port_list[i] : ports;
    out.emplace_back(host_list[i], port);
  }
  return out;
}

}  // namespace

std::expected<std::unique_ptr<Connection>, Error> Connection::open(const Options& options) {
  std::optional<Error> last;
  for (const auto& [host, port] : hosts_of(options.conninfo)) {
    auto opened = open_one(options, host, port);
    if (opened) return opened;
    last = opened.error();
  }
  return std::unexpected(last.value_or(Error{Error::Kind::kConnection, "", "no host"}));
}

std::expected<std::unique_ptr<Connection>, Error> Connection::open_one(const Options& options,
                                                                       const std::string& host,
                                                                       const std::string& port) {
  const auto deadline = Clock::now() + options.timeout;
  std::vector<const char*> keys{"dbname", "application_name", "client_encoding"};
  std::vector<const char*> values{options.conninfo.c_str(), options.application_name.c_str(),
                                  "UTF8"};
  if (!host.empty()) {
    keys.push_back("host");
    values.push_back(host.c_str());
    keys.push_back("port");
    values.push_back(port.c_str());
  }
  if (options.password) {
    keys.push_back("password");
    values.push_back(options.password->c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* raw = PQconnectStartParams(keys.data(), values.data(), 1);
  if (raw == nullptr) return std::unexpected(Error{Error::Kind::kConnection, "", "out of memory"});
  std::unique_ptr<Connection> connection(new Connection(raw, options.timeout));
  if (PQstatus(raw) == CONNECTION_BAD) {
    return std::unexpected(
        connection->fail(Error::Kind::kConnection, one_line(PQerrorMessage(raw))));
  }
  for (auto status = PGRES_POLLING_WRITING; status != PGRES_POLLING_OK;) {
    if (status == PGRES_POLLING_FAILED) {
      return std::unexpected(
          connection->fail(Error::Kind::kConnection, one_line(PQerrorMessage(raw))));
    }
    const short events = status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (!wait_for(PQsocket(raw), events, deadline)) {
      return std::unexpected(
          connection->fail(Error::Kind::kTimeout,
                           "no session within " + std::to_string(options.timeout.count()) + " ms"));
    }
    status = PQconnectPoll(raw);
  }
  // Notices ("relation exists, skipping") are no errors; libpq would print them to stderr.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  if (PQsetnonblocking(raw, 1) != 0) {
    return std::unexpected(connection->fail(Error::Kind::kConnection, "cannot make non-blocking"));
  }
  // A commit returns once durable — flushed here and on the synchronous
  // standby: never weaker than "on" (off, local, remote_write), whatever the
  // server's default; remote_apply, stronger, is kept.
  auto commit = connection->exec("SHOW synchronous_commit");
  if (!commit) return std::unexpected(commit.error());
  const auto level = commit->rows() == 1 ? commit->value(0, 0) : std::string_view{};
  if (level != "on" && level != "remote_apply") {
    if (auto set = connection->exec("SET synchronous_commit TO on"); !set) {
      return std::unexpected(set.error());
    }
  }
  return connection;
}

Connection::~Connection() {
  PQfinish(connection_);
}

Error Connection::fail(Error::Kind kind, std::string message) {
  broken_ = true;
  PQfinish(connection_);  // closed now: a transaction left open holds no lock
  connection_ = nullptr;
  return Error{kind, "", std::move(message)};
}

std::expected<Result, Error> Connection::exec(std::string_view sql) {
  if (broken_) return std::unexpected(Error{Error::Kind::kConnection, "", "session closed"});
  const std::string text(sql);
  if (PQsendQuery(connection_, text.c_str()) != 1) {
    return std::unexpected(fail(Error::Kind::kConnection, one_line(PQerrorMessage(connection_))));
  }
  return collect(Clock::now() + timeout_);
}

std::expected<Result, Error> Connection::exec(std::string_view sql, std::span<const Param> params,
                                              bool binary_result) {
  if (broken_) return std::unexpected(Error{Error::Kind::kConnection, "", "session closed"});
  const std::string text(sql);
  std::vector<std::string> owned;  // NUL-terminated copies of text parameters
  owned.reserve(params.size());
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const auto& param : params) {
    if (!param.value) {
      values.push_back(nullptr);
    } else if (param.binary) {
      values.push_back(param.value->data());
    } else {
      values.push_back(owned.emplace_back(*param.value).c_str());
    }
    lengths.push_back(param.value ? static_cast<int>(param.value->size()) : 0);
    formats.push_back(param.binary ? 1 : 0);
  }
  if (PQsendQueryParams(connection_, text.c_str(), static_cast<int>(params.size()), nullptr,
                        values.data(), lengths.data(), formats.data(),
                        binary_result ? 1 : 0) != 1) {
    return std::unexpected(fail(Error::Kind::kConnection, one_line(PQerrorMessage(connection_))));
  }
  return collect(Clock::now() + timeout_);
}

std::expected<Result, Error> Connection::collect(Clock::time_point deadline) {
  const auto timed_out = [&] {
    return fail(Error::Kind::kTimeout,
                "no answer within " + std::to_string(timeout_.count()) + " ms");
  };
  for (int flushed = PQflush(connection_); flushed != 0; flushed = PQflush(connection_)) {
    if (flushed < 0) {
      return std::unexpected(fail(Error::Kind::kConnection, one_line(PQerrorMessage(connection_))));
    }
    if (!wait_for(PQsocket(connection_), POLLIN | POLLOUT, deadline)) {
      return std::unexpected(timed_out());
    }
    if (PQconsumeInput(connection_) != 1) {
      return std::unexpected(fail(Error::Kind::kConnection, one_line(PQerrorMessage(connection_))));
    }
  }
  std::optional<Result> last;
  std::optional<Error> first_error;
  for (;;) {
    while (PQisBusy(connection_) != 0) {
      if (!wait_for(PQsocket(connection_), POLLIN, deadline)) return std::unexpected(timed_out());
      if (PQconsumeInput(connection_) != 1) {
        return std::unexpected(
            fail(Error::Kind::kConnection, one_line(PQerrorMessage(connection_))));
      }
    }
    PGresult* result = PQgetResult(connection_);
    if (result == nullptr) break;
    const auto status = PQresultStatus(result);
    if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE ||
        status == PGRES_NONFATAL_ERROR) {
      if (!first_error) first_error = result_error(result);
      PQclear(result);
      continue;
    }
    last.emplace(result);
  }
  if (PQstatus(connection_) == CONNECTION_BAD) {
    return std::unexpected(fail(Error::Kind::kConnection,
                                first_error ? first_error->message : "the connection failed"));
  }
  if (first_error) {
    if (first_error->kind == Error::Kind::kConnection) (void)fail(first_error->kind, "");
    return std::unexpected(*first_error);
  }
  if (!last) return std::unexpected(fail(Error::Kind::kConnection, "no result"));
  return std::move(*last);
}

}  // namespace schakel::pg
