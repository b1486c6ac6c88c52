// The pure parts of rerank-bench: options, histogram, workload, JSON report.
#include "bench_options.hpp"
#include "latency_histogram.hpp"
#include "load_runner.hpp"
#include "report.hpp"
#include "workload.hpp"

#include <rerank/score_cache.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <random>
#include <set>

using namespace rerank::bench;

namespace {
parse_outcome parse(std::vector<std::string_view> args) {
    return parse_bench_options(args);
}
} // namespace

BOOST_AUTO_TEST_SUITE(bench_parts)

BOOST_AUTO_TEST_CASE(options_defaults_follow_the_interface) {
    const auto p = parse({"--base-url", "https://h/compatible-api/v1"});
    BOOST_TEST_REQUIRE(p.error.empty(), p.error);
    const bench_options& o = p.options;
    BOOST_TEST(o.concurrency == 64u);
    BOOST_TEST(o.connections == 64u);
    BOOST_TEST(*o.duration_s == 10.0);
    BOOST_TEST(!o.requests);
    BOOST_TEST(o.warmup_s == 1.0);
    BOOST_TEST(!o.rate);
    BOOST_TEST(o.documents == 10u);
    BOOST_TEST(o.doc_bytes == 100u);
    BOOST_TEST(!o.top_n);
    BOOST_TEST(o.threads == 1u);
    BOOST_TEST(!o.json);
    BOOST_TEST(!o.allow_insecure_http);
    BOOST_TEST(!o.api_key_env); // the client reads the dialect's variables
    BOOST_TEST((o.dialect == rerank::dialect::dashscope));
    BOOST_TEST(o.rate_limit.requests_per_minute == 0.0);
    BOOST_TEST(o.rate_limit.tokens_per_minute == 0.0);
    BOOST_TEST(o.rate_limit.adaptive);
    BOOST_TEST(o.rate_limit.redis.url.empty());
    BOOST_TEST(o.rate_limit.quota_key.empty());
}

BOOST_AUTO_TEST_CASE(pacing_options_fill_the_clients_rate_limit) {
    const auto p =
        parse({"--base-url", "u", "--rpm", "5400", "--tpm=1e6", "--quota-redis",
               "redis://:pw@127.0.0.1:6379/2", "--quota-key", "nightly", "--no-adaptive"});
    BOOST_TEST_REQUIRE(p.error.empty(), p.error);
    const rerank::rate_limit_options rl = client_options_for(p.options).rate_limit;
    BOOST_TEST(rl.requests_per_minute == 5400.0);
    BOOST_TEST(rl.tokens_per_minute == 1e6);
    BOOST_TEST(rl.redis.url == "redis://:pw@127.0.0.1:6379/2");
    BOOST_TEST(rl.quota_key == "nightly");
    BOOST_TEST(!rl.adaptive);

    for (const auto& bad :
         std::vector<std::vector<std::string_view>>{{"--rpm", "-1"},
                                                    {"--rpm", "many"},
                                                    {"--tpm", "inf"},
                                                    {"--tpm"},
                                                    {"--quota-key", ""},
                                                    {"--quota-redis", "redis://"}}) {
        std::vector<std::string_view> args{"--base-url", "u"};
        args.insert(args.end(), bad.begin(), bad.end());
        BOOST_TEST(!parse(args).error.empty(), bad.front());
    }
    // A URL that is refused is not echoed: it may hold a password.
    const auto refused = parse({"--base-url", "u", "--quota-redis", "http://:s3cret@h"});
    BOOST_TEST(refused.error.find("--quota-redis") != std::string::npos, refused.error);
    BOOST_TEST(refused.error.find("s3cret") == std::string::npos, refused.error);
}

