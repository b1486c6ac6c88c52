#include <rerank/qwen3_tokenizer.hpp>

#include "tokenizer/embedded_vocab.hpp"
#include "tokenizer/piece_cache.hpp"
#include "tokenizer/text_walk.hpp"
#include "tokenizer/tokenizer_model.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rerank {

namespace td = tokenizer_detail;

qwen3_tokenizer::qwen3_tokenizer(std::shared_ptr<const td::tokenizer_model> model)
    : model_(std::move(model)) {}

const qwen3_tokenizer& qwen3_tokenizer::builtin() {
    static const qwen3_tokenizer instance(std::make_shared<const td::tokenizer_model>(
        td::read_packed_vocabulary(td::embedded_qwen3_vocab())));
    return instance;
}

qwen3_tokenizer qwen3_tokenizer::from_json(std::string_view tokenizer_json) {
    return qwen3_tokenizer(
        std::make_shared<const td::tokenizer_model>(td::read_tokenizer_json(tokenizer_json)));
}

qwen3_tokenizer qwen3_tokenizer::from_file(const std::string& tokenizer_json_path) {
    std::ifstream in(tokenizer_json_path, std::ios::binary);
    if (!in)
        throw std::runtime_error("tokenizer: cannot open \"" + tokenizer_json_path + "\"");
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad())
        throw std::runtime_error("tokenizer: cannot read \"" + tokenizer_json_path + "\"");
    try {
        return from_json(content.str());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(tokenizer_json_path + ": " + e.what());
    }
}

std::size_t qwen3_tokenizer::count(std::string_view utf8_text) const {
    thread_local std::string repaired;
    const td::tokenizer_model& m = *model_;
    td::piece_count_cache* const cache = td::piece_count_cache::for_this_thread();
    std::size_t n = 0;
    td::walk_text(
        m.added, m.nfc, td::well_formed(utf8_text, repaired), [&](std::uint32_t) { ++n; },
        [&](std::string_view piece) {
            if (piece.size() <= 2 || !cache || piece.size() > td::piece_count_cache::max_piece) {
                n += td::bpe_count(m.merges, piece);
                return;
            }
            const std::uint64_t h = td::piece_count_cache::hash(piece);
            std::size_t c = cache->find(m.uid, piece, h);
            if (c == 0) {
                c = td::bpe_count(m.merges, piece);
                cache->store(m.uid, piece, h, c);
            }
            n += c;
        });
    td::release_if_large(repaired);
    return n;
}

std::vector<std::uint32_t> qwen3_tokenizer::encode(std::string_view utf8_text) const {
    thread_local std::string repaired;
    const td::tokenizer_model& m = *model_;
    std::vector<std::uint32_t> ids;
    ids.reserve(utf8_text.size() / 3 + 1);
    td::walk_text(
        m.added, m.nfc, td::well_formed(utf8_text, repaired),
        [&](std::uint32_t id) { ids.push_back(id); },
        [&](std::string_view piece) {
            const td::bpe_tokens t = td::bpe_encode(m.merges, piece);
            ids.insert(ids.end(), t.ids.begin(), t.ids.end());
        });
    td::release_if_large(repaired);
    return ids;
}

std::string qwen3_tokenizer::decode(std::span<const std::uint32_t> ids) const {
    std::string out;
    std::string_view token;
    for (const std::uint32_t id : ids) {
        if (!model_->token(id, token))
            throw std::out_of_range("tokenizer: unknown token id " + std::to_string(id));
        out += token;
    }
    return out;
}

std::size_t qwen3_tokenizer::vocab_size() const noexcept {
    return model_->vocab_size();
}

} // namespace rerank
