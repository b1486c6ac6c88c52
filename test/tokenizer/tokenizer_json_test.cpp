// qwen3_tokenizer::from_file / from_json on a tiny tokenizer.json of the Qwen format, written
// to a temporary directory, and the errors for files it must refuse.
#include <rerank/qwen3_tokenizer.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace {

using rerank::qwen3_tokenizer;
using ids = std::vector<std::uint32_t>;
namespace json = boost::json;

// GPT-2's byte-level alphabet, written independently of the library's.
std::string byte_char(unsigned b) {
    unsigned cp;
    if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174) {
        cp = b;
    } else {
        unsigned n = 0; // rank of b among the non-printable bytes
        for (unsigned x = 0; x < b; ++x)
            if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || x >= 174))
                ++n;
        cp = 256 + n;
    }
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

// Bytes 0..255 get ids in the alphabet's order (printable ones first, as in Qwen's file), then
// he=256 ll=257 hell=258 hello=259 Ġw=260 or=261 Ġwor=262; added token <|x|>=263.
json::object tiny_tokenizer() {
    json::object vocab;
    std::uint32_t id = 0;
    std::vector<unsigned> order;
    for (unsigned b = 0; b < 256; ++b)
        if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174)
            order.push_back(b);
    for (unsigned b = 0; b < 256; ++b)
        if (!((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174))
            order.push_back(b);
    for (const unsigned b : order)
        vocab[byte_char(b)] = id++;
    const std::string space = byte_char(' ');
    for (const std::string& t :
         {std::string("he"), std::string("ll"), std::string("hell"), std::string("hello"),
          space + "w", std::string("or"), space + "wor"})
        vocab[t] = id++;
    json::array merges = {"h e", "l l", "he ll", "hell o"};
    merges.push_back(json::array{json::string(space), "w"}); // the newer [a, b] form
    merges.push_back("o r");
    merges.push_back(json::array{json::string(space + "w"), "or"});
    return json::object{
        {"version", "1.0"},
        {"added_tokens", json::array{json::object{{"id", 263},
                                                  {"content", "<|x|>"},
                                                  {"single_word", false},
                                                  {"lstrip", false},
                                                  {"rstrip", false},
                                                  {"normalized", false},
                                                  {"special", true}}}},
        {"normalizer", json::object{{"type", "NFC"}}},
        {"pre_tokenizer",
         json::object{
             {"type", "Sequence"},
             {"pretokenizers",
              json::array{
                  json::object{
                      {"type", "Split"},
                      {"pattern",
                       json::object{
                           {"Regex",
                            R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)"}}},
                      {"behavior", "Isolated"},
                      {"invert", false}},
                  json::object{{"type", "ByteLevel"},
                               {"add_prefix_space", false},
                               {"trim_offsets", false},
                               {"use_regex", false}}}}}},
        {"model", json::object{{"type", "BPE"},
                               {"dropout", nullptr},
                               {"unk_token", nullptr},
                               {"continuing_subword_prefix", ""},
                               {"end_of_word_suffix", ""},
                               {"fuse_unk", false},
                               {"byte_fallback", false},
                               {"ignore_merges", false},
                               {"vocab", vocab},
                               {"merges", merges}}}};
}

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        path =
            std::filesystem::temp_directory_path() /
            ("rerank-tokenizer-test-" + std::to_string(std::hash<std::string>{}(
                                            std::to_string(reinterpret_cast<std::uintptr_t>(this)) +
                                            std::to_string(std::time(nullptr)))));
        std::filesystem::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& content) const {
        const auto file = path / name;
        std::ofstream(file, std::ios::binary) << content;
        return file.string();
    }
};

// Runs f and returns the message of the std::runtime_error it throws ("" when none).
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

std::string refused(const std::function<void(json::object&)>& edit) {
    json::object doc = tiny_tokenizer();
    edit(doc);
    return error_of([&] { qwen3_tokenizer::from_json(json::serialize(doc)); });
}

BOOST_AUTO_TEST_SUITE(tokenizer_json)

