// A JSON SAX handler that records every event as text, for comparing json_reader with
// boost::json::basic_parser (test/codec/test_json_reader.cpp, test/fuzz/json_reader_fuzz.cpp).
#pragma once

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rerank::test {

/// Works with both parsers; merges the *_part events (Boost's) so that both compare equal.
/// Doubles are kept apart, with the number's text, to be compared numerically.
struct json_event_recorder {
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    using ec = boost::json::error_code;
    using sv = boost::json::string_view;

    bool want_strings = true;
    std::vector<std::string> events;
    std::vector<double> doubles;
    /// The text of each double (whole from json_reader; Boost's last part only when a number
    /// is split across writes).
    std::vector<std::string> double_texts;
    std::string part;

    bool wants_string_value() const { return want_strings; }
    bool on_document_begin(ec&) { return true; }
    bool on_document_end(ec&) { return true; }
    bool on_object_begin(ec&) { return add("{"); }
    bool on_object_end(std::size_t n, ec&) { return add(tagged('}', n)); }
    bool on_array_begin(ec&) { return add("["); }
    bool on_array_end(std::size_t n, ec&) { return add(tagged(']', n)); }
    bool on_key_part(sv s, std::size_t, ec&) { return part.append(s.data(), s.size()), true; }
    bool on_key(sv s, std::size_t n, ec&) { return whole("k:", s, n); }
    bool on_string_part(sv s, std::size_t, ec&) { return part.append(s.data(), s.size()), true; }
    bool on_string(sv s, std::size_t n, ec&) {
        return want_strings ? whole("s:", s, n) : (part.clear(), add("s"));
    }
    bool on_number_part(sv, ec&) { return true; }
    bool on_int64(std::int64_t i, sv, ec&) { return add("i:" + std::to_string(i)); }
    bool on_uint64(std::uint64_t u, sv, ec&) { return add("u:" + std::to_string(u)); }
    bool on_double(double d, sv text, ec&) {
        doubles.push_back(d);
        double_texts.emplace_back(text.data(), text.size());
        return add("d");
    }
    bool on_bool(bool b, ec&) { return add(b ? "true" : "false"); }
    bool on_null(ec&) { return add("null"); }
    bool on_comment_part(sv, ec&) { return true; }
    bool on_comment(sv, ec&) { return true; }

    // Not "}" + to_string(n): GCC 12 at -O3 warns falsely (-Wstringop-overflow) on that.
    static std::string tagged(char tag, std::size_t n) {
        std::string s = std::to_string(n);
        s.insert(s.begin(), tag);
        return s;
    }
    bool add(std::string e) {
        events.push_back(std::move(e));
        return true;
    }
    bool whole(const char* tag, sv s, std::size_t n) {
        part.append(s.data(), s.size());
        const bool size_ok = n == part.size();
        events.push_back(tag + part + (size_ok ? "" : " (bad size)"));
        part.clear();
        return true;
    }
};

} // namespace rerank::test
