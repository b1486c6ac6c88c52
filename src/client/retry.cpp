#include "client/retry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

namespace rerank::detail {

namespace {

std::optional<long long> parse_non_negative(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0 || text.empty())
        return std::nullopt;
    return value;
}

// RFC 9110 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the only form servers must send).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (text.size() != 29 || text[3] != ',' || text.substr(26) != "GMT")
        return std::nullopt;
    auto number = [&](std::size_t pos, std::size_t len) {
        return parse_non_negative(text.substr(pos, len));
    };
    auto day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2),
         second = number(23, 2);
    int month = -1;
    for (int m = 0; m < 12; ++m)
        if (text.substr(8, 3) == months[m])
            month = m;
    if (!day || !year || !hour || !minute || !second || month < 0)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = static_cast<int>(*year) - 1900;
    tm.tm_mon = month;
    tm.tm_mday = static_cast<int>(*day);
    tm.tm_hour = static_cast<int>(*hour);
    tm.tm_min = static_cast<int>(*minute);
    tm.tm_sec = static_cast<int>(*second);
    std::time_t t = timegm(&tm);
    if (t == static_cast<std::time_t>(-1))
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(t);
}

} // namespace

std::optional<millis> parse_retry_after(std::string_view retry_after,
                                        std::string_view retry_after_ms,
                                        std::chrono::system_clock::time_point now) {
    if (auto ms = parse_non_negative(retry_after_ms))
        return millis(*ms);
    if (retry_after.empty())
        return std::nullopt;
    if (auto seconds = parse_non_negative(retry_after))
        return millis(std::min<long long>(*seconds, 86'400LL * 365) * 1000);
    if (auto when = parse_http_date(retry_after)) {
        auto wait = std::chrono::duration_cast<millis>(*when - now);
        return std::max(wait, millis(0));
    }
    return std::nullopt;
}

millis backoff_delay(const retry_policy& policy, unsigned retry, double unit_random) noexcept {
    const double cap = static_cast<double>(policy.max_backoff.count());
    const double exponent = std::min(retry == 0 ? 0.0 : static_cast<double>(retry - 1), 62.0);
    const double ceiling =
        std::min(cap, static_cast<double>(policy.initial_backoff.count()) * std::exp2(exponent));
    const double jitter = std::clamp(unit_random, 0.0, 1.0);
    return millis(static_cast<long long>(ceiling * jitter));
}

millis next_delay(const retry_policy& policy, unsigned retry, double unit_random,
                  std::optional<millis> server_asked) noexcept {
    if (server_asked)
        return std::min(*server_asked, policy.max_backoff);
    return backoff_delay(policy, retry, unit_random);
}

} // namespace rerank::detail
