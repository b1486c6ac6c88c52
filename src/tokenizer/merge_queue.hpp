// Priority queues of pending merges for the long-piece BPE loop: keys (rank << 32 | position),
// smallest first.
//
// radix_merge_queue is a radix heap: it needs every pushed key to be at least the last popped
// one, which holds when each merge's rank is above the ranks that created its two tokens (as in
// any trained BPE, Qwen's included: a merge never creates a pair that should have merged
// earlier). Pushes are O(1) appends, pops amortised O(log range); it is several times faster
// than a binary heap on long pieces. binary_merge_queue works for any merge table.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <functional>
#include <vector>

namespace rerank::tokenizer_detail {

class binary_merge_queue {
public:
    void clear() { heap_.clear(); }
    void release() { std::vector<std::uint64_t>().swap(heap_); }
    bool empty() const noexcept { return heap_.empty(); }
    void push(std::uint64_t key) {
        heap_.push_back(key);
        std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
    }
    std::uint64_t pop() {
        std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
        const std::uint64_t key = heap_.back();
        heap_.pop_back();
        return key;
    }

private:
    std::vector<std::uint64_t> heap_;
};

class radix_merge_queue {
public:
    void clear() {
        for (auto& b : buckets_)
            b.clear();
        last_ = 0;
        size_ = 0;
    }
    void release() {
        for (auto& b : buckets_)
            std::vector<std::uint64_t>().swap(b);
        clear();
    }
    bool empty() const noexcept { return size_ == 0; }
    /// `key` must not be below the last popped key.
    void push(std::uint64_t key) {
        buckets_[bucket_of(key)].push_back(key);
        ++size_;
    }
    std::uint64_t pop() {
        if (buckets_[0].empty()) {
            std::size_t i = 1;
            while (buckets_[i].empty())
                ++i;
            std::vector<std::uint64_t>& from = buckets_[i];
            last_ = *std::min_element(from.begin(), from.end());
            for (const std::uint64_t key : from)
                buckets_[bucket_of(key)].push_back(key);
            from.clear();
        }
        const std::uint64_t key = buckets_[0].back();
        buckets_[0].pop_back();
        --size_;
        return key;
    }

private:
    std::size_t bucket_of(std::uint64_t key) const noexcept {
        return key == last_ ? 0 : 64 - static_cast<std::size_t>(std::countl_zero(key ^ last_));
    }
    std::array<std::vector<std::uint64_t>, 65> buckets_;
    std::uint64_t last_ = 0;
    std::size_t size_ = 0;
};

} // namespace rerank::tokenizer_detail
