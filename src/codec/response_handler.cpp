#include "codec/response_handler.hpp"

#include "codec/dialect_wire.hpp"

#include <cmath>
#include <limits>

namespace rerank::detail {

void response_handler::start(rerank::dialect d, std::size_t document_count, decoded_response& out,
                             std::vector<std::uint32_t>& seen) {
    dialect_ = d;
    const dialect_wire& shape = wire_of(d);
    results_key_ = shape.results_key;
    score_key_ = shape.score_key;
    native_ = shape.results_in_output;
    document_count_ = document_count;
    out_ = &out;
    seen_ = &seen;
    depth_ = 0;
    skip_depth_ = 0;
    field_ = field::other;
    in_string_ = false;
    key_size_ = 0;
    key_too_long_ = false;
    result_number_ = 0;
    results_seen_ = false;
    id_.clear();
    request_id_.clear();
    has_total_tokens_ = has_input_tokens_ = false;
    total_tokens_ = input_tokens_ = 0;
    problem_.clear();
    not_an_object_ = false;
}

void response_handler::finish() {
    out_->id = request_id();
    out_->total_tokens = has_total_tokens_ ? total_tokens_ : input_tokens_;
    if (!results_seen_ && !results_key_.empty())
        fail("the response has no \"" + std::string(results_path(dialect_)) + "\" array");
}

const std::string& response_handler::request_id() const noexcept {
    // Each dialect's own id field first, the other as a fallback.
    const std::string& first = native_ ? request_id_ : id_;
    return first.empty() ? (native_ ? id_ : request_id_) : first;
}

response_handler::field response_handler::field_of(std::string_view key) const noexcept {
    // The members read in each place. There are few: a scan costs no more than a chain of ifs.
    struct member {
        std::string_view key;
        field value;
    };
    static constexpr member root_members[] = {
        {"id", field::id},       {"request_id", field::request_id},
        {"model", field::model}, {"usage", field::usage},
        {"meta", field::meta},   {"tokens", field::meta_tokens}}; // SiliconFlow
    static constexpr member output_members[] = {{"results", field::results}};
    static constexpr member usage_members[] = {{"total_tokens", field::total_tokens},
                                               {"input_tokens", field::input_tokens}};
    static constexpr member meta_members[] = {{"tokens", field::meta_tokens}};
    static constexpr member meta_tokens_members[] = {{"input_tokens", field::input_tokens}};
    const auto find = [key](const auto& members) {
        for (const member& m : members)
            if (m.key == key)
                return m.value;
        return field::other;
    };

    switch (top()) {
    case place::result:
        if (key == "index")
            return field::index;
        return key == score_key_ ? field::relevance_score : field::other;
    case place::root:
        if (key == (native_ ? std::string_view("output") : results_key_)) // the dialect's own
            return native_ ? field::output : field::results;
        return find(root_members);
    case place::output:
        return find(output_members);
    case place::usage:
        return find(usage_members);
    case place::meta:
        return find(meta_members);
    case place::meta_tokens:
        return find(meta_tokens_members);
    case place::results:
        break; // arrays have no keys
    }
    return field::other;
}

bool response_handler::on_key_part(sv s, std::size_t, ec_type&) {
    if (skip_depth_ != 0 || key_too_long_)
        return true;
    if (key_size_ + s.size() > key_.size()) {
        key_too_long_ = true;
        return true;
    }
    std::copy(s.begin(), s.end(), key_.begin() + static_cast<std::ptrdiff_t>(key_size_));
    key_size_ += s.size();
    return true;
}

bool response_handler::on_key(sv s, std::size_t n, ec_type& ec) {
    if (skip_depth_ != 0)
        return true;
    if (key_size_ == 0 && !key_too_long_) { // the usual case: the whole key in one piece
        field_ = field_of(std::string_view(s.data(), s.size()));
    } else {
        on_key_part(s, n, ec);
        field_ = key_too_long_ ? field::other : field_of(std::string_view(key_.data(), key_size_));
        key_size_ = 0;
        key_too_long_ = false;
    }
    // A repeated member replaces the earlier value, as in a DOM.
    if (std::string* target = string_target(field_))
        target->clear();
    return true;
}

bool response_handler::on_object_begin(ec_type&) {
    if (skip_depth_ != 0) {
        ++skip_depth_;
        return true;
    }
    if (depth_ == 0) {
        if (results_key_.empty()) { // TEI: the answer is the array itself
            not_an_object_ = true;
            fail("the response is not a JSON array");
            skip_depth_ = 1;
            return true;
        }
        push(place::root);
        return true;
    }
    if (top() == place::results) {
        begin_result();
        push(place::result);
        return true;
    }
    const field f = take_field();
    switch (f) {
    case field::usage:
        push(place::usage);
        return true;
    case field::output:
        push(place::output);
        return true;
    case field::meta:
        push(place::meta);
        return true;
    case field::meta_tokens:
        push(place::meta_tokens);
        return true;
    default:
        break;
    }
    wrong_type(f, "an object");
    skip_depth_ = 1;
    return true;
}

bool response_handler::on_object_end(std::size_t, ec_type&) {
    if (skip_depth_ != 0) {
        --skip_depth_;
        return true;
    }
    --depth_;
    if (places_[depth_] == place::result)
        end_result();
    return true;
}

bool response_handler::on_array_begin(ec_type&) {
    if (skip_depth_ != 0) {
        ++skip_depth_;
        return true;
    }
    if (depth_ == 0 && results_key_.empty()) {
        results_seen_ = true;
        push(place::results);
        return true;
    }
    if (depth_ != 0 && top() != place::results) {
        const field f = take_field();
        if (f == field::results && begin_results())
            return true;
        if (f != field::results)
            wrong_type(f, "an array");
    } else {
        scalar_field(); // reports a top-level array or a result that is not an object
    }
    skip_depth_ = 1;
    return true;
}

bool response_handler::on_array_end(std::size_t, ec_type&) {
    if (skip_depth_ != 0)
        --skip_depth_;
    else
        --depth_;
    return true;
}

bool response_handler::on_string_part(sv s, std::size_t, ec_type&) {
    if (!in_string_) {
        in_string_ = true;
        string_field_ = scalar_field();
        wrong_type(string_field_, "a string");
    }
    if (std::string* target = string_target(string_field_))
        target->append(s.data(), s.size());
    return true;
}

bool response_handler::on_string(sv s, std::size_t n, ec_type& ec) {
    if (!in_string_) {
        // Fast path for skipped text (echoed documents): one field lookup and out.
        string_field_ = scalar_field();
        if (string_field_ == field::other)
            return true;
        wrong_type(string_field_, "a string");
        if (std::string* target = string_target(string_field_))
            target->append(s.data(), s.size());
        return true;
    }
    on_string_part(s, n, ec);
    in_string_ = false;
    return true;
}

namespace {

// Whether a double is a whole number that converts to uint64 exactly (below 2^64).
bool is_whole(double d) noexcept {
    constexpr double two_to_64 = 18446744073709551616.0;
    return std::isfinite(d) && d >= 0 && d < two_to_64 && d == std::floor(d);
}

} // namespace

// The three number events meet here, so each field's rule is written once. A score takes any
// finite number; an index or a token count only a non-negative integer, which a double may be
// too (`2.0`). Whether a double is one is asked only for those fields: scores skip the test.
struct response_handler::number {
    enum class kind : std::uint8_t { non_negative, negative, floating };

