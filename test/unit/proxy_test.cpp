// The proxy decisions (src/http/proxy): which proxy the environment or the options name, the
// no_proxy rules, the CONNECT request, and what a proxy's answer to it means.
#include "http/proxy.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <string>

using namespace rerank;
using namespace rerank::detail;
using reply_state = connect_reply::state;

namespace {

endpoint origin(const std::string& host, bool tls = true, const std::string& port = "443") {
    endpoint ep;
    ep.tls = tls;
    ep.host = host;
    ep.port = port;
    return ep;
}

// An environment of the test's own: the process's is never read.
environment_lookup environment(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

std::optional<proxy_route> chosen(const proxy_options& opts, const endpoint& ep,
                                  const environment_lookup& env) {
    std::optional<proxy_route> out;
    diagnostics diag;
    const error_code ec = choose_proxy(opts, ep, env, out, diag);
    BOOST_TEST_REQUIRE(!ec, diag.client_message);
    return out;
}

proxy_route parsed(const std::string& url) {
    proxy_route route;
    diagnostics diag;
    const error_code ec = parse_proxy_url(url, route, diag);
    BOOST_TEST_REQUIRE(!ec, url << ": " << diag.client_message);
    return route;
}

} // namespace

BOOST_AUTO_TEST_SUITE(proxy_choice)

BOOST_AUTO_TEST_CASE(https_origins_read_https_proxy_and_http_origins_http_proxy) {
    const auto env =
        environment({{"HTTPS_PROXY", "http://secure:3128"}, {"HTTP_PROXY", "http://plain:8080"}});
    auto p = chosen({}, origin("api.example.com"), env);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->host == "secure");
    BOOST_TEST(p->port == "3128");
    p = chosen({}, origin("api.example.com", false, "80"), env);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->host == "plain");
    // An https origin never takes HTTP_PROXY.
    BOOST_TEST(!chosen({}, origin("a.example"), environment({{"HTTP_PROXY", "http://p:1"}})));
}

BOOST_AUTO_TEST_CASE(lower_case_names_win_and_empty_values_are_unset) {
    auto p =
        chosen({}, origin("h"),
               environment({{"https_proxy", "http://lower:1"}, {"HTTPS_PROXY", "http://upper:2"}}));
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->host == "lower");
    p = chosen({}, origin("h"),
               environment({{"https_proxy", ""}, {"HTTPS_PROXY", "http://upper:2"}}));
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->host == "upper");
    BOOST_TEST(!chosen({}, origin("h"), environment({{"https_proxy", ""}})));
    BOOST_TEST(!chosen({}, origin("h"), environment({})));
}

BOOST_AUTO_TEST_CASE(no_proxy_sends_named_hosts_direct) {
    const auto env =
        environment({{"HTTPS_PROXY", "http://p:3128"}, {"NO_PROXY", "internal.example, 10.1.2.3"}});
    BOOST_TEST(!chosen({}, origin("internal.example"), env));
    BOOST_TEST(!chosen({}, origin("api.internal.example"), env));
    BOOST_TEST(!chosen({}, origin("10.1.2.3"), env));
    BOOST_TEST(chosen({}, origin("dashscope.aliyuncs.com"), env).has_value());
    // no_proxy (lower case) is read first.
    BOOST_TEST(!chosen(
        {}, origin("x.test"),
        environment(
            {{"https_proxy", "http://p:1"}, {"no_proxy", "x.test"}, {"NO_PROXY", "other"}})));
}

BOOST_AUTO_TEST_CASE(explicit_and_none_ignore_the_environment) {
    const auto env = environment({{"HTTPS_PROXY", "http://env:1"}, {"NO_PROXY", "*"}});
    auto p = chosen(proxy_options::through("http://mine:8888"), origin("h"), env);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->host == "mine");
    BOOST_TEST(!chosen(proxy_options::none(), origin("h"), env));
}

