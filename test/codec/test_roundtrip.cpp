// Properties over random inputs: what encode writes, boost::json reads back unchanged; what a
// server could answer, decode reads back unchanged.
#include "codec/encode.hpp"
#include "decode_support.hpp"
#include "text/utf8.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>

using rerank::dialect;
using namespace rerank::detail;

namespace {

class text_generator {
public:
    explicit text_generator(unsigned seed)
        : rng_(seed) {}

    // Random code points, weighted towards what needs care: quotes, backslashes, controls, and
    // every UTF-8 length up to U+10FFFF (never a surrogate).
    std::string code_points(std::size_t max_length) {
        std::string s;
        const std::size_t n = rng_() % (max_length + 1);
        for (std::size_t i = 0; i != n; ++i) {
            std::uint32_t cp;
            switch (rng_() % 8) {
            case 0:
                cp = "\"\\/\b\f\n\r\t"[rng_() % 8];
                break;
            case 1:
                cp = rng_() % 0x20;
                break; // any control, NUL included
            case 2:
                cp = 0x80 + rng_() % 0x780;
                break; // 2 bytes
            case 3:    // 3 bytes, no surrogates
                do
                    cp = 0x800 + rng_() % 0xF800;
                while (cp >= 0xD800 && cp <= 0xDFFF);
                break;
            case 4:
                cp = 0x10000 + rng_() % 0x100000;
                break; // 4 bytes
            default:
                cp = 0x20 + rng_() % 0x60;
                break; // printable ASCII and DEL
            }
            rerank::utf8::append(s, static_cast<char32_t>(cp));
        }
        return s;
    }

    // Random bytes made valid: ill-formed sequences are dropped.
    std::string bytes(std::size_t max_length) {
        std::string raw(rng_() % (max_length + 1), '\0');
        for (char& c : raw)
            c = static_cast<char>(rng_() % 256);
        std::string s;
        const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
        const auto* end = p + raw.size();
        while (p != end) {
            const std::size_t n = rerank::utf8::sequence_length(p, end);
            if (n != 0)
                s.append(reinterpret_cast<const char*>(p), n);
            p += n ? n : 1;
        }
        return s;
    }

    std::string any(std::size_t max_length) {
        return rng_() % 2 ? code_points(max_length) : bytes(max_length);
    }

    unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }
    std::mt19937& rng() { return rng_; }

private:
    std::mt19937 rng_;
};

std::string_view as_view(const boost::json::value& v) {
    const auto& s = v.as_string();
    return {s.data(), s.size()};
}

} // namespace

BOOST_AUTO_TEST_SUITE(roundtrip)

BOOST_AUTO_TEST_CASE(encode_then_parse_gives_the_inputs_back) {
    text_generator gen(1234);
    std::string body; // reused, as a connection does
    for (int round = 0; round != 3000; ++round) {
        const std::string model = gen.any(12);
        const std::string query = gen.any(40);
        std::vector<std::string> docs(1 + gen.pick(6));
        for (auto& d : docs)
            d = gen.any(gen.pick(4) == 0 ? 300 : 30);
        const std::string instruct = gen.any(20);
        wire_request r{model, query, docs, {}, {}, {}};
        if (gen.pick(2))
            r.top_n = gen.pick(3) == 0 ? std::size_t(-1) : std::size_t(1 + gen.pick(600));
        if (gen.pick(2))
            r.instruct = instruct;
        if (gen.pick(2))
            r.return_documents = gen.pick(2) == 0;
        BOOST_TEST_REQUIRE(rerank::utf8::is_valid(query));

        for (dialect d : {dialect::dashscope, dialect::dashscope_native}) {
            encode_request(d, r, body);
            BOOST_TEST_REQUIRE(encoded_size(d, r) == body.size());
            boost::json::error_code ec;
            const boost::json::value v = boost::json::parse(body, ec);
            BOOST_TEST_REQUIRE(!ec, ec.message() << " in " << body);
            const auto& root = v.as_object();
            const bool native = d == dialect::dashscope_native;
            const auto& input = native ? root.at("input").as_object() : root;
            const boost::json::object* params =
                native
                    ? (root.contains("parameters") ? &root.at("parameters").as_object() : nullptr)
                    : &root;

            BOOST_TEST_REQUIRE(as_view(root.at("model")) == model);
            BOOST_TEST_REQUIRE(as_view(input.at("query")) == query);
            const auto& arr = input.at("documents").as_array();
            BOOST_TEST_REQUIRE(arr.size() == docs.size());
            for (std::size_t i = 0; i != docs.size(); ++i)
                BOOST_TEST_REQUIRE(as_view(arr[i]) == docs[i]);

            const std::size_t expected_members =
                (native ? 2 : 3) + (!native && r.top_n) + (!native && r.instruct);
            BOOST_TEST_REQUIRE(root.size() == expected_members + (native && params ? 1 : 0));
            BOOST_TEST_REQUIRE((params != nullptr) ==
                               (!native || r.top_n || r.instruct || r.return_documents));
            if (params == nullptr)
                continue;
            BOOST_TEST_REQUIRE(params->contains("top_n") == r.top_n.has_value());
            if (r.top_n)
                BOOST_TEST_REQUIRE(boost::json::value_to<std::uint64_t>(params->at("top_n")) ==
                                   *r.top_n);
            BOOST_TEST_REQUIRE(params->contains("instruct") == r.instruct.has_value());
            if (r.instruct)
                BOOST_TEST_REQUIRE(as_view(params->at("instruct")) == *r.instruct);
            BOOST_TEST_REQUIRE(params->contains("return_documents") ==
                               (native && r.return_documents));
            if (native && r.return_documents)
                BOOST_TEST_REQUIRE(params->at("return_documents").as_bool() == *r.return_documents);
        }
    }
}

