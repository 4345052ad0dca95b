#pragma once
// `schakel serve` as a child process on a data directory, for the tests that
// kill it (SIGKILL) and start it again: its settings written beside, the
// partner port read from its "gateway.started" log line. Needs
// SCHAKEL_BINARY (the crash tests' target defines it).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/verify.hpp"
#include "crypto/key_store.hpp"
#include "tests/support/paths.hpp"

namespace schakel::testing {

class ServeProcess {
 public:
  // `options` follow `serve --config DIR` (e.g. --log-file); the child
  // inherits this process's environment.
  ServeProcess(const std::filesystem::path& config, const std::filesystem::path& log,
               std::vector<std::string> options = {})
      : log_(log) {
    std::vector<std::string> words{SCHAKEL_BINARY, "serve", "--config", config.string()};
    words.insert(words.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log.c_str(), "a", stderr);
      std::freopen(log.c_str(), "a", stdout);
      ::execv(SCHAKEL_BINARY, argv.data());
      ::_exit(127);
    }
  }
  ~ServeProcess() { kill(); }

  // Sends `signal` and goes on (kill() waits for the end).
  void signal(int signal) const {
    if (pid_ > 0) ::kill(pid_, signal);
  }

  // The partner port from the newest "gateway.started" line, or 0 after 10 s.
  std::uint16_t wait_for_port(std::size_t starts_before) {
    for (int i = 0; i < 1000; ++i) {
      std::ifstream in(log_);
      std::string line;
      std::size_t starts = 0;
      std::uint16_t port = 0;
      while (std::getline(in, line)) {
        const auto at = line.find("gateway.started");
        const auto listen = line.find(" listen=127.0.0.1:");
        if (at == std::string::npos || listen == std::string::npos) continue;
        ++starts;
        port = static_cast<std::uint16_t>(std::stoi(line.substr(listen + 18)));
      }
      if (starts > starts_before) return port;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
  }

  void kill(int signal = SIGKILL) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

inline void write_settings(const std::filesystem::path& dir, const std::filesystem::path& region) {
  const auto pki = test_pki();
  const nlohmann::json settings = {{"guideline", guideline_file().string()},
                                   {"region", region.string()},
                                   {"keys", (dir / "keys").string()},
                                   {"data_dir", (dir / "data").string()},
                                   {"tls",
                                    {{"ca", (pki / "ca.pem").string()},
                                     {"server_cert", (pki / "gateway-server.pem").string()},
                                     {"server_key", (pki / "gateway-server.key").string()},
                                     {"client_cert", (pki / "gateway-client.pem").string()},
                                     {"client_key", (pki / "gateway-client.key").string()}}},
                                   {"listen", {{"address", "127.0.0.1"}, {"port", 0}}},
                                   {"admin", {{"address", "127.0.0.1"}, {"port", 0}}},
                                   {"threads", 2}};
  write_file(dir / "schakel.json", settings.dump(2));
}

// The trail verified with the signing key of `keys_dir`: the report, or an error.
inline std::expected<audit::VerifyReport, std::string> verify_with_keys(
    const std::filesystem::path& keys_dir, const std::filesystem::path& trail) {
  auto keys = crypto::KeyStore::load(keys_dir);
  if (!keys) return std::unexpected(keys.error());
  const auto signing = keys->signing_public_key();
  crypto::PublicKey public_key{};
  std::copy(signing.begin(), signing.end(), public_key.begin());
  return audit::verify_chain(trail, public_key);
}

}  // namespace schakel::testing
