// limits: the documented values per model and the token budget arithmetic.
#include <rerank/limits.hpp>

#include <boost/test/unit_test.hpp>

using rerank::limits;

BOOST_AUTO_TEST_SUITE(batch_limits)

BOOST_AUTO_TEST_CASE(defaults_are_qwen3_rerank) {
    const limits lim;
    BOOST_TEST(lim.max_documents == 500u);
    BOOST_TEST(lim.max_request_tokens == 120000u);
    BOOST_TEST(lim.max_item_tokens == 4000u);
    BOOST_TEST(lim.max_body_bytes == 16u * 1024u * 1024u);
    BOOST_TEST(lim.safety_margin == 0.02);
    BOOST_TEST((lim.oversized_items == rerank::oversized_item_policy::server_truncates));
}

BOOST_AUTO_TEST_CASE(for_model) {
    BOOST_TEST(limits::for_model("qwen3-rerank").max_request_tokens == 120000u);
    BOOST_TEST(limits::for_model("gte-rerank-v2").max_request_tokens == 30000u);
    BOOST_TEST(limits::for_model("gte-rerank-v2").max_documents == 500u);
    BOOST_TEST(limits::for_model("gte-rerank").max_request_tokens == 30000u);
    const limits vl = limits::for_model("qwen3-vl-rerank");
    BOOST_TEST(vl.max_documents == 100u);
    BOOST_TEST(vl.max_item_tokens == 8000u);
    BOOST_TEST(vl.max_request_tokens == 120000u);
    const limits unknown = limits::for_model("some-future-rerank");
    BOOST_TEST(unknown.max_request_tokens == 120000u);
    BOOST_TEST(unknown.max_documents == 500u);
    BOOST_TEST(unknown.max_item_tokens == 4000u);
}

BOOST_AUTO_TEST_CASE(budget_is_floor_of_max_times_one_minus_margin) {
    limits lim;
    BOOST_TEST(lim.request_token_budget() == 117600u);
    lim.max_request_tokens = 30000;
    BOOST_TEST(lim.request_token_budget() == 29400u);
    lim.safety_margin = 0;
    BOOST_TEST(lim.request_token_budget() == 30000u);
    lim.safety_margin = 0.1;
    BOOST_TEST(lim.request_token_budget() == 27000u);
    lim.max_request_tokens = 120000;
    BOOST_TEST(lim.request_token_budget() == 108000u);
    lim.max_request_tokens = 1001;
    lim.safety_margin = 0.02; // 20.02 reserved → 21 → 980 = floor(980.98)
    BOOST_TEST(lim.request_token_budget() == 980u);
    lim.max_request_tokens = 7;
    lim.safety_margin = 0.3; // floor(4.9)
    BOOST_TEST(lim.request_token_budget() == 4u);
    lim.safety_margin = 0.999;
    BOOST_TEST(lim.request_token_budget() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
