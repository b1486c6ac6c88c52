#include <rerank/token_estimate.hpp>

#include "tokenizer/added_tokens.hpp"
#include "tokenizer/estimate_added.hpp"
#include "tokenizer/estimate_pieces.hpp"
#include "tokenizer/estimate_runs.hpp"
#include "tokenizer/estimate_tables.hpp"
#include "tokenizer/nfc.hpp"
#include "tokenizer/text_walk.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace rerank {

namespace td = tokenizer_detail;
namespace est = tokenizer_detail::estimate;

namespace {

// Qwen3's 26 added tokens, found as the tokenizer finds them. All are ASCII "<...>" literals,
// which bracket_token_matcher finds faster (estimate_added.hpp), and which can be found in the
// raw text (see qwen3_token_upper_bound); the general matcher and the repaired text are there
// in case the generated table ever holds another kind.
class qwen3_added_tokens {
public:
    qwen3_added_tokens() {
        for (const auto& t : td::qwen3::added_tokens) {
            const std::string_view content = t.content;
            general_.add(content, t.id);
            brackets_only_ = brackets_.add(content, t.id) && brackets_only_;
            ascii_only_ = ascii_only_ && std::all_of(content.begin(), content.end(), [](char c) {
                              return static_cast<unsigned char>(c) < 0x80;
                          });
        }
    }

    /// True when the literals can be found in the raw text (all ASCII).
    bool ascii_only() const noexcept { return ascii_only_; }

    bool find(std::string_view text, std::size_t from, td::added_token_matcher::match& m) const {
        return brackets_only_ ? brackets_.find(text, from, m) : general_.find(text, from, m);
    }

    static const qwen3_added_tokens& get() {
        static const qwen3_added_tokens tokens;
        return tokens;
    }

private:
    est::bracket_token_matcher brackets_;
    td::added_token_matcher general_;
    bool brackets_only_ = true;
    bool ascii_only_ = true;
};

// Piece starts are noted for a window of this many 64-byte blocks at a time, then the blocks'
// live pairs (merging pairs inside a piece) are counted (estimate_runs.hpp).
constexpr std::size_t window_blocks = 64;

// Sets bits [i, j) of `bits`.
void set_bits(std::uint64_t* bits, std::size_t i, std::size_t j) noexcept {
    while (i < j) {
        const std::size_t n = std::min<std::size_t>(j - i, 64 - (i & 63));
        const std::uint64_t ones = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
        bits[i >> 6] |= ones << (i & 63);
        i += n;
    }
}

// The bound of the pieces of `text` (bytes - sum of ceil(m / 3) over the runs of live pairs),
// or false when the scanner saw ill-formed UTF-8 or (CheckNfc) a code point NFC may change.
template <bool CheckNfc>
bool bound_of_pieces(std::string_view text, std::size_t& bound) {
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    est::piece_scanner<CheckNfc> scanner(begin, end);
    est::run_counter runs;
    const est::byte_pair_table& pairs = est::byte_pairs();
    std::uint64_t starts[window_blocks];
    const unsigned char* piece = begin; // start of the next piece
    unsigned prev = 0;                  // the byte before the block (its pair is never live at
                                        // the text's start: a piece starts there)
    for (const unsigned char* window = begin; window < end;) {
        const std::size_t size =
            std::min(static_cast<std::size_t>(end - window), window_blocks * 64);
        const std::size_t blocks = (size + 63) / 64;
        std::fill(starts, starts + blocks, 0);
        const unsigned char* const window_end = window + size;
        while (piece < window_end) {
            const auto i = static_cast<std::size_t>(piece - window);
            if (const unsigned char* digits = scanner.digits(piece)) {
                // A run of digits: a piece starts at each (up to the window's end).
                const auto j = static_cast<std::size_t>(std::min(digits, window_end) - window);
                set_bits(starts, i, j);
                piece = window + j;
                continue;
            }
            starts[i >> 6] |= std::uint64_t{1} << (i & 63);
            piece = scanner.next(piece);
            if (scanner.bad())
                return false; // stop at once: the caller starts over on the NFC text
        }
        for (std::size_t b = 0; b < blocks; ++b) {
            const unsigned char* const block = window + b * 64;
            const std::size_t n = std::min<std::size_t>(64, size - b * 64);
            runs.add(est::merge_mask(pairs, block, n, prev) & ~starts[b]);
            prev = block[n - 1];
        }
        window += size;
    }
    bound = text.size() - runs.total();
    return true;
}

// The bound of the text between two added tokens. When the scanner finds the text well-formed
// and NFC-inert throughout, it is its own NFC and its pieces are the tokenizer's; otherwise the
// text is repaired and normalised as the tokenizer does (text_walk.hpp) and scanned again.
std::size_t segment_bound(std::string_view segment) {
    std::size_t bound = 0;
    if (bound_of_pieces<true>(segment, bound))
        return bound;
    thread_local std::string repaired, normalized;
    const std::string_view text = td::nfc_view(td::well_formed(segment, repaired), normalized);
    if (!bound_of_pieces<false>(text, bound))
        bound = text.size(); // unreachable (NFC output is well-formed); bytes still bound it
    td::release_if_large(repaired);
    td::release_if_large(normalized);
    return bound;
}

} // namespace

// Added tokens are found in the raw text, not in its repaired copy as the tokenizer does: they
// are ASCII, and repairing replaces maximal ill-formed subparts, which hold no ASCII byte, with
// U+FFFD; so the ASCII bytes, the matches and the text between them correspond one to one, and
// repairing the text between two matches gives the tokenizer's text between them (segment_bound
// repairs it when it is ill-formed).
std::size_t qwen3_token_upper_bound(std::string_view utf8_text) {
    const qwen3_added_tokens& added = qwen3_added_tokens::get();
    std::string_view text = utf8_text;
    if (!added.ascii_only()) {
        thread_local std::string repaired;
        text = td::well_formed(utf8_text, repaired);
    }
    std::size_t n = 0;
    std::size_t pos = 0;
    td::added_token_matcher::match m{};
    while (pos < text.size()) {
        const bool found = added.find(text, pos, m);
        const std::size_t segment_end = found ? m.begin : text.size();
        if (segment_end > pos)
            n += segment_bound(text.substr(pos, segment_end - pos));
        if (!found)
            break;
        ++n;
        pos = m.end;
    }
    return n;
}

} // namespace rerank
