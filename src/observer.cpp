#include <rerank/observer.hpp>

namespace rerank {

std::string_view to_string(attempt_outcome o) noexcept {
    switch (o) {
    case attempt_outcome::succeeded:
        return "succeeded";
    case attempt_outcome::stopped:
        return "stopped";
    case attempt_outcome::stale_connection:
        return "stale_connection";
    case attempt_outcome::transient:
        return "transient";
    case attempt_outcome::throttled:
        return "throttled";
    case attempt_outcome::too_large:
        return "too_large";
    case attempt_outcome::permanent:
        return "permanent";
    }
    return "unknown";
}

std::string_view to_string(connection_kind k) noexcept {
    switch (k) {
    case connection_kind::none:
        return "none";
    case connection_kind::fresh:
        return "new";
    case connection_kind::resumed:
        return "resumed";
    case connection_kind::reused:
        return "reused";
    }
    return "unknown";
}

} // namespace rerank
