// Inflating gzip bodies: round trips, the size bound (bombs with honest and lying trailers),
// truncated, corrupt and trailing input, and the Content-Encoding values.
#include "http/gzip_decoder.hpp"
#include "support/gzip.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace rerank;
using namespace rerank::detail;
using rerank::test::gzip;

namespace {

std::string pseudo_json(std::size_t bytes) {
    std::string s;
    for (std::size_t i = 0; s.size() < bytes; ++i)
        s += R"({"index":)" + std::to_string(i) + R"(,"relevance_score":0.)" +
             std::to_string(i * 7919 % 1000) + "},";
    s.resize(bytes);
    return s;
}

struct inflated {
    error_code ec;
    std::string body;
    std::string why;
    std::size_t capacity = 0;
};

inflated run(gzip_decoder& decoder, std::string_view compressed, std::size_t limit) {
    body_buffer out;
    inflated r;
    r.ec = decoder.inflate(compressed, limit, out, r.why);
    r.body = std::string(out.view());
    r.capacity = out.capacity();
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(gzip_decoding)

BOOST_AUTO_TEST_CASE(round_trips_bodies_of_every_size_on_one_decoder) {
    gzip_decoder decoder; // reused, as a connection does
    for (std::size_t size : {0u, 1u, 100u, 16383u, 16384u, 16385u, 57000u, 1000000u}) {
        const std::string text = pseudo_json(size);
        for (int level : {1, 6, 9}) {
            const inflated r = run(decoder, gzip(text, level), 1 << 20);
            BOOST_TEST(!r.ec, size << " bytes, level " << level << ": " << r.why);
            BOOST_TEST((r.body == text), size << " bytes, level " << level);
        }
    }
}

BOOST_AUTO_TEST_CASE(exactly_the_limit_is_accepted_one_byte_more_is_not) {
    gzip_decoder decoder;
    const std::string text = pseudo_json(5000);
    BOOST_TEST(!run(decoder, gzip(text), 5000).ec);
    const inflated over = run(decoder, gzip(text), 4999);
    BOOST_TEST((over.ec == errc::bad_response));
    BOOST_TEST(over.why.find("max_response_bytes (4999 bytes)") != std::string::npos, over.why);
}

// 64 MiB in about 64 KB, its trailer honest or lying about the size: either way inflating
// stops at the limit, the buffer never past it.
BOOST_AUTO_TEST_CASE(a_bomb_stops_at_the_limit_whatever_its_trailer_says) {
    gzip_decoder decoder;
    const std::string bomb = gzip(std::string(64 << 20, '\0'));
    BOOST_TEST(bomb.size() < 100000u);
    for (const std::string& input : {bomb, test::with_declared_size(bomb, 100)}) {
        const inflated r = run(decoder, input, 1 << 20);
        BOOST_TEST((r.ec == errc::bad_response));
        BOOST_TEST(r.why.find("inflates to more than max_response_bytes (1048576 bytes)") !=
                       std::string::npos,
                   r.why);
        BOOST_TEST(r.capacity <= (1u << 20) + 1);
    }
}

BOOST_AUTO_TEST_CASE(truncated_corrupt_and_trailing_input_is_malformed) {
    gzip_decoder decoder;
    const std::string good = gzip(pseudo_json(20000));
    const auto malformed = [&](const std::string& input, std::string_view what) {
        const inflated r = run(decoder, input, 1 << 20);
        BOOST_TEST((r.ec == errc::bad_response), what);
        BOOST_TEST(r.why.starts_with("malformed gzip response body"), what << ": " << r.why);
    };
    malformed(good.substr(0, good.size() - 1), "last byte missing");
    malformed(good.substr(0, good.size() / 2) + good.substr(good.size() - 8), "middle missing");
    malformed(good.substr(0, 10), "header only");
    malformed(std::string(), "empty");
    malformed(test::with_bad_crc(good), "CRC");
    malformed(test::with_declared_size(good, 19999), "ISIZE");
    malformed(good + "x", "a byte after the end");
    malformed(good + good, "a second member");
    std::string flipped = good;
    flipped[0] ^= 0x40; // not the gzip magic
    malformed(flipped, "magic");
    std::string raw = pseudo_json(100); // not compressed at all
    malformed(raw, "plain JSON");
    // The decoder is still good for the next body.
    BOOST_TEST(!run(decoder, good, 1 << 20).ec);
}

BOOST_AUTO_TEST_CASE(content_encoding_values) {
    BOOST_TEST(is_gzip_coding("gzip"));
    BOOST_TEST(is_gzip_coding(" GZip "));
    BOOST_TEST(is_gzip_coding("x-gzip"));
    BOOST_TEST(!is_gzip_coding("gzip, gzip")); // stacked: not undone
    BOOST_TEST(!is_gzip_coding("deflate"));
    BOOST_TEST(!is_gzip_coding("br"));
    BOOST_TEST(!is_gzip_coding(""));
    BOOST_TEST(is_identity_coding(""));
    BOOST_TEST(is_identity_coding("Identity"));
    BOOST_TEST(!is_identity_coding("gzip"));
    BOOST_TEST(!is_identity_coding("identity, gzip"));
}

BOOST_AUTO_TEST_SUITE_END()
