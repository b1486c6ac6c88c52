// The hiredis codec with its bounds: replies split across reads, and what a hostile server
// cannot make the reader hold.
#include "quota/redis_protocol.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

using rerank::detail::redis_command;
using rerank::detail::redis_reply;
using rerank::detail::redis_reply_reader;

namespace {

// Feeds `bytes` one at a time and collects what the reader makes of them.
bool feed_bytewise(redis_reply_reader& reader, std::string_view bytes,
                   std::vector<redis_reply>& replies) {
    for (char c : bytes) {
        if (!reader.feed(&c, 1))
            return false;
        for (;;) {
            redis_reply reply;
            if (!reader.next(reply))
                return false;
            if (!reply)
                break;
            replies.push_back(std::move(reply));
        }
    }
    return true;
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_protocol)

BOOST_AUTO_TEST_CASE(commands_are_encoded_by_hiredis) {
    const redis_command command({"SET", "key", std::string_view("a\0b", 3)});
    constexpr char expected[] = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$3\r\na\0b\r\n";
    BOOST_TEST(command.bytes() == std::string_view(expected, sizeof expected - 1));
}

BOOST_AUTO_TEST_CASE(replies_split_across_reads_come_out_whole_and_in_order) {
    redis_reply_reader reader;
    std::vector<redis_reply> replies;
    BOOST_TEST(feed_bytewise(reader, "+OK\r\n*3\r\n:5\r\n:1\r\n:42\r\n-NOSCRIPT No matching\r\n",
                             replies));
    BOOST_TEST_REQUIRE(replies.size() == 3u);
    BOOST_TEST(replies[0]->type == REDIS_REPLY_STATUS);
    BOOST_TEST(replies[1]->type == REDIS_REPLY_ARRAY);
    BOOST_TEST(replies[1]->elements == 3u);
    BOOST_TEST(replies[1]->element[2]->integer == 42);
    BOOST_TEST(rerank::detail::is_error_reply(*replies[2], "NOSCRIPT"));
}

BOOST_AUTO_TEST_CASE(a_reply_larger_than_the_bound_is_a_protocol_error) {
    redis_reply_reader reader;
    const std::string header = "$100000\r\n";
    BOOST_TEST(reader.feed(header.data(), header.size()));
    const std::string chunk(1024, 'x');
    bool failed = false;
    for (int i = 0; i < 10 && !failed; ++i) {
        reader.feed(chunk.data(), chunk.size());
        redis_reply reply;
        failed = !reader.next(reply);
        BOOST_TEST(!reply);
    }
    BOOST_TEST(failed);
    BOOST_TEST(reader.error().find("more than 4096 bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(many_small_replies_are_not_one_large_one) {
    redis_reply_reader reader;
    std::string many;
    for (int i = 0; i < 2000; ++i)
        many += ":1\r\n";
    BOOST_TEST(reader.feed(many.data(), many.size()));
    int count = 0;
    redis_reply reply;
    while (reader.next(reply) && reply)
        ++count;
    BOOST_TEST(count == 2000);
    BOOST_TEST(reader.error().empty());
}

BOOST_AUTO_TEST_CASE(an_array_announcing_many_elements_is_refused_before_any_arrives) {
    redis_reply_reader reader;
    const std::string header = "*1000000000\r\n";
    BOOST_TEST(reader.feed(header.data(), header.size()));
    redis_reply reply;
    BOOST_TEST(!reader.next(reply));
    BOOST_TEST(reader.error().find("more than 16 elements") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(garbage_is_a_protocol_error) {
    redis_reply_reader reader;
    const std::string garbage = "HTTP/1.1 400 Bad Request\r\n";
    reader.feed(garbage.data(), garbage.size());
    redis_reply reply;
    BOOST_TEST(!reader.next(reply));
    BOOST_TEST(!reader.error().empty());
}

BOOST_AUTO_TEST_SUITE_END()
