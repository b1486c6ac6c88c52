// Limits read from servers' too-large refusals, and the per-model table of what was learned.
#include "batch/stated_limits.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

using rerank::batching::learned_limits_table;
using rerank::batching::parse_stated_limits;
using rerank::batching::stated_limits;

BOOST_AUTO_TEST_SUITE(stated_limits_from_refusals)

BOOST_AUTO_TEST_CASE(dashscope_wordings) {
    auto s = parse_stated_limits("Range of input length should be [1, 30000], but this request "
                                 "has 51234 tokens");
    BOOST_TEST(s.max_request_tokens.value_or(0) == 30000u);
    BOOST_TEST(!s.max_documents);
    s = parse_stated_limits("<400> InternalError.Algo.InvalidParameter: Range of input length "
                            "should be [1, 8192]");
    BOOST_TEST(s.max_request_tokens.value_or(0) == 8192u);
    s = parse_stated_limits("batch size of documents is invalid, it should not be empty or larger "
                            "than 500.");
    BOOST_TEST(s.max_documents.value_or(0) == 500u);
    BOOST_TEST(!s.max_request_tokens);
    s = parse_stated_limits("batch size of documents is invalid, it should not be larger than 100");
    BOOST_TEST(s.max_documents.value_or(0) == 100u);
}

BOOST_AUTO_TEST_CASE(other_servers_wordings) {
    auto s = parse_stated_limits("batch size 64 > maximum allowed batch size 32");
    BOOST_TEST(s.max_documents.value_or(0) == 32u);
    s = parse_stated_limits("too many documents: at most 1,000 documents are allowed");
    BOOST_TEST(s.max_documents.value_or(0) == 1000u);
    s = parse_stated_limits("The number of passages must not exceed 512 passages");
    BOOST_TEST(s.max_documents.value_or(0) == 512u);
    s = parse_stated_limits("documents: ensure this list has no more than 100 items");
    BOOST_TEST(s.max_documents.value_or(0) == 100u);
    s = parse_stated_limits("The request body is not valid JSON. In particular, The number of "
                            "documents 4 exceeds the maximum of 2.");
    BOOST_TEST(s.max_documents.value_or(0) == 2u);
    s = parse_stated_limits("invalid request: too many documents: got 4, the maximum is 3.");
    BOOST_TEST(s.max_documents.value_or(0) == 3u);
    s = parse_stated_limits("Too many documents: 4 > maximum allowed 2.");
    BOOST_TEST(s.max_documents.value_or(0) == 2u);
    s = parse_stated_limits("Number of passages 600 exceeds the maximum of 512.");
    BOOST_TEST(s.max_documents.value_or(0) == 512u);
    s = parse_stated_limits("invalid request: the request has 9,000 tokens, more than the maximum "
                            "of 8,000.");
    BOOST_TEST(s.max_request_tokens.value_or(0) == 8000u);
    BOOST_TEST(!s.max_documents);
}

BOOST_AUTO_TEST_CASE(messages_that_state_no_request_limit) {
    for (const char* m :
         {"", "input too large",
          "This model's maximum context length is 8192 tokens. However, "
          "you requested 9000 tokens",
          "Range of input length should be [1, 0]", "at most 5 seconds", "at most 1000",
          // Per (query, document) pair: splitting cannot help, and it is no request cap.
          "Input length 900 exceeds maximum allowed token size 512",
          "Input validation error: `inputs` must have less than 512 tokens. Given: 900",
          "passage 3 has 900 tokens, more than the maximum of 512",
          "batch size of documents is invalid, it should not be larger than",
          "Range of input length should be [1, 99999999999999999999999]",
          "batch size of documents is invalid, it should not be larger than ,5"}) {
        BOOST_TEST(!parse_stated_limits(m).any(), m);
    }
}

BOOST_AUTO_TEST_CASE(the_lowest_statement_wins_per_model) {
    learned_limits_table table;
    BOOST_TEST(!table.learn("m", stated_limits{}));
    BOOST_TEST(table.learn("m", stated_limits{std::nullopt, 30000}));
    BOOST_TEST(!table.learn("m", stated_limits{std::nullopt, 40000}));
    BOOST_TEST(table.learn("m", stated_limits{200, 40000}));
    BOOST_TEST(table.find("m").max_request_tokens.value_or(0) == 30000u);
    BOOST_TEST(table.find("m").max_documents.value_or(0) == 200u);
    BOOST_TEST(!table.find("other").any());

    rerank::limits base;
    auto [lowered, applied] = table.apply("m", base);
    BOOST_TEST(applied);
    BOOST_TEST(lowered.max_request_tokens == 30000u);
    BOOST_TEST(lowered.max_documents == 200u);
    BOOST_TEST(lowered.max_item_tokens == base.max_item_tokens);
    // Learned limits only ever lower what the client plans with.
    rerank::limits small;
    small.max_documents = 10;
    small.max_request_tokens = 1000;
    auto [kept, applied_small] = table.apply("m", small);
    BOOST_TEST(!applied_small);
    BOOST_TEST(kept.max_documents == 10u);
    BOOST_TEST(!table.apply("other", base).second);
    BOOST_TEST(rerank::batching::describe(table.find("m")) ==
               "30,000 tokens per request and 200 documents per request");
}

BOOST_AUTO_TEST_CASE(learning_and_reading_from_two_threads) {
    learned_limits_table table;
    std::thread writer([&] {
        for (std::size_t i = 100000; i > 1000; --i)
            table.learn("m", stated_limits{std::nullopt, i});
    });
    std::size_t last = 200000;
    for (int i = 0; i < 100000; ++i) {
        const std::size_t now = table.apply("m", rerank::limits{}).first.max_request_tokens;
        BOOST_TEST_REQUIRE(now <= last); // never rises
        last = now;
    }
    writer.join();
    BOOST_TEST(table.find("m").max_request_tokens.value_or(0) == 1001u);
}

BOOST_AUTO_TEST_SUITE_END()
