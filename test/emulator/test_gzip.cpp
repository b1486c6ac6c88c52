// The emulator's gzip: when a request accepts it, and only then.
#include "client.hpp"
#include "emulator/gzip_reply.hpp"
#include "support/gzip.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank::emulator;
using namespace rerank::emulator::test;

namespace {

exchange_result call(const server& s, std::optional<std::string> accept_encoding) {
    std::vector<std::string> docs;
    for (int i = 0; i < 50; ++i)
        docs.push_back("a document about fruit number " + std::to_string(i));
    auto request = post(compatible_path, compatible_body("fruit", docs));
    if (accept_encoding)
        request.set(http::field::accept_encoding, *accept_encoding);
    exchange_result result;
    io_fixture().run([&]() -> asio::awaitable<void> {
        result = co_await one_shot(s.port(), std::move(request));
    });
    BOOST_REQUIRE_MESSAGE(!result.ec, "exchange failed: " << result.ec.message());
    return result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_gzip)

BOOST_AUTO_TEST_CASE(accept_encoding_values) {
    using detail::accepts_gzip;
    BOOST_TEST(accepts_gzip("gzip"));
    BOOST_TEST(accepts_gzip("br, GZIP;q=0.5"));
    BOOST_TEST(accepts_gzip("x-gzip"));
    BOOST_TEST(accepts_gzip("*"));
    BOOST_TEST(accepts_gzip("deflate, *;q=0.1"));
    BOOST_TEST(!accepts_gzip(""));
    BOOST_TEST(!accepts_gzip("identity"));
    BOOST_TEST(!accepts_gzip("br, deflate"));
    BOOST_TEST(!accepts_gzip("gzip;q=0"));
    BOOST_TEST(!accepts_gzip("gzip; q=0.000"));
    BOOST_TEST(!accepts_gzip("*, gzip;q=0")); // named beats the wildcard
    BOOST_TEST(!accepts_gzip("gzipped"));
}

BOOST_AUTO_TEST_CASE(answers_in_gzip_when_asked_and_only_then) {
    server s{options{}};
    s.start();
    const exchange_result plain = call(s, std::nullopt);
    BOOST_TEST(plain.response.count(http::field::content_encoding) == 0u);
    const exchange_result packed = call(s, std::string("gzip"));
    BOOST_TEST(packed.response[http::field::content_encoding] == "gzip");
    BOOST_TEST(packed.response.body().size() < plain.response.body().size() / 2);
    const json::value inflated = json::parse(rerank::test::gunzip(packed.response.body()));
    BOOST_TEST(inflated.at("results").as_array().size() == 50u);
    BOOST_TEST(call(s, std::string("gzip;q=0")).response.count(http::field::content_encoding) ==
               0u);
}

BOOST_AUTO_TEST_CASE(compression_can_be_turned_off) {
    options opts;
    opts.compress_responses = false;
    server s{opts};
    s.start();
    const exchange_result r = call(s, std::string("gzip"));
    BOOST_TEST(r.response.count(http::field::content_encoding) == 0u);
    BOOST_TEST(r.json().at("results").as_array().size() == 50u);
}

BOOST_AUTO_TEST_CASE(a_scripted_answer_keeps_its_own_coding) {
    server s{options{}};
    s.set_fault_hook([](const request_info&) {
        return fault::status(200, "not brotli", {{"Content-Encoding", "br"}});
    });
    s.start();
    const exchange_result r = call(s, std::string("gzip"));
    BOOST_TEST(r.response[http::field::content_encoding] == "br");
    BOOST_TEST(r.response.body() == "not brotli");
}

BOOST_AUTO_TEST_SUITE_END()
