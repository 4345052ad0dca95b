#include "crypto/secret.hpp"

#include <sodium.h>

#include <new>
#include <utility>

#include "crypto/encoding.hpp"

namespace schakel::crypto {

Secret::Secret(std::size_t size) : size_(size) {
  ensure_sodium();
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (!data_) throw std::bad_alloc();
  sodium_memzero(data_, size_);
}

Secret::~Secret() {
  if (data_) sodium_free(data_);  // wipes before releasing
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    if (data_) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

}  // namespace schakel::crypto
