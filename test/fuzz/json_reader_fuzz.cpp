// json_reader against boost::json::basic_parser, differentially: any bytes, the same handler.
//
// Required of every input: both accept it or both refuse it; for an accepted text, the same
// events in the same order (keys, strings, integers and booleans with their values, object
// and array sizes); every double json_reader reports equals strtod() of the number's text (the
// correctly rounded value); refusing to decode unwanted string values changes json_reader's
// verdict only for text that is not valid UTF-8.
//
// Known differences, allowed here and nowhere else (test/codec/test_json_reader.cpp,
// `known_differences_from_boost`, pins json_reader's side of each):
//  1. Boost 1.81 rounds some doubles wrongly: `1.7976931348623158e+308` (DBL_MAX written with
//     17 digits) becomes infinity, and a mantissa of many digits may land a few units in the
//     last place off (`-922337.23372036854775807`: 2 units). json_reader's value must be
//     strtod's; Boost's may differ from it by up to 4 units in the last place, or be infinite
//     where strtod gives +-DBL_MAX.
//  2. Boost 1.81 reads a zero with a huge exponent (`0e309`) as NaN; it is 0 (json_reader).
//  3. Boost 1.81 refuses (`exponent_overflow`) a number whose exponent fits in an int but
//     leaves its range once Boost adds the integer digits its 64-bit mantissa could not hold,
//     or subtracts the fraction digits it did: `-9955162233744999991e2147483647`,
//     `0.12e-2147483647`. json_reader takes every exponent that fits in an int (RFC 8259 sets
//     no limit) and reads these as +-infinity or 0; both refuse exponents beyond an int.
#include "codec/json_reader.hpp"
#include "support/json_event_recorder.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using recorder = rerank::test::json_event_recorder;

[[noreturn]] void fail(const char* what, std::string_view text) {
    std::fprintf(stderr, "json_reader differs from Boost: %s\ninput (%zu bytes): %.*s\n", what,
                 text.size(), static_cast<int>(text.size()), text.data());
    std::abort();
}

// The known difference 1 and 2 above: Boost's value `b` where strtod gives `exact`.
bool boost_double_acceptable(double b, double exact) {
    if (b == exact)
        return true;
    if (std::isnan(b))
        return exact == 0; // 0e309
    if (std::isinf(b))
        return std::abs(exact) == DBL_MAX && std::signbit(b) == std::signbit(exact);
    double near = exact; // up to 4 units in the last place
    for (int ulps = 0; ulps != 4; ++ulps)
        if ((near = std::nextafter(near, b)) == b)
            return true;
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    boost::json::basic_parser<recorder> parser{boost::json::parse_options{}};
    boost::json::error_code ec;
    const bool boost_ok =
        parser.write_some(false, text.data(), text.size(), ec) == text.size() && !ec;
    const recorder& b = parser.handler();

    recorder r;
    rerank::detail::json_reader<recorder> reader(r);
    const bool reader_ok = reader.read(text);

    if (reader_ok && !boost_ok && ec == boost::json::error::exponent_overflow)
        return 0; // known difference 3 (Boost stopped there: no events to compare)
    if (reader_ok != boost_ok)
        fail(reader_ok ? "json_reader accepts, Boost refuses"
                       : "json_reader refuses, Boost accepts",
             text);
    if (!reader_ok && reader.error() == rerank::detail::json_error::none)
        fail("a refusal without an error kind", text);
    if (reader_ok) {
        if (r.events != b.events)
            fail("different events", text);
        for (std::size_t i = 0; i != r.doubles.size(); ++i) {
            const double exact = std::strtod(r.double_texts[i].c_str(), nullptr);
            if (r.doubles[i] != exact)
                fail("json_reader's double is not strtod's", text);
            if (!boost_double_acceptable(b.doubles[i], exact))
                fail("Boost's double is off beyond the known differences", text);
        }
    }
    if (rerank::utf8::is_valid(text)) {
        recorder s;
        s.want_strings = false;
        rerank::detail::json_reader<recorder> skipping(s);
        if (skipping.read(text) != reader_ok)
            fail("not decoding string values changes the verdict", text);
    }
    return 0;
}
