#include "tests/support/test_gateway.hpp"

#include <stdexcept>

#include "audit/log_store.hpp"
#include "audit/trail_frame.hpp"
#include "common/log.hpp"
#include "crypto/key_store.hpp"
#include "gateway/envelope.hpp"

namespace schakel::testing {

HttpRequest e33_request(const char* recipient, const char* level, std::string* transaction_id) {
  return message_request(recipient, "e33-confused-behaviour", level,
                         read_file(example_message("e33-signal.json")), transaction_id);
}

HttpRequest message_request(const char* recipient, const char* purpose, const char* level,
                            std::string body, std::string* transaction_id) {
  const std::string id = gateway::new_transaction_id();
  if (transaction_id) *transaction_id = id;
  return HttpRequest{"POST",
                     "/v1/messages",
                     {{"Content-Type", "application/json"},
                      {"Schakel-Recipient", recipient},
                      {"Schakel-Purpose", purpose},
                      {"Schakel-Level", level},
                      {"Fsc-Transaction-Id", id}},
                     std::move(body)};
}

std::filesystem::path write_test_region(const std::filesystem::path& dir, PeerPorts peers) {
  auto region = nlohmann::json::parse(read_file(example_region_file()));
  for (auto& partner : region["partners"]) {
    const std::string id = partner["id"];
    std::uint16_t port = peers.upstream;
    if (id == "veilig-thuis-voorbeeld") port = peers.closed;
    if (id == "reclassering-voorbeeld") port = peers.silent;
    partner["endpoint"] = "https://127.0.0.1:" + std::to_string(port) + "/" + id;
  }
  const auto path = dir / "region.json";
  write_file(path, region.dump(2));
  return path;
}

TestGateway::TestGateway(PeerPorts peers, const std::function<void(gateway::Settings&)>& adjust) {
  settings_.guideline = guideline_file();
  settings_.region = write_test_region(dir_.path(), peers);
  settings_.keys_dir = dir_.path() / "keys";
  settings_.data_dir = dir_.path() / "data";
  settings_.tls = {test_pki() / "ca.pem", test_pki() / "gateway-server.pem",
                   test_pki() / "gateway-server.key", test_pki() / "gateway-client.pem",
                   test_pki() / "gateway-client.key"};
  settings_.listen = {"127.0.0.1", 0};
  settings_.admin = {"127.0.0.1", 0};
  settings_.threads = 2;
  settings_.limits.max_body_bytes = 64 * 1024;
  settings_.timeouts.upstream_response = std::chrono::milliseconds(700);
  settings_.timeouts.upstream_connect = std::chrono::milliseconds(700);
  settings_.timeouts.audit_busy = std::chrono::milliseconds(200);
  settings_.timeouts.drain = std::chrono::milliseconds(5000);
  if (adjust) adjust(settings_);
  if (!crypto::KeyStore::load(settings_.keys_dir)) {  // a test may restart on the same keys
    if (auto ok = crypto::KeyStore::init(settings_.keys_dir); !ok) {
      throw std::runtime_error(ok.error());
    }
  }
  log::set_sink(&log_);
  auto created = gateway::Gateway::create(settings_);
  if (!created) {
    log::set_sink(nullptr);  // no destructor runs for a constructor that throws
    throw std::runtime_error(created.error());
  }
  gateway_ = std::move(*created);
  gateway_->start();
}

TestGateway::~TestGateway() {
  stop();
  log::set_sink(nullptr);
}

void TestGateway::stop() {
  if (!gateway_) return;
  gateway_->shutdown();
  gateway_->wait();
}

std::vector<nlohmann::json> TestGateway::records_of_kind(const std::string& kind) const {
  return audit_records_of_kind(trail_dir(), kind);
}

std::vector<nlohmann::json> audit_records_of_kind(const std::filesystem::path& trail,
                                                  const std::string& kind) {
  return audit_records_of_kind(audit::LogTrail(trail), kind);
}

std::vector<nlohmann::json> audit_records_of_kind(const audit::TrailSource& trail,
                                                  const std::string& kind) {
  std::vector<nlohmann::json> out;
  auto read = trail.for_each_frame([&](const audit::FrameView& frame) {
    if (frame.type != audit::FrameType::kRecord) return true;
    auto body = nlohmann::json::parse(frame.payload);
    if (body["kind"] == kind) out.push_back(std::move(body));
    return true;
  });
  if (!read) throw std::runtime_error(read.error().message);
  return out;
}

std::vector<nlohmann::json> TestGateway::decision_records(const std::string& transaction_id) const {
  std::vector<nlohmann::json> out;
  for (auto& record : records_of_kind("decision")) {
    if (record["transaction_id"] == transaction_id) out.push_back(std::move(record));
  }
  return out;
}

std::string TestGateway::everything_written() const {
  std::string written;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(settings().data_dir)) {
    if (entry.is_regular_file()) written += read_file(entry.path());
  }
  return written;
}

}  // namespace schakel::testing
