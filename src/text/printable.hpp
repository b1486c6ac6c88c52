// Text fit to print: what a server sent (a provider message, a request id, a model name) or a
// user typed is shown on a terminal or in a log, never obeyed by it, and a URL in a message
// never carries its credentials. Used only where messages are formatted, never on the hot path.
#pragma once

#include <string>
#include <string_view>

namespace rerank::text {

/// Appends `text` to `out` with everything a terminal could act on made visible:
/// - C0 controls (U+0000..U+001F, among them ESC, CR, LF, BEL, TAB) and DEL as `\xHH`
///   (ESC is `\x1b`, LF `\x0a`);
/// - C1 controls (U+0080..U+009F), the line and paragraph separators U+2028/U+2029 and the
///   bidirectional formatting characters (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069),
///   which can reorder what is displayed, as `\uHHHH`;
/// - each byte that is not part of well-formed UTF-8 as `\xHH`.
/// Everything else, printable ASCII and well-formed UTF-8 text alike, is copied unchanged, so
/// messages stay readable in any language. A backslash is not escaped: the result is for people,
/// not for parsing back, and escaping is idempotent (escaping escaped text changes nothing).
void append_printable(std::string& out, std::string_view text);

/// `text` escaped as `append_printable` does.
std::string printable(std::string_view text);

/// `url` fit for a message: escaped as `printable` does, with its secrets replaced by `***`:
/// user info (`https://***@host/path`), query (`?***`) and fragment (`#***`). Works on any text,
/// well-formed URL or not: what follows `scheme://` up to the last `@` before any `?` or `#` is
/// taken as user info (so an unescaped `/` in a password does not expose the rest of it).
std::string printable_url(std::string_view url);

} // namespace rerank::text
