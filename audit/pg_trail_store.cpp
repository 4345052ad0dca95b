#include "audit/pg_trail_store.hpp"

#include <array>
#include <vector>

#include "audit/witness.hpp"
#include "common/log.hpp"
#include "crypto/encoding.hpp"

namespace schakel::audit {
namespace {

constexpr std::string_view kSchema = R"sql(
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('schakel schema'));
CREATE TABLE IF NOT EXISTS schakel_trail (
  position bigint PRIMARY KEY,
  type smallint NOT NULL CHECK (type IN (1, 2)),
  sequence bigint NOT NULL CHECK (sequence > 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  payload text NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS schakel_trail_records ON schakel_trail (sequence) WHERE type = 1;
CREATE TABLE IF NOT EXISTS schakel_trail_head (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  position bigint NOT NULL,
  sequence bigint NOT NULL,
  hash text NOT NULL,
  last_checkpoint bigint NOT NULL);
CREATE TABLE IF NOT EXISTS schakel_probe (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  at bigint NOT NULL);
INSERT INTO schakel_probe VALUES (true, 0) ON CONFLICT DO NOTHING;
INSERT INTO schakel_trail_head VALUES
  (true, 0, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0)
  ON CONFLICT DO NOTHING;
COMMIT;
)sql";

constexpr std::string_view kFrameColumns = "position, type, sequence, hash, payload";

std::string failed(const pg::Error& error) {
  return "the PostgreSQL trail: " + pg::describe(error);
}

// "($1::bigint, $2::smallint, $3::bigint, decode($4, 'hex'), $5), …": `rows`
// frames of five parameters each (FrameRows), numbered from `first_param`.
std::string frame_values(std::size_t rows, std::size_t first_param) {
  std::string sql;
  for (std::size_t row = 0; row < rows; ++row) {
    const auto p = first_param + row * 5;
    if (row > 0) sql += ", ";
    sql += "($" + std::to_string(p) + "::bigint, $" + std::to_string(p + 1) + "::smallint, $" +
           std::to_string(p + 2) + "::bigint, decode($" + std::to_string(p + 3) + ", 'hex'), $" +
           std::to_string(p + 4) + ")";
  }
  return sql;
}

// One frame's five parameters, as text kept alive in `texts`.
struct FrameRows {
  std::vector<std::string> texts;
  void add(std::int64_t position, FrameType type, std::uint64_t sequence, std::string hash,
           std::string payload) {
    texts.push_back(std::to_string(position));
    texts.push_back(std::to_string(static_cast<int>(type)));
    texts.push_back(std::to_string(sequence));
    texts.push_back(std::move(hash));
    texts.push_back(std::move(payload));
  }
  [[nodiscard]] std::size_t rows() const { return texts.size() / 5; }
};

// Inserts the frames and moves the head, in one statement.
std::expected<void, pg::Error> write_frames(pg::Connection& session, const FrameRows& frames,
                                            std::int64_t position, std::uint64_t sequence,
                                            const std::string& hash,
                                            std::uint64_t last_checkpoint) {
  std::vector<pg::Param> params;
  params.reserve(frames.texts.size() + 4);
  for (const auto& text : frames.texts) params.push_back({text});
  const auto head_position = std::to_string(position);
  const auto head_sequence = std::to_string(sequence);
  const auto head_checkpoint = std::to_string(last_checkpoint);
  params.push_back({head_position});
  params.push_back({head_sequence});
  params.push_back({hash});
  params.push_back({head_checkpoint});
  const auto n = frames.texts.size();
  const std::string sql =
      "WITH frames AS (INSERT INTO schakel_trail (" + std::string(kFrameColumns) + ") VALUES " +
      frame_values(frames.rows(), 1) + ") UPDATE schakel_trail_head SET position = $" +
      std::to_string(n + 1) + ", sequence = $" + std::to_string(n + 2) + ", hash = $" +
      std::to_string(n + 3) + ", last_checkpoint = $" + std::to_string(n + 4);
  auto wrote = session.exec(sql, params);
  if (!wrote) return std::unexpected(wrote.error());
  return {};
}

}  // namespace

std::expected<std::unique_ptr<PgTrailStore>, std::string> PgTrailStore::open(
    const PgTrailOptions& options) {
  std::unique_ptr<PgTrailStore> store(new PgTrailStore(options));
  auto session = store->session();
  if (!session) return std::unexpected(session.error());
  if (auto made = (*session)->exec(kSchema); !made) {
    (void)(*session)->exec("ROLLBACK");
    return std::unexpected(failed(made.error()));
  }
  return store;
}

std::expected<pg::Connection*, std::string> PgTrailStore::session() {
  if (!session_ || session_->broken()) {
    session_.reset();
    auto opened = pg::Connection::open(options_.connection);
    if (!opened) return std::unexpected(failed(opened.error()));
    session_ = std::move(*opened);
  }
  return session_.get();
}

template <typename Body>
std::expected<void, std::string> PgTrailStore::with_head(Body&& body) {
  auto session = this->session();
  if (!session) return std::unexpected(session.error());
  auto& db = **session;
  const std::string begin =
      "BEGIN; SET LOCAL lock_timeout = " + std::to_string(options_.lock_timeout.count()) +
      "; SELECT position, sequence, hash, last_checkpoint FROM schakel_trail_head FOR UPDATE";
  auto read = db.exec(begin);
  const auto abort = [&](std::string why) -> std::expected<void, std::string> {
    if (!db.broken()) (void)db.exec("ROLLBACK");
    return std::unexpected(std::move(why));
  };
  if (!read) return abort(failed(read.error()));
  if (read->rows() != 1) return abort("the PostgreSQL trail has no head row");
  Head head;
  const auto position = read->integer(0, 0);
  const auto sequence = read->integer(0, 1);
  const auto checkpoint = read->integer(0, 3);
  if (!position || !sequence || !checkpoint || *sequence < 0 || *checkpoint < 0) {
    return abort("the PostgreSQL trail's head row is not readable");
  }
  head = {*position, static_cast<std::uint64_t>(*sequence), std::string(read->value(0, 2)),
          static_cast<std::uint64_t>(*checkpoint)};
  if (auto done = body(db, head); !done) return abort(done.error());
  if (auto committed = db.exec("COMMIT"); !committed) return abort(failed(committed.error()));
  return {};
}

std::expected<void, std::string> PgTrailStore::append_batch(std::span<AuditRecord> records) {
  if (records.empty()) return {};
  return with_head([&](pg::Connection& db, Head& head) -> std::expected<void, std::string> {
    FrameRows frames;
    std::uint64_t sequence = head.sequence;
    std::string hash = head.hash;
    std::int64_t position = head.position;
    for (auto& record : records) {
      record.sequence = ++sequence;
      record.prev_hash = hash;
      std::string body = record.canonical_body();
      hash = chain_hash(record.prev_hash, body);
      frames.add(++position, FrameType::kRecord, sequence, hash, std::move(body));
    }
    auto wrote = write_frames(db, frames, position, sequence, hash, head.last_checkpoint);
    if (!wrote) return std::unexpected(failed(wrote.error()));
    return {};
  });
}

std::expected<void, std::string> PgTrailStore::check_writable() {
  auto session = this->session();
  if (!session) return std::unexpected(session.error());
  // A real commit, as durable as a batch's (a synchronous standby that is
  // gone stops it too), on a row of its own: not the head row.
  auto probed = (*session)->exec("UPDATE schakel_probe SET at = extract(epoch FROM now())::bigint");
  if (!probed) return std::unexpected(failed(probed.error()));
  if (probed->affected() != 1) return std::unexpected("the PostgreSQL trail has no probe row");
  return {};
}

std::expected<std::uint64_t, std::string> PgTrailStore::unsigned_records() {
  auto session = this->session();
  if (!session) return std::unexpected(session.error());
  auto read = (*session)->exec("SELECT sequence - last_checkpoint FROM schakel_trail_head");
  if (!read) return std::unexpected(failed(read.error()));
  const auto count = read->rows() == 1 ? read->integer(0, 0) : std::nullopt;
  if (!count) return std::unexpected("the PostgreSQL trail's head row is not readable");
  return *count > 0 ? static_cast<std::uint64_t>(*count) : 0;
}

std::expected<void, std::string> PgTrailStore::append_checkpoint(pg::Connection& session,
                                                                 Head& head,
                                                                 const Checkpoint& checkpoint) {
  FrameRows frames;
  frames.add(++head.position, FrameType::kCheckpoint, checkpoint.sequence, checkpoint.head_hash,
             witness_line(checkpoint));
  head.last_checkpoint = std::max(head.last_checkpoint, checkpoint.sequence);
  auto wrote =
      write_frames(session, frames, head.position, head.sequence, head.hash, head.last_checkpoint);
  if (!wrote) return std::unexpected(failed(wrote.error()));
  return {};
}

std::expected<Checkpoint, std::string> PgTrailStore::write_checkpoint(
    const CheckpointSigner& sign) {
  Checkpoint checkpoint;
  auto ok = with_head([&](pg::Connection& db, Head& head) -> std::expected<void, std::string> {
    if (head.sequence == 0) return {};  // an empty chain has nothing to sign
    checkpoint = Checkpoint{head.sequence, head.hash, log::timestamp_utc(), {}};
    checkpoint.signature = sign(checkpoint.signed_bytes());
    return append_checkpoint(db, head, checkpoint);
  });
  if (!ok) return std::unexpected(ok.error());
  return checkpoint;
}

std::expected<PruneResult, std::string> PgTrailStore::prune_through(std::uint64_t cut,
                                                                    const CheckpointSigner& sign) {
  PruneResult result;
  auto ok = with_head([&](pg::Connection& db, Head& head) -> std::expected<void, std::string> {
    cut = std::min(cut, head.sequence);
    if (cut == 0) return {};
    const auto at = std::to_string(cut);
    const std::array<pg::Param, 1> params{pg::Param{at}};
    auto hash = db.exec(
        "SELECT encode(hash, 'hex') FROM schakel_trail WHERE type = 1 AND sequence = $1::bigint",
        params);
    if (!hash) return std::unexpected(failed(hash.error()));
    if (hash->rows() == 0) return {};  // pruned before
    result.checkpoint =
        Checkpoint{cut, std::string(hash->value(0, 0)), log::timestamp_utc(), {}, true};
    result.checkpoint.signature = sign(result.checkpoint.signed_bytes());
    if (auto added = append_checkpoint(db, head, result.checkpoint); !added) return added;
    auto removed = db.exec(
        "WITH gone AS (DELETE FROM schakel_trail WHERE (type = 1 AND sequence <= $1::bigint) OR "
        "(type = 2 AND sequence < $1::bigint) RETURNING type) "
        "SELECT count(*) FILTER (WHERE type = 1) FROM gone",
        params);
    if (!removed) return std::unexpected(failed(removed.error()));
    const auto records = removed->rows() == 1 ? removed->integer(0, 0) : std::nullopt;
    if (!records) return std::unexpected("the PostgreSQL trail: no count of pruned records");
    result.records = static_cast<std::uint64_t>(*records);
    return {};
  });
  if (!ok) return std::unexpected(ok.error());
  return result;
}

}  // namespace schakel::audit

