#include "corpus.hpp"

#include "support/paths.hpp"

#include <boost/json.hpp>

#include <sstream>
#include <stdexcept>

namespace rerank::test {

namespace {

std::vector<std::string> lines_of(const std::string& path) {
    std::istringstream in(read_file(path));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

std::vector<corpus_text> load() {
    const auto texts = lines_of(data_path("tokenizer/corpus.jsonl"));
    const auto counts = lines_of(data_path("tokenizer/expected.jsonl"));
    if (texts.size() != counts.size())
        throw std::runtime_error("corpus and expected counts differ in length");
    std::vector<corpus_text> out;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const boost::json::object t = boost::json::parse(texts[i]).as_object();
        const boost::json::object n = boost::json::parse(counts[i]).as_object();
        out.push_back({i + 1, std::string(t.at("cat").as_string()),
                       std::string(t.at("text").as_string()),
                       static_cast<std::size_t>(n.at("n").to_number<std::int64_t>())});
    }
    return out;
}

} // namespace

const std::vector<corpus_text>& tokenizer_corpus() {
    static const std::vector<corpus_text> corpus = load();
    return corpus;
}

} // namespace rerank::test
