#include "tests/support/postgres.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>

#include "tests/support/paths.hpp"

namespace schakel::testing {
namespace {

std::string script() {
  return (source_dir() / "scripts/pg-local.sh").string();
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string& reason() {
  static std::string text;
  return text;
}

}  // namespace

std::string read_password_file(const std::filesystem::path& file) {
  auto password = read_file(file);
  while (!password.empty() && password.back() == '\n') password.pop_back();
  return password;
}

CommandOutput run_command(const std::string& command) {
  CommandOutput result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.out.append(buffer.data(), got);
  }
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

Postgres* Postgres::shared() {
  // Never destroyed: stopped and removed at exit (killed: nothing in it is kept).
  static Postgres* server = [] {
    std::random_device random;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("schakel-pg-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    auto made = make(dir);
    if (!made) return static_cast<Postgres*>(nullptr);
    auto* out = new Postgres(std::move(*made));
    std::atexit([] {
      (void)server->run("kill");
      std::error_code ec;
      std::filesystem::remove_all(server->dir(), ec);
    });
    return out;
  }();
  return server;
}

const std::string& Postgres::why_not() {
  return reason();
}

std::optional<Postgres> Postgres::make(const std::filesystem::path& dir, const Postgres* primary) {
  const std::string command =
      primary ? "standby " + quoted(dir.string()) + " " + quoted(primary->dir().string())
              : "init " + quoted(dir.string());
  const auto made = run_command(script() + " " + command + " 2>&1");
  if (made.status == 3) {
    reason() = "PostgreSQL 15 is not installed: " + made.out;
    return std::nullopt;
  }
  if (made.status != 0) {
    reason() = "scripts/pg-local.sh " + command + " failed: " + made.out;
    return std::nullopt;
  }
  return Postgres(dir);
}

std::string Postgres::conninfo() const {
  return "host=" + dir_.string() + " dbname=schakel user=schakel target_session_attrs=read-write";
}

pg::Options Postgres::options(std::chrono::milliseconds timeout) const {
  return pg::Options{conninfo(), read_password_file(password_file()), "schakel-test", timeout};
}

int Postgres::run(const std::string& command, const std::string& args) const {
  return run_command(script() + " " + command + " " + quoted(dir_.string()) + " " + args +
                     " >/dev/null 2>&1")
      .status;
}

std::string Postgres::sql(const std::string& statement) const {
  return run_command(script() + " psql " + quoted(dir_.string()) + " -At -v ON_ERROR_STOP=1 -c " +
                     quoted(statement) + " 2>&1")
      .out;
}

void Postgres::drop_tables() const {
  (void)sql(
      "DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = "
      "'public' LOOP EXECUTE 'DROP TABLE ' || quote_ident(t.tablename) || ' CASCADE'; END LOOP; "
      "END $$");
}

}  // namespace schakel::testing
