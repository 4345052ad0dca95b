#pragma once
// A real gateway for the tests, in this process, on loopback port 0: the
// national guideline and the example region, with the partners' endpoints
// pointed at the test peers — Veilig Thuis at a closed port (unreachable),
// Reclassering at a silent peer (times out), everyone else at the recording
// TLS upstream. Fresh keys and audit database in a temporary directory; the
// operational log is captured. Also reads the audit database the way an
// auditor would (read-only SQLite).
#include <cstdint>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/trail_source.hpp"
#include "gateway/gateway.hpp"
#include "gateway/settings.hpp"
#include "tests/support/client.hpp"
#include "tests/support/paths.hpp"

namespace schakel::testing {

struct PeerPorts {
  std::uint16_t upstream;
  std::uint16_t silent;
  std::uint16_t closed;
};

// OINs and ids of the example region's partners.
namespace partners {
inline constexpr const char* kMunicipality = "00000001001234567000";
inline constexpr const char* kPolice = "00000001002345678000";
inline constexpr const char* kMentalHealth = "00000003003456789000";
inline constexpr const char* kVeiligThuis = "00000001004567890000";
inline constexpr const char* kZvh = "00000001005678901000";
inline constexpr const char* kProsecutor = "00000001006789012000";
inline constexpr const char* kProbation = "00000003007890123000";
inline constexpr const char* kPrison = "00000001008901234000";
}  // namespace partners

class TestGateway {
 public:
  explicit TestGateway(PeerPorts peers, const std::function<void(gateway::Settings&)>& adjust = {});
  ~TestGateway();

  [[nodiscard]] std::uint16_t port() const { return gateway_->port(); }
  [[nodiscard]] std::uint16_t admin_port() const { return gateway_->admin_port(); }
  [[nodiscard]] std::string policy_hash() const { return gateway_->policy_hash(); }
  [[nodiscard]] std::vector<gateway::ListenerEndpoint> endpoints() const {
    return gateway_->endpoints();
  }
  [[nodiscard]] const gateway::Settings& settings() const { return settings_; }
  [[nodiscard]] std::filesystem::path trail_dir() const {
    return gateway::trail_directory(settings_);
  }
  gateway::ReloadResult reload() { return gateway_->reload(); }  // as SIGHUP does

  // Drains and stops the gateway; afterwards log() is complete.
  void stop();
  [[nodiscard]] std::string log() const { return log_.str(); }

  // Decision records (kind "decision") with this transaction id, as JSON bodies.
  [[nodiscard]] std::vector<nlohmann::json> decision_records(
      const std::string& transaction_id) const;
  [[nodiscard]] std::vector<nlohmann::json> records_of_kind(const std::string& kind) const;
  // Every byte of every file in the data directory: the audit database and
  // its write-ahead log (where recent records are until a checkpoint), ...
  [[nodiscard]] std::string everything_written() const;

 private:
  TempDir dir_;
  gateway::Settings settings_;
  std::ostringstream log_;
  std::unique_ptr<gateway::Gateway> gateway_;
};

// The example E33 signal (police's view) as a POST /v1/messages to `recipient`
// at `level`, with a fresh Fsc-Transaction-Id (also returned through `transaction_id`).
[[nodiscard]] HttpRequest e33_request(const char* recipient = partners::kMentalHealth,
                                      const char* level = "2",
                                      std::string* transaction_id = nullptr);

// A POST /v1/messages of `body` (canonical JSON text) to `recipient` under
// `purpose` at `level`, with a fresh Fsc-Transaction-Id (also returned
// through `transaction_id`).
[[nodiscard]] HttpRequest message_request(const char* recipient, const char* purpose,
                                          const char* level, std::string body,
                                          std::string* transaction_id);

// Record bodies of one kind from a trail, read-only, in sequence order.
[[nodiscard]] std::vector<nlohmann::json> audit_records_of_kind(const audit::TrailSource& trail,
                                                                const std::string& kind);
[[nodiscard]] std::vector<nlohmann::json> audit_records_of_kind(
    const std::filesystem::path& database, const std::string& kind);

// Example region rewired to the peers; written into `dir` as region.json.
std::filesystem::path write_test_region(const std::filesystem::path& dir, PeerPorts peers);

}  // namespace schakel::testing