BOOST_AUTO_TEST_CASE(options_are_read_and_checked) {
    auto p = parse({"--base-url=http://x", "--dialect", "dashscope-native", "--concurrency", "8",
                    "--requests", "100", "--warmup", "0", "--rate", "250.5", "--top-n", "3",
                    "--threads", "2", "--json"});
    BOOST_TEST_REQUIRE(p.error.empty(), p.error);
    BOOST_TEST(p.options.connections == 8u);
    BOOST_TEST(*p.options.requests == 100u);
    BOOST_TEST(!p.options.duration_s);
    BOOST_TEST(*p.options.rate == 250.5);
    BOOST_TEST(p.options.warmup_s == 0.0);
    BOOST_TEST((p.options.dialect == rerank::dialect::dashscope_native));
    BOOST_TEST(p.options.model.empty()); // the dialect's
    BOOST_TEST(client_options_for(parse({"--base-url", "u", "--model", "m-1"}).options).model ==
               "m-1");
    BOOST_TEST(parse({"--base-url", "u", "--allow-insecure-http"}).options.allow_insecure_http);
    BOOST_TEST(client_options_for(parse({"--base-url", "u", "--allow-insecure-http"}).options)
                   .allow_insecure_http);

    BOOST_TEST(parse({}).error == "--base-url is required");
    BOOST_TEST(!parse({"--base-url", "u", "--concurrency", "0"}).error.empty());
    BOOST_TEST(!parse({"--base-url", "u", "--concurrency", "8x"}).error.empty());
    BOOST_TEST(!parse({"--base-url", "u", "--duration", "0"}).error.empty());
    BOOST_TEST(!parse({"--base-url", "u", "--rate", "nan"}).error.empty());
    BOOST_TEST(!parse({"--base-url", "u", "--warmup", "-1"}).error.empty());
    BOOST_TEST(!parse({"--base-url", "u", "--json=1"}).error.empty());
    BOOST_TEST(!parse({"--base-url"}).error.empty());
    BOOST_TEST(parse({"--base-url", "u", "--bogus"}).error == "unknown argument: --bogus");
    BOOST_TEST(parse({"--help"}).help);
}

