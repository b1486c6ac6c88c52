// A token counter for planner tests: 4 bytes a token, with call accounting.
#pragma once

#include <rerank/batch_plan.hpp>

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace rerank::test {

/// exact = ceil(bytes / 4); upper_bound = bytes (never below exact);
/// prefix_bytes = the longest UTF-8-boundary prefix of at most 4 × max_tokens bytes.
/// Counts calls and remembers every text counted exactly, to catch double counting.
/// The `token_counter` it makes refers to it: keep it alive and in place.
class fake_counter {
public:
    static std::size_t tokens(std::string_view text) { return (text.size() + 3) / 4; }

    std::size_t exact_calls = 0;
    std::size_t bound_calls = 0;
    std::size_t prefix_calls = 0;
    /// Exact counts of a text (same address, same length) already counted exactly.
    std::size_t repeated_exact = 0;

    fake_counter() = default;
    fake_counter(const fake_counter&) = delete;
    fake_counter& operator=(const fake_counter&) = delete;

    token_counter counter(bool with_bound = true, bool with_prefix = true) {
        token_counter c;
        c.exact = [this](std::string_view text) {
            ++exact_calls;
            if (!counted_.insert({text.data(), text.size()}).second)
                ++repeated_exact;
            return tokens(text);
        };
        if (with_bound)
            c.upper_bound = [this](std::string_view text) {
                ++bound_calls;
                return text.size();
            };
        if (with_prefix)
            c.prefix_bytes = [this](std::string_view text, std::size_t max_tokens) {
                ++prefix_calls;
                std::size_t n = std::min(text.size(), 4 * max_tokens);
                while (n > 0 && n < text.size() &&
                       (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
                    --n;
                return n;
            };
        return c;
    }

    /// A text of exactly `n` tokens (4n ASCII bytes), bounded above by 4n.
    static std::string text_of_tokens(std::size_t n, char fill = 'a') {
        return std::string(4 * n, fill);
    }

private:
    std::set<std::pair<const char*, std::size_t>> counted_;
};

/// What plan_batches made of a request.
struct planned {
    batch_plan plan;
    error_code ec;
    diagnostics diag;
};

/// plan_batches with `fc`'s counter (without its upper bound or prefix function when asked);
/// checks that no text was counted exactly twice and that a refused request has no batches.
inline planned plan(const request& req, const limits& lim, fake_counter& fc, bool with_bound = true,
                    bool with_prefix = true) {
    planned p;
    p.ec = plan_batches(req, lim, fc.counter(with_bound, with_prefix), p.plan, p.diag);
    BOOST_TEST(fc.repeated_exact == 0u);
    if (p.ec)
        BOOST_TEST(p.plan.batches.empty());
    return p;
}

} // namespace rerank::test
