// Everything an emulator server is configured with.
#pragma once

#include <rerank/dialect.hpp>
#include <rerank/emulator/token_count.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::emulator {

/// How relevance scores are computed. Both are BM25 of the query's terms, squashed into [0, 1).
enum class scoring {
    /// Inverse document frequencies and the average length come from the request's own
    /// documents (textbook BM25). A document's score then depends on the other documents of
    /// the request, so scores from separate requests are not comparable.
    request_bm25,
    /// Every document is scored on its own (all IDFs 1, a fixed average length of 64 terms),
    /// as the real qwen3-rerank does: scores of one query from separate requests compare, and
    /// splitting a request in two gives the same scores. Use it to test batching and merging.
    independent,
};

/// Options of an `emulator::server`. The defaults mimic DashScope's qwen3-rerank limits; start
/// from `options_for(dialect)` to serve another dialect with its server's limits.
struct options {
    /// The API the server speaks. Several dialects share a path (`/v1/rerank`), so a server
    /// speaks one at a time, at its real path:
    /// - nullopt (the default), `dashscope` or `dashscope_native`: DashScope's pair, both at
    ///   once (`/compatible-api/v1/reranks` and `/api/v1/services/rerank/text-rerank/text-rerank`);
    /// - `cohere`: Cohere v2, `POST /v2/rerank`;
    /// - `jina`: the Jina-style API as vLLM serves it (llama.cpp, SiliconFlow alike),
    ///   `POST /v1/rerank`;
    /// - `voyage`: Voyage AI, `POST /v1/rerank`;
    /// - `tei`: Hugging Face text-embeddings-inference, `POST /rerank`;
    /// - `nim`: NVIDIA NIM text reranking, `POST /v1/ranking` (scores are logits).
    /// Each answers with its server's bodies, error bodies, statuses and wording (see
    /// `include/rerank/emulator/server.hpp`); the limits below apply in every dialect, each
    /// refusing in its own words.
    std::optional<rerank::dialect> dialect;
    /// Address to listen on. Default "127.0.0.1" (the emulator is for local use only).
    std::string host = "127.0.0.1";
    /// Port to listen on; 0 lets the OS pick one (read it back with `server::port()`). Default 0.
    unsigned short port = 0;
    /// Expected `Authorization: Bearer <key>`; a request without it gets 401. Empty turns
    /// authentication off. Default "emulator-key". Never logged.
    std::string api_key = "emulator-key";
    /// PEM certificate chain and private key for HTTPS. Both empty (the default) = plain HTTP.
    std::string tls_cert_file;
    /// The private key of `tls_cert_file` (PEM). Default empty.
    std::string tls_key_file;
    /// Most documents per request; more is a 400 `InvalidParameter` (DashScope; each dialect
    /// refuses in its own words: TEI's 413 "batch size N > maximum allowed batch size M").
    /// Default 500.
    std::size_t max_documents = 500;
    /// Most tokens per request, counted as `query_tokens × documents + Σ document_tokens`
    /// (query tokens include `instruct` when one is sent; each item counts at most
    /// `max_item_tokens`); more is a 400 `InvalidParameter` (DashScope's "Range of input
    /// length should be [1, M]"; in other dialects their own too-large answer). Default 120,000.
    std::size_t max_request_tokens = 120000;
    /// Longest query (with its instruct) or document, in tokens: longer ones count this many
    /// tokens, as the real service truncates them silently (the emulator still scores their
    /// full text). Default 4,000. (Cohere truncates the same way, at the smaller of this and the
    /// request's `max_tokens_per_doc`, default 4,096.)
    std::size_t max_item_tokens = 4000;
    /// The model's context per (query, document) pair, in tokens: a pair longer than this is
    /// refused with the dialect's context-length answer (vLLM's "This model's maximum context
    /// length is M tokens...", TEI's 413 "`inputs` must have less than M tokens", NIM's "Input
    /// length N exceeds maximum allowed token size M", ...), unless the request asks the server
    /// to truncate (TEI `truncate`, NIM `truncate: "END"`, Voyage `truncation`, default on;
    /// vLLM `truncate_prompt_tokens`): the pair then counts this many. Not applied to
    /// DashScope's dialects (`max_item_tokens` truncates their items silently). 0 (the default)
    /// = no limit.
    std::size_t max_pair_tokens = 0;
    /// Largest request body, in bytes; a larger one gets 413 `BadRequest.TooLarge`. Default 16 MiB.
    std::size_t max_body_bytes = std::size_t{16} << 20;
    /// Model names accepted; any other is a 404 `ModelNotFound` (each dialect answers in its
    /// own words; TEI takes no model name and ignores this). Default {"qwen3-rerank",
    /// "gte-rerank-v2"}.
    std::vector<std::string> models{"qwen3-rerank", "gte-rerank-v2"};
    /// Counts the tokens of a query, instruct or document for `max_request_tokens`,
    /// `max_item_tokens` and `usage.total_tokens`. Default (and when empty):
    /// `exact_token_count`, the exact Qwen3 count, as the real service and the
    /// `rerank-emulator` executable count, so every request a client sends is checked exactly.
    /// Set `approximate_token_count` for the UTF-8 byte count instead (an upper bound: the
    /// emulator then refuses requests the service would accept, e.g. to exercise a client's
    /// handling of "too large" answers; `--approximate-tokens` in the executable), or any
    /// function of your own. Called concurrently when `threads > 1`.
    std::function<std::size_t(std::string_view)> count_tokens = exact_token_count;
    /// How scores are computed. Default `scoring::request_bm25`.
    emulator::scoring scoring = scoring::request_bm25;
    /// Closes a keep-alive connection on which no request arrives for this long (also bounds
    /// how long reading one request may take). 0 (the default) = never.
    std::chrono::milliseconds idle_close_after{0};
    /// After this many responses on one connection, the last one carries `Connection: close`
    /// and the server closes the connection. 0 (the default) = no limit.
    std::size_t close_after_responses = 0;
    /// The account's quota, as DashScope enforces it: requests per minute, over all connections,
    /// enforced per second (at most `quota_burst` of the rate at once, then the rate; GCRA). A
    /// request over it gets 429 `Throttling.RateQuota` ("Requests rate limit exceeded, please
    /// try again later.") in its dialect's error shape (other dialects: their own 429, e.g.
    /// TEI's `{"error":"Model is overloaded","error_type":"Overloaded"}`). Only requests that would
    /// be ranked count (refused ones, for this or any other reason, cost nothing), and only when no
    /// fault replaces the answer. 0 (the default) = no limit.
    double requests_per_minute = 0;
    /// Tokens per minute, counted as for `max_request_tokens` (`query_tokens × documents +
    /// Σ document_tokens`), enforced like `requests_per_minute` after it; over it: 429
    /// `Throttling.AllocationQuota`. 0 (the default) = no limit.
    double tokens_per_minute = 0;
    /// How much of each quota may be used at once, as time at its rate (a burst of
    /// `rate × quota_burst`; a single request costlier than that goes when its quota is idle).
    /// Default 1 s: DashScope's per-second enforcement.
    std::chrono::milliseconds quota_burst{1000};
    /// A `retry-after-ms` header on throttling answers: nullopt (the default, as DashScope
    /// sends none) = no header; 0 = the time until the request would have been admitted
    /// (rounded up to a millisecond); any other value = that value.
    std::optional<std::chrono::milliseconds> throttle_retry_after;
    /// Whether answers are compressed with gzip (`Content-Encoding: gzip`) for requests that
    /// accept it (`Accept-Encoding: gzip`, `x-gzip` or `*`, with a weight above zero).
    /// Default true, as gateways in front of real APIs do; `--no-gzip` in the executable.
    bool compress_responses = true;
    /// Threads running the server's io_context. Default 1 (connections are still served
    /// concurrently: each is a coroutine).
    unsigned threads = 1;
};

