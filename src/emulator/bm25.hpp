// The emulator's relevance scores: BM25 of the query's terms, squashed into [0, 1).
// Pure functions, no I/O.
#pragma once

#include <rerank/emulator/options.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace rerank::emulator::detail {

struct bm25_parameters {
    /// Term-frequency saturation and length normalisation: the usual BM25 constants.
    double k1 = 1.2;
    double b = 0.75;
    /// `scoring::independent`: the average document length assumed, in terms.
    double fixed_average_length = 64.0;
    /// A BM25 sum s becomes 1 - exp(-s / squash_scale): one ordinary matching term scores
    /// about 0.3, several approach 1.
    double squash_scale = 3.0;
    /// Scores get `tie_jitter × h` added (after scaling the rest by 1 - tie_jitter), h in [0, 1)
    /// a hash of the document's text: different documents with equal BM25 (e.g. no match at all)
    /// rarely tie, identical documents always do.
    double tie_jitter = 1e-6;
};

/// Maps a BM25 sum (>= 0) into [0, 1), monotonically.
double squash(double bm25, double scale) noexcept;

/// The logit of a score in [0, 1): ln(s / (1 - s)), what a cross-encoder's last layer gives
/// before its sigmoid (NIM's `logit`, TEI's `raw_scores`). Monotonic, so rankings agree;
/// finite (the score is clamped to [1e-12, 1 - 1e-12]).
double logit_of(double score) noexcept;

/// The relevance score of each of `documents` for `query`, in [0, 1), deterministic.
/// Terms are those of `term_reader`; a query term repeated counts as many times.
std::vector<double> score_documents(std::string_view query,
                                    std::span<const std::string_view> documents, scoring mode,
                                    const bm25_parameters& parameters = {});

/// The indices of the `top_n` best scores (all when `top_n` >= size), by score descending,
/// then index ascending.
std::vector<std::size_t> rank(std::span<const double> scores, std::size_t top_n);

} // namespace rerank::emulator::detail
