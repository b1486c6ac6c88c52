// Reader of Hugging Face tokenizer.json files of the Qwen2/Qwen3 family. Everything that would
// make the tokenizer behave differently from the one implemented here is refused by name.
#include "tokenizer/vocabulary.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <stdexcept>
#include <string>
#include <unordered_map>

namespace rerank::tokenizer_detail {

namespace {

namespace json = boost::json;

constexpr std::string_view qwen_split_pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("tokenizer.json: " + what);
}

const json::value& member(const json::object& o, std::string_view key, const char* where) {
    const json::value* v = o.if_contains(key);
    if (!v)
        fail(std::string(where) + " has no \"" + std::string(key) + "\"");
    return *v;
}

const json::object& as_object(const json::value& v, const char* where) {
    if (!v.is_object())
        fail(std::string(where) + " is not an object");
    return v.get_object();
}

std::string_view as_string(const json::value& v, const char* where) {
    if (!v.is_string())
        fail(std::string(where) + " is not a string");
    return v.get_string();
}

bool flag(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_bool() && v->get_bool();
}

// A field that must be absent, null, an empty string or false.
void require_unset(const json::object& o, std::string_view key, const char* where) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null())
        return;
    if (v->is_string() && v->get_string().empty())
        return;
    if (v->is_bool() && !v->get_bool())
        return;
    fail(std::string(where) + " \"" + std::string(key) + "\" is not supported");
}

// GPT-2's byte-level alphabet: the character standing for each byte.
std::unordered_map<char32_t, unsigned char> byte_level_alphabet() {
    std::unordered_map<char32_t, unsigned char> map;
    char32_t next_extra = 256;
    for (unsigned b = 0; b < 256; ++b) {
        const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
        map.emplace(printable ? char32_t(b) : next_extra++, static_cast<unsigned char>(b));
    }
    return map;
}

// Maps a byte-level token string back to the bytes it stands for.
std::string to_bytes(std::string_view token,
                     const std::unordered_map<char32_t, unsigned char>& alphabet) {
    std::string out;
    out.reserve(token.size());
    const auto* p = reinterpret_cast<const unsigned char*>(token.data());
    const auto* const end = p + token.size();
    while (p < end) {
        char32_t cp;
        if (*p < 0x80) {
            cp = *p++;
        } else if ((*p & 0xE0) == 0xC0 && end - p >= 2) {
            cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            p += 2;
        } else {
            fail("token \"" + std::string(token) + "\" is not in the byte-level alphabet");
        }
        const auto it = alphabet.find(cp);
        if (it == alphabet.end())
            fail("token \"" + std::string(token) + "\" is not in the byte-level alphabet");
        out.push_back(static_cast<char>(it->second));
    }
    return out;
}

void check_pre_tokenizer(const json::value& pre) {
    const json::object& o = as_object(pre, "pre_tokenizer");
    if (as_string(member(o, "type", "pre_tokenizer"), "pre_tokenizer type") != "Sequence")
        fail("pre_tokenizer must be a Sequence of Split and ByteLevel");
    const json::value& list = member(o, "pretokenizers", "pre_tokenizer");
    if (!list.is_array() || list.get_array().size() != 2)
        fail("pre_tokenizer must be a Sequence of Split and ByteLevel");
    const json::object& split = as_object(list.get_array()[0], "pre_tokenizer[0]");
    const json::object& bytes = as_object(list.get_array()[1], "pre_tokenizer[1]");
    if (as_string(member(split, "type", "pre_tokenizer[0]"), "type") != "Split")
        fail("pre_tokenizer[0] must be Split");
    const json::object& pattern = as_object(member(split, "pattern", "Split"), "Split pattern");
    const json::value* regex = pattern.if_contains("Regex");
    if (!regex || as_string(*regex, "Split pattern") != qwen_split_pattern)
        fail("unsupported Split pattern (only the Qwen2/Qwen3 regex is implemented)");
    if (as_string(member(split, "behavior", "Split"), "Split behavior") != "Isolated" ||
        flag(split, "invert"))
        fail("Split must be Isolated and not inverted");
    if (as_string(member(bytes, "type", "pre_tokenizer[1]"), "type") != "ByteLevel")
        fail("pre_tokenizer[1] must be ByteLevel");
    if (flag(bytes, "add_prefix_space") || flag(bytes, "use_regex"))
        fail("ByteLevel add_prefix_space and use_regex are not supported");
}

} // namespace

