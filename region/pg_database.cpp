// The PostgreSQL side of the region's Database and Statement (sqlite_db.hpp).
#include <cctype>

#include "region/pg_query.hpp"

namespace schakel::region {
namespace {

std::string failed(const pg::Error& error) {
  return pg::describe(error);
}

}  // namespace

std::string postgresql_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (c != '?' || quoted) {
      out += c;
      continue;
    }
    std::size_t digits = i + 1;
    while (digits < sql.size() && std::isdigit(static_cast<unsigned char>(sql[digits]))) ++digits;
    if (digits > i + 1) {
      out += '$';
      out.append(sql.substr(i + 1, digits - i - 1));
      i = digits - 1;
    } else {
      out += "$" + std::to_string(++next);
    }
  }
  return out;
}

void PgQuery::bind(int index, std::optional<std::string> value, bool is_binary) {
  if (index < 1) return;
  const auto at = static_cast<std::size_t>(index - 1);
  if (values.size() <= at) {
    values.resize(at + 1);
    binary.resize(at + 1, false);
  }
  values[at] = std::move(value);
  binary[at] = is_binary;
}

std::expected<bool, std::string> PgQuery::step() {
  if (result) return ++row < result->rows();
  auto session = owner->session();
  if (!session) return std::unexpected(session.error());
  std::vector<pg::Param> params;
  params.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    params.push_back(values[i] ? pg::Param{std::string_view(*values[i]), binary[i]}
                               : pg::Param{std::nullopt, false});
  }
  auto ran = (*session)->exec(sql, params);
  if (!ran) return std::unexpected(failed(ran.error()));
  owner->pg_changes_ = static_cast<std::int64_t>(ran->affected());
  result = std::move(*ran);
  row = 0;
  return row < result->rows();
}

std::string PgQuery::text(int column) const {
  return result && row < result->rows() ? std::string(result->value(row, column)) : std::string();
}

std::optional<std::string> PgQuery::optional_text(int column) const {
  if (!result || row >= result->rows() || result->is_null(row, column)) return std::nullopt;
  return text(column);
}

std::int64_t PgQuery::integer(int column) const {
  if (!result || row >= result->rows()) return 0;
  return result->integer(row, column).value_or(0);
}

std::vector<std::uint8_t> PgQuery::blob(int column) const {
  if (!result || row >= result->rows() || result->is_null(row, column)) return {};
  const std::string escaped(result->value(row, column));
  std::size_t length = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(escaped.c_str()), &length);
  if (raw == nullptr) return {};
  std::vector<std::uint8_t> out(raw, raw + length);
  PQfreemem(raw);
  return out;
}

std::expected<Database, std::string> Database::open_postgresql(
    pg::Options options, std::chrono::milliseconds lock_timeout) {
  Database out(nullptr);
  out.pg_options_ = std::make_unique<pg::Options>(std::move(options));
  out.pg_lock_timeout_ = lock_timeout;
  if (auto session = out.session(); !session) return std::unexpected(session.error());
  return out;
}

std::expected<pg::Connection*, std::string> Database::session() {
  if (pg_ && pg_->broken()) {
    // The server rolled the transaction back; the work inside it must fail,
    // never go on in a new session outside it.
    if (pg_depth_ > 0) {
      return std::unexpected(std::string("postgresql: the session was lost in a transaction"));
    }
    pg_.reset();
  }
  if (!pg_) {
    auto opened = pg::Connection::open(*pg_options_);
    if (!opened) return std::unexpected(failed(opened.error()));
    pg_ = std::move(*opened);
  }
  return pg_.get();
}

std::string Database::json_text(std::string_view column, std::string_view member) const {
  if (postgresql()) {
    return "(" + std::string(column) + "::jsonb ->> '" + std::string(member) + "')";
  }
  return "json_extract(" + std::string(column) + ", '$." + std::string(member) + "')";
}

// BEGIN, the region's advisory lock (writers of all instances take turns),
// the work, COMMIT; ROLLBACK when the work or the commit fails. Nested: a savepoint.
std::expected<void, std::string> Database::pg_transaction(
    const std::function<std::expected<void, std::string>()>& work) {
  auto session = this->session();
  if (!session) return std::unexpected(session.error());
  auto& db = **session;
  const bool nested = pg_depth_ > 0;
  struct Depth {  // the transactions open on this session, however the work ends
    int& depth;
    explicit Depth(int& d) : depth(d) { ++depth; }
    ~Depth() { --depth; }
    Depth(const Depth&) = delete;
    Depth& operator=(const Depth&) = delete;
  } depth{pg_depth_};
  const auto run = [&](const char* undo) -> std::expected<void, std::string> {
    try {
      auto done = work();
      if (!done && !db.broken()) (void)db.exec(undo);
      return done;
    } catch (...) {
      if (!db.broken()) (void)db.exec(undo);
      throw;
    }
  };
  if (nested) {
    if (auto begun = db.exec("SAVEPOINT nested"); !begun)
      return std::unexpected(failed(begun.error()));
    auto done = run("ROLLBACK TO nested");
    if (!done) return done;
    if (auto released = db.exec("RELEASE nested"); !released) {
      return std::unexpected(failed(released.error()));
    }
    return {};
  }
  const std::string begin =
      "BEGIN; SET LOCAL lock_timeout = " + std::to_string(pg_lock_timeout_.count()) +
      "; SELECT pg_advisory_xact_lock(hashtext('schakel region'))";
  if (auto begun = db.exec(begin); !begun) {
    if (!db.broken()) (void)db.exec("ROLLBACK");
    return std::unexpected(failed(begun.error()));
  }
  auto done = run("ROLLBACK");
  if (!done) return done;
  if (auto committed = db.exec("COMMIT"); !committed) {
    if (!db.broken()) (void)db.exec("ROLLBACK");
    return std::unexpected(failed(committed.error()));
  }
  return {};
}

}  // namespace schakel::region
