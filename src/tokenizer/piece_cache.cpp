#include "tokenizer/piece_cache.hpp"

#include <cstring>
#include <memory>

namespace rerank::tokenizer_detail {

std::uint64_t piece_count_cache::hash(std::string_view piece) noexcept {
    const char* p = piece.data();
    const std::size_t n = piece.size();
    std::uint64_t h = (n + 1) * 0x9E3779B97F4A7C15ull;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    if (i < n) {
        std::uint64_t w = 0;
        std::memcpy(&w, p + i, n - i);
        h = (h ^ w) * 0x94D049BB133111EBull;
        h ^= h >> 29;
    }
    return h;
}

std::size_t piece_count_cache::find(std::uint32_t uid, std::string_view piece,
                                    std::uint64_t hash) const noexcept {
    const entry& e = table_[hash & (entries - 1)];
    if (e.uid == uid && e.length == piece.size() &&
        std::memcmp(e.bytes, piece.data(), piece.size()) == 0)
        return e.count;
    return 0;
}

void piece_count_cache::store(std::uint32_t uid, std::string_view piece, std::uint64_t hash,
                              std::size_t count) noexcept {
    if (piece.size() > max_piece || count == 0 || count > 255)
        return;
    entry& e = table_[hash & (entries - 1)];
    e.uid = uid;
    e.length = static_cast<std::uint8_t>(piece.size());
    e.count = static_cast<std::uint8_t>(count);
    std::memcpy(e.bytes, piece.data(), piece.size());
}

namespace {
struct thread_state {
    std::unique_ptr<piece_count_cache> cache;
    bool enabled = true;
};
thread_local thread_state state;
} // namespace

piece_count_cache* piece_count_cache::for_this_thread() noexcept {
    if (!state.enabled)
        return nullptr;
    if (!state.cache) {
        try {
            state.cache = std::make_unique<piece_count_cache>();
        } catch (...) {
            return nullptr; // out of memory: run uncached
        }
    }
    return state.cache.get();
}

void piece_count_cache::enable_for_this_thread(bool on) noexcept {
    state.enabled = on;
}

} // namespace rerank::tokenizer_detail
