#include "http/socket_bio.hpp"

#include <cerrno>

#include <sys/socket.h>

namespace rerank::detail {
namespace {

using tcp_socket = boost::asio::ip::tcp::socket;

socket_bio_target& target_of(BIO* bio) {
    return *static_cast<socket_bio_target*>(BIO_get_data(bio));
}

int descriptor(BIO* bio) {
    tcp_socket& socket = *target_of(bio).socket;
    return socket.is_open() ? socket.native_handle() : -1;
}

bool would_block(int err) {
    return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

int socket_write(BIO* bio, const char* data, int size) {
    BIO_clear_retry_flags(bio);
    if (socket_bio_target& target = target_of(bio); target.gather) {
        target.gathered.append(data, static_cast<std::size_t>(size));
        return size;
    }
    const ssize_t n = ::send(descriptor(bio), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
    if (n < 0 && would_block(errno))
        BIO_set_retry_write(bio);
    return static_cast<int>(n);
}

int socket_read(BIO* bio, char* data, int size) {
    BIO_clear_retry_flags(bio);
    const ssize_t n = ::recv(descriptor(bio), data, static_cast<std::size_t>(size), 0);
    target_of(bio).input_drained = n < size;
    if (n < 0 && would_block(errno))
        BIO_set_retry_read(bio);
    else if (n == 0)
        BIO_set_flags(bio, BIO_FLAGS_IN_EOF); // lets OpenSSL tell an unexpected EOF (BIO_eof)
    return static_cast<int>(n);
}

long socket_ctrl(BIO* bio, int cmd, long, void*) {
    switch (cmd) {
    case BIO_CTRL_FLUSH: // nothing buffered here
        return 1;
    case BIO_CTRL_EOF:
        return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default:
        return 0;
    }
}

int socket_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

const BIO_METHOD* socket_method() {
    // Created once, never freed (OpenSSL keeps no reference beyond the BIOs using it).
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rerank socket");
        if (m) {
            BIO_meth_set_write(m, socket_write);
            BIO_meth_set_read(m, socket_read);
            BIO_meth_set_ctrl(m, socket_ctrl);
            BIO_meth_set_create(m, socket_create);
        }
        return m;
    }();
    return method;
}

} // namespace

BIO* make_socket_bio(socket_bio_target& target) {
    const BIO_METHOD* method = socket_method();
    BIO* bio = method ? BIO_new(method) : nullptr;
    if (bio)
        BIO_set_data(bio, &target);
    return bio;
}

} // namespace rerank::detail