BOOST_AUTO_TEST_CASE(any_valid_answer_decodes_to_what_it_says) {
    text_generator gen(77);
    response_decoder decoder;
    decoded_response out;
    rerank::diagnostics diag;
    for (int round = 0; round != 1500; ++round) {
        const std::size_t documents = 1 + gen.pick(40);
        std::optional<std::size_t> top_n;
        if (gen.pick(2))
            top_n = 1 + gen.pick(50);
        const std::size_t count = top_n ? std::min(*top_n, documents) : documents;
        std::vector<std::size_t> indices(documents);
        std::iota(indices.begin(), indices.end(), std::size_t(0));
        std::shuffle(indices.begin(), indices.end(), gen.rng());

        std::vector<wire_result> expected;
        boost::json::array results;
        for (std::size_t i = 0; i != count; ++i) {
            // Scores of every kind a JSON serializer writes: integers, tiny, huge, negative.
            double score;
            switch (gen.pick(4)) {
            case 0:
                score = gen.pick(2);
                break;
            case 1:
                score =
                    std::ldexp(static_cast<double>(gen.rng()()), -static_cast<int>(gen.pick(80)));
                break;
            case 2:
                score = -static_cast<double>(gen.rng()()) * 1e290;
                break;
            default:
                score = static_cast<double>(gen.rng()()) / 4294967296.0;
                break;
            }
            expected.push_back({indices[i], score});
            boost::json::object r;
            // Member order and extra members vary; the document is an object, a string or absent.
            if (gen.pick(3) == 0)
                r["document"] = {{"text", gen.any(60)}};
            else if (gen.pick(2))
                r["document"] = gen.any(60);
            r["index"] = indices[i];
            if (gen.pick(4) == 0)
                r[gen.code_points(8)] = gen.any(10);
            if (score == std::floor(score) && std::abs(score) < 1e15)
                r["relevance_score"] = static_cast<std::int64_t>(score);
            else
                r["relevance_score"] = score;
            results.push_back(std::move(r));
        }
        const std::string id = gen.any(20);
        const std::string model = gen.any(10);
        const std::uint64_t tokens = gen.rng()();
        boost::json::object body;
        const dialect d = gen.pick(2) ? dialect::dashscope : dialect::dashscope_native;
        if (gen.pick(3) == 0)
            body[gen.code_points(8)] = {{"results", {1, 2}}, {"index", "x"}};
        if (d == dialect::dashscope) {
            body["id"] = id;
            body["results"] = std::move(results);
        } else {
            body["request_id"] = id;
            body["output"] = {{"results", std::move(results)}};
        }
        body["model"] = model;
        body["usage"] = {{gen.pick(2) ? "total_tokens" : "input_tokens", tokens}};
        const std::string text = boost::json::serialize(body);

        const auto ec = decoder.decode(d, text, documents, top_n, out, diag);
        BOOST_TEST_REQUIRE(!ec, diag.client_message << " in " << text);
        BOOST_TEST_REQUIRE((out.results == expected), text);
        BOOST_TEST_REQUIRE(out.id == id);
        BOOST_TEST_REQUIRE(out.model == model);
        BOOST_TEST_REQUIRE(out.total_tokens == tokens);
    }
}

BOOST_AUTO_TEST_SUITE_END()
