// `schakel serve` as systemd and logrotate see it (issue 18): READY=1 on
// $NOTIFY_SOCKET once it serves and STOPPING=1 when SIGTERM starts the
// drain (sd_notify, Type=notify); --log-file with SIGUSR1 opening the file
// anew after it was moved; --log-format json, one object a line.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "crypto/key_store.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

// A datagram socket at `path` standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : fd_(::socket(AF_UNIX, SOCK_DGRAM, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~NotifySocket() { ::close(fd_); }
  [[nodiscard]] bool bound() const { return bound_; }
  // The next datagram, or "" after 15 s.
  std::string receive() {
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, 15'000) != 1) return "";
    char buffer[4096];
    const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
    return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : "";
  }

 private:
  int fd_;
  bool bound_ = false;
};

// Polls until `file` holds `text` (15 s at most).
bool eventually_holds(const std::filesystem::path& file, const std::string& text) {
  for (int i = 0; i < 1500; ++i) {
    if (std::filesystem::exists(file) && read_file(file).find(text) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class ServeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto region =
        write_test_region(dir_.path(), {upstream_.port(), closed_port(), closed_port()});
    write_settings(dir_.path(), region);
    ASSERT_TRUE(crypto::KeyStore::init(dir_.path() / "keys"));
  }
  TempDir dir_;
  TlsUpstream upstream_;
};

TEST_F(ServeServiceTest, TellsSystemdWhenItIsReadyAndWhenItStops) {
  const auto socket_path = dir_.path() / "notify.sock";
  NotifySocket notify(socket_path);
  ASSERT_TRUE(notify.bound());
  ::setenv("NOTIFY_SOCKET", socket_path.c_str(), 1);
  ServeProcess serve(dir_.path(), dir_.path() / "serve.log");
  ::unsetenv("NOTIFY_SOCKET");
  const auto ready = notify.receive();
  EXPECT_NE(ready.find("READY=1"), std::string::npos)
      << ready << read_file(dir_.path() / "serve.log");
  EXPECT_NE(ready.find("STATUS=serving region"), std::string::npos) << ready;
  ASSERT_NE(serve.wait_for_port(0), 0);
  serve.signal(SIGTERM);
  const auto stopping = notify.receive();
  EXPECT_NE(stopping.find("STOPPING=1"), std::string::npos) << stopping;
  serve.kill(SIGTERM);
}

TEST_F(ServeServiceTest, Sigusr1OpensTheLogFileAnewAfterRotation) {
  const auto log = dir_.path() / "schakel.log";
  ServeProcess serve(dir_.path(), dir_.path() / "serve.out", {"--log-file", log.string()});
  ASSERT_TRUE(eventually_holds(log, "gateway.started")) << read_file(dir_.path() / "serve.out");
  std::filesystem::rename(log, dir_.path() / "schakel.log.1");  // what logrotate does
  serve.signal(SIGUSR1);
  ASSERT_TRUE(eventually_holds(log, "log.reopened"));
  serve.kill(SIGTERM);
  EXPECT_TRUE(eventually_holds(log, "gateway.stopped")) << read_file(log);
  EXPECT_EQ(read_file(dir_.path() / "schakel.log.1").find("log.reopened"), std::string::npos);
  EXPECT_EQ(read_file(dir_.path() / "serve.out"), "");  // nothing went to stderr
}

TEST_F(ServeServiceTest, JsonLogsAreOneObjectALine) {
  const auto log = dir_.path() / "schakel.jsonl";
  ServeProcess serve(dir_.path(), dir_.path() / "serve.out",
                     {"--log-format", "json", "--log-file", log.string()});
  ASSERT_TRUE(eventually_holds(log, "\"event\":\"gateway.started\"")) << read_file(log);
  serve.kill(SIGTERM);
  std::istringstream lines(read_file(log));
  std::string line;
  int parsed = 0;
  while (std::getline(lines, line)) {
    const auto object = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(object.is_object()) << line;
    EXPECT_TRUE(object.contains("time") && object.contains("level") && object.contains("event"));
    ++parsed;
  }
  EXPECT_GE(parsed, 2);  // started, then draining and stopped
}

}  // namespace
}  // namespace schakel::testing
