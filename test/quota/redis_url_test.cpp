// Redis URLs: what is accepted, and that a refusal never shows the password.
#include "quota/redis_quota_store.hpp"
#include "quota/redis_url.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace rerank::detail;

namespace {

redis_endpoint parsed_redis_url(std::string_view url) {
    redis_endpoint ep;
    rerank::diagnostics diag;
    BOOST_TEST_REQUIRE(!parse_redis_url(url, ep, diag), diag.client_message);
    return ep;
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_url)

BOOST_AUTO_TEST_CASE(host_port_password_and_database_are_read) {
    const auto ep = parsed_redis_url("redis://:s3cret%2Fpass@127.0.0.1:6380/3");
    BOOST_TEST(ep.host == "127.0.0.1");
    BOOST_TEST(ep.port == "6380");
    BOOST_TEST(ep.password == "s3cret/pass");
    BOOST_TEST(ep.db == "3");
    BOOST_TEST(ep.where() == "127.0.0.1:6380");
}

BOOST_AUTO_TEST_CASE(port_defaults_to_6379_and_database_to_none) {
    const auto by_name = parsed_redis_url("redis://cache.internal");
    BOOST_TEST(by_name.host == "cache.internal");
    BOOST_TEST(by_name.port == "6379");
    BOOST_TEST(by_name.password.empty());
    BOOST_TEST(by_name.db.empty());
    const auto ipv6 = parsed_redis_url("redis://[::1]:7000/");
    BOOST_TEST(ipv6.host == "::1");
    BOOST_TEST(ipv6.db.empty());
    BOOST_TEST(ipv6.where() == "[::1]:7000");
}

BOOST_AUTO_TEST_CASE(bad_urls_are_invalid_requests_that_never_show_the_password) {
    const char* bad[] = {
        "",
        "127.0.0.1:6379",
        "http://:hunter2@127.0.0.1:6379",
        "rediss://:hunter2@127.0.0.1:6379",
        "redis://admin:hunter2@127.0.0.1:6379",
        "redis://:hunter2@127.0.0.1:6379/db",
        "redis://:hunter2@127.0.0.1:6379/1/2",
        "redis://:hunter2@127.0.0.1:6379/-1",
        "redis://:hunter2@127.0.0.1:99999",
        "redis://:hunter2@127.0.0.1:0",
        "redis://:hunter2@127.0.0.1:63=79",
        "redis://:hunter2@127.0.0.1:6379?db=1",
        "redis://:hunter2@127.0.0.1:6379#x",
        "redis://:hunter2@:6379",
    };
    for (const char* url : bad) {
        BOOST_TEST_CONTEXT("url " << url) {
            redis_endpoint ep;
            rerank::diagnostics diag;
            BOOST_TEST(parse_redis_url(url, ep, diag) == rerank::errc::invalid_request);
            BOOST_TEST(diag.client_message.find("invalid Redis URL") != std::string::npos);
            BOOST_TEST(diag.client_message.find("hunter2") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(options_out_of_range_are_invalid_requests) {
    rerank::redis_quota_options options;
    options.url = "redis://127.0.0.1:6379";
    redis_endpoint ep;
    rerank::diagnostics diag;
    BOOST_TEST(!parse_redis_quota_options(options, ep, diag));
    for (double share : {0.0, -1.0, 1.5, std::nan("")}) {
        auto o = options;
        o.local_share = share;
        BOOST_TEST(parse_redis_quota_options(o, ep, diag) == rerank::errc::invalid_request);
    }
    auto o = options;
    o.command_timeout = std::chrono::milliseconds(0);
    BOOST_TEST(parse_redis_quota_options(o, ep, diag) == rerank::errc::invalid_request);
}

BOOST_AUTO_TEST_SUITE_END()
