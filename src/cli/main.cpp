// `rerank`: rank documents against a query from the command line.
#include "cli/cli_options.hpp"
#include "cli/json_lines.hpp"
#include "cli/output.hpp"
#include "text/printable.hpp"

#include <rerank/client.hpp>
#include <rerank/error_with_diagnostics.hpp>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using namespace rerank::cli;

// Messages quote the user's arguments and what the server sent: both are escaped.
void print_error(const std::string& message) {
    std::cerr << "rerank: " << rerank::text::printable(message) << "\n";
}

int fail(int code, const std::string& message) {
    print_error(message);
    return code;
}

std::optional<std::string> read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int run_rank(const std::vector<std::string>& args) {
    rank_command cmd;
    if (auto problem = parse_rank_command(args, cmd))
        return fail(exit_bad_input, *problem);

    rerank::request req;
    if (cmd.query_file) {
        auto text = read_whole_file(*cmd.query_file);
        if (!text)
            return fail(exit_bad_input, "cannot read the query file '" + *cmd.query_file + "'");
        req.query = std::move(*text);
    } else {
        req.query = *cmd.query;
    }
    std::optional<std::string> problem;
    if (cmd.documents_path == "-") {
        problem = read_json_lines(std::cin, req.documents);
    } else {
        std::ifstream in(cmd.documents_path, std::ios::binary);
        if (!in)
            return fail(exit_bad_input,
                        "cannot open the documents file '" + cmd.documents_path + "'");
        problem = read_json_lines(in, req.documents);
    }
    if (problem)
        return fail(exit_bad_input, "documents: " + *problem);
    req.top_n = cmd.top_n;
    req.instruct = cmd.instruct;

    rerank::client_options opts;
    opts.dialect = cmd.dialect;
    // Unset, the base URL, model and key are the dialect's (client_options resolves them).
    if (cmd.base_url)
        opts.base_url = *cmd.base_url;
    if (cmd.api_key_env)
        opts.api_key = rerank::api_key_from_environment(cmd.api_key_env->c_str());
    opts.allow_insecure_http = cmd.allow_insecure_http;
    opts.proxy = cmd.proxy;
    if (cmd.model)
        opts.model = *cmd.model;
    if (cmd.ca_file)
        opts.tls.ca_file = *cmd.ca_file;
    if (cmd.timeout_seconds)
        opts.timeout =
            std::chrono::milliseconds(static_cast<long long>(*cmd.timeout_seconds * 1000.0));
    if (cmd.max_attempts)
        opts.retry.max_attempts = *cmd.max_attempts;
    if (cmd.max_request_tokens || cmd.max_documents) {
        rerank::limits lim = rerank::limits::for_model(
            opts.dialect, opts.model.empty() ? rerank::default_model(opts.dialect) : opts.model);
        if (cmd.max_request_tokens)
            lim.max_request_tokens = *cmd.max_request_tokens;
        if (cmd.max_documents)
            lim.max_documents = *cmd.max_documents;
        opts.limits = lim;
    }
    opts.rate_limit = cmd.rate_limit;
    if (cmd.concurrency) {
        opts.max_parallel_requests = *cmd.concurrency;
        opts.pool.max_connections = std::max(opts.pool.max_connections, *cmd.concurrency);
    }

    boost::asio::io_context ioc;
    rerank::client client(ioc.get_executor(), opts);
    rerank::diagnostics diag;
    rerank::error_code ec;
    rerank::response res;
    client.async_rerank(req, diag, [&](rerank::error_code e, rerank::response r) {
        ec = e;
        res = std::move(r);
    });
    ioc.run();

    if (ec) {
        // One line, as scripts expect; each attempt's own line only when asked for.
        print_error(rerank::error_with_diagnostics(ec, diag).what());
        if (cmd.verbose && !diag.attempt_history.empty() && diag.attempts > 1)
            std::cerr << diag.attempt_history << "\n";
        return exit_code_for(ec);
    }
    if (cmd.table)
        write_response_table(std::cout, res, diag);
    else
        write_response_json(std::cout, res, diag);
    return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    for (const auto& a : args) {
        if (a == "--help" || a == "-h") {
            std::cout << usage_text();
            return exit_ok;
        }
    }
    try {
        if (!args.empty() && args.front() == "tokens")
            return run_tokens(std::vector<std::string>(args.begin() + 1, args.end()));
        if (!args.empty() && args.front() == "rank")
            args.erase(args.begin());
        return run_rank(args);
    } catch (const std::exception& e) {
        return fail(exit_failure, std::string("unexpected failure: ") + e.what());
    }
}
