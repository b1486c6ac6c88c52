#include "documents.hpp"

#include <array>
#include <random>
#include <string>

namespace rerank::bench {

rerank::request english_like_request(std::size_t n, std::size_t bytes) {
    static constexpr std::array<const char*, 32> syllables = {
        "re",  "rank", "doc", "u",   "ment", "que", "ry",  "mod", "el",   "sco", "ring",
        "pas", "sage", "in",  "dex", "ter",  "val", "ion", "con", "tent", "ex",  "pla",
        "na",  "tion", "re",  "lev", "ance", "sys", "tem", "da",  "ta",   "base"};
    std::mt19937_64 rng(20261125);
    rerank::request req;
    req.query = "which passages explain how a rerank model scores documents against a query";
    req.documents.reserve(n);
    for (std::size_t i = 0; i != n; ++i) {
        std::string doc;
        doc.reserve(bytes + 32);  // the last word and number never need more
        doc += std::to_string(i); // every document distinct
        while (doc.size() < bytes) {
            doc += ' ';
            for (std::size_t s = 1 + rng() % 3; s != 0; --s)
                doc += syllables[rng() % syllables.size()];
            switch (rng() % 16) {
            case 0:
                doc += ',';
                break;
            case 1:
                doc += '.';
                break;
            case 2:
                doc += ' ' + std::to_string(rng() % 2000);
                break;
            default:
                break;
            }
        }
        req.documents.push_back(std::move(doc));
    }
    return req;
}

} // namespace rerank::bench
