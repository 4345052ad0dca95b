#pragma once
// Stage forward: delivers one encoded message to a recipient's endpoint and
// reports the recipient's HTTP status, or recipient-unreachable /
// recipient-timeout. Never throws; safe to call from many coroutines at once.
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
