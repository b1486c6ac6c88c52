// UTF-8 validation 32 bytes at a time with AVX2: the "lookup" algorithm of Keiser and Lemire,
// "Validating UTF-8 In Less Than One Instruction Per Byte" (2021), as in simdjson. Three table
// lookups on the nibbles of each byte and of the byte before it classify every 2-byte window
// (too short, too long, overlong, surrogate, too large, two continuations); the bytes 2 and 3
// after a 3- or 4-byte lead must be continuations. It says only valid or not: on failure the
// scalar validator finds the offset.
#include "text/utf8_simd.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace rerank::utf8 {
namespace {

#define RERANK_AVX2 __attribute__((target("avx2")))

// Error bits of a (previous byte, byte) window.
constexpr std::uint8_t too_short = 1 << 0;  // lead then no continuation
constexpr std::uint8_t too_long = 1 << 1;   // ASCII then continuation
constexpr std::uint8_t overlong_3 = 1 << 2; // E0 80..9F
constexpr std::uint8_t too_large = 1 << 3;  // F4 90..BF, F5..FF
constexpr std::uint8_t surrogate = 1 << 4;  // ED A0..BF
constexpr std::uint8_t overlong_2 = 1 << 5; // C0, C1
constexpr std::uint8_t too_large_1000 = 1 << 6;
constexpr std::uint8_t overlong_4 = 1 << 6; // F0 80..8F
constexpr std::uint8_t two_conts = 1 << 7;  // continuation then continuation
constexpr std::uint8_t carry = too_short | too_long | two_conts;

RERANK_AVX2 inline __m256i table(std::uint8_t a0, std::uint8_t a1, std::uint8_t a2, std::uint8_t a3,
                                 std::uint8_t a4, std::uint8_t a5, std::uint8_t a6, std::uint8_t a7,
                                 std::uint8_t a8, std::uint8_t a9, std::uint8_t a10,
                                 std::uint8_t a11, std::uint8_t a12, std::uint8_t a13,
                                 std::uint8_t a14, std::uint8_t a15) {
    const auto c = [](std::uint8_t v) { return static_cast<char>(v); };
    return _mm256_setr_epi8(c(a0), c(a1), c(a2), c(a3), c(a4), c(a5), c(a6), c(a7), c(a8), c(a9),
                            c(a10), c(a11), c(a12), c(a13), c(a14), c(a15), c(a0), c(a1), c(a2),
                            c(a3), c(a4), c(a5), c(a6), c(a7), c(a8), c(a9), c(a10), c(a11), c(a12),
                            c(a13), c(a14), c(a15));
}

// The input shifted right by n bytes, the previous block's last bytes shifted in.
template <int N>
RERANK_AVX2 inline __m256i previous(__m256i input, __m256i prev_input) {
    return _mm256_alignr_epi8(input, _mm256_permute2x128_si256(prev_input, input, 0x21), 16 - N);
}

RERANK_AVX2 inline __m256i high_nibbles(__m256i v) {
    return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
}

// The state carried from block to block.
struct avx2_state {
    __m256i error;           // any bit set: invalid
    __m256i prev_input;      // the previous block, for the windows that straddle blocks
    __m256i prev_incomplete; // non-zero where the previous block ended inside a sequence
};

RERANK_AVX2 inline void check_block(avx2_state& st, __m256i input) {
    if (_mm256_movemask_epi8(input) == 0) { // all ASCII: only a sequence left open fails
        st.error = _mm256_or_si256(st.error, st.prev_incomplete);
        st.prev_input = input;
        st.prev_incomplete = _mm256_setzero_si256();
        return;
    }
    const __m256i prev1 = previous<1>(input, st.prev_input);
    const __m256i byte_1_high = _mm256_shuffle_epi8(
        table(too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long,
              two_conts, two_conts, two_conts, two_conts, too_short | overlong_2, too_short,
              too_short | overlong_3 | surrogate,
              too_short | too_large | too_large_1000 | overlong_4),
        high_nibbles(prev1));
    const __m256i byte_1_low = _mm256_shuffle_epi8(
        table(carry | overlong_3 | overlong_2 | overlong_4, carry | overlong_2, carry, carry,
              carry | too_large, carry | too_large | too_large_1000,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000 | surrogate,
              carry | too_large | too_large_1000, carry | too_large | too_large_1000),
        _mm256_and_si256(prev1, _mm256_set1_epi8(0x0F)));
    const __m256i byte_2_high = _mm256_shuffle_epi8(
        table(too_short, too_short, too_short, too_short, too_short, too_short, too_short,
              too_short,
              too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,
              too_long | overlong_2 | two_conts | overlong_3 | too_large,
              too_long | overlong_2 | two_conts | surrogate | too_large,
              too_long | overlong_2 | two_conts | surrogate | too_large, too_short, too_short,
              too_short, too_short),
        high_nibbles(input));
    const __m256i special =
        _mm256_and_si256(_mm256_and_si256(byte_1_high, byte_1_low), byte_2_high);
    // Bytes 2 and 3 after a 3- or 4-byte lead: only there may two continuations follow
    // each other, and there they must (the two_conts bit cancels out by XOR).
    const __m256i third = _mm256_subs_epu8(previous<2>(input, st.prev_input),
                                           _mm256_set1_epi8(static_cast<char>(0xE0 - 0x80)));
    const __m256i fourth = _mm256_subs_epu8(previous<3>(input, st.prev_input),
                                            _mm256_set1_epi8(static_cast<char>(0xF0 - 0x80)));
    const __m256i must_continue =
        _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8(static_cast<char>(0x80)));
    st.error = _mm256_or_si256(st.error, _mm256_xor_si256(must_continue, special));
    // A lead byte among the last three that needs more bytes than the block has left.
    const __m256i max_tail =
        _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                         -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, static_cast<char>(0xF0 - 1),
                         static_cast<char>(0xE0 - 1), static_cast<char>(0xC0 - 1));
    st.prev_incomplete = _mm256_subs_epu8(input, max_tail);
    st.prev_input = input;
}

} // namespace

RERANK_AVX2 bool is_valid_avx2(std::string_view text) noexcept {
    avx2_state st{_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
    const char* p = text.data();
    const char* const end = p + text.size();
    for (; end - p >= 32; p += 32)
        check_block(st, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    if (p != end) { // the tail, padded with ASCII zeros
        alignas(32) char tail[32] = {};
        std::memcpy(tail, p, static_cast<std::size_t>(end - p));
        check_block(st, _mm256_load_si256(reinterpret_cast<const __m256i*>(tail)));
    }
    const __m256i error = _mm256_or_si256(st.error, st.prev_incomplete);
    return _mm256_testz_si256(error, error) != 0;
}

bool avx2_available() noexcept {
    static const bool available = __builtin_cpu_supports("avx2");
    return available;
}

} // namespace rerank::utf8

#else

namespace rerank::utf8 {
bool is_valid_avx2(std::string_view) noexcept {
    return false;
}
bool avx2_available() noexcept {
    return false;
}
} // namespace rerank::utf8

#endif
