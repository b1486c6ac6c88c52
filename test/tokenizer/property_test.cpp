// Properties on generated text: the estimator never undercounts, prefix_bytes stays within its
// budget at code point boundaries, encode and count agree, and both merge loops agree.
#include "corpus.hpp"

#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

#include "text/utf8.hpp"
#include "tokenizer/bpe.hpp"
#include "tokenizer/estimate_tables.hpp"
#include "tokenizer/pretokenizer.hpp"
#include "tokenizer/tokenizer_access.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

namespace {

using rerank::qwen3_tokenizer;
namespace td = rerank::tokenizer_detail;

class text_generator {
public:
    explicit text_generator(unsigned seed)
        : rng_(seed) {}

    std::string next() {
        switch (pick(9)) {
        case 0:
            return random_code_points();
        case 1:
            return repeated();
        case 2:
            return whitespace_runs();
        case 3:
            return combining();
        case 4:
            return from_ranges({{0x4E00, 0x9FFF}, {0x3000, 0x303F}, {0xFF01, 0xFF5E}}, 300);
        case 5:
            return emoji();
        case 6:
            return ascii_soup();
        case 7:
            return random_bytes();
        default:
            return from_ranges({{0x0600, 0x06FF},
                                {0x0400, 0x04FF},
                                {0xAC00, 0xD7A3},
                                {0x1100, 0x11FF},
                                {0x0900, 0x097F}},
                               300);
        }
    }

private:
    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }
    void add(std::string& s, char32_t cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD;
        rerank::utf8::append(s, cp);
    }
    std::string random_code_points() {
        std::string s;
        for (std::size_t n = 1 + pick(200); n-- > 0;) {
            // Mostly the BMP, sometimes anywhere.
            add(s, static_cast<char32_t>(pick(4) ? pick(0x10000) : pick(0x110000)));
        }
        return s;
    }
    std::string repeated() {
        static const char32_t chars[] = {U'a',    U' ',   U'\n', U'7',  U'!',   0x4E2D,
                                         0x1F600, 0x0301, 0xE9,  U'\t', 0x3000, U'\''};
        std::string s;
        const char32_t c = chars[pick(std::size(chars))];
        for (std::size_t n = 1 + pick(5000); n-- > 0;)
            add(s, c);
        return s;
    }
    std::string whitespace_runs() {
        static const char32_t ws[] = {U' ', U'\t', U'\n', U'\r', 0x3000, 0xA0, 0x85, 0x2028, 0x0B};
        std::string s;
        for (std::size_t n = 1 + pick(60); n-- > 0;) {
            for (std::size_t k = pick(6); k-- > 0;)
                add(s, ws[pick(std::size(ws))]);
            if (pick(2))
                s += "word";
            if (pick(3) == 0)
                s += "!?";
        }
        return s;
    }
    std::string combining() {
        std::string s;
        for (std::size_t n = 1 + pick(80); n-- > 0;) {
            add(s, pick(2) ? U'a' + static_cast<char32_t>(pick(26))
                           : 0x1100 + static_cast<char32_t>(pick(0x100)));
            for (std::size_t k = pick(4); k-- > 0;)
                add(s, pick(3) ? 0x300 + static_cast<char32_t>(pick(0x70))
                               : 0x0591 + static_cast<char32_t>(pick(0x30)));
        }
        return s;
    }
    std::string emoji() {
        std::string s;
        for (std::size_t n = 1 + pick(100); n-- > 0;) {
            add(s, 0x1F300 + static_cast<char32_t>(pick(0x800)));
            if (pick(3) == 0)
                add(s, 0x1F3FB + static_cast<char32_t>(pick(5))); // skin tone
            if (pick(4) == 0)
                add(s, 0x200D); // ZWJ
            if (pick(5) == 0) {
                add(s, 0x1F1E6 + static_cast<char32_t>(pick(26)));
                add(s, 0x1F1E6 + static_cast<char32_t>(pick(26)));
            }
        }
        return s;
    }
    std::string ascii_soup() {
        static const std::string_view parts[] = {
            "the",        " ",       "'s", "'LL",   "'re", "123", "\n",   "  ", "!!",
            "<|im_end|>", "<think>", "é",  "don't", "\t",  "x",   "\r\n", "<|", "|>"};
        std::string s;
        for (std::size_t n = 1 + pick(150); n-- > 0;)
            s += parts[pick(std::size(parts))];
        return s;
    }
    std::string random_bytes() {
        std::string s;
        for (std::size_t n = 1 + pick(120); n-- > 0;)
            s += static_cast<char>(pick(256));
        return s;
    }
    std::string from_ranges(std::initializer_list<std::pair<char32_t, char32_t>> ranges,
                            std::size_t max) {
        std::string s;
        const std::vector<std::pair<char32_t, char32_t>> r(ranges);
        for (std::size_t n = 1 + pick(max); n-- > 0;) {
            const auto [lo, hi] = r[pick(r.size())];
            add(s, lo + static_cast<char32_t>(pick(hi - lo + 1)));
            if (pick(8) == 0)
                s += ' ';
        }
        return s;
    }