    kind type;
    std::uint64_t count; // the value, if non_negative
    double value;        // the value, always

    // The value as a count, if it is a non-negative integer below 2^64.
    bool as_count(std::uint64_t& out) const noexcept {
        if (type == kind::non_negative)
            out = count;
        else if (type == kind::floating && is_whole(value))
            out = static_cast<std::uint64_t>(value);
        else
            return false;
        return true;
    }
    // Why an index that is not a count was refused.
    const char* not_a_count() const noexcept {
        return type == kind::negative ? " is negative" : " is not a non-negative integer";
    }
};

bool response_handler::on_int64(std::int64_t i, sv s, ec_type& ec) {
    if (i >= 0)
        return on_uint64(static_cast<std::uint64_t>(i), s, ec);
    read_number(scalar_field(), number{number::kind::negative, 0, static_cast<double>(i)}, s);
    return true;
}

bool response_handler::on_uint64(std::uint64_t u, sv s, ec_type&) {
    read_number(scalar_field(), number{number::kind::non_negative, u, static_cast<double>(u)}, s);
    return true;
}

bool response_handler::on_double(double d, sv s, ec_type&) {
    read_number(scalar_field(), number{number::kind::floating, 0, d}, s);
    return true;
}

void response_handler::read_number(field f, const number& n, sv text) {
    std::uint64_t count = 0;
    switch (f) {
    case field::index:
        if (n.as_count(count))
            set_index(count, text);
        else
            fail_result("index " + std::string(text) + n.not_a_count());
        break;
    case field::relevance_score:
        set_score(n.value, text);
        break;
    case field::total_tokens:
    case field::input_tokens:
        if (n.as_count(count))
            set_tokens(f, count);
        else
            bad_tokens(f, text);
        break;
    default:
        wrong_type(f, "a number");
        break;
    }
}

bool response_handler::on_bool(bool, ec_type&) {
    wrong_type(scalar_field(), "a boolean");
    return true;
}

bool response_handler::on_null(ec_type&) {
    const field f = scalar_field();
    // A null usage count is as good as none; everything else we read must be there.
    if (f != field::total_tokens && f != field::input_tokens)
        wrong_type(f, "null");
    return true;
}

response_handler::field response_handler::scalar_field() {
    if (skip_depth_ != 0)
        return field::other;
    if (depth_ == 0) {
        not_an_object_ = true;
        fail(results_key_.empty() ? "the response is not a JSON array"
                                  : "the response is not a JSON object");
        return field::other;
    }
    if (top() == place::results) {
        fail("result " + std::to_string(result_number_) + " is not an object");
        ++result_number_;
        return field::other;
    }
    return take_field();
}

std::string* response_handler::string_target(field f) noexcept {
    switch (f) {
    case field::id:
        return &id_;
    case field::request_id:
        return &request_id_;
    case field::model:
        return &out_->model;
    default:
        return nullptr;
    }
}

// The dialect's results array opens: followed the first time, refused after.
bool response_handler::begin_results() {
    if (results_seen_) {
        fail("the response has more than one results array");
        return false;
    }
    results_seen_ = true;
    push(place::results);
    return true;
}

void response_handler::begin_result() noexcept {
    has_index_ = has_score_ = result_failed_ = false;
}

void response_handler::end_result() {
    const std::size_t number = result_number_++;
    if (result_failed_)
        return;
    if (!has_index_)
        return fail("result " + std::to_string(number) + ": \"index\" is missing");
    if (!has_score_)
        return fail("result " + std::to_string(number) + ": \"" + std::string(score_key_) +
                    "\" is missing");
    std::uint32_t& mark = (*seen_)[index_];
    if (mark != 0)
        return fail("result " + std::to_string(number) + ": index " + std::to_string(index_) +
                    " repeats result " + std::to_string(mark - 1));
    mark = static_cast<std::uint32_t>(number + 1);
    out_->results.push_back(wire_result{index_, score_});
}

void response_handler::set_index(std::uint64_t index, sv text) {
    if (index >= document_count_)
        return fail_result("index " + std::string(text) + " is out of range (" +
                           std::to_string(document_count_) + " documents)");
    index_ = static_cast<std::size_t>(index);
    has_index_ = true;
}

void response_handler::set_score(double score, sv text) {
    if (!std::isfinite(score))
        return fail_result(std::string(score_key_) + " " + std::string(text) +
                           " is not a finite number");
    score_ = score;
    has_score_ = true;
}

void response_handler::set_tokens(field f, std::uint64_t value) noexcept {
    if (f == field::total_tokens) {
        total_tokens_ = value;
        has_total_tokens_ = true;
    } else {
        input_tokens_ = value;
        has_input_tokens_ = true;
    }
}

void response_handler::bad_tokens(field f, sv text) {
    fail(std::string("usage.") + (f == field::total_tokens ? "total_tokens" : "input_tokens") +
         " " + std::string(text) + " is not a non-negative integer");
}

void response_handler::wrong_type(field f, const char* what) {
    switch (f) {
    case field::index:
    case field::relevance_score:
        return fail_result(std::string(f == field::index ? "index" : score_key_) + " is " + what +
                           ", not a number");
    case field::results:
        return fail(std::string(results_path(dialect_)) + " is " + what + ", not an array");
    case field::total_tokens:
    case field::input_tokens:
        return fail(std::string("usage.") +
                    (f == field::total_tokens ? "total_tokens" : "input_tokens") + " is " + what +
                    ", not a non-negative integer");
    default:
        // id, request_id, model, usage, meta and output of an unexpected type are not ours to
        // judge: they are ignored (a missing output.results is reported at the end).
        return;
    }
}

void response_handler::fail(std::string message) {
    if (problem_.empty())
        problem_ = std::move(message);
}

// A problem with the result being read: the first one is reported, and the result is not kept.
void response_handler::fail_result(std::string_view what) {
    fail(result_prefix().append(what));
    result_failed_ = true;
}

std::string response_handler::result_prefix() const {
    return "result " + std::to_string(result_number_) + ": ";
}

} // namespace rerank::detail
