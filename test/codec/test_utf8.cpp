// Strict UTF-8 validation: every boundary of Unicode's table 3-7, and the fast ASCII path.
#include "codec/utf8.hpp"
#include "codec/utf8_simd.hpp"

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <random>
#include <string>

using rerank::detail::find_invalid_utf8;
using rerank::detail::find_invalid_utf8_scalar;
using rerank::detail::is_valid_utf8;
using rerank::detail::is_valid_utf8_avx2;
using rerank::detail::utf8_avx2_available;
using namespace std::string_literals;

namespace {

constexpr auto npos = std::string_view::npos;

// A slow, obviously correct reference: decode and check the code point's range.
std::size_t reference_find_invalid(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len;
        std::uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > s.size())
            return i;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(valid_text) {
    BOOST_TEST(is_valid_utf8(""));
    BOOST_TEST(is_valid_utf8("plain ASCII, with controls \x01\x7F and NUL "s + '\0'));
    BOOST_TEST(is_valid_utf8("caf\xC3\xA9"));              // é (2 bytes)
    BOOST_TEST(is_valid_utf8("\xE9\x95\xBF\xE5\x9F\x8E")); // 长城 (3 bytes)
    BOOST_TEST(is_valid_utf8("\xF0\x9F\x98\x80"));         // 😀 (4 bytes)
    // The extremes of each length.
    BOOST_TEST(is_valid_utf8("\xC2\x80"));         // U+0080
    BOOST_TEST(is_valid_utf8("\xDF\xBF"));         // U+07FF
    BOOST_TEST(is_valid_utf8("\xE0\xA0\x80"));     // U+0800
    BOOST_TEST(is_valid_utf8("\xED\x9F\xBF"));     // U+D7FF, just below the surrogates
    BOOST_TEST(is_valid_utf8("\xEE\x80\x80"));     // U+E000, just above them
    BOOST_TEST(is_valid_utf8("\xEF\xBF\xBF"));     // U+FFFF
    BOOST_TEST(is_valid_utf8("\xF0\x90\x80\x80")); // U+10000
    BOOST_TEST(is_valid_utf8("\xF4\x8F\xBF\xBF")); // U+10FFFF, the last code point
}

BOOST_AUTO_TEST_CASE(overlong_forms) {
    BOOST_TEST(find_invalid_utf8("\xC0\xAF") == 0u); // '/' in 2 bytes
    BOOST_TEST(find_invalid_utf8("\xC1\xBF") == 0u);
    BOOST_TEST(find_invalid_utf8("ab\xE0\x80\xAF") == 2u);   // '/' in 3 bytes
    BOOST_TEST(find_invalid_utf8("\xE0\x9F\xBF") == 0u);     // U+07FF in 3 bytes
    BOOST_TEST(find_invalid_utf8("\xF0\x80\x80\xAF") == 0u); // '/' in 4 bytes
    BOOST_TEST(find_invalid_utf8("\xF0\x8F\xBF\xBF") == 0u); // U+FFFF in 4 bytes
}

BOOST_AUTO_TEST_CASE(surrogates_and_beyond_unicode) {
    BOOST_TEST(find_invalid_utf8("\xED\xA0\x80") == 0u);             // U+D800
    BOOST_TEST(find_invalid_utf8("x\xED\xBF\xBF") == 1u);            // U+DFFF
    BOOST_TEST(find_invalid_utf8("\xED\xA0\xBD\xED\xB8\x80") == 0u); // CESU-8 pair
    BOOST_TEST(find_invalid_utf8("\xF4\x90\x80\x80") == 0u);         // U+110000
    BOOST_TEST(find_invalid_utf8("\xF5\x80\x80\x80") == 0u);
    BOOST_TEST(find_invalid_utf8("\xFE") == 0u);
    BOOST_TEST(find_invalid_utf8("\xFF") == 0u);
}

BOOST_AUTO_TEST_CASE(truncated_and_stray_bytes) {
    BOOST_TEST(find_invalid_utf8("abc\xC3") == 3u);      // lead byte at the end
    BOOST_TEST(find_invalid_utf8("\xE9\x95") == 0u);     // 2 of 3 bytes
    BOOST_TEST(find_invalid_utf8("\xF0\x9F\x98") == 0u); // 3 of 4 bytes
    BOOST_TEST(find_invalid_utf8("\xF0\x9F\x98"
                                 "a") == 0u);            // interrupted by ASCII
    BOOST_TEST(find_invalid_utf8("ok\x80") == 2u);       // stray continuation
    BOOST_TEST(find_invalid_utf8("\xC3\xA9\xA9") == 2u); // one continuation too many
}

BOOST_AUTO_TEST_CASE(offsets_past_the_ascii_fast_path) {
    // The 16-byte ASCII path must hand over exactly where the bad byte is, in and after blocks.
    for (std::size_t at = 0; at != 70; ++at) {
        std::string s(80, 'a');
        s[at] = '\xFF';
        BOOST_TEST(find_invalid_utf8(s) == at);
        // A valid multi-byte character straddling a block boundary does not confuse it.
        std::string t(80, 'b');
        t.replace(at, 3, "\xE9\x95\xBF");
        BOOST_TEST(is_valid_utf8(t));
        t[at + 2] = 'x'; // now truncated
        BOOST_TEST(find_invalid_utf8(t) == at);
    }
}

BOOST_AUTO_TEST_CASE(agrees_with_a_reference_on_random_bytes) {
    std::mt19937 rng(7);
    // Bytes biased towards the interesting ones: ASCII, continuations, and every lead byte.
    const std::string alphabet = "aZ \x7F\x80\xBF\x8F\x90\x9F\xA0\xC0\xC1\xC2\xDF\xE0\xE1\xEC\xED"
                                 "\xEE\xEF\xF0\xF1\xF3\xF4\xF5\xFF";
    for (int round = 0; round != 20000; ++round) {
        std::string s(rng() % 40, ' ');
        for (char& c : s)
            c = rng() % 3 == 0 ? static_cast<char>('a' + rng() % 26)
                               : alphabet[rng() % alphabet.size()];
        BOOST_TEST_REQUIRE(find_invalid_utf8(s) == reference_find_invalid(s), "input " << round);
    }
}

// Every implementation against the reference: the public function, the scalar loop and, where
// the CPU has it, the AVX2 check. Lengths cross 16- and 32-byte blocks and their tails.
void check_all_implementations(const std::string& s, int round) {
    const std::size_t expected = reference_find_invalid(s);
    BOOST_TEST_REQUIRE(find_invalid_utf8(s) == expected, "input " << round);
    BOOST_TEST_REQUIRE(find_invalid_utf8_scalar(s) == expected, "input " << round);
    if (utf8_avx2_available())
        BOOST_TEST_REQUIRE(is_valid_utf8_avx2(s) == (expected == npos), "input " << round);
}

BOOST_AUTO_TEST_CASE(implementations_agree_on_long_mostly_valid_text) {
    std::mt19937 rng(21);
    const char* const pieces[] = {"a",
                                  "abcdefgh",
                                  "\xC3\xA9",
                                  "\xE9\x95\xBF",
                                  "\xF0\x9F\x98\x80",
                                  "\xEF\xBF\xBF",
                                  "\xF4\x8F\xBF\xBF",
                                  "\xED\x9F\xBF",
                                  "\x7F"};
    const char* const damage[] = {
        "\x80",         "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE9\x95",
        "\xF0\x9F\x98", "\xFF",     "\xC3",         "\xE0\x9F\xBF",     "\xF0\x8F\xBF\xBF"};
    for (int round = 0; round != 20000; ++round) {
        std::string s;
        const std::size_t target = rng() % 200;
        while (s.size() < target)
            s += pieces[rng() % std::size(pieces)];
        if (rng() % 2) // one bad sequence somewhere, often at a block edge
            s.insert(rng() % 3 == 0 ? (s.size() / 32) * 32 : rng() % (s.size() + 1),
                     damage[rng() % std::size(damage)]);
        check_all_implementations(s, round);
    }
    BOOST_TEST_MESSAGE("AVX2 path tested: " << utf8_avx2_available());
}

BOOST_AUTO_TEST_CASE(vectorised_check_at_every_position) {
    for (std::size_t length : {31u, 32u, 33u, 63u, 64u, 65u, 100u}) {
        for (std::size_t at = 0; at < length; ++at) {
            for (const char* bad : {"\xFF", "\xC3", "\xE9\x95", "\xED\xA0\x80", "\x80"}) {
                std::string s(length, 'a');
                s.replace(at, std::min(std::strlen(bad), length - at), bad);
                check_all_implementations(s, static_cast<int>(at));
            }
            std::string cjk;
            while (cjk.size() < length)
                cjk += "\xE9\x95\xBF";
            cjk[at] = 'x'; // breaks the character there
            check_all_implementations(cjk, static_cast<int>(at));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
