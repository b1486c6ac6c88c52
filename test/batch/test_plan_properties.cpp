// plan_batches against an independent model, on random requests and limits: every batch fits
// every limit under exact counts (and Boost.JSON's real body size), the batches cover the
// documents in order, their number is the optimum (dynamic programming), impossible requests
// fail naming the right item, and nothing is counted exactly twice or needlessly.
#include "fake_counter.hpp"

#include "batch/json_size.hpp"

#include <rerank/batch_plan.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace rerank;
using rerank::batching::json_escaped_size;
using rerank::test::fake_counter;

namespace {

using rng_t = std::mt19937_64;

std::size_t uniform(rng_t& rng, std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
}

// About `bytes` bytes: letters and spaces, with quotes, backslashes, control bytes and 2-, 3-
// and 4-byte characters now and then.
std::string random_text(rng_t& rng, std::size_t bytes) {
    static constexpr const char* specials[] = {
        "\"", "\\", "\n", "\x01", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    std::string s;
    s.reserve(bytes + 4);
    while (s.size() < bytes) {
        const std::uint64_t r = rng();
        if (r % 40 == 0)
            s += specials[(r >> 8) % std::size(specials)];
        else
            s.push_back((r >> 8) % 6 == 0 ? ' ' : static_cast<char>('a' + (r >> 16) % 26));
    }
    return s;
}

struct scenario {
    request req;
    limits lim;
    bool with_bound = true;
    bool with_prefix = true;
};

scenario random_scenario(rng_t& rng, std::size_t min_n, std::size_t max_n,
                         std::size_t max_total_bytes) {
    scenario s;
    limits& lim = s.lim;
    switch (uniform(rng, 0, 2)) {
    case 0:
        lim.max_item_tokens = 4000;
        break;
    case 1:
        lim.max_item_tokens = 8000;
        break;
    default:
        lim.max_item_tokens = uniform(rng, 1, 300);
    }
    const std::size_t cap = lim.max_item_tokens;
    switch (uniform(rng, 0, 2)) {
    case 0:
        lim.max_documents = 500;
        break;
    case 1:
        lim.max_documents = 100;
        break;
    default:
        lim.max_documents = uniform(rng, 1, 60);
    }
    switch (uniform(rng, 0, 2)) {
    case 0:
        lim.max_request_tokens = 120000;
        break;
    case 1:
        lim.max_request_tokens = 30000;
        break;
    default:
        lim.max_request_tokens = cap * uniform(rng, 1, 12) + uniform(rng, 0, cap);
    }
    static constexpr double margins[] = {0, 0.02, 0.1, 0.3};
    lim.safety_margin = margins[uniform(rng, 0, 3)];
    if (uniform(rng, 0, 2) == 0)
        lim.max_body_bytes = 1100 + uniform(rng, 0, 100000);
    lim.oversized_items = static_cast<oversized_item_policy>(uniform(rng, 0, 2));
    s.with_bound = uniform(rng, 0, 5) != 0;
    s.with_prefix = uniform(rng, 0, 1) != 0;

    const std::size_t n = uniform(rng, min_n, max_n);
    static constexpr double scales[] = {0.002, 0.1, 1.0, 3.0}; // mean size / the item cap
    std::size_t mean = static_cast<std::size_t>(4.0 * cap * scales[uniform(rng, 0, 3)]) + 1;
    mean = std::min(mean, max_total_bytes / n + 1);
    s.req.documents.reserve(n);
    for (std::size_t i = 0; i != n; ++i)
        s.req.documents.push_back(random_text(rng, uniform(rng, 0, 2 * mean)));
    s.req.query =
        random_text(rng, uniform(rng, 0, 1) ? uniform(rng, 1, 100) : uniform(rng, 1, 6 * cap));
    if (uniform(rng, 0, 1))
        s.req.instruct = random_text(rng, uniform(rng, 0, 400));
    if (uniform(rng, 0, 4) == 0)
        s.req.model = "qwen3-rerank";
    return s;
}

// The largest character-boundary prefix of at most `tokens` fake tokens.
std::size_t prefix_of(const std::string& text, std::size_t tokens) {
    std::size_t n = std::min(text.size(), 4 * tokens);
    while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
        --n;
    return n;
}

// What the plan must achieve, computed without the planner: exact costs, and the expected
// outcome (an error naming an item, or the optimal number of batches).
struct model {
    std::uint64_t budget = 0;
    std::uint64_t q = 0;
    std::uint64_t envelope = 0;
    std::optional<std::size_t> query_sent; // client_truncates only
    std::vector<std::size_t> sent;         // bytes of each document sent
    std::vector<std::uint64_t> tokens;     // min(exact, cap)
    std::vector<std::uint64_t> body;
    std::string error; // expected start or part of the message; empty: success
    std::size_t optimum = 0;
};

model expect(const scenario& s) {
    model m;
    const limits& lim = s.lim;
    const request& req = s.req;
    const std::uint64_t cap = lim.max_item_tokens;
    const bool refuse = lim.oversized_items == oversized_item_policy::refuse;
    const bool cut = lim.oversized_items == oversized_item_policy::client_truncates;
    m.budget = lim.request_token_budget();
    if (m.budget == 0) {
        m.error = "limits leave no tokens";
        return m;
    }
    const std::uint64_t tq = fake_counter::tokens(req.query);
    if (refuse && tq > cap) {
        m.error = "the query has";
        return m;
    }
    if (cut && tq > cap)
        m.query_sent = prefix_of(req.query, cap);
    m.q = std::min(tq, cap) + (req.instruct ? fake_counter::tokens(*req.instruct) : 0);
    m.envelope = batching::json_envelope_reserve +
                 json_escaped_size(std::string_view(req.query).substr(
                     0, m.query_sent.value_or(req.query.size()))) +
                 (req.instruct ? json_escaped_size(*req.instruct) : 0) +
                 (req.model ? json_escaped_size(*req.model) : 0);
    if (m.envelope >= lim.max_body_bytes) {
        m.error = "the query and instruct alone";
        return m;
    }
    const std::uint64_t body_budget = lim.max_body_bytes - m.envelope;
    const std::size_t n = req.documents.size();
    for (std::size_t j = 0; j != n; ++j) {
        const std::string& d = req.documents[j];
        const std::uint64_t t = fake_counter::tokens(d);
        const std::string doc = "document " + std::to_string(j) + " ";
        if (refuse && t > cap) {
            m.error = doc + "has";
            return m;
        }
        m.sent.push_back(cut && t > cap ? prefix_of(d, cap) : d.size());
        m.tokens.push_back(std::min(t, cap));
        m.body.push_back(json_escaped_size(std::string_view(d).substr(0, m.sent.back())) +
                         batching::json_document_overhead);
        if (m.body.back() > body_budget) {
            m.error = doc + "takes";
            return m;
        }
        if (m.q + m.tokens.back() > m.budget) {
            m.error = m.q >= m.budget ? "leaving nothing for " + doc : doc + "needs";
            return m;
        }
    }
    // dp[i]: fewest batches for the first i documents; a batch [j, i) must fit every limit.
    std::vector<std::size_t> dp(n + 1, SIZE_MAX);
    dp[0] = 0;
    for (std::size_t i = 1; i <= n; ++i) {
        std::uint64_t tokens = 0;
        std::uint64_t bytes = 0;
        for (std::size_t j = i; j-- > 0;) {
            const std::size_t count = i - j;
            tokens += m.tokens[j];
            bytes += m.body[j];
            if (count > lim.max_documents || count * m.q + tokens > m.budget || bytes > body_budget)
                break; // a longer range only costs more
            dp[i] = std::min(dp[i], dp[j] + 1);
        }
    }
    m.optimum = dp[n];
    return m;
}

// The real body of a sub-request, in the larger (native) shape, as Boost.JSON writes it.
std::size_t serialized_body(const scenario& s, const batch_plan& plan, batch b) {
    boost::json::array documents;
    for (std::size_t i = b.first; i != b.first + b.count; ++i)
        documents.emplace_back(boost::json::string_view(plan.document_text(s.req, i)));
    boost::json::object parameters{{"top_n", b.count}, {"return_documents", true}};
    if (s.req.instruct)
        parameters["instruct"] = *s.req.instruct;
    const boost::json::object body{{"model", s.req.model.value_or("qwen3-rerank")},
                                   {"input",
                                    {{"query", boost::json::string_view(plan.query_text(s.req))},
                                     {"documents", std::move(documents)}}},
                                   {"parameters", std::move(parameters)}};
    return boost::json::serialize(body).size();
}

// Whether plan_batches could decide with upper bounds alone (so must count nothing exactly).
bool bounds_settle(const scenario& s, const model& m) {
    const limits& lim = s.lim;
    const request& req = s.req;
    if (!s.with_bound || req.documents.size() > lim.max_documents)
        return false;
    const bool server = lim.oversized_items == oversized_item_policy::server_truncates;
    const std::uint64_t cap = lim.max_item_tokens;
    if (!server && req.query.size() > cap)
        return false;
    const std::uint64_t qb =
        std::min<std::uint64_t>(req.query.size(), cap) + (req.instruct ? req.instruct->size() : 0);
    std::uint64_t tokens = qb * req.documents.size();
    std::uint64_t bytes = m.envelope;
    for (const std::string& d : req.documents) {
        if (!server && d.size() > cap)
            return false;
        tokens += std::min<std::uint64_t>(d.size(), cap);
        bytes += batching::json_escaped_size_cheap(d) + batching::json_document_overhead;
    }
    return tokens <= m.budget && bytes <= lim.max_body_bytes;
}

void check(const scenario& s) {
    const model m = expect(s);
    fake_counter fc;
    batch_plan plan;
    diagnostics diag;
    const error_code ec =
        plan_batches(s.req, s.lim, fc.counter(s.with_bound, s.with_prefix), plan, diag);
    BOOST_TEST(fc.repeated_exact == 0u);

    if (!m.error.empty()) {
        BOOST_TEST((ec == errc::invalid_request));
        BOOST_TEST(diag.client_message.find(m.error) != std::string::npos,
                   diag.client_message << " should say " << m.error);
        BOOST_TEST(plan.batches.empty());
        return;
    }
    BOOST_TEST_REQUIRE(!ec, diag.client_message);

    // Truncation: exactly the items over the cap, under client_truncates only.
    BOOST_TEST((plan.query_bytes == m.query_sent));
    const std::size_t n = s.req.documents.size();
    for (std::size_t i = 0; i != n; ++i) {
        BOOST_TEST(plan.document_text(s.req, i).size() == m.sent[i]);
        if (s.lim.oversized_items == oversized_item_policy::client_truncates)
            BOOST_TEST(fake_counter::tokens(plan.document_text(s.req, i)) <= s.lim.max_item_tokens);
    }
    if (s.lim.oversized_items != oversized_item_policy::client_truncates) {
        BOOST_TEST(plan.document_bytes.empty());
        BOOST_TEST(!plan.query_bytes.has_value());
    }

    // Coverage in order, every limit under exact counts, the real body size, the optimum.
    std::size_t next = 0;
    BOOST_TEST_REQUIRE(plan.batch_tokens.size() == plan.batches.size());
    for (std::size_t k = 0; k != plan.batches.size(); ++k) {
        const batch& b = plan.batches[k];
        BOOST_TEST_REQUIRE(b.first == next);
        BOOST_TEST_REQUIRE(b.count >= 1u);
        BOOST_TEST_REQUIRE(b.first + b.count <= n);
        next += b.count;
        std::uint64_t tokens = b.count * m.q;
        std::uint64_t bytes = m.envelope;
        for (std::size_t i = b.first; i != b.first + b.count; ++i) {
            tokens += m.tokens[i];
            bytes += m.body[i];
        }
        BOOST_TEST(b.count <= s.lim.max_documents);
        BOOST_TEST(tokens <= m.budget);
        // What the pacer charges: the planner's count, never below the exact one.
        BOOST_TEST(plan.batch_tokens[k] >= tokens);
        BOOST_TEST(plan.batch_tokens[k] <= m.budget);
        BOOST_TEST(bytes <= s.lim.max_body_bytes);
        BOOST_TEST(serialized_body(s, plan, b) <= s.lim.max_body_bytes);
    }
    BOOST_TEST(next == n);
    BOOST_TEST(plan.batches.size() == m.optimum);

    BOOST_TEST(plan.query_tokens >= m.q);
    if (plan.query_tokens_exact)
        BOOST_TEST(plan.query_tokens == m.q);
    if (bounds_settle(s, m)) {
        BOOST_TEST(fc.exact_calls == 0u);
        BOOST_TEST(plan.single_request());
    }
}

void run(std::uint64_t seed, int cases, std::size_t min_n, std::size_t max_n,
         std::size_t max_total_bytes) {
    rng_t rng(seed);
    for (int c = 0; c != cases; ++c) {
        BOOST_TEST_CONTEXT("seed " << seed << ", case " << c) {
            check(random_scenario(rng, min_n, max_n, max_total_bytes));
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(batch_plan_properties)

BOOST_AUTO_TEST_CASE(small_requests) {
    run(1, 1500, 1, 40, 1 << 20);
}

BOOST_AUTO_TEST_CASE(medium_requests) {
    run(2, 150, 1, 2000, 2 << 20);
}

BOOST_AUTO_TEST_CASE(large_requests) {
    run(3, 6, 10000, 20000, 12 << 20);
}

BOOST_AUTO_TEST_SUITE_END()
