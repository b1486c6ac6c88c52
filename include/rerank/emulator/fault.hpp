// Misbehaviour the emulator can be told to show for a request.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rerank::emulator {

/// How a `fault::kind::wrong_results` body is inconsistent with the request.
enum class results_inconsistency {
    /// The first result's `index` equals the number of documents (one past the end).
    index_out_of_range,
    /// The second result repeats the first one's `index` (a result is added when there is one).
    duplicate_index,
    /// The first result has no `relevance_score`.
    missing_score,
};

/// What the server does with one request instead of (or before) answering it normally.
/// Build one with the named constructors; `delay_before` combines with every kind.
struct fault {
    /// What is done to the request.
    enum class kind {
        /// Answer normally.
        none,
        /// Answer with `status_code`, `body`, `content_type` and `headers`, whatever the request.
        status,
        /// Close the connection without answering.
        drop,
        /// Send the normal response's header and the first `partial_body_bytes` of its body,
        /// then reset the connection (RST: SO_LINGER 0, close).
        reset_mid_body,
        /// Send the normal response's header (with the full Content-Length) and the first
        /// `partial_body_bytes` of its body, then close the connection normally (FIN; no TLS
        /// close_notify).
        truncated_body,
        /// Never answer; the connection stays open until the client closes it or the server stops.
        stall,
        /// Send the normal response `drip_bytes` at a time, waiting `drip_interval` between pieces.
        slow_drip,
        /// 200 with a JSON content type and a body that is not valid JSON (`body` if not empty,
        /// else a success body cut in the middle).
        malformed_json,
        /// 200 with a well-formed success body whose results are inconsistent
        /// (see `inconsistency`).
        wrong_results,
    };

    /// What is done. Default `kind::none`.
    kind what = kind::none;
    /// Waited before doing anything else. Default 0.
    std::chrono::milliseconds delay_before{0};
    /// `kind::status`: the status code, e.g. 429, 503, 302.
    unsigned status_code = 0;
    /// `kind::status`, `kind::malformed_json`: the body sent.
    std::string body;
    /// `kind::status`: the Content-Type sent with `body` (omitted when empty).
    std::string content_type = "application/json";
    /// `kind::status`: extra header fields, e.g. {"Retry-After", "2"} or {"Location", "..."}.
    std::vector<std::pair<std::string, std::string>> headers;
    /// `kind::reset_mid_body`, `kind::truncated_body`: body bytes sent before breaking off;
    /// `half` (the default) = half of the body.
    std::size_t partial_body_bytes = half;
    /// `kind::slow_drip`: bytes per piece (at least 1). Default 16.
    std::size_t drip_bytes = 16;
    /// `kind::slow_drip`: the pause between pieces. Default 20 ms.
    std::chrono::milliseconds drip_interval{20};
    /// `kind::wrong_results`: how the results are wrong.
    results_inconsistency inconsistency = results_inconsistency::index_out_of_range;

    /// `partial_body_bytes` meaning half of the body, whatever its size.
    static constexpr std::size_t half = static_cast<std::size_t>(-1);

    /// Normal behaviour.
    static fault normal() { return {}; }
    /// Normal behaviour after waiting `d`.
    static fault delay(std::chrono::milliseconds d) {
        fault f;
        f.delay_before = d;
        return f;
    }
    /// A canned answer: `status(429, body, {{"Retry-After", "2"}})`, `status(302, "", {{"Location",
    /// url}})`, `status(503, "<html>...", {}, "text/html")`.
    static fault status(unsigned code, std::string body = {},
                        std::vector<std::pair<std::string, std::string>> headers = {},
                        std::string content_type = "application/json") {
        fault f;
        f.what = kind::status;
        f.status_code = code;
        f.body = std::move(body);
        f.headers = std::move(headers);
        f.content_type = std::move(content_type);
        return f;
    }
    /// `kind::drop`: close without answering.
    static fault drop() { return of(kind::drop); }
    /// `kind::reset_mid_body`: the header and `body_bytes` of the body, then a reset.
    static fault reset_mid_body(std::size_t body_bytes = half) {
        fault f = of(kind::reset_mid_body);
        f.partial_body_bytes = body_bytes;
        return f;
    }
    /// `kind::truncated_body`: the header and `body_bytes` of the body, then a FIN.
    static fault truncated_body(std::size_t body_bytes = half) {
        fault f = of(kind::truncated_body);
        f.partial_body_bytes = body_bytes;
        return f;
    }
    /// `kind::stall`: never answer.
    static fault stall() { return of(kind::stall); }
    /// `kind::slow_drip`: the normal answer, `bytes` at a time every `interval`.
    static fault slow_drip(std::size_t bytes, std::chrono::milliseconds interval) {
        fault f = of(kind::slow_drip);
        f.drip_bytes = bytes;
        f.drip_interval = interval;
        return f;
    }
    /// `kind::malformed_json`: 200 with `body` (default: a success body cut in the middle).
    static fault malformed_json(std::string body = {}) {
        fault f = of(kind::malformed_json);
        f.body = std::move(body);
        return f;
    }
    /// `kind::wrong_results`: 200 with results inconsistent as `how` says.
    static fault
    wrong_results(results_inconsistency how = results_inconsistency::index_out_of_range) {
        fault f = of(kind::wrong_results);
        f.inconsistency = how;
        return f;
    }

    /// This fault, after waiting `d` first.
    fault after(std::chrono::milliseconds d) const {
        fault f = *this;
        f.delay_before = d;
        return f;
    }

private:
    static fault of(kind k) {
        fault f;
        f.what = k;
        return f;
    }
};

/// "none", "status", "drop", ... (for messages).
const char* to_string(fault::kind k) noexcept;

} // namespace rerank::emulator
