// The one UTF-8 implementation (src/text): strict validation at every boundary of Unicode's
// table 3-7 and through the fast paths, decoding, and the repair of ill-formed text.
#include "text/utf8.hpp"
#include "text/utf8_simd.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace utf8 = rerank::utf8;
using utf8::avx2_available;
using utf8::find_invalid_scalar;
using utf8::is_valid_avx2;
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

// Every proper prefix (1 to 3 bytes) of a well-formed multi-byte sequence: what a maximal
// ill-formed subpart may be.
const std::set<std::string>& sequence_prefixes() {
    static const std::set<std::string> prefixes = [] {
        std::set<std::string> all;
        for (char32_t cp = 0x80; cp <= 0x10FFFF; ++cp) {
            if (cp >= 0xD800 && cp <= 0xDFFF)
                continue;
            std::string seq;
            utf8::append(seq, cp);
            for (std::size_t k = 1; k < seq.size(); ++k)
                all.insert(seq.substr(0, k));
        }
        return all;
    }();
    return prefixes;
}

// A slow reference of the repair: a well-formed sequence is copied, else the longest proper
// prefix of a well-formed sequence (at least one byte) becomes one U+FFFD.
std::string reference_repair(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        const std::string_view whole = s.substr(i, length);
        if (whole.size() == length && reference_find_invalid(whole) == npos) {
            out += whole;
            i += length;
            continue;
        }
        std::size_t k = 3;
        while (k > 1 && !sequence_prefixes().contains(std::string(s.substr(i, k))))
            --k;
        out += "\xEF\xBF\xBD";
        i += k;
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(utf8_text)

BOOST_AUTO_TEST_CASE(valid_text) {
    BOOST_TEST(utf8::is_valid(""));
    BOOST_TEST(utf8::is_valid("plain ASCII, with controls \x01\x7F and NUL \0"s));
    BOOST_TEST(utf8::is_valid("caf\xC3\xA9"));              // é (2 bytes)
    BOOST_TEST(utf8::is_valid("\xE9\x95\xBF\xE5\x9F\x8E")); // 长城 (3 bytes)
    BOOST_TEST(utf8::is_valid("\xF0\x9F\x98\x80"));         // 😀 (4 bytes)
    // The extremes of each length.
    BOOST_TEST(utf8::is_valid("\xC2\x80"));         // U+0080
    BOOST_TEST(utf8::is_valid("\xDF\xBF"));         // U+07FF
    BOOST_TEST(utf8::is_valid("\xE0\xA0\x80"));     // U+0800
    BOOST_TEST(utf8::is_valid("\xED\x9F\xBF"));     // U+D7FF, just below the surrogates
    BOOST_TEST(utf8::is_valid("\xEE\x80\x80"));     // U+E000, just above them
    BOOST_TEST(utf8::is_valid("\xEF\xBF\xBF"));     // U+FFFF
    BOOST_TEST(utf8::is_valid("\xF0\x90\x80\x80")); // U+10000
    BOOST_TEST(utf8::is_valid("\xF4\x8F\xBF\xBF")); // U+10FFFF, the last code point
}

BOOST_AUTO_TEST_CASE(overlong_forms) {
    BOOST_TEST(utf8::find_invalid("\xC0\xAF") == 0u); // '/' in 2 bytes
    BOOST_TEST(utf8::find_invalid("\xC1\xBF") == 0u);
    BOOST_TEST(utf8::find_invalid("ab\xE0\x80\xAF") == 2u);   // '/' in 3 bytes
    BOOST_TEST(utf8::find_invalid("\xE0\x9F\xBF") == 0u);     // U+07FF in 3 bytes
    BOOST_TEST(utf8::find_invalid("\xF0\x80\x80\xAF") == 0u); // '/' in 4 bytes
    BOOST_TEST(utf8::find_invalid("\xF0\x8F\xBF\xBF") == 0u); // U+FFFF in 4 bytes
}

BOOST_AUTO_TEST_CASE(surrogates_and_beyond_unicode) {
    BOOST_TEST(utf8::find_invalid("\xED\xA0\x80") == 0u);             // U+D800
    BOOST_TEST(utf8::find_invalid("x\xED\xBF\xBF") == 1u);            // U+DFFF
    BOOST_TEST(utf8::find_invalid("\xED\xA0\xBD\xED\xB8\x80") == 0u); // CESU-8 pair
    BOOST_TEST(utf8::find_invalid("\xF4\x90\x80\x80") == 0u);         // U+110000
    BOOST_TEST(utf8::find_invalid("\xF5\x80\x80\x80") == 0u);
    BOOST_TEST(utf8::find_invalid("\xFE") == 0u);
    BOOST_TEST(utf8::find_invalid("\xFF") == 0u);
}

BOOST_AUTO_TEST_CASE(truncated_and_stray_bytes) {
    BOOST_TEST(utf8::find_invalid("abc\xC3") == 3u);      // lead byte at the end
    BOOST_TEST(utf8::find_invalid("\xE9\x95") == 0u);     // 2 of 3 bytes
    BOOST_TEST(utf8::find_invalid("\xF0\x9F\x98") == 0u); // 3 of 4 bytes
    BOOST_TEST(utf8::find_invalid("\xF0\x9F\x98"
                                  "a") == 0u);            // interrupted by ASCII
    BOOST_TEST(utf8::find_invalid("ok\x80") == 2u);       // stray continuation
    BOOST_TEST(utf8::find_invalid("\xC3\xA9\xA9") == 2u); // one continuation too many
}

BOOST_AUTO_TEST_CASE(offsets_past_the_ascii_fast_path) {
    // The 16-byte ASCII path must hand over exactly where the bad byte is, in and after blocks.
    for (std::size_t at = 0; at != 70; ++at) {
        std::string s(80, 'a');
        s[at] = '\xFF';
        BOOST_TEST(utf8::find_invalid(s) == at);
        // A valid multi-byte character straddling a block boundary does not confuse it.
        std::string t(80, 'b');
        t.replace(at, 3, "\xE9\x95\xBF");
        BOOST_TEST(utf8::is_valid(t));
        t[at + 2] = 'x'; // now truncated
        BOOST_TEST(utf8::find_invalid(t) == at);
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
        BOOST_TEST_REQUIRE(utf8::find_invalid(s) == reference_find_invalid(s), "input " << round);
    }
}

// Every implementation against the reference: the public function, the scalar loop and, where
// the CPU has it, the AVX2 check. Lengths cross 16- and 32-byte blocks and their tails.
void check_all_implementations(const std::string& s, int round) {
    const std::size_t expected = reference_find_invalid(s);
    BOOST_TEST_REQUIRE(utf8::find_invalid(s) == expected, "input " << round);
    BOOST_TEST_REQUIRE(find_invalid_scalar(s) == expected, "input " << round);
    if (avx2_available())
        BOOST_TEST_REQUIRE(is_valid_avx2(s) == (expected == npos), "input " << round);
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
    BOOST_TEST_MESSAGE("AVX2 path tested: " << avx2_available());
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

BOOST_AUTO_TEST_CASE(decode_reads_back_what_append_writes) {
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        std::string s;
        utf8::append(s, cp);
        const auto* p = reinterpret_cast<const unsigned char*>(s.data());
        const auto* const end = p + s.size();
        BOOST_TEST_REQUIRE(utf8::sequence_length(p, end) == s.size(),
                           "U+" << std::hex << static_cast<std::uint32_t>(cp));
        BOOST_TEST_REQUIRE(utf8::is_lead(*p));
        for (const auto* q = p + 1; q != end; ++q)
            BOOST_TEST_REQUIRE(!utf8::is_lead(*q));
        BOOST_TEST_REQUIRE((utf8::decode(p) == cp));
        BOOST_TEST_REQUIRE(p == end);
    }
}

// The fused check-and-decode against the byte-range check and the plain decode: every lead byte
// with every pair of bytes after it (3 bytes available), and random 4-byte windows.
BOOST_AUTO_TEST_CASE(decode_multibyte_agrees_with_sequence_length_and_decode) {
    const auto check = [](const unsigned char* p, const unsigned char* end) {
        char32_t cp = 0;
        const int n = utf8::decode_multibyte(p, end, cp);
        const std::size_t expected = utf8::sequence_length(p, end);
        BOOST_TEST_REQUIRE(static_cast<std::size_t>(n) == expected,
                           std::hex << int(p[0]) << " " << int(p[1]) << " " << int(p[2]));
        if (n != 0) {
            const unsigned char* q = p;
            BOOST_TEST_REQUIRE((utf8::decode(q) == cp));
        }
    };
    unsigned char bytes[4] = {};
    for (unsigned lead = 0x80; lead <= 0xFF; ++lead)
        for (unsigned b1 = 0; b1 <= 0xFF; ++b1)
            for (unsigned b2 = 0; b2 <= 0xFF; ++b2) {
                bytes[0] = static_cast<unsigned char>(lead);
                bytes[1] = static_cast<unsigned char>(b1);
                bytes[2] = static_cast<unsigned char>(b2);
                check(bytes, bytes + 3);
                check(bytes, bytes + 2);
            }
    std::mt19937 rng(5);
    for (int round = 0; round != 1000000; ++round) {
        bytes[0] = static_cast<unsigned char>(0xF0 + rng() % 16);
        for (int k = 1; k != 4; ++k)
            bytes[k] = static_cast<unsigned char>(rng() % 3 == 0 ? rng() % 256 : 0x80 + rng() % 64);
        check(bytes, bytes + 4);
    }
}

BOOST_AUTO_TEST_CASE(skip_ascii_stops_at_the_first_byte_above_0x7F) {
    for (std::size_t length : {0u, 7u, 8u, 31u, 32u, 33u, 70u}) {
        for (std::size_t at = 0; at <= length; ++at) {
            std::string s(length, 'a');
            if (at < length)
                s[at] = '\x80';
            const auto* p = reinterpret_cast<const unsigned char*>(s.data());
            const auto* const begin = p;
            utf8::skip_ascii(p, begin + s.size());
            BOOST_TEST_REQUIRE(static_cast<std::size_t>(p - begin) == at, length << " " << at);
        }
    }
}

BOOST_AUTO_TEST_CASE(floor_boundary_steps_back_to_a_character_start) {
    const std::string s = "a\xC3\xA9\xE2\x82\xAC"; // a é €
    BOOST_TEST(utf8::floor_boundary(s, 0) == 0u);
    BOOST_TEST(utf8::floor_boundary(s, 2) == 1u);
    BOOST_TEST(utf8::floor_boundary(s, 3) == 3u);
    BOOST_TEST(utf8::floor_boundary(s, 5) == 3u);
    BOOST_TEST(utf8::floor_boundary(s, 6) == 6u);
    BOOST_TEST(utf8::floor_boundary(s, 99) == 6u);
}

BOOST_AUTO_TEST_CASE(repair_replaces_each_maximal_subpart) {
    std::string out;
    // Unicode 15, table 3-8 and the examples around it.
    utf8::repair("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", out);
    BOOST_TEST(out == "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
    utf8::repair("\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41", out); // overlong: one per byte
    BOOST_TEST(out == "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA");
    utf8::repair("\xED\xA0\x80\xED\xBF\xBF\x41", out); // surrogates: one per byte
    BOOST_TEST(out == "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA");
    utf8::repair("\xF4\x91\x92\x93\xFF\x41\x80\xBF\x42", out);
    BOOST_TEST(out == "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA\uFFFD\uFFFDB");
    utf8::repair("\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41", out); // truncated sequences
    BOOST_TEST(out == "\uFFFD\uFFFD\uFFFD\uFFFDA");
    const std::string valid = "caf\xC3\xA9 \xE9\x95\xBF\xF0\x9F\x98\x80";
    utf8::repair(valid, out);
    BOOST_TEST(out == valid);
}

BOOST_AUTO_TEST_CASE(repair_agrees_with_a_reference_and_maps_offsets_back) {
    std::mt19937 rng(11);
    const std::string alphabet = "aZ \x7F\x80\xBF\x8F\x90\x9F\xA0\xC0\xC1\xC2\xDF\xE0\xE1\xEC\xED"
                                 "\xEE\xEF\xF0\xF1\xF3\xF4\xF5\xFF";
    std::string out;
    std::vector<utf8::repair_point> points;
    for (int round = 0; round != 20000; ++round) {
        std::string s(rng() % 60, ' ');
        for (char& c : s)
            c = rng() % 3 == 0 ? static_cast<char>('a' + rng() % 26)
                               : alphabet[rng() % alphabet.size()];
        utf8::repair(s, out, &points);
        BOOST_TEST_REQUIRE(out == reference_repair(s), "input " << round);
        BOOST_TEST_REQUIRE(utf8::is_valid(out));
        BOOST_TEST_REQUIRE(points.size() * 3 <= out.size());
        // Every byte of the repaired text that is not a U+FFFD maps back to the same byte.
        for (std::size_t at = 0; at != out.size(); ++at) {
            const bool replaced =
                std::any_of(points.begin(), points.end(), [&](const utf8::repair_point& r) {
                    return at < r.repaired_end && at + 3 >= r.repaired_end;
                });
            if (!replaced)
                BOOST_TEST_REQUIRE(s[utf8::original_offset(points, at)] == out[at],
                                   "input " << round << " at " << at);
        }
        BOOST_TEST_REQUIRE(utf8::original_offset(points, out.size()) == s.size());
    }
}

BOOST_AUTO_TEST_SUITE_END()