namespace schakel::audit {
namespace {

TrailReadError unreadable(std::string message) {
  return TrailReadError{TrailReadError::Kind::kUnreadable, std::move(message)};
}

constexpr int kFetchRows = 1000;

}  // namespace

PgTrail::PgTrail(pg::Options options) : options_(std::move(options)) {}

PgTrail::~PgTrail() {
  if (session_ && !session_->broken()) (void)session_->exec("COMMIT");
}

std::expected<pg::Connection*, std::string> PgTrail::snapshot() const {
  if (session_ && session_->broken()) {
    return std::unexpected(std::string("the PostgreSQL trail: the session was lost; run again"));
  }
  if (session_) return session_.get();
  auto opened = pg::Connection::open(options_);
  if (!opened) return std::unexpected(failed(opened.error()));
  if (auto began = (*opened)->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !began) {
    return std::unexpected(failed(began.error()));
  }
  session_ = std::move(*opened);
  return session_.get();
}

std::expected<void, TrailReadError> PgTrail::for_each_frame(const FrameVisitor& visit,
                                                            std::uint64_t* torn_bytes) const {
  if (torn_bytes) *torn_bytes = 0;  // a transaction is never torn
  auto session = snapshot();
  if (!session) return std::unexpected(unreadable(session.error()));
  auto& db = **session;
  auto declared = db.exec(
      "DECLARE schakel_frames NO SCROLL CURSOR FOR SELECT type, sequence, encode(hash, 'hex'), "
      "payload FROM schakel_trail ORDER BY position");
  if (!declared) return std::unexpected(unreadable(failed(declared.error())));
  const auto close = [&] { (void)db.exec("CLOSE schakel_frames"); };
  for (;;) {
    auto rows = db.exec("FETCH " + std::to_string(kFetchRows) + " FROM schakel_frames");
    if (!rows) return std::unexpected(unreadable(failed(rows.error())));
    for (int row = 0; row < rows->rows(); ++row) {
      const auto type = rows->integer(row, 0);
      const auto sequence = rows->integer(row, 1);
      const auto hash = crypto::from_hex(rows->value(row, 2));
      if (!type || !sequence || !hash || hash->size() != 32 || (*type != 1 && *type != 2)) {
        close();
        return std::unexpected(TrailReadError{TrailReadError::Kind::kDamaged,
                                              "the PostgreSQL trail holds a row that is no frame"});
      }
      FrameView frame{static_cast<FrameType>(*type),
                      static_cast<std::uint64_t>(*sequence),
                      {},
                      rows->value(row, 3),
                      0};
      std::copy(hash->begin(), hash->end(), frame.hash.begin());
      if (!visit(frame)) {
        close();
        return {};
      }
    }
    if (rows->rows() < kFetchRows) break;
  }
  close();
  return {};
}

std::expected<std::optional<std::string>, std::string> PgTrail::record_hash_at(
    std::uint64_t sequence) const {
  auto session = snapshot();
  if (!session) return std::unexpected(session.error());
  const auto at = std::to_string(sequence);
  const std::array<pg::Param, 1> params{pg::Param{at}};
  auto hash = (*session)->exec(
      "SELECT encode(hash, 'hex') FROM schakel_trail WHERE type = 1 AND sequence = $1::bigint",
      params);
  if (!hash) return std::unexpected(failed(hash.error()));
  if (hash->rows() == 0) return std::nullopt;
  return std::string(hash->value(0, 0));
}

std::expected<std::uint64_t, std::string> PgTrail::head_sequence() const {
  auto session = snapshot();
  if (!session) return std::unexpected(session.error());
  auto head = (*session)->exec("SELECT sequence FROM schakel_trail_head");
  if (!head) return std::unexpected(failed(head.error()));
  const auto sequence = head->rows() == 1 ? head->integer(0, 0) : std::nullopt;
  if (!sequence || *sequence < 0) {
    return std::unexpected(std::string("the PostgreSQL trail has no readable head row"));
  }
  return static_cast<std::uint64_t>(*sequence);
}

}  // namespace schakel::audit
