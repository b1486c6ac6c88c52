// json_reader against boost::json::basic_parser, the reference: same events, same verdicts, on
// generated JSON and on generated near-JSON (truncated, mutated).
#include "codec/json_reader.hpp"
#include "support/json_event_recorder.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/test/unit_test.hpp>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace rerank::detail;
using namespace std::string_literals;

namespace {

using recorder = rerank::test::json_event_recorder;

struct outcome {
    bool ok;
    recorder rec;
};

outcome with_boost(std::string_view text) {
    boost::json::basic_parser<recorder> p{boost::json::parse_options{}};
    boost::json::error_code ec;
    const std::size_t n = p.write_some(false, text.data(), text.size(), ec);
    return {!ec && n == text.size(), std::move(p.handler())};
}

outcome with_reader(std::string_view text, bool want_strings = true) {
    outcome o{false, {}};
    o.rec.want_strings = want_strings;
    json_reader<recorder> reader(o.rec);
    o.ok = reader.read(text);
    return o;
}

// a: json_reader's numbers, b: Boost's.
bool same_doubles(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i != a.size(); ++i) {
        if (a[i] == 0 && std::isnan(b[i]))
            continue; // Boost 1.81 reads 0e309 (zero, huge exponent) as NaN; it is 0
        if (std::isinf(a[i]) || std::isinf(b[i]) || a[i] == 0 || b[i] == 0) {
            if (a[i] != b[i])
                return false;
        } else if (std::abs(a[i] - b[i]) > 1e-15 * std::abs(a[i])) {
            return false; // Boost 1.81's fast path may differ in the last bit; from_chars is exact
        }
    }
    return true;
}

// Random JSON text, written by hand to reach what a serializer never writes: every escape,
// surrogate pairs, odd whitespace, every number form.
class json_generator {
public:
    explicit json_generator(unsigned seed)
        : rng_(seed) {}

    std::string document() {
        std::string out;
        ws(out);
        value(out, 0);
        ws(out);
        return out;
    }

private:
    unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }

    void ws(std::string& out) {
        static const char* const spaces[] = {"", "", "", " ", "\n  ", "\t", "\r\n"};
        out += spaces[pick(7)];
    }

    void value(std::string& out, int depth) {
        switch (depth > 4 ? pick(4) : pick(7)) {
        case 0:
            string(out);
            break;
        case 1:
            number(out);
            break;
        case 2:
            out += pick(3) == 0 ? "null" : pick(2) ? "true" : "false";
            break;
        case 3:
            string(out);
            break;
        case 4:
        case 5:
            object(out, depth + 1);
            break;
        default:
            array(out, depth + 1);
            break;
        }
    }

    void object(std::string& out, int depth) {
        out += '{';
        const unsigned n = pick(5);
        for (unsigned i = 0; i != n; ++i) {
            if (i != 0)
                out += ',';
            ws(out);
            string(out);
            ws(out);
            out += ':';
            ws(out);
            value(out, depth);
            ws(out);
        }
        out += '}';
    }

    void array(std::string& out, int depth) {
        out += '[';
        const unsigned n = pick(5);
        for (unsigned i = 0; i != n; ++i) {
            if (i != 0)
                out += ',';
            ws(out);
            value(out, depth);
            ws(out);
        }
        out += ']';
    }

    void string(std::string& out) {
        static const char* const pieces[] = {"a",
                                             "index",
                                             " ",
                                             "text",
                                             "\\\"",
                                             "\\\\",
                                             "\\/",
                                             "\\b",
                                             "\\f",
                                             "\\n",
                                             "\\r",
                                             "\\t",
                                             "\\u0041",
                                             "\\u00e9",
                                             "\\u4E2D",
                                             "\\ud83d\\ude00",
                                             "\\u0000",
                                             "\xC3\xA9",
                                             "\xE9\x95\xBF",
                                             "\xF0\x9F\x98\x80",
                                             "\x7F",
                                             "0123456789abcdef0123"};
        out += '"';
        const unsigned n = pick(8);
        for (unsigned i = 0; i != n; ++i)
            out += pieces[pick(std::size(pieces))];
        out += '"';
    }

    void number(std::string& out) {
        static const char* const numbers[] = {"0",
                                              "-0",
                                              "1",
                                              "-1",
                                              "42",
                                              "9223372036854775807",
                                              "9223372036854775808",
                                              "-9223372036854775808",
                                              "-9223372036854775809",
                                              "18446744073709551615",
                                              "18446744073709551616",
                                              "123456789012345678901234567890",
                                              "0.5",
                                              "-0.25",
                                              "3.14159265358979",
                                              "1e3",
                                              "1E+3",
                                              "2.5e-3",
                                              "1e308",
                                              "1e309",
                                              "-1e999",
                                              "1e-400",
                                              "0.000001",
                                              "0.9306640625",
                                              "1.0",
                                              "0e0",
                                              "4.9e-324"};
        out += numbers[pick(std::size(numbers))];
    }

    std::mt19937 rng_;
};