    std::mt19937 rng_;
};

BOOST_AUTO_TEST_SUITE(tokenizer_properties)

BOOST_AUTO_TEST_CASE(bound_count_encode_prefix_on_random_text) {
    const qwen3_tokenizer& tok = qwen3_tokenizer::builtin();
    text_generator gen(20240601);
    std::size_t failures = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::string text = gen.next();
        const std::size_t n = tok.count(text);
        const std::size_t bound = rerank::qwen3_token_upper_bound(text);
        if (bound < n || tok.encode(text).size() != n) {
            ++failures;
            BOOST_ERROR("text #" << i << ": count " << n << ", bound " << bound << ", encode "
                                 << tok.encode(text).size());
        }
        for (const std::size_t k : {std::size_t{0}, std::size_t{1}, n / 3, n - (n > 0)}) {
            const std::size_t cut = tok.prefix_bytes(text, k);
            // (ill-formed text is cut at the boundaries of its U+FFFD replacements instead)
            const bool boundary = cut == text.size() ||
                                  rerank::utf8::is_lead(static_cast<unsigned char>(text[cut])) ||
                                  !rerank::utf8::is_valid(text);
            const std::size_t got = tok.count(std::string_view(text).substr(0, cut));
            if (cut > text.size() || got > k || (n <= k && cut != text.size()) || !boundary) {
                ++failures;
                BOOST_ERROR("text #" << i << " k=" << k << ": cut " << cut << " holds " << got);
            }
        }
    }
    BOOST_TEST(failures == 0u);
}

BOOST_AUTO_TEST_CASE(bound_is_at_most_the_nfc_bytes_and_counts_added_tokens) {
    BOOST_TEST(rerank::qwen3_token_upper_bound("") == 0u);
    BOOST_TEST(rerank::qwen3_token_upper_bound("<|im_start|><|im_end|>") == 2u);
    std::string ten;
    for (int i = 0; i < 10; ++i)
        ten += "\U0001D160";
    // NFC lengthens these 40 bytes to 120; the exact count is 60.
    BOOST_TEST(qwen3_tokenizer::builtin().count(ten) == 60u);
    BOOST_TEST(rerank::qwen3_token_upper_bound(ten) >= 60u);
    BOOST_TEST(rerank::qwen3_token_upper_bound(ten) <= 120u);
    const std::string english = "The quick brown fox jumps over the lazy dog.";
    BOOST_TEST(rerank::qwen3_token_upper_bound(english) < english.size());
}

