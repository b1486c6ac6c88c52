#include "emulator/bm25.hpp"

#include "emulator/terms.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <unordered_map>

namespace rerank::emulator::detail {
namespace {

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

// The distinct terms of the query, each with how often the query repeats it.
struct query_terms {
    std::unordered_map<std::string, std::size_t, string_hash, std::equal_to<>> slot_of;
    std::vector<double> repeats;

    explicit query_terms(std::string_view query) {
        term_reader reader(query);
        while (auto term = reader.next()) {
            auto found = slot_of.find(*term);
            if (found == slot_of.end()) {
                slot_of.emplace(std::string(*term), repeats.size());
                repeats.push_back(1.0);
            } else {
                repeats[found->second] += 1.0;
            }
        }
    }

    std::size_t size() const noexcept { return repeats.size(); }
    std::size_t find(std::string_view term) const {
        auto found = slot_of.find(term);
        return found == slot_of.end() ? npos : found->second;
    }
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

// What BM25 needs of one document: its length and the query terms it contains (sparse).
struct document_terms {
    double length = 0;
    std::size_t first_match = 0; // into the shared list of (slot, count) matches
    std::size_t match_count = 0;
};

struct term_match {
    std::size_t slot;
    double count;
};

// 64-bit FNV-1a: stable across platforms and runs, unlike std::hash.
std::uint64_t fnv1a(std::string_view text) noexcept {
    std::uint64_t h = 14695981039346656037ull;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

double unit_hash(std::string_view text) noexcept {
    return static_cast<double>(fnv1a(text) >> 11) * 0x1.0p-53; // [0, 1)
}

} // namespace

double squash(double bm25, double scale) noexcept {
    return bm25 <= 0 ? 0.0 : 1.0 - std::exp(-bm25 / scale);
}

double logit_of(double score) noexcept {
    const double s = std::clamp(score, 1e-12, 1.0 - 1e-12);
    return std::log(s / (1.0 - s));
}

std::vector<double> score_documents(std::string_view query,
                                    std::span<const std::string_view> documents, scoring mode,
                                    const bm25_parameters& p) {
    const query_terms terms(query);
    std::vector<document_terms> docs(documents.size());
    std::vector<term_match> matches;
    std::vector<double> counts(terms.size(), 0.0);
    std::vector<std::size_t> touched;
    std::vector<double> document_frequency(terms.size(), 0.0);
    double total_length = 0;

    for (std::size_t d = 0; d < documents.size(); ++d) {
        term_reader reader(documents[d]);
        std::size_t length = 0;
        while (auto term = reader.next()) {
            ++length;
            const std::size_t slot = terms.find(*term);
            if (slot == query_terms::npos)
                continue;
            if (counts[slot] == 0)
                touched.push_back(slot);
            counts[slot] += 1;
        }
        docs[d].length = static_cast<double>(length);
        docs[d].first_match = matches.size();
        docs[d].match_count = touched.size();
        for (std::size_t slot : touched) {
            matches.push_back({slot, counts[slot]});
            document_frequency[slot] += 1;
            counts[slot] = 0;
        }
        touched.clear();
        total_length += static_cast<double>(length);
    }

    const double n = static_cast<double>(documents.size());
    const bool independent = mode == scoring::independent;
    double average_length = independent ? p.fixed_average_length : (n > 0 ? total_length / n : 0.0);
    if (average_length <= 0)
        average_length = 1;
    std::vector<double> idf(terms.size(), 1.0);
    if (!independent)
        for (std::size_t t = 0; t < terms.size(); ++t) {
            const double df = document_frequency[t];
            idf[t] = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
        }

    std::vector<double> scores(documents.size());
    for (std::size_t d = 0; d < documents.size(); ++d) {
        const double norm = p.k1 * (1.0 - p.b + p.b * docs[d].length / average_length);
        double sum = 0;
        for (std::size_t m = 0; m < docs[d].match_count; ++m) {
            const term_match& match = matches[docs[d].first_match + m];
            sum += terms.repeats[match.slot] * idf[match.slot] * match.count * (p.k1 + 1.0) /
                   (match.count + norm);
        }
        scores[d] = squash(sum, p.squash_scale) * (1.0 - p.tie_jitter) +
                    p.tie_jitter * unit_hash(documents[d]);
    }
    return scores;
}

std::vector<std::size_t> rank(std::span<const double> scores, std::size_t top_n) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto better = [&](std::size_t a, std::size_t b) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
    };
    if (top_n < order.size()) {
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top_n),
                          order.end(), better);
        order.resize(top_n);
    } else {
        std::sort(order.begin(), order.end(), better);
    }
    return order;
}

} // namespace rerank::emulator::detail
