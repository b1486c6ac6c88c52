// One row of the fault matrix (fault_matrix_test.cpp): the faults, the set-up, and what must
// come out of it. Built fluently: `row("name").faults({...}).fails(errc::x).requests(1)`.
#pragma once

#include "pool/pool_support.hpp"

#include <rerank/emulator/emulator.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace rerank::test {

using ms = std::chrono::milliseconds;

/// What a row observed, for its extra checks.
struct row_outcome {
    pool_stats pool_delta; // client counters during the row (after the warm-up)
    emulator::server_stats server;
    std::vector<call_outcome> calls;
    std::vector<steady::time_point> arrivals; // when each request reached the emulator
};

/// One row of the matrix, built fluently: `row("name").faults({...}).fails(errc::x)...`.
struct fault_row {
    std::string name;
    std::function<std::vector<emulator::fault>()> make_faults = [] {
        return std::vector<emulator::fault>{};
    };
    error_code expected;
    std::size_t server_requests = 1;
    unsigned attempts = 1;
    ms min_elapsed{0};
    ms max_elapsed{1500};
    // Set-up.
    unsigned max_attempts = 4;
    std::optional<ms> timeout;
    std::optional<ms> max_backoff;
    int warmup_calls = 0;
    ms pause_after_warmup{0};
    ms idle_close_after{0};
    std::size_t close_after_responses = 0;
    int calls = 1;
    // Bounds on the time between the first two requests' arrivals (Retry-After).
    std::optional<std::pair<ms, ms>> retry_gap;
    std::function<void(const row_outcome&)> extra;

    fault_row& faults(std::vector<emulator::fault> f) {
        make_faults = [f] { return f; };
        return *this;
    }
    fault_row& faults_made_by(std::function<std::vector<emulator::fault>()> make) {
        make_faults = std::move(make);
        return *this;
    }
    fault_row& succeeds() {
        expected = {};
        return *this;
    }
    fault_row& fails(errc e) {
        expected = e;
        return *this;
    }
    fault_row& requests(std::size_t n) {
        server_requests = n;
        return *this;
    }
    fault_row& attempts_reported(unsigned n) {
        attempts = n;
        return *this;
    }
    fault_row& within(ms max, ms min = ms(0)) {
        max_elapsed = max;
        min_elapsed = min;
        return *this;
    }
    fault_row& gap_between_attempts(ms min, ms max) {
        retry_gap = {min, max};
        return *this;
    }
    fault_row& attempts_allowed(unsigned n) {
        max_attempts = n;
        return *this;
    }
    fault_row& deadline(ms d) {
        timeout = d;
        return *this;
    }
    fault_row& backoff_cap(ms cap) {
        max_backoff = cap;
        return *this;
    }
    fault_row& warm_up(int n, ms pause = ms(0)) {
        warmup_calls = n;
        pause_after_warmup = pause;
        return *this;
    }
    fault_row& server_closes_idle_after(ms t) {
        idle_close_after = t;
        return *this;
    }
    fault_row& server_closes_after_responses(std::size_t n) {
        close_after_responses = n;
        return *this;
    }
    fault_row& sequential_calls(int n) {
        calls = n;
        return *this;
    }
    fault_row& also(std::function<void(const row_outcome&)> check) {
        extra = std::move(check);
        return *this;
    }
};

inline std::ostream& operator<<(std::ostream& out, const fault_row& r) {
    return out << r.name;
}

inline fault_row row(std::string name) {
    fault_row r;
    r.name = std::move(name);
    return r;
}

} // namespace rerank::test
