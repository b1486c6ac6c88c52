#include <rerank/emulator/fault.hpp>

namespace rerank::emulator {

const char* to_string(fault::kind k) noexcept {
    switch (k) {
    case fault::kind::none:
        return "none";
    case fault::kind::status:
        return "status";
    case fault::kind::drop:
        return "drop";
    case fault::kind::reset_mid_body:
        return "reset_mid_body";
    case fault::kind::truncated_body:
        return "truncated_body";
    case fault::kind::stall:
        return "stall";
    case fault::kind::slow_drip:
        return "slow_drip";
    case fault::kind::malformed_json:
        return "malformed_json";
    case fault::kind::wrong_results:
        return "wrong_results";
    }
    return "unknown";
}

} // namespace rerank::emulator
