#include "gateway/settings.hpp"

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"

namespace schakel::gateway {
namespace {

class SettingsTest : public ::testing::Test {
 protected:
  std::expected<Settings, ConfigErrors> load(const std::string& text) {
    testing::write_file(dir_.path() / "schakel.json", text);
    return load_settings(dir_.path() / "schakel.json");
  }
  static constexpr const char* kBase = R"("guideline": "../guideline.json", "region": "region.json",
    "keys": "keys", "data_dir": "/var/lib/schakel",
    "tls": { "ca": "pki/ca.pem", "server_cert": "pki/s.pem", "server_key": "pki/s.key",
             "client_cert": "pki/c.pem", "client_key": "pki/c.key" },
    "listen": { "address": "127.0.0.1", "port": 8443 },
    "admin": { "address": "127.0.0.1", "port": 8444 })";
  testing::TempDir dir_;
};

TEST_F(SettingsTest, ReadsPathsRelativeToTheFileAndEveryLimit) {
  auto settings = load(std::string("{") + kBase + R"(,
    "threads": 4,
    "limits": { "max_body_bytes": 2048, "pseudonym_ops_per_minute": 600,
                "pseudonym_burst": 50, "pseudonym_cache_entries": 10 },
    "timeouts_ms": { "upstream_response": 2500 },
    "audit": { "checkpoint_records": 50, "checkpoint_seconds": 3, "unsafe_skip_fsync": true } })");
  ASSERT_TRUE(settings.has_value()) << join_lines(settings.error());
  EXPECT_EQ(settings->region, dir_.path() / "region.json");
  EXPECT_EQ(settings->keys_dir, dir_.path() / "keys");
  EXPECT_EQ(settings->data_dir, "/var/lib/schakel") << "absolute paths stay";
  EXPECT_EQ(settings->tls.ca, dir_.path() / "pki/ca.pem");
  EXPECT_EQ(settings->threads, 4);
  EXPECT_EQ(settings->limits.max_body_bytes, 2048u);
  EXPECT_EQ(settings->limits.pseudonym_ops_per_minute, 600u);
  EXPECT_EQ(settings->limits.pseudonym_burst, 50u);
  EXPECT_EQ(settings->limits.pseudonym_cache_entries, 10u);
  EXPECT_EQ(settings->limits.max_connections, 1024u) << "defaults where silent";
  EXPECT_EQ(settings->timeouts.upstream_response, std::chrono::milliseconds(2500));
  EXPECT_EQ(settings->audit.checkpoint_records, 50u);
  EXPECT_EQ(settings->audit.checkpoint_interval, std::chrono::seconds(3));
  EXPECT_TRUE(settings->audit.unsafe_skip_fsync);
  EXPECT_FALSE(load(std::string("{") + kBase + "}")->audit.unsafe_skip_fsync)
      << "durable by default";
}

TEST_F(SettingsTest, NumbersOutOfRangeAreErrorsNotTruncated) {
  auto settings = load(std::string("{") + kBase + R"(,
    "limits": { "max_header_bytes": 4294967312, "max_connections": 4294967296 } })");
  ASSERT_FALSE(settings.has_value());
  const std::string all = join_lines(settings.error());
  EXPECT_NE(all.find("schakel.json: /limits/max_header_bytes: must be between 1024 and 61440"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("/limits/max_connections: must be between 1 and 1000000000"),
            std::string::npos)
      << all;
  auto huge = load(std::string("{") + kBase +
                   R"(, "limits": { "max_connections": 18446744073709551617 } })");
  ASSERT_FALSE(huge.has_value());
  EXPECT_NE(
      join_lines(huge.error()).find("schakel.json: /limits/max_connections: an integer beyond"),
      std::string::npos)
      << join_lines(huge.error());
  auto duplicate = load(std::string("{") + kBase + R"(, "threads": 2, "threads": 64 })");
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_NE(join_lines(duplicate.error()).find("/threads: a member name appears twice"),
            std::string::npos)
      << join_lines(duplicate.error());
}

