#pragma once
// Stage forward: delivers one encoded message to a recipient's endpoint and
// reports the recipient's HTTP status, or recipient-unreachable /
// recipient-timeout. Delivers at most once: never sends a message again after
// it may have reached the recipient. Never throws; safe to call from many
// coroutines at once.
#include <expected>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/problem.hpp"
#include "gateway/http_types.hpp"
#include "policy/model.hpp"

namespace schakel::gateway {

struct Delivery {
  policy::Endpoint endpoint;
  HeaderList headers;
  std::string content_type;
  std::string body;
  // The OIN the endpoint's certificate must carry as its one Subject
  // serialNumber (the recipient's, or the region's named endpoint identity);
  // empty: the certificate is checked for the host name only.
  std::string expected_oin;
};

struct DeliveryOutcome {
  int status = 0;
};

class Forwarder {
 public:
  virtual ~Forwarder() = default;
  [[nodiscard]] virtual boost::asio::awaitable<std::expected<DeliveryOutcome, Problem>> deliver(
      const Delivery& delivery) = 0;
};

}  // namespace schakel::gateway
