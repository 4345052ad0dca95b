#pragma once
// Partners sending the example E33 signal as fast as they can, from their
// own threads, until stopped: the load of the crash and cluster tests. Every
// receipt (a 200's transaction id) is kept, and apart those whose delivery
// record is durable (the receipt names delivery_audit_sequence; when that
// record failed it says "delivery_recorded": false); a failure is counted
// and waits 20 ms.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/client.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {

class Senders {
 public:
  Senders(std::uint16_t port, int count) {
    for (int i = 0; i < count; ++i) threads_.emplace_back([this, port] { run(port); });
  }
  ~Senders() { stop(); }
  Senders(const Senders&) = delete;
  Senders& operator=(const Senders&) = delete;

  void stop() {
    stopping_ = true;
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }
  [[nodiscard]] std::set<std::string> receipts() const {
    std::lock_guard lock(mutex_);
    return receipts_;
  }
  [[nodiscard]] std::set<std::string> delivery_recorded() const {
    std::lock_guard lock(mutex_);
    return delivery_recorded_;
  }
  // Requests that got no 200 (no answer, or another status).
  [[nodiscard]] std::size_t failures() const { return failures_.load(); }
  // Waits (at most a minute) until `more` receipts were added to those there are now.
  bool await_more(std::size_t more) const {
    const auto target = receipts().size() + more;
    for (int i = 0; i < 6000; ++i) {
      if (receipts().size() >= target) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  void run(std::uint16_t port) {
    while (!stopping_) {
      auto reply = tls_request(port, partner_cert("politie-eenheid-voorbeeld"), e33_request());
      if (reply && reply->status == 200) {
        const auto receipt = reply->json();
        std::lock_guard lock(mutex_);
        receipts_.insert(receipt["transaction_id"].get<std::string>());
        if (receipt.contains("delivery_audit_sequence")) {
          delivery_recorded_.insert(receipt["transaction_id"].get<std::string>());
        }
      } else {
        ++failures_;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }

  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> failures_{0};
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  std::set<std::string> receipts_;
  std::set<std::string> delivery_recorded_;
};

}  // namespace schakel::testing