TEST_F(SettingsTest, ReportsEveryMistakeWithItsJsonPath) {
  auto settings = load(std::string("{") + kBase + R"(,
    "threads": 0,
    "limits": { "max_body_bytes": -1, "pseudonym_burts": 5 },
    "timeouts_ms": { "drain": "soon" } })");
  ASSERT_FALSE(settings.has_value());
  const std::string all = join_lines(settings.error());
  EXPECT_NE(all.find("schakel.json: /threads: must be between 1 and 64"), std::string::npos) << all;
  EXPECT_NE(all.find("schakel.json: /limits/max_body_bytes: must be between 1 and 1000000000"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("schakel.json: /limits/pseudonym_burts: unknown member"), std::string::npos)
      << all;
  EXPECT_NE(all.find("schakel.json: /timeouts_ms/drain"), std::string::npos) << all;
  EXPECT_EQ(settings.error().size(), 4u) << all;
}

TEST_F(SettingsTest, LimitsThatContradictEachOtherAndTimeoutsPastTheirCeilingAreErrors) {
  auto settings = load(std::string("{") + kBase + R"(,
    "limits": { "max_connections": 100, "max_unauthenticated_connections": 200,
                "max_unauthenticated_per_address": 300,
                "pseudonym_ops_per_minute": 10, "pseudonym_burst": 11 },
    "timeouts_ms": { "handshake": 60001, "request": 600000, "drain": 3600000 },
    "audit": { "checkpoint_seconds": 86401 } })");
  ASSERT_FALSE(settings.has_value());
  const std::string all = join_lines(settings.error());
  EXPECT_NE(all.find("/timeouts_ms/handshake: must be between 1 and 60000"), std::string::npos)
      << all;
  EXPECT_NE(all.find("/timeouts_ms/drain: must be between 1 and 600000"), std::string::npos) << all;
  EXPECT_EQ(all.find("/timeouts_ms/request"), std::string::npos) << "at the ceiling is allowed";
  EXPECT_NE(all.find("/audit/checkpoint_seconds: must be between 1 and 86400"), std::string::npos)
      << all;

  auto crossed = load(std::string("{") + kBase + R"(,
    "limits": { "max_connections": 100, "max_unauthenticated_connections": 200,
                "max_unauthenticated_per_address": 300,
                "pseudonym_ops_per_minute": 10, "pseudonym_burst": 11 } })");
  ASSERT_FALSE(crossed.has_value());
  const std::string cross = join_lines(crossed.error());
  EXPECT_NE(cross.find("/limits/max_unauthenticated_connections: must not exceed max_connections "
                       "(100)"),
            std::string::npos)
      << cross;
  EXPECT_NE(cross.find("/limits/max_unauthenticated_per_address: must not exceed "
                       "max_unauthenticated_connections (200)"),
            std::string::npos)
      << cross;
  EXPECT_NE(cross.find("/limits/pseudonym_burst: must not exceed pseudonym_ops_per_minute (10)"),
            std::string::npos)
      << cross;
}

TEST_F(SettingsTest, TheAdminListenerStaysOnLoopbackAndPathsHoldNoNul) {
  std::string base = kBase;
  const std::string loopback = R"("admin": { "address": "127.0.0.1")";
  base.replace(base.find(loopback), loopback.size(), R"("admin": { "address": "0.0.0.0")");
  auto wide = load("{" + base + "}");
  ASSERT_FALSE(wide.has_value());
  EXPECT_NE(join_lines(wide.error()).find("/admin/address: must be a loopback address"),
            std::string::npos)
      << join_lines(wide.error());

  std::string ipv6 = kBase;
  ipv6.replace(ipv6.find(loopback), loopback.size(), R"("admin": { "address": "::1")");
  EXPECT_TRUE(load("{" + ipv6 + "}").has_value()) << "::1 is loopback too";

  std::string nul = kBase;
  nul.replace(nul.find("\"keys\",") + 1, 5, R"(keys\u0000/../../etc")");
  auto cut = load("{" + nul + "}");
  ASSERT_FALSE(cut.has_value());
  EXPECT_NE(join_lines(cut.error()).find("/keys: must not contain a NUL character"),
            std::string::npos)
      << join_lines(cut.error());
}