BOOST_AUTO_TEST_CASE(unusable_proxies_are_refused_naming_the_variable_without_secrets) {
    std::optional<proxy_route> out;
    diagnostics diag;
    error_code ec =
        choose_proxy(proxy_options::through(""), origin("h"), environment({}), out, diag);
    BOOST_TEST(ec == errc::invalid_request);
    diag.clear();
    ec = choose_proxy({}, origin("h"), environment({{"HTTPS_PROXY", "https://user:s3cret@p:443"}}),
                      out, diag);
    BOOST_TEST(ec == errc::invalid_request);
    BOOST_TEST(diag.client_message.find("HTTPS_PROXY") != std::string::npos, diag.client_message);
    BOOST_TEST(diag.client_message.find("s3cret") == std::string::npos, diag.client_message);
    BOOST_TEST(!out.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(no_proxy_rules)

BOOST_AUTO_TEST_CASE(domains_match_themselves_and_subdomains_with_or_without_a_dot) {
    for (const char* rules : {"example.com", ".example.com", "*.example.com", "EXAMPLE.com"}) {
        BOOST_TEST(no_proxy_matches(rules, "example.com"), rules);
        BOOST_TEST(no_proxy_matches(rules, "api.example.com"), rules);
        BOOST_TEST(no_proxy_matches(rules, "A.B.Example.Com"), rules);
        BOOST_TEST(!no_proxy_matches(rules, "badexample.com"), rules);
        BOOST_TEST(!no_proxy_matches(rules, "example.com.evil"), rules);
    }
}

BOOST_AUTO_TEST_CASE(ports_are_ignored_and_lists_split_on_commas_and_spaces) {
    BOOST_TEST(no_proxy_matches("example.com:8443", "example.com"));
    BOOST_TEST(no_proxy_matches("a.test,b.test", "b.test"));
    BOOST_TEST(no_proxy_matches(" a.test  b.test ", "b.test"));
    BOOST_TEST(no_proxy_matches("a.test,,", "a.test"));
    BOOST_TEST(!no_proxy_matches("a.test,,", "c.test"));
    BOOST_TEST(!no_proxy_matches("", "a.test"));
}

BOOST_AUTO_TEST_CASE(ip_rules_match_that_address_only) {
    BOOST_TEST(no_proxy_matches("127.0.0.1", "127.0.0.1"));
    BOOST_TEST(no_proxy_matches("127.0.0.1:8080", "127.0.0.1"));
    BOOST_TEST(!no_proxy_matches("0.0.1", "10.0.0.1"));
    BOOST_TEST(!no_proxy_matches("127.0.0.1", "127.0.0.2"));
    BOOST_TEST(no_proxy_matches("::1", "::1"));
    BOOST_TEST(no_proxy_matches("[::1]:443", "::1"));
    BOOST_TEST(no_proxy_matches("[2001:DB8::1]", "2001:db8::1"));
    BOOST_TEST(!no_proxy_matches("10.0.0.0/8", "10.1.2.3")); // CIDR: not supported
}

BOOST_AUTO_TEST_CASE(a_star_matches_everything_but_only_alone) {
    BOOST_TEST(no_proxy_matches("*", "anything.example"));
    BOOST_TEST(no_proxy_matches("a.test, *", "1.2.3.4"));
    BOOST_TEST(!no_proxy_matches("*x", "y"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(proxy_urls)

BOOST_AUTO_TEST_CASE(host_port_credentials_and_defaults) {
    proxy_route r = parsed("http://proxy.corp:3128");
    BOOST_TEST(r.host == "proxy.corp");
    BOOST_TEST(r.port == "3128");
    BOOST_TEST(r.authorization.empty());
    BOOST_TEST(parsed("http://proxy.corp").port == "80");
    BOOST_TEST(parsed("http://proxy.corp/").port == "80");
    BOOST_TEST(parsed("proxy.corp:3128").host == "proxy.corp"); // no scheme: http://
    BOOST_TEST(parsed("http://[::1]:3128").host == "::1");
    // Basic credentials of the percent-decoded user info: "Aladdin:open sesame".
    r = parsed("http://Aladdin:open%20sesame@p:1");
    BOOST_TEST(r.authorization == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    BOOST_TEST(r.display.find("open") == std::string::npos, r.display);
    BOOST_TEST(r.display.find("Aladdin") == std::string::npos, r.display);
    BOOST_TEST(parsed("http://user@p:1").authorization == "Basic dXNlcjo="); // "user:"
}

BOOST_AUTO_TEST_CASE(other_schemes_paths_queries_and_bad_ports_are_refused) {
    for (const char* url :
         {"https://p:443", "socks5://p:1080", "http://p:1/path", "http://p:1?q", "http://p:1#f",
          "http://p:0", "http://p:99999", "http://p:12a", "http://:3128", "http://u:pw@", "::"}) {
        proxy_route r;
        diagnostics diag;
        BOOST_TEST((parse_proxy_url(url, r, diag) == errc::invalid_request), url);
        BOOST_TEST(!diag.client_message.empty(), url);
        BOOST_TEST(diag.client_message.find("pw") == std::string::npos, diag.client_message);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(connect_exchange)

BOOST_AUTO_TEST_CASE(connect_names_the_origin_with_its_port_and_credentials) {
    proxy_route p = parsed("http://u:p@proxy:1");
    BOOST_TEST(connect_request(origin("api.example.com"), p) ==
               "CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n"
               "Proxy-Authorization: Basic dTpw\r\n\r\n");
    BOOST_TEST(connect_request(origin("::1", true, "8443"), parsed("http://proxy:1")) ==
               "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(a_2xx_head_opens_the_tunnel) {
    const std::string head = "HTTP/1.0 200 Connection established\r\nProxy-agent: x\r\n\r\n";
    BOOST_TEST((read_connect_reply(head, 16384).what == reply_state::established));
    BOOST_TEST(
        (read_connect_reply("HTTP/1.1 200\r\n\r\n", 16384).what == reply_state::established));
    // Each prefix of it is incomplete.
    for (std::size_t n = 0; n < head.size(); ++n)
        BOOST_TEST((read_connect_reply(head.substr(0, n), 16384).what == reply_state::incomplete),
                   n);
    // Bytes after it cannot be the origin's (it speaks after our ClientHello).
    BOOST_TEST((read_connect_reply(head + "x", 16384).what == reply_state::malformed));
}

BOOST_AUTO_TEST_CASE(refusals_carry_status_and_reason) {
    const connect_reply r =
        read_connect_reply("HTTP/1.1 407 Proxy Authentication Required\r\nA: b\r\n\r\nbody", 16384);
    BOOST_TEST((r.what == reply_state::refused));
    BOOST_TEST(r.status == 407u);
    BOOST_TEST(r.reason == "Proxy Authentication Required");
    for (unsigned status : {403u, 502u, 101u, 301u}) {
        const std::string head = "HTTP/1.1 " + std::to_string(status) + " X\r\n\r\n";
        const connect_reply c = read_connect_reply(head, 16384);
        BOOST_TEST((c.what == reply_state::refused), status);
        BOOST_TEST(c.status == status);
    }
}

BOOST_AUTO_TEST_CASE(garbage_and_oversized_heads_fail) {
    for (const char* bad : {"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/2 200\r\n\r\n", "HTTP/1.1 20\r\n\r\n",
                            "HTTP/1.1 2000\r\n\r\n", "HTTP/1.1 abc\r\n\r\n", "x"})
        BOOST_TEST((read_connect_reply(bad, 16384).what == reply_state::malformed), bad);
    const std::string endless = "HTTP/1.1 200 OK\r\n" + std::string(100, 'a');
    BOOST_TEST((read_connect_reply(endless, 64).what == reply_state::too_large));
    BOOST_TEST((read_connect_reply(endless, 1000).what == reply_state::incomplete));
    BOOST_TEST((read_connect_reply(endless + "\r\n\r\n", 64).what == reply_state::too_large));
}

BOOST_AUTO_TEST_CASE(failures_are_described_redacted_and_escaped) {
    const proxy_route p = parsed("http://user:hunter2@proxy.corp:3128");
    const std::string answer = "HTTP/1.1 407 Go \x1b[31maway\r\n\r\n";
    const std::string text =
        describe_connect_failure(read_connect_reply(answer, 16384), p, origin("api.example.com"));
    BOOST_TEST(text.find("407") != std::string::npos, text);
    BOOST_TEST(text.find("proxy.corp:3128") != std::string::npos, text);
    BOOST_TEST(text.find("api.example.com:443") != std::string::npos, text);
    BOOST_TEST(text.find("hunter2") == std::string::npos, text);
    BOOST_TEST(text.find('\x1b') == std::string::npos, text);
    BOOST_TEST(text.find("\\x1b") != std::string::npos, text);
    // A long reason is cut, saying so.
    const std::string long_reason = "HTTP/1.1 403 " + std::string(5000, 'r') + "\r\n\r\n";
    const std::string cut =
        describe_connect_failure(read_connect_reply(long_reason, 16384), p, origin("h"));
    BOOST_TEST(cut.size() < 400u, cut);
    BOOST_TEST(cut.find("(5000 bytes)") != std::string::npos, cut);
}

BOOST_AUTO_TEST_SUITE_END()
