#include "cli/json_lines.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace rerank::cli {

std::optional<std::string> read_json_lines(std::istream& in, std::vector<std::string>& documents) {
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const std::string where = "line " + std::to_string(number) + ": ";
        if (line.find_first_not_of(" \t") == std::string::npos)
            return where + "empty line (each line must hold one document)";
        boost::system::error_code ec;
        boost::json::value value = boost::json::parse(line, ec);
        if (ec)
            return where + "not valid JSON (" + ec.message() + ")";
        if (const auto* text = value.if_string()) {
            documents.emplace_back(text->data(), text->size());
            continue;
        }
        const auto* object = value.if_object();
        const boost::json::value* field = object ? object->if_contains("text") : nullptr;
        if (!field || !field->is_string())
            return where + R"(expected {"text": "..."} or a JSON string)";
        const auto& text = field->get_string();
        documents.emplace_back(text.data(), text.size());
    }
    if (in.bad())
        return "cannot read the documents";
    return std::nullopt;
}

} // namespace rerank::cli