// Issue 17: where the trail is kept, and the cluster's share of the limits.
TEST_F(SettingsTest, TheStoreIsNamedItsPasswordNeverInTheSettings) {
  auto embedded = load(std::string("{") + kBase + "}");
  ASSERT_TRUE(embedded.has_value());
  EXPECT_EQ(embedded->store.kind, StoreSettings::Kind::kSqlite) << "the default";
  auto shared = load(std::string("{") + kBase + R"(,
    "store": { "kind": "postgresql", "conninfo": "host=a,b dbname=s target_session_attrs=read-write",
               "password_file": "db-password", "timeout_ms": 2000 } })");
  ASSERT_TRUE(shared.has_value()) << join_lines(shared.error());
  EXPECT_EQ(shared->store.kind, StoreSettings::Kind::kPostgresql);
  EXPECT_EQ(shared->store.password_file, dir_.path() / "db-password");
  EXPECT_EQ(shared->store.timeout, std::chrono::milliseconds(2000));
  auto wrong = load(std::string("{") + kBase + R"(,
    "store": { "kind": "postgresql", "conninfo": "host=a dbname=s password=hunter2" } })");
  ASSERT_FALSE(wrong.has_value());
  const std::string all = join_lines(wrong.error());
  EXPECT_NE(all.find("/store/conninfo: holds a password"), std::string::npos) << all;
  EXPECT_EQ(all.find("hunter2"), std::string::npos) << "the error repeats the password";
  auto mixed = load(std::string("{") + kBase + R"(,
    "store": { "kind": "sqlite", "conninfo": "host=a" }, "timeouts_ms": { "drain_notice": 61000 } })");
  ASSERT_FALSE(mixed.has_value());
  const std::string both = join_lines(mixed.error());
  EXPECT_NE(both.find("/store/conninfo: only with"), std::string::npos) << both;
  EXPECT_NE(both.find("/timeouts_ms/drain_notice: must be between 0 and 60000"), std::string::npos)
      << both;
  auto nothing = load(std::string("{") + kBase + R"(, "store": { "kind": "postgresql" } })");
  ASSERT_FALSE(nothing.has_value());
  EXPECT_NE(join_lines(nothing.error()).find("/store/conninfo"), std::string::npos);
  auto unknown = load(std::string("{") + kBase + R"(, "store": { "kind": "oracle" } })");
  ASSERT_FALSE(unknown.has_value());
}

TEST_F(SettingsTest, EachInstanceEnforcesItsShareOfThePerPartnerLimits) {
  auto settings = load(std::string("{") + kBase + R"(,
    "cluster": { "instances": 3 },
    "limits": { "pseudonym_ops_per_minute": 60000, "pseudonym_burst": 2000,
                "reidentifications_per_hour": 10 } })");
  ASSERT_TRUE(settings.has_value()) << join_lines(settings.error());
  EXPECT_EQ(settings->cluster_instances, 3u);
  EXPECT_EQ(settings->limits.pseudonym_ops_per_minute, 20000u);
  EXPECT_EQ(settings->limits.pseudonym_burst, 667u) << "rounded up";
  EXPECT_EQ(settings->limits.reidentifications_per_hour, 4u);
  EXPECT_EQ(settings->limits.max_connections, Limits{}.max_connections) << "per instance";
  EXPECT_FALSE(load(std::string("{") + kBase + R"(, "cluster": { "instances": 0 } })").has_value());
}

TEST_F(SettingsTest, ASyntaxErrorNamesLineAndColumn) {
  auto settings = load("{\n  \"threads\": 2,\n  oops\n}");
  ASSERT_FALSE(settings.has_value());
  EXPECT_NE(join_lines(settings.error()).find("schakel.json:3:"), std::string::npos)
      << join_lines(settings.error());
}

}  // namespace
}  // namespace schakel::gateway
