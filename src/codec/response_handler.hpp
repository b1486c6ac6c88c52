// The SAX handler behind response_decoder: turns JSON events (json_reader's, or
// boost::json::basic_parser's: the interface is the same) into a decoded_response, skipping
// everything it does not need. Internal to decode.cpp and its tests.
#pragma once

#include "codec/decode.hpp"

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::detail {

/// Follows only the paths that matter (`id`, `request_id`, `model`, `usage.*`,
/// `meta.tokens.input_tokens`, the dialect's results array — `results`, `output.results`,
/// `data`, `rankings` or the top-level array — and `index` and the dialect's score member —
/// `relevance_score`, `score`, `logit` — in each result); every other value is
/// skipped by counting nesting, so an echoed `document` costs the parser's scan and nothing more.
/// Semantic problems do not stop the parse: the first is kept and the rest of the body is still
/// read, so a request id that comes after the results is not lost.
class response_handler {
public:
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

    using ec_type = boost::json::error_code;
    using sv = boost::json::string_view;

    /// Prepares a parse. `seen[i]` must be 0 for every i < document_count; decoded results mark
    /// it (result number + 1), and the caller clears those marks afterwards.
    void start(rerank::dialect d, std::size_t document_count, decoded_response& out,
               std::vector<std::uint32_t>& seen);

    /// After the parser accepted the whole body: fills what came from several fields
    /// (`out.id`, `out.total_tokens`) and checks that results were present.
    void finish();

    /// The first problem found, empty if none.
    const std::string& problem() const noexcept { return problem_; }
    /// Whether the problem is that the body is JSON but not an object (diagnostics then show it).
    bool not_an_object() const noexcept { return not_an_object_; }
    /// The request id seen so far (for diagnostics of a failed decode).
    const std::string& request_id() const noexcept;

    /// For json_reader: whether the string value that comes next is kept (id, request_id,
    /// model), so it must be unescaped; other strings (echoed documents) are only validated.
    bool wants_string_value() const noexcept {
        return skip_depth_ == 0 &&
               (field_ == field::id || field_ == field::request_id || field_ == field::model);
    }

    bool on_document_begin(ec_type&) { return true; }
    bool on_document_end(ec_type&) { return true; }
    bool on_object_begin(ec_type&);
    bool on_object_end(std::size_t, ec_type&);
    bool on_array_begin(ec_type&);
    bool on_array_end(std::size_t, ec_type&);
    bool on_key_part(sv s, std::size_t, ec_type&);
    bool on_key(sv s, std::size_t, ec_type&);
    bool on_string_part(sv s, std::size_t, ec_type&);
    bool on_string(sv s, std::size_t, ec_type&);
    bool on_number_part(sv, ec_type&) { return true; }
    bool on_int64(std::int64_t i, sv s, ec_type&);
    bool on_uint64(std::uint64_t u, sv s, ec_type&);
    bool on_double(double d, sv s, ec_type&);
    bool on_bool(bool, ec_type&);
    bool on_null(ec_type&);
    bool on_comment_part(sv, ec_type&) { return true; }
    bool on_comment(sv, ec_type&) { return true; }

private:
    // Where the parser is, among the places we follow. Anything else is skipped (skip_depth_).
    enum class place : std::uint8_t { root, output, usage, meta, meta_tokens, results, result };
    // Which member's value comes next, for the members we read.
    enum class field : std::uint8_t {
        other,
        id,
        request_id,
        model,
        output,
        usage,
        meta,
        meta_tokens,
        results,
        total_tokens,
        input_tokens,
        index,
        relevance_score,
    };

    place top() const noexcept { return places_[depth_ - 1]; }
    void push(place p) noexcept { places_[depth_++] = p; }
    field take_field() noexcept {
        const field f = field_;
        field_ = field::other;
        return f;
    }
    // A JSON number as the parser delivered it (defined in the .cpp).
    struct number;

    field field_of(std::string_view key) const noexcept;
    field scalar_field();
    std::string* string_target(field f) noexcept;
    bool begin_results();
    void begin_result() noexcept;
    void end_result();
    void read_number(field f, const number& n, sv text);
    void set_index(std::uint64_t index, sv text);
    void set_score(double score, sv text);
    void set_tokens(field f, std::uint64_t value) noexcept;
    void bad_tokens(field f, sv text);
    void wrong_type(field f, const char* what);
    void fail(std::string message);
    void fail_result(std::string_view what);
    std::string result_prefix() const;

    // Set by start().
    rerank::dialect dialect_ = rerank::dialect::dashscope;
    std::string_view results_key_ = "results"; // at the root; empty: the root is the array
    std::string_view score_key_ = "relevance_score";
    bool native_ = false; // results under `output`, request id in `request_id`
    std::size_t document_count_ = 0;
    decoded_response* out_ = nullptr;
    std::vector<std::uint32_t>* seen_ = nullptr;

    // Parse position.
    std::array<place, 4> places_{}; // root > output > results > result is the deepest path
    std::size_t depth_ = 0;
    std::size_t skip_depth_ = 0; // > 0 inside a container we skip
    field field_ = field::other;
    bool in_string_ = false; // between a string's first part and its end
    field string_field_ = field::other;
    std::array<char, 24> key_{}; // a key that arrived in parts; longer keys are none of ours
    std::size_t key_size_ = 0;
    bool key_too_long_ = false;

    // The result being read.
    std::size_t result_number_ = 0; // position in the results array, for messages
    std::size_t index_ = 0;
    double score_ = 0;
    bool has_index_ = false;
    bool has_score_ = false;
    bool result_failed_ = false;

    // What the body said.
    bool results_seen_ = false;
    std::string id_;
    std::string request_id_;
    bool has_total_tokens_ = false;
    bool has_input_tokens_ = false;
    std::uint64_t total_tokens_ = 0;
    std::uint64_t input_tokens_ = 0;

    std::string problem_;
    bool not_an_object_ = false;
};

} // namespace rerank::detail
