#pragma once
// SIGUSR1 opens the log file anew (log::reopen_file) for as long as this
// object lives: logrotate moves the file away, then signals (postrotate),
// and the process writes to a new file of the same name. `serve` and
// `console` each hold one beside their SIGTERM and SIGHUP handlers.
#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "common/log.hpp"

namespace schakel::gateway {

class LogReopenSignal {
 public:
  explicit LogReopenSignal(boost::asio::io_context& io) : signals_(io, SIGUSR1) { wait(); }
  LogReopenSignal(const LogReopenSignal&) = delete;
  LogReopenSignal& operator=(const LogReopenSignal&) = delete;

 private:
  void wait() {
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (!log::writes_to_file()) {
        log::info("log.reopen_skipped", {{"reason", "the log goes to stderr, not to a file"}});
      } else if (auto reopened = log::reopen_file(); !reopened) {
        log::error("log.reopen_failed", {{"reason", reopened.error()}});
      } else {
        log::info("log.reopened");
      }
      wait();
    });
  }

  boost::asio::signal_set signals_;
};

}  // namespace schakel::gateway