void check_same(std::string_view text) {
    const outcome b = with_boost(text);
    const outcome r = with_reader(text);
    BOOST_TEST_REQUIRE(r.ok == b.ok, "verdicts differ on: " << text);
    if (b.ok) {
        BOOST_TEST_REQUIRE(r.rec.events == b.rec.events, "events differ on: " << text);
        BOOST_TEST_REQUIRE(same_doubles(r.rec.doubles, b.rec.doubles), "numbers differ: " << text);
    }
    // Not wanting string values changes nothing but their text, for valid UTF-8 input (whose
    // strings need no UTF-8 check).
    if (rerank::utf8::is_valid(text)) {
        const outcome s = with_reader(text, false);
        BOOST_TEST_REQUIRE(s.ok == r.ok, "skipping changes the verdict on: " << text);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(json_reader_tests)

BOOST_AUTO_TEST_CASE(simple_documents) {
    for (const char* text :
         {"{}", "[]", " [ ] ", "0", "-0", "\"\"", "null", "true", "false", "[1,2,3]",
          R"({"a":{"b":[true,false,null,"x",-1.5e3]}})", "\"\\ud83d\\ude00\"", "\"\\u00e9\\u4e2d\"",
          "[1e999,-1e999,1e-999]", "[18446744073709551616, -9223372036854775809]"}) {
        check_same(text);
        BOOST_TEST(with_reader(text).ok, text);
    }
}

BOOST_AUTO_TEST_CASE(malformed_documents) {
    for (const std::string& text : {""s,
                                    " "s,
                                    "{"s,
                                    "[1,]"s,
                                    "[1 2]"s,
                                    "{\"a\" 1}"s,
                                    "{\"a\":}"s,
                                    "{,}"s,
                                    "{\"a\":1,}"s,
                                    "tru"s,
                                    "nul"s,
                                    "falsey"s,
                                    "01"s,
                                    "-"s,
                                    "1."s,
                                    ".5"s,
                                    "1e"s,
                                    "1e+"s,
                                    "+1"s,
                                    "0x10"s,
                                    "\"abc"s,
                                    "\"\\x\""s,
                                    "\"\\u12\""s,
                                    "\"\\u12G4\""s,
                                    "\"\\ud800\""s,
                                    "\"\\ud800x\""s,
                                    "\"\\ud800\\u0041\""s,
                                    "\"\\udc00\""s,
                                    "\"a\nb\""s,
                                    "\"tab\there\""s,
                                    "[1] x"s,
                                    "{} {}"s,
                                    "\"\xC3\""s,
                                    "\"\xED\xA0\x80\""s,
                                    "{\"\xFF\":1}"s,
                                    "\xEF\xBB\xBF{}"s,
                                    "[\"a\"\x01]"s,
                                    "NaN"s,
                                    "Infinity"s,
                                    "[1,2"s,
                                    "{\"a\":[{\"b\":"s,
                                    std::string(1, '\0')}) {
        check_same(text);
        BOOST_TEST(!with_reader(text).ok, text);
    }
}

BOOST_AUTO_TEST_CASE(nesting_limit) {
    const std::string ok = std::string(32, '[') + std::string(32, ']');
    const std::string deep = std::string(33, '[') + std::string(33, ']');
    check_same(ok);
    check_same(deep);
    BOOST_TEST(with_reader(ok).ok);
    recorder r;
    json_reader<recorder> reader(r);
    BOOST_TEST(!reader.read(deep));
    BOOST_TEST((reader.error() == json_error::too_deep));
}

BOOST_AUTO_TEST_CASE(error_kinds_and_offsets) {
    recorder r;
    json_reader<recorder> reader(r);
    const struct {
        std::string text;
        json_error error;
        std::size_t offset;
    } cases[] = {
        {"", json_error::incomplete, 0},
        {"{\"a\":1", json_error::incomplete, 6},
        {"[1,]", json_error::syntax, 3},
        {"[1] x", json_error::extra_data, 4},
        {"\"\\q\"", json_error::bad_escape, 1},
        {"\"\\udc00\"", json_error::bad_surrogate, 1},
        {"\"a\x01\"", json_error::control_char, 2},
        {"-x", json_error::bad_number, 1},
        {"[1e2147483648]", json_error::bad_number, 12},
        {"1.e5", json_error::bad_number, 2},
        {"\"\xFF\"", json_error::invalid_utf8, 1},
    };
    for (const auto& c : cases) {
        BOOST_TEST(!reader.read(c.text));
        BOOST_TEST(to_string(reader.error()) == to_string(c.error), c.text);
        BOOST_TEST(reader.error_offset() == c.offset, c.text);
    }
}

// The differences from Boost 1.81 that test/fuzz/json_reader_fuzz.cpp allows, each pinned on
// both sides: json_reader's value is the correctly rounded one (strtod's). Should a newer Boost
// agree with json_reader on a case, its check here fails: then drop the difference there too.
BOOST_AUTO_TEST_CASE(known_differences_from_boost) {
    const auto one_double = [](const outcome& o) {
        BOOST_TEST_REQUIRE(o.rec.doubles.size() == 1u);
        return o.rec.doubles[0];
    };
    // 1. Rounding: DBL_MAX written with 17 digits; a long mantissa (Boost: 2 units off).
    for (const char* text : {"1.7976931348623158e+308", "-922337.23372036854775807"}) {
        const outcome r = with_reader(text);
        BOOST_TEST_REQUIRE(r.ok, text);
        BOOST_TEST(one_double(r) == std::strtod(text, nullptr), text);
        const outcome b = with_boost(text);
        BOOST_TEST_REQUIRE(b.ok, text);
        BOOST_TEST(one_double(b) != std::strtod(text, nullptr), text);
    }
    BOOST_TEST(one_double(with_reader("1.7976931348623158e+308")) == DBL_MAX);
    BOOST_TEST(std::isinf(one_double(with_boost("1.7976931348623158e+308"))));
    // 2. Zero with a huge exponent: Boost says NaN.
    BOOST_TEST(one_double(with_reader("0e309")) == 0);
    BOOST_TEST(std::isnan(one_double(with_boost("0e309"))));
    // 3. Exponents that fit in an int, but not once Boost adds the digits it dropped or kept.
    BOOST_TEST(one_double(with_reader("-9955162233744999991e2147483647")) == -HUGE_VAL);
    BOOST_TEST(one_double(with_reader("0.12e-2147483647")) == 0);
    BOOST_TEST(!with_boost("-9955162233744999991e2147483647").ok);
    BOOST_TEST(!with_boost("0.12e-2147483647").ok);
    // Beyond an int, both refuse.
    BOOST_TEST(!with_reader("1e2147483648").ok);
    BOOST_TEST(!with_boost("1e2147483648").ok);
}

BOOST_AUTO_TEST_CASE(unwanted_strings_are_not_decoded_nor_utf8_checked) {
    const std::string text = "[\"a\\nb\", \"\xFF raw\"]";
    const outcome o = with_reader(text, false);
    BOOST_TEST(o.ok);
    // Keys are still decoded and checked.
    BOOST_TEST(!with_reader("{\"\xFF\":1}", false).ok);
}

BOOST_AUTO_TEST_CASE(agrees_with_boost_on_generated_json) {
    json_generator gen(2024);
    for (int round = 0; round != 5000; ++round)
        check_same(gen.document());
}

BOOST_AUTO_TEST_CASE(agrees_with_boost_on_damaged_json) {
    json_generator gen(99);
    std::mt19937 rng(5);
    const std::string replacements = "\"\\{}[],: x0-.eEu+\x01\xC3\xFF\xED\xA0/n";
    for (int round = 0; round != 20000; ++round) {
        std::string text = gen.document();
        if (text.empty())
            continue;
        const std::size_t at = rng() % text.size();
        switch (rng() % 4) {
        case 0:
            text.resize(at);
            break; // truncate
        case 1:
            text[at] = replacements[rng() % replacements.size()];
            break; // replace
        case 2:
            text.erase(at, 1);
            break; // delete
        default:
            text.insert(at, 1, replacements[rng() % replacements.size()]);
            break;
        }
        check_same(text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