vocabulary read_tokenizer_json(std::string_view text) {
    boost::system::error_code ec;
    const json::value root = json::parse(text, ec);
    if (ec)
        fail("invalid JSON: " + ec.message());
    const json::object& top = as_object(root, "the document");

    vocabulary v;
    const json::value& normalizer = member(top, "normalizer", "the document");
    if (normalizer.is_null()) {
        v.nfc = false;
    } else if (as_string(member(as_object(normalizer, "normalizer"), "type", "normalizer"),
                         "normalizer type") != "NFC") {
        fail("unsupported normalizer (only NFC or none)");
    }
    check_pre_tokenizer(member(top, "pre_tokenizer", "the document"));

    const json::object& model = as_object(member(top, "model", "the document"), "model");
    if (as_string(member(model, "type", "model"), "model type") != "BPE")
        fail("model type must be BPE");
    for (const char* key : {"dropout", "unk_token", "continuing_subword_prefix",
                            "end_of_word_suffix", "byte_fallback", "ignore_merges"})
        require_unset(model, key, "model");

    const auto alphabet = byte_level_alphabet();
    const json::value& vocab_value = member(model, "vocab", "model");
    const json::object& vocab = as_object(vocab_value, "model vocab");
    std::vector<std::string> by_id(vocab.size());
    std::vector<bool> seen(vocab.size());
    std::unordered_map<std::string_view, std::uint32_t> ids;
    ids.reserve(vocab.size());
    for (const auto& [key, id_value] : vocab) {
        if (!id_value.is_int64() || id_value.get_int64() < 0 ||
            static_cast<std::uint64_t>(id_value.get_int64()) >= vocab.size())
            fail("vocabulary ids must be 0 .. size - 1");
        const auto id = static_cast<std::uint32_t>(id_value.get_int64());
        if (seen[id])
            fail("vocabulary id " + std::to_string(id) + " is used twice");
        seen[id] = true;
        by_id[id] = to_bytes(key, alphabet);
        ids.emplace(std::string_view(key), id);
    }
    v.token_offsets.reserve(by_id.size() + 1);
    v.token_offsets.push_back(0);
    for (const std::string& t : by_id) {
        v.token_bytes += t;
        v.token_offsets.push_back(static_cast<std::uint32_t>(v.token_bytes.size()));
    }

    const json::value& merges_value = member(model, "merges", "model");
    if (!merges_value.is_array())
        fail("model merges is not an array");
    const auto id_of = [&](std::string_view token) {
        const auto it = ids.find(token);
        if (it == ids.end())
            fail("merge uses unknown token \"" + std::string(token) + "\"");
        return it->second;
    };
    std::string joined;
    for (const json::value& m : merges_value.get_array()) {
        std::string_view left, right;
        if (m.is_string()) { // "a b"
            const std::string_view s = m.get_string();
            const auto space = s.find(' ');
            if (space == std::string_view::npos || s.find(' ', space + 1) != std::string_view::npos)
                fail("malformed merge \"" + std::string(s) + "\"");
            left = s.substr(0, space);
            right = s.substr(space + 1);
        } else if (m.is_array() && m.get_array().size() == 2) { // ["a", "b"]
            left = as_string(m.get_array()[0], "merge");
            right = as_string(m.get_array()[1], "merge");
        } else {
            fail("malformed merge");
        }
        joined.assign(left).append(right);
        v.merges.emplace_back(id_of(left), id_of(right));
        v.merged.push_back(id_of(joined));
    }

    const json::value* added = top.if_contains("added_tokens");
    if (added && !added->is_null()) {
        if (!added->is_array())
            fail("added_tokens is not an array");
        for (const json::value& t : added->get_array()) {
            const json::object& o = as_object(t, "added token");
            const json::value& id = member(o, "id", "added token");
            if (!id.is_int64() || id.get_int64() < 0 || id.get_int64() > 0xFFFFFFF)
                fail("added token id out of range");
            for (const char* key : {"lstrip", "rstrip", "single_word", "normalized"})
                if (flag(o, key))
                    fail(std::string("added token option \"") + key + "\" is not supported");
            v.added.push_back(
                {std::string(as_string(member(o, "content", "added token"), "added token content")),
                 static_cast<std::uint32_t>(id.get_int64()), flag(o, "special")});
        }
    }
    return v;
}

} // namespace rerank::tokenizer_detail
