// The Redis protocol (RESP), both ways through hiredis: commands encoded by
// redisFormatCommandArgv, replies parsed by hiredis's reader from bytes we read ourselves. What a
// server can make us hold is bounded: a reply (or the part of the next one read so far) over a
// few KB, or an array of more than a few elements, is a protocol error.
#pragma once

#include <hiredis/hiredis.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace rerank::detail {

struct redis_reply_deleter {
    void operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }
};
/// A reply as hiredis parsed it (an error reply is a reply: Redis's answer).
using redis_reply = std::unique_ptr<redisReply, redis_reply_deleter>;

/// A command encoded by hiredis, ready to write.
class redis_command {
public:
    /// Most arguments of a command (ours have at most 14).
    static constexpr std::size_t max_args = 16;

    /// Encodes `args` (the command's name first; at most `max_args`, else
    /// std::invalid_argument). Throws std::bad_alloc if hiredis cannot allocate.
    explicit redis_command(std::initializer_list<std::string_view> args);
    redis_command(const std::string_view* args, std::size_t count);
    ~redis_command();
    redis_command(redis_command&& other) noexcept;
    redis_command& operator=(redis_command&& other) noexcept;

    std::string_view bytes() const noexcept { return {data_, size_}; }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
};

/// Parses the replies of one connection, in order.
class redis_reply_reader {
public:
    /// Largest reply accepted, in bytes (our replies are under 100 bytes).
    static constexpr std::size_t max_reply_bytes = 4096;
    /// Largest array accepted (the admission script answers 3 integers).
    static constexpr int max_array_elements = 16;

    redis_reply_reader();
    ~redis_reply_reader();
    redis_reply_reader(const redis_reply_reader&) = delete;
    redis_reply_reader& operator=(const redis_reply_reader&) = delete;

    /// Adds bytes read from the connection. False on a protocol error.
    bool feed(const char* data, std::size_t size);
    /// Takes the next complete reply into `reply` (null when more bytes are needed). False on a
    /// protocol error: `error()` says which, and the connection is beyond use.
    bool next(redis_reply& reply);
    /// What went wrong (hiredis's message, or the bound that was crossed).
    const std::string& error() const noexcept { return error_; }

private:
    bool fail(std::string why);

    redisReader* reader_;
    // Bytes fed that belong to the reply not yet complete: what the bounds apply to.
    std::size_t partial_bytes_ = 0;
    std::string error_;
};

/// Whether `reply` is an error reply starting with `prefix` ("NOSCRIPT").
bool is_error_reply(const redisReply& reply, std::string_view prefix = {});
/// The text of an error or status reply, escaped and shortened to fit in a message.
std::string printable_reply_text(const redisReply& reply);

} // namespace rerank::detail
