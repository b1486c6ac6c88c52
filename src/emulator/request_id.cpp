#include "emulator/request_id.hpp"

#include <cstdint>
#include <random>

namespace rerank::emulator::detail {

std::string make_request_id() {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    std::uint64_t high = generator();
    std::uint64_t low = generator();
    high = (high & ~std::uint64_t{0xF000}) | 0x4000;                        // version 4
    low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60); // variant 10
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    id.reserve(36);
    const auto put = [&](std::uint64_t bits, int from, int to) {
        for (int nibble = from; nibble > to; --nibble)
            id += hex[(bits >> (4 * (nibble - 1))) & 0xF];
    };
    put(high, 16, 8);
    id += '-';
    put(high, 8, 4);
    id += '-';
    put(high, 4, 0);
    id += '-';
    put(low, 16, 12);
    id += '-';
    put(low, 12, 0);
    return id;
}

} // namespace rerank::emulator::detail
