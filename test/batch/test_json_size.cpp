// The planner's measure of JSON bodies against what Boost.JSON really writes.
#include "batch/json_size.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

using rerank::batching::json_escaped_size;

namespace {

std::size_t serialized_size(const std::string& s) {
    return boost::json::serialize(boost::json::value(boost::json::string_view(s))).size() - 2;
}

} // namespace

BOOST_AUTO_TEST_SUITE(batch_json_size)

BOOST_AUTO_TEST_CASE(exact_without_control_bytes) {
    for (const std::string& s : {std::string(), std::string("plain text"), std::string("q\"uo\\te"),
                                 std::string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")}) {
        BOOST_TEST(json_escaped_size(s) == serialized_size(s));
        BOOST_TEST(rerank::batching::json_escaped_size_cheap(s) >= json_escaped_size(s));
    }
}

BOOST_AUTO_TEST_CASE(control_bytes_count_six) {
    const std::string s = "a\nb\x01\t";
    BOOST_TEST(json_escaped_size(s) == 2u + 3u * 6u);
    BOOST_TEST(json_escaped_size(s) >= serialized_size(s));
}

BOOST_AUTO_TEST_CASE(never_below_boost_json_on_random_bytes) {
    std::mt19937 rng(7);
    for (int round = 0; round != 200; ++round) {
        std::string s(rng() % 10000, '\0'); // longer than one 4 KiB block
        for (char& c : s)
            c = static_cast<char>(rng() % 128); // ASCII: Boost.JSON takes it as valid UTF-8
        const std::size_t bound = json_escaped_size(s);
        BOOST_TEST(bound >= serialized_size(s));
        BOOST_TEST(bound <= rerank::batching::json_escaped_size_cheap(s));
    }
}

BOOST_AUTO_TEST_SUITE_END()
