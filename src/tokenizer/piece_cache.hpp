// A per-thread cache of the token counts of short pieces: ordinary text repeats its words, and
// a hit costs one hash and one compare instead of the merge loop. Direct-mapped, fixed size
// (8,192 entries of 32 bytes per thread), no allocation after the first use, no locking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rerank::tokenizer_detail {

class piece_count_cache {
public:
    /// Longest piece (bytes) that is cached.
    static constexpr std::size_t max_piece = 26;

    /// The cached count of `piece` for model `uid`, or 0 when absent.
    std::size_t find(std::uint32_t uid, std::string_view piece, std::uint64_t hash) const noexcept;
    void store(std::uint32_t uid, std::string_view piece, std::uint64_t hash,
               std::size_t count) noexcept;

    static std::uint64_t hash(std::string_view piece) noexcept;

    /// The calling thread's cache, or null when caching is switched off on this thread.
    static piece_count_cache* for_this_thread() noexcept;
    /// Switches the calling thread's cache on or off (for benchmarks of the uncached path).
    static void enable_for_this_thread(bool on) noexcept;

private:
    struct entry {
        std::uint32_t uid; // 0: empty
        std::uint8_t length;
        std::uint8_t count;
        char bytes[max_piece];
    };
    static_assert(sizeof(entry) == 32);
    static constexpr std::size_t entries = 8192;
    entry table_[entries] = {};
};

} // namespace rerank::tokenizer_detail
