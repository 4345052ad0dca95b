// Sealing queued messages (issue 15): what is sealed opens only under the
// same key and transaction id and unaltered; the sealed bytes hold none of
// the plaintext; each seal has its own nonce; a key directory from before
// the queue gets a queue.key (0600) on load.
#include "crypto/queue_cipher.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crypto/key_store.hpp"
#include "tests/support/paths.hpp"

namespace schakel::crypto {
namespace {

constexpr std::string_view kMessage = R"({"subject":{"pseudonym":"v1.abc"},"data":{"x":"Jansen"}})";

TEST(QueueCipher, OpensOnlyWhatItSealedForTheSameTransaction) {
  const KeyStore keys = KeyStore::ephemeral();
  const QueueCipher cipher(keys.queue_key());
  const auto sealed = cipher.seal(kMessage, "tx-1");
  const std::string bytes(sealed.begin(), sealed.end());
  EXPECT_EQ(bytes.find("Jansen"), std::string::npos);
  EXPECT_NE(cipher.seal(kMessage, "tx-1"), sealed) << "a fresh nonce per seal";
  auto opened = cipher.open(sealed, "tx-1");
  ASSERT_TRUE(opened.has_value()) << opened.error();
  EXPECT_EQ(*opened, kMessage);

  EXPECT_FALSE(cipher.open(sealed, "tx-2").has_value()) << "moved to another transaction";
  auto altered = sealed;
  altered[altered.size() / 2] ^= 1;
  EXPECT_FALSE(cipher.open(altered, "tx-1").has_value()) << "altered";
  EXPECT_FALSE(cipher.open({1, 2, 3}, "tx-1").has_value()) << "too short";
  const KeyStore other = KeyStore::ephemeral();
  EXPECT_FALSE(QueueCipher(other.queue_key()).open(sealed, "tx-1").has_value()) << "another key";
}

// ... and one from before the re-identification escrow (issue 15) its reidentification.key.
TEST(QueueCipher, AKeyDirectoryFromBeforeTheQueueGetsItsKeyOnLoad) {
  testing::TempDir dir;
  const auto keys = dir.path() / "keys";
  ASSERT_TRUE(KeyStore::init(keys).has_value());
  ASSERT_TRUE(std::filesystem::remove(keys / "queue.key"));
  ASSERT_TRUE(std::filesystem::remove(keys / "reidentification.key"));
  auto loaded = KeyStore::load(keys);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_NE(loaded->reidentification_key(), nullptr);
  for (const char* file : {"queue.key", "reidentification.key"}) {
    struct stat info {};
    ASSERT_EQ(::stat((keys / file).c_str(), &info), 0) << file;
    EXPECT_EQ(info.st_mode & 0777, 0600) << file;
  }
  const auto sealed = QueueCipher(loaded->queue_key()).seal(kMessage, "tx-1");
  auto again = KeyStore::load(keys);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(QueueCipher(again->queue_key()).open(sealed, "tx-1").has_value())
      << "the same key the next time";
}

}  // namespace
}  // namespace schakel::crypto
