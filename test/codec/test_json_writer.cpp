// The JSON writer: escaping, separators, and the scan that finds bytes to escape.
#include "codec/json_escape_scan.hpp"
#include "codec/json_writer.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

using namespace rerank::detail;
using namespace std::string_literals;

namespace {

std::string quoted(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(json_writer_tests)

BOOST_AUTO_TEST_CASE(escapes_per_rfc_8259) {
    BOOST_TEST(quoted("") == R"("")");
    BOOST_TEST(quoted("plain text") == R"("plain text")");
    BOOST_TEST(quoted(R"(say "hi")") == R"("say \"hi\"")");
    BOOST_TEST(quoted(R"(C:\dir\file)") == R"("C:\\dir\\file")");
    BOOST_TEST(quoted("a\nb\tc\rd\be\ff") == R"("a\nb\tc\rd\be\ff")");
    BOOST_TEST(quoted("\x01\x1F"s + '\0') == R"("\u0001\u001f\u0000")");
    // Passed through: DEL, '/', and all non-ASCII (already validated UTF-8).
    BOOST_TEST(quoted("\x7F/\xE9\x95\xBF\xF0\x9F\x98\x80") ==
               "\"\x7F/\xE9\x95\xBF\xF0\x9F\x98\x80\"");
}

BOOST_AUTO_TEST_CASE(exact_size) {
    for (std::string s : {""s, "abc"s, "\"\\"s, "\n\x01"s, std::string(100, '"'),
                          "\xE9\x95\xBF quoted \"x\" \x1F tail"s}) {
        BOOST_TEST(json_string_size(s) == quoted(s).size());
    }
}

BOOST_AUTO_TEST_CASE(escapes_at_every_position_of_the_fast_path) {
    // A special byte at every offset of 16- and 8-byte blocks, among safe bytes.
    for (char special : {'"', '\\', '\n', '\x01', '\x1F'}) {
        for (std::size_t at = 0; at != 40; ++at) {
            std::string s(40, 'x');
            s[at] = special;
            const std::string q = quoted(s);
            BOOST_TEST(q.size() == json_string_size(s));
            BOOST_TEST(q.find('\\') == at + 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(scan_implementations_agree_with_a_byte_loop) {
    std::mt19937 rng(11);
    const std::string alphabet = "ab \x1F\x20\x21\"\\#[\x7F\x80\xFF\x01\t"s + '\0';
    for (int round = 0; round != 5000; ++round) {
        std::string s(rng() % 50, 'a');
        for (char& c : s)
            c = rng() % 4 == 0 ? alphabet[rng() % alphabet.size()] : 'a';
        const char* first = s.data();
        const char* last = first + s.size();
        const char* expected = first;
        while (expected != last && !is_json_special(static_cast<unsigned char>(*expected)))
            ++expected;
        BOOST_TEST_REQUIRE(find_json_special(first, last) == expected);
        BOOST_TEST_REQUIRE(find_json_special_portable(first, last) == expected);
    }
}

BOOST_AUTO_TEST_CASE(writer_puts_commas_where_they_belong) {
    std::string out;
    string_sink sink(out);
    json_writer w(sink);
    w.begin_object();
    w.key("a");
    w.number(1);
    w.key("b");
    w.begin_array();
    w.string("x");
    w.begin_object();
    w.end_object();
    w.begin_array();
    w.end_array();
    w.boolean(false);
    w.end_array();
    w.key("c");
    w.begin_object();
    w.key("d");
    w.boolean(true);
    w.end_object();
    w.key("e");
    w.number(18446744073709551615ull);
    w.end_object();
    BOOST_TEST(out == R"({"a":1,"b":["x",{},[],false],"c":{"d":true},"e":18446744073709551615})");

    size_sink counter;
    basic_json_writer<size_sink> c(counter);
    c.begin_array();
    c.string("q\"");
    c.number(0);
    c.end_array();
    BOOST_TEST(counter.size() == std::string(R"(["q\"",0])").size());
}

BOOST_AUTO_TEST_SUITE_END()
