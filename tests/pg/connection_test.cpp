// One PostgreSQL session (pg/connection.hpp): a host that accepts the
// connection and then says nothing — an old primary hung rather than gone —
// costs its own deadline, and the next host of the conninfo is tried; a
// statement on a server that stops answering fails at its deadline.
#include "pg/connection.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/support/paths.hpp"
#include "tests/support/postgres.hpp"

namespace schakel::pg {
namespace {

using testing::Postgres;

// A Unix socket named like a PostgreSQL server's that listens and never answers.
class HungHost {
 public:
  explicit HungHost(const std::filesystem::path& dir) : dir_(dir) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const auto path = (dir / ".s.PGSQL.5432").string();
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
             ::listen(fd_, 16) == 0;
  }
  ~HungHost() { ::close(fd_); }
  [[nodiscard]] bool bound() const { return bound_; }

 private:
  std::filesystem::path dir_;
  int fd_ = -1;
  bool bound_ = false;
};

TEST(PgConnection, AHungFirstHostDoesNotHideTheNext) {
  auto* server = Postgres::shared();
  if (server == nullptr) GTEST_SKIP() << Postgres::why_not();
  testing::TempDir dir;
  HungHost hung(dir.path());
  ASSERT_TRUE(hung.bound());
  auto options = server->options(std::chrono::milliseconds(1500));
  options.conninfo = "host=" + dir.path().string() + "," + server->dir().string() +
                     " dbname=schakel user=schakel target_session_attrs=read-write";
  auto session = Connection::open(options);
  ASSERT_TRUE(session.has_value()) << describe(session.error());
  auto answer = (*session)->exec("SELECT 1");
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->value(0, 0), "1");
}

TEST(PgConnection, ACommitIsNeverWeakerThanOn) {
  auto* server = Postgres::shared();
  if (server == nullptr) GTEST_SKIP() << Postgres::why_not();
  auto options = server->options();
  options.conninfo += " options='-c synchronous_commit=remote_write'";
  auto session = Connection::open(options);
  ASSERT_TRUE(session.has_value()) << describe(session.error());
  auto level = (*session)->exec("SHOW synchronous_commit");
  ASSERT_TRUE(level.has_value());
  EXPECT_EQ(level->value(0, 0), "on");
}

TEST(PgConnection, AConninfoWithAPasswordIsRefused) {
  EXPECT_FALSE(pg::check_conninfo("host=/tmp dbname=x password=secret").has_value());
  EXPECT_FALSE(pg::check_conninfo("postgresql://u:secret@localhost/db").has_value());
  EXPECT_FALSE(pg::check_conninfo("host = = =").has_value());
  EXPECT_TRUE(pg::check_conninfo("host=a,b dbname=x target_session_attrs=read-write").has_value());
}

TEST(PgConnection, AMalformedConninfoIsNeverQuoted) {
  auto checked = check_conninfo("host=a password:hunter2secret");
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error().find("hunter2"), std::string::npos) << checked.error();
}

}  // namespace
}  // namespace schakel::pg
