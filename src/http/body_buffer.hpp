// The bytes of a response body, in a buffer that grows without writing them first.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace rerank::detail {

/// A response body. Unlike std::string, making room does not zero-fill: a body is read from
/// the socket straight into the room made for it, and filling 50 KB first only to overwrite it
/// costs as much as a fifth of decoding it. Capacity is kept across `clear()`, so a connection
/// reading bodies of similar sizes allocates only while warming up.
class body_buffer {
public:
    std::string_view view() const noexcept { return {data_.get(), size_}; }
    operator std::string_view() const noexcept { return view(); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t capacity() const noexcept { return capacity_; }

    void clear() noexcept { size_ = 0; }

    void reserve(std::size_t capacity) {
        if (capacity <= capacity_)
            return;
        std::unique_ptr<char[]> bigger(new char[capacity]); // default-initialised: no fill
        if (size_ != 0)
            std::memcpy(bigger.get(), data_.get(), size_);
        data_ = std::move(bigger);
        capacity_ = capacity;
    }

    void append(const char* bytes, std::size_t n) { std::memcpy(extend(n), bytes, n); }

    /// Adds `n` bytes of unspecified content at the end and returns where they start, for the
    /// caller to write; `shrink_to` gives back what was not written.
    char* extend(std::size_t n) {
        if (n > capacity_ - size_)
            reserve(std::max(size_ + n, 2 * capacity_));
        char* at = data_.get() + size_;
        size_ += n;
        return at;
    }

    void shrink_to(std::size_t size) noexcept { size_ = std::min(size, size_); }

    /// Exchanges contents and capacities (an inflated body takes the place of the compressed one).
    void swap(body_buffer& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
        std::swap(capacity_, other.capacity_);
    }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

} // namespace rerank::detail