BOOST_AUTO_TEST_CASE(tiny_tokenizer_from_a_file) {
    const temp_dir dir;
    const auto path = dir.write("tokenizer.json", json::serialize(tiny_tokenizer()));
    const qwen3_tokenizer t = qwen3_tokenizer::from_file(path);
    const std::uint32_t l = 'l' - 33, d = 'd' - 33; // printable bytes come first, from '!'
    BOOST_TEST(t.encode("hello") == (ids{259}), boost::test_tools::per_element());
    BOOST_TEST(t.encode("hello world") == (ids{259, 262, l, d}), boost::test_tools::per_element());
    BOOST_TEST(t.encode("<|x|>hello<|x|>") == (ids{263, 259, 263}),
               boost::test_tools::per_element());
    BOOST_TEST(t.count("hello world") == 4u);
    BOOST_TEST(t.decode(t.encode("hello world")) == "hello world");
    BOOST_TEST(t.vocab_size() == 264u);
    // NFC applies: e + combining acute is the two bytes of é, each a single-byte token.
    BOOST_TEST(t.count("e\u0301") == 2u);
    // A copy shares the model and behaves the same.
    const qwen3_tokenizer copy = t;
    BOOST_TEST(copy.count("hello world") == 4u);
    // The built-in tokenizer is a different model: its per-thread cache must not mix them up.
    BOOST_TEST(qwen3_tokenizer::builtin().count("hello world") == 2u);
    BOOST_TEST(t.count("hello world") == 4u);
}

BOOST_AUTO_TEST_CASE(no_normalizer_means_no_nfc) {
    json::object doc = tiny_tokenizer();
    doc["normalizer"] = nullptr;
    const qwen3_tokenizer t = qwen3_tokenizer::from_json(json::serialize(doc));
    BOOST_TEST(t.count("e\u0301") == 3u); // e, then the two bytes of U+0301
}

BOOST_AUTO_TEST_CASE(missing_and_invalid_files_are_refused) {
    const temp_dir dir;
    const std::string missing = (dir.path / "nope.json").string();
    BOOST_TEST(error_of([&] { qwen3_tokenizer::from_file(missing); }).find("cannot open") !=
               std::string::npos);
    const auto bad = dir.write("bad.json", "{\"model\": ");
    const std::string e = error_of([&] { qwen3_tokenizer::from_file(bad); });
    BOOST_TEST(e.find("invalid JSON") != std::string::npos);
    BOOST_TEST(e.find("bad.json") != std::string::npos);
    BOOST_TEST(error_of([&] { qwen3_tokenizer::from_json("[]"); }).find("not an object") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(unsupported_tokenizers_are_refused_by_name) {
    BOOST_TEST(
        refused([](json::object& d) {
            d["pre_tokenizer"].as_object()["pretokenizers"].as_array()[0].as_object()["pattern"] =
                json::object{{"Regex", "\\s+"}};
        }).find("Split pattern") != std::string::npos);
    BOOST_TEST(refused([](json::object& d) {
                   d["model"].as_object()["type"] = "WordPiece";
               }).find("BPE") != std::string::npos);
    BOOST_TEST(refused([](json::object& d) {
                   d["normalizer"] = json::object{{"type", "NFKC"}};
               }).find("normalizer") != std::string::npos);
    BOOST_TEST(refused([](json::object& d) {
                   d["model"].as_object()["byte_fallback"] = true;
               }).find("byte_fallback") != std::string::npos);
    BOOST_TEST(refused([](json::object& d) {
                   d["added_tokens"].as_array()[0].as_object()["lstrip"] = true;
               }).find("lstrip") != std::string::npos);
    BOOST_TEST(refused([](json::object& d) {
                   d["model"].as_object()["merges"].as_array().push_back("h zz");
               }).find("unknown token") != std::string::npos);
    BOOST_TEST(refused([](json::object& d) {
                   d["model"].as_object()["vocab"].as_object().erase(byte_char('q'));
               }).find("ids must be") != std::string::npos);
    BOOST_TEST(refused([](json::object& d) {
                   auto& vocab = d["model"].as_object()["vocab"].as_object();
                   const auto id = vocab[byte_char('q')];
                   vocab.erase(byte_char('q'));
                   vocab["qq"] = id; // keeps ids contiguous, loses the token of byte 'q'
               }).find("no token for byte") != std::string::npos);
    BOOST_TEST(refused([](json::object& d) {
                   d["model"].as_object()["vocab"].as_object()["\xE4\xB8\xAD"] = 263;
               }).find("byte-level alphabet") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
