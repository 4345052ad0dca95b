#pragma once
// Fixed-size secret bytes in guarded, locked memory (sodium_malloc): never
// swapped, wiped on destruction, not copyable. Move-only so that exactly one
// owner holds each secret.
#include <cstddef>
#include <cstdint>
#include <span>

namespace schakel::crypto {

class Secret {
 public:
  explicit Secret(std::size_t size);
  ~Secret();
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  [[nodiscard]] std::span<std::uint8_t> bytes() { return {data_, size_}; }
  [[nodiscard]] std::span<const std::uint8_t> bytes() const { return {data_, size_}; }

 private:
  std::uint8_t* data_;
  std::size_t size_;
};

}  // namespace schakel::crypto
