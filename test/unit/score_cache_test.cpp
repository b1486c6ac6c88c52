// The score cache's logic on explicit times: LRU order, the entry and byte bounds, TTL, keys,
// one call's lookup and merge, and the shared state under two threads.
#include "cache/call_lookup.hpp"
#include "cache/score_cache_state.hpp"
#include "cache/score_key.hpp"
#include "cache/score_store.hpp"

#include <rerank/score_cache.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <list>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace rerank;
using namespace rerank::cache;
using namespace std::chrono_literals;

namespace {

using time_point = score_store::time_point;
const time_point t0 = time_point{} + 1000h;

score_key key(std::uint64_t n) {
    return score_key{n, ~n};
}

cache_options bounded(std::size_t entries, std::size_t bytes = std::size_t(1) << 30,
                      std::chrono::seconds ttl = 60s) {
    cache_options o;
    o.max_entries = entries;
    o.max_bytes = bytes;
    o.ttl = ttl;
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(score_cache_logic)

BOOST_AUTO_TEST_CASE(a_stored_score_is_found_and_an_unknown_key_misses) {
    score_store store(bounded(10));
    store.insert(key(1), 0.75, t0);
    BOOST_TEST(store.find(key(1), t0 + 1s).value_or(-1) == 0.75);
    BOOST_TEST(!store.find(key(2), t0 + 1s));
    const cache_stats s = store.stats();
    BOOST_TEST(s.hits == 1u);
    BOOST_TEST(s.misses == 1u);
    BOOST_TEST(s.insertions == 1u);
    BOOST_TEST(s.entries == 1u);
    BOOST_TEST(s.bytes == score_store::entry_bytes);
}

BOOST_AUTO_TEST_CASE(the_entry_cap_evicts_the_least_recently_used) {
    score_store store(bounded(3));
    store.insert(key(1), 0.1, t0);
    store.insert(key(2), 0.2, t0);
    store.insert(key(3), 0.3, t0);
    BOOST_TEST(store.find(key(1), t0).has_value()); // 1 is now the most recent; 2 the least
    store.insert(key(4), 0.4, t0);
    BOOST_TEST(!store.find(key(2), t0));
    BOOST_TEST(store.find(key(1), t0).has_value());
    BOOST_TEST(store.find(key(3), t0).has_value());
    BOOST_TEST(store.find(key(4), t0).has_value());
    BOOST_TEST(store.stats().evictions == 1u);
    BOOST_TEST(store.stats().entries == 3u);
    // Then 1 and 3 were used before 4: the next insert evicts 1.
    store.insert(key(5), 0.5, t0);
    BOOST_TEST(!store.find(key(1), t0));
}

BOOST_AUTO_TEST_CASE(the_byte_budget_bounds_the_entries) {
    const std::size_t e = score_store::entry_bytes;
    score_store store(bounded(1000, 2 * e + e / 2));
    for (std::uint64_t i = 1; i <= 5; ++i)
        store.insert(key(i), double(i), t0);
    const cache_stats s = store.stats();
    BOOST_TEST(s.entries == 2u);
    BOOST_TEST(s.bytes == 2 * e);
    BOOST_TEST(s.evictions == 3u);
    BOOST_TEST(store.find(key(4), t0).has_value());
    BOOST_TEST(store.find(key(5), t0).has_value());
    BOOST_TEST(e >= 40u + 16u); // a slot and two table cells at the least
}

BOOST_AUTO_TEST_CASE(a_score_expires_at_its_ttl_on_the_callers_clock) {
    score_store store(bounded(10, std::size_t(1) << 20, 30s));
    store.insert(key(1), 0.5, t0);
    BOOST_TEST(store.find(key(1), t0 + 30s - 1ns).has_value());
    BOOST_TEST(!store.find(key(1), t0 + 30s));
    const cache_stats s = store.stats();
    BOOST_TEST(s.expirations == 1u);
    BOOST_TEST(s.entries == 0u);
    BOOST_TEST(s.misses == 1u);
}

BOOST_AUTO_TEST_CASE(storing_a_score_again_replaces_it_and_restarts_its_ttl) {
    score_store store(bounded(10, std::size_t(1) << 20, 30s));
    store.insert(key(1), 0.5, t0);
    store.insert(key(1), 0.25, t0 + 20s);
    BOOST_TEST(store.stats().entries == 1u);
    BOOST_TEST(store.find(key(1), t0 + 40s).value_or(-1) == 0.25);
    BOOST_TEST(!store.find(key(1), t0 + 50s));
}

BOOST_AUTO_TEST_CASE(expired_entries_at_the_cold_end_go_before_any_live_one) {
    score_store store(bounded(2, std::size_t(1) << 20, 30s));
    store.insert(key(1), 0.1, t0);
    store.insert(key(2), 0.2, t0 + 20s);
    store.insert(key(3), 0.3, t0 + 35s); // 1 has expired: dropped, not counted as an eviction
    BOOST_TEST(store.stats().expirations == 1u);
    BOOST_TEST(store.stats().evictions == 0u);
    BOOST_TEST(store.find(key(2), t0 + 35s).has_value());
    BOOST_TEST(store.find(key(3), t0 + 35s).has_value());
}

// The flat store against a plain list LRU, on keys made to collide in the hash table (same low
// bits, so long probe runs whose deletions must shift back correctly) and a moving clock.
BOOST_AUTO_TEST_CASE(the_store_behaves_like_a_list_lru_under_random_operations) {
    struct reference {
        struct entry {
            score_key key;
            double score;
            time_point expires;
        };
        std::list<entry> order; // front: most recent
        cache_options opts;
        std::optional<double> find(const score_key& k, time_point now) {
            for (auto it = order.begin(); it != order.end(); ++it) {
                if (!(it->key == k))
                    continue;
                if (it->expires <= now) {
                    order.erase(it);
                    return std::nullopt;
                }
                order.splice(order.begin(), order, it);
                return order.front().score;
            }
            return std::nullopt;
        }
        void insert(const score_key& k, double score, time_point now) {
            for (auto it = order.begin(); it != order.end(); ++it)
                if (it->key == k) {
                    it->score = score;
                    it->expires = now + opts.ttl;
                    order.splice(order.begin(), order, it);
                    return;
                }
            while (!order.empty() && order.back().expires <= now)
                order.pop_back();
            while (!order.empty() && order.size() >= opts.max_entries)
                order.pop_back();
            order.push_front({k, score, now + opts.ttl});
        }
    };
    for (const std::size_t cap : {1u, 7u, 300u, 2000u}) {
        const cache_options opts = bounded(cap, std::size_t(1) << 30, 50s);
        score_store store(opts);
        reference model{{}, opts};
        std::mt19937 rng(42 + unsigned(cap));
        time_point now = t0;
        for (int step = 0; step < 20000; ++step) {
            const std::uint64_t r = rng() % (cap > 1000 ? 5000 : 600);
            // Eight home cells only (in any table size up to 2^32): long probe runs.
            const score_key k{(r % 8) << 32 | (r % 8), r};
            now += std::chrono::milliseconds(rng() % 400);
            if (rng() % 2) {
                const auto got = store.find(k, now);
                const auto want = model.find(k, now);
                BOOST_TEST_REQUIRE(got.has_value() == want.has_value(), "step " << step);
                if (got)
                    BOOST_TEST_REQUIRE(*got == *want);
            } else {
                const double score = double(rng() % 1000) / 1000;
                store.insert(k, score, now);
                model.insert(k, score, now);
            }
            BOOST_TEST_REQUIRE(store.stats().entries == model.order.size(), "step " << step);
        }
    }
}

BOOST_AUTO_TEST_CASE(clear_drops_every_entry) {
    score_store store(bounded(10));
    store.insert(key(1), 0.1, t0);
    store.clear();
    BOOST_TEST(store.stats().entries == 0u);
    BOOST_TEST(!store.find(key(1), t0));
}

BOOST_AUTO_TEST_CASE(keys_separate_every_field) {
    const key_maker maker;
    key_fields a;
    a.base_url = "http://127.0.0.1:1/v1";
    a.model = "qwen3-rerank";
    a.query = "ab";
    const score_key base = maker.document_key(maker.call_prefix(a), "c");
    BOOST_TEST((maker.document_key(maker.call_prefix(a), "c") == base));

    auto differs = [&](key_fields f, std::string_view doc) {
        return !(maker.document_key(maker.call_prefix(f), doc) == base);
    };
    key_fields moved = a; // "ab" + "c" against "a" + "bc": the length prefixes tell them apart
    moved.query = "a";
    BOOST_TEST(differs(moved, "bc"));
    key_fields f = a;
    f.dialect = rerank::dialect::dashscope_native;
    BOOST_TEST(differs(f, "c"));
    f = a;
    f.base_url = "http://127.0.0.1:2/v1";
    BOOST_TEST(differs(f, "c"));
    f = a;
    f.model = "gte-rerank-v2";
    BOOST_TEST(differs(f, "c"));
    f = a;
    f.instruct = std::string_view(); // an empty instruct is not the server's default one
    BOOST_TEST(differs(f, "c"));
    f = a;
    f.client_cut_tokens = 4000;
    BOOST_TEST(differs(f, "c"));
    f = a;
    f.model = "qwen3-rerankab";
    f.query = "";
    BOOST_TEST(differs(f, "c"));
    BOOST_TEST(differs(a, "c "));
    // Another cache has another secret.
    const key_maker other;
    BOOST_TEST(!(other.document_key(other.call_prefix(a), "c") == base));
}

BOOST_AUTO_TEST_CASE(a_cache_refuses_unusable_options) {
    BOOST_CHECK_THROW(score_cache(bounded(0)), std::invalid_argument);
    BOOST_CHECK_THROW(score_cache(bounded(10, score_cache::entry_bytes - 1)),
                      std::invalid_argument);
    BOOST_CHECK_THROW(score_cache(bounded(10, 1 << 20, 0s)), std::invalid_argument);
    BOOST_CHECK_NO_THROW(score_cache(bounded(1, score_cache::entry_bytes, 1s)));
    BOOST_TEST(score_cache::entry_bytes == score_store::entry_bytes);
}

BOOST_AUTO_TEST_CASE(a_call_sends_its_misses_without_top_n_and_ranks_all_its_scores) {
    detail::score_cache_state state(bounded(100));
    key_fields fields;
    fields.model = "m";
    fields.query = "q";
    request req;
    req.query = "q";
    req.documents = {"d0", "d1", "d2", "d3", "d4"};
    req.top_n = 3;
    req.instruct = "task";

    call_lookup first;
    first.run(state, fields, req, t0);
    BOOST_TEST(first.hits() == 0u);
    BOOST_TEST(first.misses().size() == 5u);
    // The first answer knew d1 and d3 only (say, an earlier call's subset).
    const std::vector<result> partial = {{1, 0.9, {}}, {3, 0.2, {}}};
    first.store(state, partial, t0);

    call_lookup second;
    second.run(state, fields, req, t0 + 1s);
    BOOST_TEST(second.hits() == 2u);
    BOOST_TEST((std::vector<std::size_t>(second.misses().begin(), second.misses().end()) ==
                std::vector<std::size_t>{0, 2, 4}));
    const request sent = call_lookup::misses_request(req, second.misses());
    BOOST_TEST(!sent.top_n.has_value());
    BOOST_TEST((sent.documents == std::vector<std::string>{"d0", "d2", "d4"}));
    BOOST_TEST(sent.query == "q");
    BOOST_TEST(sent.instruct.value_or("") == "task");

    // Fresh scores by position in the misses: d0 0.5, d2 0.9 (ties d1: lower index first),
    // d4 0.95.
    const std::vector<result> fresh = {{2, 0.95, {}}, {1, 0.9, {}}, {0, 0.5, {}}};
    std::vector<result> ranked;
    second.rank(req, fresh, ranked);
    BOOST_TEST_REQUIRE(ranked.size() == 3u);
    BOOST_TEST(ranked[0].index == 4u);
    BOOST_TEST(ranked[1].index == 1u);
    BOOST_TEST(ranked[1].relevance_score == 0.9);
    BOOST_TEST(ranked[2].index == 2u);
    BOOST_TEST(ranked[2].document.data() == req.documents[2].data()); // the caller's text
    second.store(state, fresh, t0 + 1s);

    call_lookup third;
    third.run(state, fields, req, t0 + 2s);
    BOOST_TEST(third.misses().empty());
    third.rank(req, {}, ranked);
    BOOST_TEST(ranked.size() == 3u);
    BOOST_TEST(ranked[0].index == 4u);
}

BOOST_AUTO_TEST_CASE(duplicate_documents_are_each_looked_up_and_sent) {
    detail::score_cache_state state(bounded(100));
    key_fields fields;
    fields.query = "q";
    request req;
    req.query = "q";
    req.documents = {"same", "other", "same"};
    call_lookup lookup;
    lookup.run(state, fields, req, t0);
    BOOST_TEST(lookup.misses().size() == 3u);
    const std::vector<result> fresh = {{0, 0.5, {}}, {2, 0.5, {}}, {1, 0.1, {}}};
    lookup.store(state, fresh, t0);
    BOOST_TEST(state.stats().entries == 2u);
    call_lookup again;
    again.run(state, fields, req, t0);
    BOOST_TEST(again.hits() == 3u);
    std::vector<result> ranked;
    again.rank(req, {}, ranked);
    BOOST_TEST_REQUIRE(ranked.size() == 3u);
    BOOST_TEST(ranked[0].index == 0u);
    BOOST_TEST(ranked[1].index == 2u);
    BOOST_TEST(ranked[2].index == 1u);
}

BOOST_AUTO_TEST_CASE(two_threads_share_one_cache) {
    detail::score_cache_state state(bounded(500));
    constexpr int rounds = 2000;
    auto work = [&](std::uint64_t base) {
        std::vector<score_key> keys(8);
        std::vector<double> scores(8);
        std::vector<std::size_t> misses;
        for (int r = 0; r < rounds; ++r) {
            std::vector<std::pair<score_key, double>> scored;
            for (std::uint64_t i = 0; i != keys.size(); ++i) {
                keys[i] = key(base + (r * 8 + i) % 1000);
                scored.emplace_back(keys[i], double(i));
            }
            misses.clear();
            misses.reserve(keys.size());
            state.find_all(keys, scores, misses, t0);
            state.insert_all(scored, t0);
        }
    };
    std::thread other(work, 0);
    work(500);
    other.join();
    const cache_stats s = state.stats();
    BOOST_TEST(s.hits + s.misses == 2u * rounds * 8);
    BOOST_TEST(s.insertions == 2u * rounds * 8);
    BOOST_TEST(s.entries == 500u);
    BOOST_TEST(s.entries + s.evictions + s.expirations <= s.insertions);
}

BOOST_AUTO_TEST_SUITE_END()
