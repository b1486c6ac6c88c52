#include "quota/redis_protocol.hpp"

#include "text/printable.hpp"

#include <array>
#include <new>
#include <stdexcept>
#include <utility>

namespace rerank::detail {

namespace {

using create_array_function = decltype(redisReplyObjectFunctions::createArray);

// hiredis's own functions, found in a reader it made (its table is not exported).
const redisReplyObjectFunctions& hiredis_reply_functions() {
    static const redisReplyObjectFunctions functions = [] {
        redisReader* reader = redisReaderCreate();
        if (!reader)
            throw std::bad_alloc();
        const redisReplyObjectFunctions copy = *reader->fn;
        redisReaderFree(reader);
        return copy;
    }();
    return functions;
}

// An array header announces its size before any element arrives; hiredis allocates that many
// slots at once. Refusing large ones (a null object: the reader fails) bounds that allocation.
// A template: the count's type is int in hiredis 0.14, size_t in 1.x.
template <class Count>
void* create_bounded_array(const redisReadTask* task, Count elements) {
    if (elements > static_cast<Count>(redis_reply_reader::max_array_elements))
        return nullptr;
    return hiredis_reply_functions().createArray(task, elements);
}

redisReplyObjectFunctions* bounded_reply_functions() {
    static redisReplyObjectFunctions functions = [] {
        redisReplyObjectFunctions f = hiredis_reply_functions();
        f.createArray = &create_bounded_array;
        return f;
    }();
    return &functions;
}

} // namespace

redis_command::redis_command(std::initializer_list<std::string_view> args)
    : redis_command(args.begin(), args.size()) {}

redis_command::redis_command(const std::string_view* args, std::size_t count) {
    if (count > max_args)
        throw std::invalid_argument("a Redis command of more than 16 arguments");
    std::array<const char*, max_args> argv;
    std::array<std::size_t, max_args> lengths;
    for (std::size_t i = 0; i < count; ++i) {
        argv[i] = args[i].data();
        lengths[i] = args[i].size();
    }
    // int in hiredis 0.14, long long in 1.x
    const auto size =
        redisFormatCommandArgv(&data_, static_cast<int>(count), argv.data(), lengths.data());
    if (size < 0 || !data_)
        throw std::bad_alloc();
    size_ = static_cast<std::size_t>(size);
}

redis_command::~redis_command() {
    if (data_)
        redisFreeCommand(data_);
}

redis_command::redis_command(redis_command&& other) noexcept
    : data_(std::exchange(other.data_, nullptr))
    , size_(std::exchange(other.size_, 0)) {}

redis_command& redis_command::operator=(redis_command&& other) noexcept {
    if (this != &other) {
        if (data_)
            redisFreeCommand(data_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

redis_reply_reader::redis_reply_reader()
    : reader_(redisReaderCreateWithFunctions(bounded_reply_functions())) {
    if (!reader_)
        throw std::bad_alloc();
}

redis_reply_reader::~redis_reply_reader() {
    redisReaderFree(reader_);
}

bool redis_reply_reader::fail(std::string why) {
    if (error_.empty())
        error_ = std::move(why);
    return false;
}

bool redis_reply_reader::feed(const char* data, std::size_t size) {
    if (!error_.empty())
        return false;
    partial_bytes_ += size;
    if (redisReaderFeed(reader_, data, size) != REDIS_OK)
        return fail(reader_->errstr);
    return true;
}

bool redis_reply_reader::next(redis_reply& reply) {
    reply.reset();
    if (!error_.empty())
        return false;
    void* object = nullptr;
    if (redisReaderGetReply(reader_, &object) != REDIS_OK)
        return fail(reader_->err == REDIS_ERR_OOM
                        ? "an array of more than " + std::to_string(max_array_elements) +
                              " elements"
                        : std::string(reader_->errstr));
    if (object) {
        reply.reset(static_cast<redisReply*>(object));
        // What is left unparsed belongs to the next replies.
        partial_bytes_ = reader_->len - reader_->pos;
        return true;
    }
    // Everything fed since the last complete reply belongs to the incomplete one.
    if (partial_bytes_ > max_reply_bytes)
        return fail("a reply of more than " + std::to_string(max_reply_bytes) + " bytes");
    return true;
}

bool is_error_reply(const redisReply& reply, std::string_view prefix) {
    return reply.type == REDIS_REPLY_ERROR &&
           std::string_view(reply.str, reply.len).substr(0, prefix.size()) == prefix;
}

std::string printable_reply_text(const redisReply& reply) {
    constexpr std::size_t shown = 120;
    if (reply.type != REDIS_REPLY_ERROR && reply.type != REDIS_REPLY_STATUS)
        return "a reply of type " + std::to_string(reply.type);
    const std::string_view text(reply.str, reply.len);
    std::string out = text::printable(text.substr(0, shown));
    if (text.size() > shown)
        out += "...";
    return out;
}

} // namespace rerank::detail