/// Options serving dialect `d` with its server's documented defaults (the other fields as in
/// `options{}`, the API key included):
/// - DashScope (either): `options{}` (500 documents, 120,000 tokens per request, 4,000 per item);
/// - `cohere`: 10,000 documents, items truncated at 4,096 tokens, models {"rerank-v3.5",
///   "rerank-v4.0-pro", "rerank-v4.0-fast", "rerank-english-v3.0", "rerank-multilingual-v3.0"};
/// - `jina` (vLLM): no document or request cap, 8,192 tokens per pair (a common
///   `max_model_len`), models {"jina-reranker-v2-base-multilingual", "Qwen/Qwen3-Reranker-0.6B",
///   "Qwen/Qwen3-Reranker-4B", "Qwen/Qwen3-Reranker-8B", "BAAI/bge-reranker-v2-m3"};
/// - `voyage`: 1,000 documents, 600,000 tokens per request and 32,000 per pair (rerank-2.5),
///   models {"rerank-2.5", "rerank-2.5-lite", "rerank-2", "rerank-2-lite"};
/// - `tei`: 32 texts (`--max-client-batch-size`'s default), 512 tokens per pair (a BERT-sized
///   reranker's `max_input_length`), no request cap; TEI ignores model names;
/// - `nim`: 512 passages, 512 tokens per pair, models {"nvidia/llama-3.2-nv-rerankqa-1b-v2",
///   "nvidia/llama-nemotron-rerank-1b-v2", "nvidia/nv-rerankqa-mistral-4b-v3"}.
/// Set any field afterwards to stand up a server with other (e.g. lower) limits.
options options_for(rerank::dialect d);

} // namespace rerank::emulator
