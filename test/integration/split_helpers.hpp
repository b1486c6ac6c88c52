// Calls split into many sub-requests, and an emulator that throttles them: shared by the
// pacing and observer tests.
#pragma once

#include "support/emulator_fixture.hpp"

#include <rerank/client_options.hpp>
#include <rerank/request.hpp>

#include <string>

namespace rerank::test {

/// An HTTPS emulator that admits `requests_per_minute`, enforced per second.
struct throttling_emulator : emulator_fixture {
    explicit throttling_emulator(double requests_per_minute)
        : emulator_fixture(with_rate(requests_per_minute)) {}

    static emulator::options with_rate(double requests_per_minute) {
        emulator::options o = tls_emulator_options();
        o.requests_per_minute = requests_per_minute;
        return o;
    }
};

/// `count` documents, split by the client into sub-requests of two: count / 2 HTTP requests.
inline request split_request(std::size_t count) {
    request req;
    req.query = "which passage talks about pacing?";
    for (std::size_t i = 0; i < count; ++i)
        req.documents.push_back("passage " + std::to_string(i) +
                                (i % 7 == 0 ? " about pacing requests" : " about something else"));
    return req;
}

inline client_options split_in_twos(const emulator::server& server) {
    client_options opts = client_options_for(server);
    rerank::limits two;
    two.max_documents = 2;
    opts.limits = two;
    opts.max_parallel_requests = 8;
    opts.pool.max_connections = 8;
    return opts;
}

} // namespace rerank::test