BOOST_AUTO_TEST_CASE(every_dialect_and_alias_is_accepted) {
    for (rerank::dialect d : rerank::all_dialects) {
        const auto p = parse({"--base-url", "u", "--dialect", rerank::to_string(d)});
        BOOST_TEST_REQUIRE(p.error.empty(), p.error);
        BOOST_TEST((p.options.dialect == d));
        BOOST_TEST((client_options_for(p.options).dialect == d));
    }
    for (std::string_view alias : {"vllm", "llamacpp", "llama.cpp"})
        BOOST_TEST((parse({"--base-url", "u", "--dialect", alias}).options.dialect ==
                    rerank::dialect::jina));
    const auto unknown = parse({"--base-url", "u", "--dialect", "openai"});
    BOOST_TEST(unknown.error.find(rerank::dialect_names()) != std::string::npos, unknown.error);
    BOOST_TEST(usage_text.find("tei") != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(api_key_env_overrides_the_dialects_variables) {
    // Unset, the key is left to the client, which reads the dialect's variables.
    BOOST_TEST(
        !client_options_for(parse({"--base-url", "u", "--dialect", "cohere"}).options).api_key);
    ::setenv("RERANK_BENCH_TEST_KEY", "k-123", 1);
    const auto given = parse({"--base-url", "u", "--api-key-env", "RERANK_BENCH_TEST_KEY"});
    BOOST_TEST(*given.options.api_key_env == "RERANK_BENCH_TEST_KEY");
    BOOST_TEST(*client_options_for(given.options).api_key == "k-123");
    ::unsetenv("RERANK_BENCH_TEST_KEY");
    // An unset variable sends no key (rather than the dialect's).
    BOOST_TEST(*client_options_for(given.options).api_key == "");
    BOOST_TEST(!parse({"--base-url", "u", "--api-key-env", ""}).error.empty());
}

BOOST_AUTO_TEST_CASE(histogram_keeps_small_values_exactly_and_large_ones_within_1_percent) {
    for (std::uint64_t v = 0; v < 256; ++v)
        BOOST_TEST(latency_histogram::upper_bound_of(latency_histogram::bucket_of(v)) == v);
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100000; ++i) {
        const std::uint64_t v = rng() >> (rng() % 40 + 24); // 2^0 .. 2^40
        const auto bucket = latency_histogram::bucket_of(v);
        BOOST_TEST_REQUIRE(bucket < latency_histogram::bucket_count());
        const std::uint64_t upper = latency_histogram::upper_bound_of(bucket);
        BOOST_TEST_REQUIRE(upper >= v);
        BOOST_TEST_REQUIRE(static_cast<double>(upper - v) <= static_cast<double>(v) / 128 + 1);
        if (bucket > 0)
            BOOST_TEST_REQUIRE(latency_histogram::upper_bound_of(bucket - 1) < v);
    }
}

BOOST_AUTO_TEST_CASE(histogram_percentiles_and_merge) {
    latency_histogram a, b;
    BOOST_TEST(a.value_at(0.5) == 0u);
    for (std::uint64_t v = 1; v <= 1000; ++v)
        (v % 2 ? a : b).record(v * 1000); // 1 µs .. 1 ms
    a.merge(b);
    BOOST_TEST(a.count() == 1000u);
    BOOST_TEST(a.max() == 1'000'000u);
    const auto near = [](std::uint64_t got, double want) {
        return std::abs(static_cast<double>(got) - want) <= want / 128;
    };
    BOOST_TEST(near(a.value_at(0.5), 500'000));
    BOOST_TEST(near(a.value_at(0.99), 990'000));
    BOOST_TEST(near(a.value_at(0.999), 999'000));
    BOOST_TEST(a.value_at(1.0) == 1'000'000u);
    latency_histogram huge;
    huge.record(std::uint64_t{1} << 50);
    BOOST_TEST(huge.value_at(0.5) == std::uint64_t{1} << 50);
}

BOOST_AUTO_TEST_CASE(workload_has_the_exact_sizes_and_is_deterministic) {
    const auto req = make_request(5, 100, 17, 3);
    BOOST_TEST(req.query.size() == 17u);
    BOOST_TEST_REQUIRE(req.documents.size() == 5u);
    for (const auto& d : req.documents) {
        BOOST_TEST(d.size() == 100u);
        BOOST_TEST(d.back() != ' ');
        BOOST_TEST(d.find_first_not_of("abcdefghijklmnopqrstuvwxyz ") == std::string::npos);
    }
    BOOST_TEST(req.documents[0] != req.documents[1]);
    BOOST_TEST(*req.top_n == 3u);
    BOOST_TEST(make_request(5, 100, 17, 3).documents == req.documents);
    BOOST_TEST(pseudo_text(1, 9).size() == 1u);
}

BOOST_AUTO_TEST_CASE(cache_and_repeat_options_are_read_and_checked) {
    auto p =
        parse({"--base-url", "u", "--repeat-fraction", "0.5", "--seed", "9", "--cache-mb", "16"});
    BOOST_TEST_REQUIRE(p.error.empty(), p.error);
    BOOST_TEST(*p.options.repeat_fraction == 0.5);
    BOOST_TEST(p.options.seed == 9u);
    const auto opts = client_options_for(p.options);
    BOOST_TEST_REQUIRE(opts.cache != nullptr);
    BOOST_TEST(opts.cache->options().max_bytes == std::size_t(16) << 20);
    BOOST_TEST(client_options_for(parse({"--base-url", "u"}).options).cache == nullptr);
    BOOST_TEST(!parse({"--base-url", "u", "--repeat-fraction", "1.5"}).error.empty());
    BOOST_TEST(!parse({"--base-url", "u", "--repeat-fraction", "-0.1"}).error.empty());
}

BOOST_AUTO_TEST_CASE(a_repeating_workload_repeats_earlier_documents_deterministically) {
    const repeating_workload w(10, 100, 17, std::nullopt, 0.4, 3);
    BOOST_TEST(w.repeats_per_call() == 4u);
    rerank::request first, call;
    w.fill(0, first);
    BOOST_TEST_REQUIRE(first.documents.size() == 10u);
    std::set<std::string> sent(first.documents.begin(), first.documents.end());
    BOOST_TEST(sent.size() == 10u); // call 0: all new
    for (std::uint64_t k = 1; k < 50; ++k) {
        w.fill(k, call);
        BOOST_TEST_REQUIRE(call.documents.size() == 10u);
        for (std::size_t i = 0; i < 10; ++i) {
            BOOST_TEST_REQUIRE(call.documents[i].size() == 100u);
            // The first 4 were sent by earlier calls, the other 6 never.
            BOOST_TEST_REQUIRE(sent.count(call.documents[i]) == (i < 4 ? 1u : 0u), k << " " << i);
        }
        sent.insert(call.documents.begin() + 4, call.documents.end());
        BOOST_TEST(call.query == first.query);
    }
    rerank::request again;
    w.fill(37, again);
    w.fill(37, call);
    BOOST_TEST(again.documents == call.documents); // depends on k alone
}

BOOST_AUTO_TEST_CASE(json_report_derives_rates_from_the_window) {
    load_result r;
    r.requests = 1000;
    r.succeeded = 998;
    r.errors["timeout"] = 2;
    r.documents = 9980;
    r.tokens = 99800;
    r.duration_s = 2;
    r.cpu_s = 0.025;
    for (int i = 0; i < 998; ++i)
        r.latency.record(2'000'000);
    for (int i = 0; i < 1000; ++i)
        r.admission_wait.record(i < 900 ? 0 : 40'000'000);
    r.throttled = 7;
    r.http_requests = 1500;
    r.documents_sent = 4000;
    r.documents_cached = 5980;
    r.pool.connections_created = 64;
    r.pool.handshakes_full = 1;
    r.pool.handshakes_resumed = 63;
    const auto j = boost::json::parse(json_report(r)).as_object();
    BOOST_TEST(j.at("requests").as_int64() == 1000);
    BOOST_TEST(j.at("errors").at("timeout").as_int64() == 2);
    BOOST_TEST(j.at("requests_per_s").to_number<double>() == 500.0);
    BOOST_TEST(j.at("documents_per_s").to_number<double>() == 4990.0);
    BOOST_TEST(j.at("tokens_per_s").to_number<double>() == 49900.0);
    BOOST_TEST(j.at("cpu_us_per_request").to_number<double>() == 25.0);
    BOOST_TEST(j.at("latency_ms").at("p99").to_number<double>() == 2.0);
    BOOST_TEST(j.at("throttled").as_int64() == 7);
    BOOST_TEST(j.at("admission_wait_ms").at("p50").to_number<double>() == 0.0);
    BOOST_TEST(j.at("admission_wait_ms").at("p99").to_number<double>() == 40.0,
               boost::test_tools::tolerance(0.01));
    BOOST_TEST(j.at("handshakes").at("resumed").as_int64() == 63);
    BOOST_TEST(j.at("http_requests").as_int64() == 1500);
    BOOST_TEST(j.at("documents_sent").as_int64() == 4000);
    BOOST_TEST(j.at("documents_cached").as_int64() == 5980);
}

BOOST_AUTO_TEST_CASE(table_report_shows_the_target_without_secrets) {
    auto p = parse({"--base-url", "https://user:s3cret@h:8443/compatible-api/v1?key=s3cret",
                    "--rpm", "600", "--quota-redis", "redis://:s3cret@h:6379/1"});
    BOOST_TEST_REQUIRE(p.error.empty(), p.error);
    const std::string table = table_report(p.options, load_result{});
    BOOST_TEST(table.find("target       https://***@h:8443/compatible-api/v1?*** (dashscope)") ==
                   0u,
               table);
    BOOST_TEST(table.find("pacing       600 requests/min, 0 tokens/min (0: no limit), adaptive, "
                          "shared through redis://***@h:6379/1\n") != std::string::npos,
               table);
    BOOST_TEST(table.find("throttled    0 answers") != std::string::npos, table);
    BOOST_TEST(table.find("admission    p50 0.000 ms") != std::string::npos, table);
    BOOST_TEST(table.find("s3cret") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
