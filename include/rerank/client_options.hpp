// Everything a client is configured with.
#pragma once

#include <rerank/dialect.hpp>
#include <rerank/limits.hpp>
#include <rerank/observer.hpp>
#include <rerank/pool_options.hpp>
#include <rerank/proxy_options.hpp>
#include <rerank/rate_limit_options.hpp>
#include <rerank/retry_policy.hpp>
#include <rerank/score_cache.hpp>
#include <rerank/tls_options.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace rerank {

/// The value of the `DASHSCOPE_API_KEY` environment variable, or "" when unset.
std::string api_key_from_environment(const char* variable = "DASHSCOPE_API_KEY");

/// The key of the first of `dialect`'s `api_key_variables` that is set, or "" when none is.
std::string api_key_from_environment(rerank::dialect d);

/// Options of a `rerank::client`. The defaults talk to DashScope's international region.
struct client_options {
    /// Where the API lives, without the endpoint path (the dialect appends it: see
    /// `endpoint_path`). `https://` is required except for `http://` URLs, which are used as
    /// given (for local servers; see `allow_insecure_http`). User info (`user:pass@`), a query and
    /// a fragment are refused (`errc::invalid_request`); messages show a URL without them
    /// (`https://***@host/path?***`). Default empty: the dialect's `default_base_url`
    /// (DashScope: `https://dashscope-intl.aliyuncs.com/compatible-api/v1`, native
    /// `https://dashscope-intl.aliyuncs.com/api/v1`). The self-hosted dialects (`tei`, `nim`)
    /// have none: every call then fails with `errc::invalid_request` until one is given.
    std::string base_url;
    /// Whether an `http://` base URL may name a host that is not loopback while `api_key` is
    /// set: the key would cross the network in clear text. When false (the default), the
    /// client refuses such a configuration: every call fails with `errc::invalid_request`
    /// before sending anything. Plain HTTP without an API key, and to loopback (`localhost`,
    /// 127.0.0.0/8, ::1), is always allowed. Default false.
    bool allow_insecure_http = false;
    /// Sent as `Authorization: Bearer <key>` when non-empty. Default (unset): read when the
    /// client is constructed from the dialect's environment variables (`api_key_variables`:
    /// `DASHSCOPE_API_KEY` for DashScope, `COHERE_API_KEY` then `CO_API_KEY` for Cohere, ...),
    /// the first one set; none set means no key. Set it (even to "") to use exactly that value.
    /// Never logged or put in any message.
    std::optional<std::string> api_key;
    /// Model name sent with every request. Default empty: the dialect's `default_model`
    /// (`qwen3-rerank` for DashScope). A dialect without a default (`nim`) needs one; `tei`
    /// sends none (its server serves one model), but the name still chooses the limits and the
    /// token counter (`limits::for_model`).
    std::string model;
    /// Wire dialect. Default `dialect::dashscope` (the OpenAI-compatible `/reranks`).
    rerank::dialect dialect = dialect::dashscope;
    /// Native dialect: value of the `X-DashScope-WorkSpace` header. Default empty (not sent).
    std::string workspace;
    /// Sent as `User-Agent`. Default "rerank-cpp/0.1".
    std::string user_agent = "rerank-cpp/0.1";
    /// Deadline of a whole call (waiting for a connection, connecting, every attempt and
    /// every backoff). `request::timeout` overrides it per call. Default 60 s.
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
    /// Largest response body accepted, in bytes; a larger one fails with `bad_response`. A
    /// gzip-encoded body is bounded twice: as received and once inflated (a body that would
    /// inflate to more fails with `bad_response` naming this limit, without inflating further).
    /// Default 32 MiB.
    std::size_t max_response_bytes = 32u << 20;
    /// Whether requests carry `Accept-Encoding: gzip`, letting the server compress responses
    /// (about 4x smaller for rankings that echo document text), inflated by the client.
    /// A response in gzip is decoded whatever this says; any other `Content-Encoding` but
    /// `identity` fails with `bad_response`, as does malformed or truncated gzip.
    /// Default false: inflating costs the client about 200 µs of CPU per 57 KB response (100
    /// documents of 500 bytes, 12 KB in gzip), 60 % more CPU per request, to save 45 KB of
    /// transfer, which is worth more than that only on links slower than about 1 Gbit/s
    /// (3.6 ms at 100 Mbit/s). Turn it on for calls over the internet or metered links.
    bool accept_gzip = false;
    /// Limits every HTTP request is kept under; a call over them is split into sub-requests
    /// that run concurrently and are merged by score. Default (unset):
    /// `limits::for_model(dialect, model)` (500 documents, 120,000 tokens per request for
    /// qwen3-rerank; TEI 32 documents, NIM 512, ...).
    std::optional<rerank::limits> limits;
    /// Whether a call for a model that scores listwise (`scores_listwise`: Jina reranker v3
    /// and the like) may be split over the limits and merged by score. Such scores depend on the
    /// documents sent together, so a merged ranking is not the one the model would give in one
    /// request. Default false: a listwise call that does not fit one request fails with
    /// `errc::invalid_request` saying why.
    bool split_listwise = false;
    /// Sub-requests of one split call in flight at once (also bounded by
    /// `pool.max_connections`). Default 8.
    std::size_t max_parallel_requests = 8;
    /// TLS: trust store, CA file, protocol versions, session resumption. See `tls_options`.
    rerank::tls_options tls;
    /// HTTP proxy. Default: from the environment (`https_proxy`, `no_proxy`...; see
    /// `proxy_options`), read when the client is constructed.
    rerank::proxy_options proxy;
    /// The connection pool: size and timeouts. See `pool_options`.
    rerank::pool_options pool;
    /// Retries, backoff and the retry budget. See `retry_policy`.
    rerank::retry_policy retry;
    /// Pacing to the account's quota. Default: no configured limits, adaptive.
    rerank::rate_limit_options rate_limit;
    /// Told of every step of every call (see `rerank::observer`: when, where, in what order).
    /// The client keeps it alive as long as its shared state lives. Default null: nothing is
    /// observed, at the cost of one pointer test per step.
    std::shared_ptr<rerank::observer> observer;
    /// Scores of documents already ranked: a call sends only the documents it misses, and none
    /// when all are cached (see `rerank::score_cache`). Create one with its bounds
    /// (`cache_options`) and give the same pointer to every client that should share it.
    /// Cached scores are ranked with fresh ones, so calls to a model that scores listwise
    /// (`scores_listwise`) neither read nor fill the cache unless `split_listwise` is set.
    /// Default null: no cache.
    std::shared_ptr<rerank::score_cache> cache;
};

} // namespace rerank
