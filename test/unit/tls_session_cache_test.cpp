// The TLS sessions a pool keeps: TLS 1.3 tickets used once each, newest first, a bounded count.
#include "http/tls_session_cache.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank::detail;

namespace {

SSL_SESSION* session(int version, long time) {
    SSL_SESSION* s = SSL_SESSION_new();
    BOOST_TEST_REQUIRE(s != nullptr);
    SSL_SESSION_set_protocol_version(s, version);
    SSL_SESSION_set_time(s, time); // tells sessions apart
    return s;
}

long offered_time(tls_session_cache& cache) {
    SSL_SESSION* s = cache.to_offer();
    if (!s)
        return -1;
    const long t = SSL_SESSION_get_time(s);
    SSL_SESSION_free(s);
    return t;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tls_sessions)

// Every ticket a server sent is offered once, newest first; beyond the capacity, the oldest go.
BOOST_AUTO_TEST_CASE(tickets_are_offered_once_each_newest_first) {
    tls_session_cache cache(3);
    for (long t = 1; t <= 4; ++t)
        cache.keep(session(TLS1_3_VERSION, t));
    BOOST_TEST(cache.size() == 3u);
    BOOST_TEST(offered_time(cache) == 4);
    BOOST_TEST(offered_time(cache) == 3);
    BOOST_TEST(offered_time(cache) == 2);
    BOOST_TEST(offered_time(cache) == -1); // 1 was dropped, the rest used
}

// A TLS 1.2 session may be resumed again and again.
BOOST_AUTO_TEST_CASE(a_tls12_session_is_offered_again) {
    tls_session_cache cache(2);
    cache.keep(session(TLS1_2_VERSION, 7));
    BOOST_TEST(offered_time(cache) == 7);
    BOOST_TEST(offered_time(cache) == 7);
    BOOST_TEST(cache.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
