// The dialects' constants: names and aliases, paths, default base URLs, models and key variables.
#include <rerank/client_options.hpp>
#include <rerank/dialect.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

using rerank::dialect;

BOOST_AUTO_TEST_SUITE(dialects)

BOOST_AUTO_TEST_CASE(every_name_parses_back_to_its_dialect) {
    for (dialect d : rerank::all_dialects) {
        const std::string name(rerank::to_string(d));
        BOOST_TEST_REQUIRE(rerank::parse_dialect(name).has_value(), name);
        BOOST_TEST((*rerank::parse_dialect(name) == d), name);
        BOOST_TEST(std::string(rerank::dialect_names()).find(name) != std::string::npos, name);
        BOOST_TEST(rerank::endpoint_path(d).starts_with("/"), name);
    }
}

BOOST_AUTO_TEST_CASE(aliases_and_unknown_names) {
    BOOST_TEST((rerank::parse_dialect("vllm") == dialect::jina));
    BOOST_TEST((rerank::parse_dialect("llamacpp") == dialect::jina));
    BOOST_TEST((rerank::parse_dialect("llama.cpp") == dialect::jina));
    BOOST_TEST((rerank::parse_dialect("dashscope_native") == dialect::dashscope_native));
    for (const char* bad : {"", "Cohere", "openai", "jina ", "dashscope-"})
        BOOST_TEST(!rerank::parse_dialect(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(paths_base_urls_and_models_as_the_apis_document_them) {
    BOOST_TEST(rerank::endpoint_path(dialect::cohere) == "/rerank");
    BOOST_TEST(rerank::endpoint_path(dialect::nim) == "/ranking");
    BOOST_TEST(rerank::default_base_url(dialect::cohere) == "https://api.cohere.com/v2");
    BOOST_TEST(rerank::default_base_url(dialect::jina) == "https://api.jina.ai/v1");
    BOOST_TEST(rerank::default_base_url(dialect::voyage) == "https://api.voyageai.com/v1");
    // Self-hosted only: the user must say where.
    BOOST_TEST(rerank::default_base_url(dialect::tei).empty());
    BOOST_TEST(rerank::default_base_url(dialect::nim).empty());
    BOOST_TEST(rerank::default_model(dialect::dashscope) == "qwen3-rerank");
    BOOST_TEST(rerank::default_model(dialect::nim).empty());
}

BOOST_AUTO_TEST_CASE(keys_come_from_the_first_variable_set) {
    ::unsetenv("COHERE_API_KEY");
    ::unsetenv("CO_API_KEY");
    BOOST_TEST(rerank::api_key_from_environment(dialect::cohere).empty());
    ::setenv("CO_API_KEY", "second", 1);
    BOOST_TEST(rerank::api_key_from_environment(dialect::cohere) == "second");
    ::setenv("COHERE_API_KEY", "first", 1);
    BOOST_TEST(rerank::api_key_from_environment(dialect::cohere) == "first");
    ::unsetenv("COHERE_API_KEY");
    ::unsetenv("CO_API_KEY");
    BOOST_TEST(rerank::api_key_variables(dialect::tei).empty());
    BOOST_TEST(rerank::api_key_from_environment(dialect::tei).empty());
}

BOOST_AUTO_TEST_SUITE_END()
