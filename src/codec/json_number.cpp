#include "codec/json_number.hpp"

#include <charconv>
#include <cstddef>
#include <limits>

namespace rerank::detail {
namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

} // namespace

json_error read_json_number(const char*& p, const char* end, json_number& out) noexcept {
    const char* const first = p;
    const bool negative = *p == '-';
    if (negative)
        ++p;
    if (p == end)
        return json_error::incomplete;
    if (!is_digit(*p))
        return negative ? json_error::bad_number : json_error::syntax;

    // The integer part, accumulated while it fits.
    std::uint64_t magnitude = 0;
    bool overflow = false;
    const char* const int_first = p;
    if (*p == '0') {
        ++p;
    } else {
        for (; p != end && is_digit(*p); ++p) {
            const auto d = static_cast<std::uint64_t>(*p - '0');
            if (magnitude > (std::numeric_limits<std::uint64_t>::max() - d) / 10)
                overflow = true;
            else
                magnitude = magnitude * 10 + d;
        }
    }
    const auto int_digits = static_cast<long long>(p - int_first);
    bool integral = true;
    long long fraction_zeros = 0; // leading zeros of the fraction: 0.000...1e-999 underflows
    if (p != end && *p == '.') {
        integral = false;
        ++p;
        if (p == end)
            return json_error::incomplete;
        if (!is_digit(*p))
            return json_error::bad_number;
        const char* const frac_first = p;
        while (p != end && is_digit(*p))
            ++p;
        while (frac_first + fraction_zeros != p && frac_first[fraction_zeros] == '0')
            ++fraction_zeros;
    }
    long long exponent = 0;
    if (p != end && (*p == 'e' || *p == 'E')) {
        integral = false;
        ++p;
        bool exp_negative = false;
        if (p != end && (*p == '+' || *p == '-'))
            exp_negative = *p++ == '-';
        if (p == end)
            return json_error::incomplete;
        if (!is_digit(*p))
            return json_error::bad_number;
        for (; p != end && is_digit(*p); ++p) {
            exponent = exponent * 10 + (*p - '0');
            if (exponent > std::numeric_limits<int>::max())
                return json_error::bad_number;
        }
        if (exp_negative)
            exponent = -exponent;
    }

    constexpr auto int64_limit = static_cast<std::uint64_t>(1) << 63;
    if (integral && !overflow && (!negative || magnitude <= int64_limit)) {
        if (negative) {
            out.type = json_number::kind::int64;
            out.int64 = magnitude == int64_limit ? std::numeric_limits<std::int64_t>::min()
                                                 : -static_cast<std::int64_t>(magnitude);
        } else if (magnitude < int64_limit) {
            out.type = json_number::kind::int64;
            out.int64 = static_cast<std::int64_t>(magnitude);
        } else {
            out.type = json_number::kind::uint64;
            out.uint64 = magnitude;
        }
        return json_error::none;
    }

    out.type = json_number::kind::floating;
    double d = 0;
    const auto [stop, ec] = std::from_chars(first, p, d); // correctly rounded
    if (ec == std::errc::result_out_of_range) {
        // Which way it left the range: where the first significant digit is.
        const bool zero_int = int_digits == 1 && *int_first == '0';
        const long long scale = (zero_int ? -fraction_zeros : int_digits) + exponent;
        d = scale > 0 ? std::numeric_limits<double>::infinity() : 0.0;
        if (negative)
            d = -d;
    } else if (ec != std::errc() || stop != p) {
        p = first;
        return json_error::bad_number;
    }
    out.floating = d;
    return json_error::none;
}

} // namespace rerank::detail
