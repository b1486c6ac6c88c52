#include "quota/redis_scripts.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

namespace rerank::detail {

namespace {

// Lua 5.1 numbers are doubles: integers are exact below 2^53. Numbers are written into keys
// with string.format('%d'), since tostring() keeps only 14 significant digits. Each
// redis.call costs Redis a few µs (most of the script's time): one MGET reads all three keys.
constexpr std::string_view admission_source = R"lua(
local now
if ARGV[8] then
  now = tonumber(ARGV[8])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local stored = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3])
local slot = now
local limits = {}
for i = 1, 2 do
  local rate = tonumber(ARGV[3 * i - 2])
  if rate > 0 then
    local cost = tonumber(ARGV[3 * i - 1])
    local burst = tonumber(ARGV[3 * i])
    local increment = 0
    if cost > 0 then increment = math.ceil(cost * 1e6 / rate) end
    local tat = tonumber(stored[i] or '0')
    slot = math.max(slot, now, tat - math.max(0, burst - increment))
    limits[i] = {tat, increment, burst}
  end
end
local wait = slot - now
local throttles = tonumber(stored[3] or '0')
if wait > tonumber(ARGV[7]) then return {wait, 0, throttles} end
for i = 1, 2 do
  local limit = limits[i]
  if limit then
    local tat = math.max(limit[1], slot) + limit[2]
    local ttl_ms = math.max(60000, math.ceil((tat - now + 3 * limit[3]) / 1000))
    redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', string.format('%d', ttl_ms))
  end
end
return {wait, 1, throttles}
)lua";

constexpr std::string_view throttle_source = R"lua(
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 86400000)
return count
)lua";

std::string sha1_hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("SHA1 is not available from OpenSSL");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

// A number as an argument of a command: the shortest text that reads back as the same double
// (std::to_chars), so the script computes on exactly the values gcra.cpp does.
class number_text {
public:
    template <class Number>
    explicit number_text(Number value) {
        size_ = static_cast<std::size_t>(
            std::to_chars(text_.data(), text_.data() + text_.size(), value).ptr - text_.data());
    }
    std::string_view view() const noexcept { return {text_.data(), size_}; }

private:
    std::array<char, 32> text_;
    std::size_t size_ = 0;
};

// Above 2^52 µs (142 years) a wait is as good as forever, and still exact in Lua.
constexpr std::int64_t longest_wait_us = std::int64_t(1) << 52;

bool integer_element(const redisReply& reply, std::size_t i, long long& out) {
    if (reply.element[i]->type != REDIS_REPLY_INTEGER)
        return false;
    out = reply.element[i]->integer;
    return true;
}

} // namespace

const redis_script& admission_script() {
    static const redis_script script{admission_source, sha1_hex(admission_source)};
    return script;
}

const redis_script& throttle_script() {
    static const redis_script script{throttle_source, sha1_hex(throttle_source)};
    return script;
}

redis_quota_keys::redis_quota_keys(const std::string& quota_name)
    : requests("rerank:quota:" + quota_name + ":requests")
    , tokens("rerank:quota:" + quota_name + ":tokens")
    , throttles("rerank:quota:" + quota_name + ":throttles") {}

redis_command admission_command(const redis_quota_keys& keys, const quota_cost& cost,
                                const quota_rates& rates, std::chrono::microseconds max_wait,
                                bool by_source, std::optional<std::int64_t> now_us) {
    const redis_script& script = admission_script();
    const number_text numbers[] = {
        number_text(rates.requests.units_per_second),
        number_text(cost.requests),
        number_text(rates.requests.burst_us),
        number_text(rates.tokens.units_per_second),
        number_text(cost.tokens),
        number_text(rates.tokens.burst_us),
        number_text(std::min<std::int64_t>(max_wait.count(), longest_wait_us)),
        number_text(now_us.value_or(0)),
    };
    std::array<std::string_view, 14> args = {
        by_source ? "EVAL" : "EVALSHA",
        by_source ? script.source : std::string_view(script.sha1),
        "3",
        keys.requests,
        keys.tokens,
        keys.throttles,
    };
    std::size_t count = 6;
    for (const auto& number : numbers)
        args[count++] = number.view();
    if (!now_us)
        --count;
    return redis_command(args.data(), count);
}

redis_command throttle_command(const redis_quota_keys& keys, bool by_source) {
    const redis_script& script = throttle_script();
    return redis_command({by_source ? "EVAL" : "EVALSHA",
                          by_source ? script.source : std::string_view(script.sha1), "1",
                          keys.throttles});
}

bool read_admission_reply(const redisReply& reply, quota_reservation& out) {
    long long wait = 0, booked = 0, throttles = 0;
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3 ||
        !integer_element(reply, 0, wait) || !integer_element(reply, 1, booked) ||
        !integer_element(reply, 2, throttles) || wait < 0 || (booked != 0 && booked != 1) ||
        throttles < 0)
        return false;
    out.wait = std::chrono::microseconds(wait);
    out.booked = booked == 1;
    out.throttle_events = static_cast<std::uint64_t>(throttles);
    return true;
}

bool is_unknown_script(const redisReply& reply) {
    return is_error_reply(reply, "NOSCRIPT");
}

} // namespace rerank::detail
