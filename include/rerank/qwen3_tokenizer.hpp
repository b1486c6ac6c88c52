// Exact Qwen3 token counting: the tokenizer of the Qwen3 models (and of qwen3-rerank's limits),
// reimplemented to give the same tokens as Hugging Face tokenizers 0.22 on tokenizer.json.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rerank {

namespace tokenizer_detail {
struct tokenizer_model;
struct tokenizer_access;
} // namespace tokenizer_detail

/// The Qwen3 tokenizer (byte-level BPE, 151,643 tokens and 151,387 merges, plus 26 added tokens).
///
/// What it does to a text, as Hugging Face tokenizers does with Qwen3's tokenizer.json:
///  1. added tokens (`<|endoftext|>`, `<|im_start|>`, `<think>` ...) are found literally in the
///     raw text, leftmost-longest, and count one token each;
///  2. the text between them is normalised to NFC, with Unicode 9.0 normalisation data as
///     Hugging Face's normaliser has (characters assigned later are left as they are);
///  3. it is split by the Qwen pre-tokenizer regex (letters, single digits, punctuation runs,
///     whitespace runs, English contractions), with Unicode 16.0 general categories;
///  4. each piece's UTF-8 bytes are merged by BPE, lowest merge rank first.
/// No special tokens (BOS/EOS, chat template) are added.
///
/// Invalid UTF-8: the input is expected to be valid UTF-8. If it is not, every maximal ill-formed
/// subsequence is read as U+FFFD, as Rust's `String::from_utf8_lossy` and Python's
/// `bytes.decode(errors="replace")` do before Hugging Face's tokenizer would see the text; no
/// function has undefined behaviour or throws on such input.
///
/// Thread safety: the object is immutable; all const member functions may be called
/// concurrently from any number of threads. Each thread that tokenizes keeps scratch buffers,
/// a 256 KiB cache of the counts of recently seen pieces and a 256 KiB cache of merge lookups
/// (allocated on first use; scratch that a huge text grew is released after the call).
///
/// Cost: linear in the text, O(n log n) in the length of a pre-tokenizer piece (100,000
/// identical characters, a single piece, take about 10 ms), with temporary memory of about
/// 50 bytes per byte of the longest piece. A single piece of 4 GiB or more makes
/// count/encode/prefix_bytes throw std::length_error.
///
/// Copies are cheap (they share the vocabulary).
class qwen3_tokenizer {
public:
    /// The Qwen3 vocabulary built into the library (compressed, 1.3 MB of the binary): no file
    /// is needed at run time. Loaded on first use (20-40 ms, about 7 MB of memory), once,
    /// thread-safely.
    static const qwen3_tokenizer& builtin();

    /// Loads a Hugging Face tokenizer.json of the same family: byte-level BPE, NFC or no
    /// normaliser, a Sequence of Split(the Qwen2/Qwen3 regex, Isolated) and ByteLevel
    /// (add_prefix_space false, use_regex false), added tokens without lstrip / rstrip /
    /// single_word / normalized. Throws std::runtime_error saying what is wrong when the file
    /// cannot be read, is not valid JSON, or uses anything else.
    static qwen3_tokenizer from_file(const std::string& tokenizer_json_path);
    /// As from_file, from the JSON text itself.
    static qwen3_tokenizer from_json(std::string_view tokenizer_json);

    /// Exact number of tokens of `utf8_text`.
    std::size_t count(std::string_view utf8_text) const;

    /// The token ids of `utf8_text`.
    std::vector<std::uint32_t> encode(std::string_view utf8_text) const;

    /// The bytes that `ids` stand for, concatenated (for text without added tokens,
    /// decode(encode(t)) is the NFC form of t). Throws std::out_of_range for an unknown id.
    std::string decode(std::span<const std::uint32_t> ids) const;

    /// Byte length of a prefix of `utf8_text` that holds at most `max_tokens` tokens, cut at a
    /// code point boundary of the original text (never inside an added token), for truncating
    /// a document to a token limit.
    ///
    /// Guarantees: count(utf8_text.substr(0, result)) <= max_tokens, always (the result is
    /// verified with count() before it is returned); result == utf8_text.size() when the whole
    /// text fits. How long the prefix is: every pre-tokenizer piece that fits whole, then as
    /// much of the first piece that does not as fits (its BPE tokens up to the budget, plus any
    /// further code points of the next token that still fit). BPE counts are not monotonic in
    /// the prefix length, so a slightly longer prefix may exist; on the test corpus the result
    /// is the longest prefix within budget in 99% of cases and never more than 2 tokens short
    /// of it. A cut cannot fall inside text that NFC rewrote (between a character and the
    /// combining marks NFC merged or reordered with it), so there it may come a little earlier.
    /// Cost: about two count() passes over the prefix.
    std::size_t prefix_bytes(std::string_view utf8_text, std::size_t max_tokens) const;

    /// Number of ids: vocabulary plus added tokens (151,669 for Qwen3).
    std::size_t vocab_size() const noexcept;

private:
    friend struct tokenizer_detail::tokenizer_access;
    explicit qwen3_tokenizer(std::shared_ptr<const tokenizer_detail::tokenizer_model> model);
    std::shared_ptr<const tokenizer_detail::tokenizer_model> model_;
};

} // namespace rerank