BOOST_AUTO_TEST_CASE(estimator_tables_match_the_builtin_vocabulary) {
    const auto& model = td::tokenizer_access::model(qwen3_tokenizer::builtin());
    std::size_t pairs = 0, differ = 0;
    for (unsigned a = 0; a < 256; ++a)
        for (unsigned b = 0; b < 256; ++b) {
            const bool merges =
                model.merges.byte_rank(static_cast<unsigned char>(a),
                                       static_cast<unsigned char>(b)) != td::merge_table::no_merge;
            pairs += merges;
            differ += merges != td::qwen3::byte_pair_merges_exist(a, b);
        }
    BOOST_TEST(pairs == 5073u);
    BOOST_TEST(differ == 0u);
    for (const auto& t : td::qwen3::added_tokens) {
        std::string_view content;
        BOOST_TEST(model.token(t.id, content));
        BOOST_TEST(content == t.content);
    }
    BOOST_TEST(model.merges.monotone()); // Qwen's merges allow the radix queue
}

BOOST_AUTO_TEST_CASE(flat_and_heap_merge_loops_agree) {
    const auto& merges = td::tokenizer_access::model(qwen3_tokenizer::builtin()).merges;
    std::size_t pieces = 0, differ = 0;
    std::vector<std::uint32_t> flat;
    auto check = [&](std::string_view piece) {
        const auto a = td::bpe_encode(merges, piece, td::bpe_loop::flat);
        flat.assign(a.ids.begin(), a.ids.end());
        const auto b = td::bpe_encode(merges, piece, td::bpe_loop::heap);
        ++pieces;
        if (!std::equal(flat.begin(), flat.end(), b.ids.begin(), b.ids.end()))
            ++differ;
    };
    for (const auto& t : rerank::test::tokenizer_corpus()) {
        td::piece_splitter s(t.text);
        while (!s.done()) {
            const std::string_view p = s.next();
            if (p.size() <= 300)
                check(p);
        }
    }
    std::mt19937 rng(7);
    std::string bytes;
    for (int i = 0; i < 2000; ++i) {
        bytes.clear();
        const std::size_t n = 1 + rng() % 64;
        for (std::size_t j = 0; j < n; ++j)
            bytes += "aeinrst \xC3\xA9"[rng() % 10];
        check(bytes);
    }
    BOOST_TEST(pieces > 100000u);
    BOOST_TEST(differ == 0u);
}

BOOST_AUTO_TEST_CASE(prefix_bytes_is_close_to_the_best_prefix) {
    // Against brute force (every code point boundary) on the shorter corpus texts: the result
    // holds at most 2 fewer tokens than the longest prefix within budget. Cases where it is
    // shorter at all are rare.
    const qwen3_tokenizer& tok = qwen3_tokenizer::builtin();
    std::size_t cases = 0, shorter = 0;
    for (const auto& t : rerank::test::tokenizer_corpus()) {
        if (t.text.size() > 600)
            continue;
        for (const std::size_t k :
             {std::size_t{1}, std::size_t{7}, t.expected / 2, t.expected - 1}) {
            if (k >= t.expected)
                continue;
            const std::size_t cut = tok.prefix_bytes(t.text, k);
            std::size_t best = 0, best_count = 0;
            for (std::size_t at = 0; at <= t.text.size(); ++at) {
                if (at < t.text.size() &&
                    !rerank::utf8::is_lead(static_cast<unsigned char>(t.text[at])))
                    continue;
                const std::size_t n = tok.count(std::string_view(t.text).substr(0, at));
                if (n <= k) {
                    best = at;
                    best_count = n;
                }
            }
            ++cases;
            const std::size_t n = tok.count(std::string_view(t.text).substr(0, cut));
            if (cut < best)
                ++shorter;
            if (n + 2 < best_count)
                BOOST_ERROR("line " << t.line << " k=" << k << ": " << n << " tokens, best "
                                    << best_count);
        }
    }
    BOOST_TEST_MESSAGE("prefix_bytes shorter than brute force in " << shorter << " of " << cases);
    BOOST_TEST(shorter * 20 < cases);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
