// Reranks a JSON Lines file of {"query": "...", "documents": ["...", ...], "top_n": n} records
// with a bounded number of calls in flight, and writes one JSON line per record:
//
//   {"record": 7, "request_id": "...", "total_tokens": 120,
//    "results": [{"index": 2, "relevance_score": 0.91}, ...]}
//
// `record` is the input's line number (from 1); lines come out in completion order. The output
// is resumable: a rerun skips the records it already holds and appends the others, so an
// interrupted or partly failed job is finished by running it again. Each line goes to the file
// in one write(2) the moment its call completes, so a killed job loses at most calls in flight.
//
// usage: batch_job INPUT.jsonl OUTPUT.jsonl [--concurrency N (default 8)] [--rpm N] [--tpm N]
//                  [--quota-redis URL] [--quota-key NAME] [--no-adaptive]
// --rpm/--tpm pace the calls to the account's requests/tokens per minute (default 0: no limit,
// the client then adapts to the rate the server's 429s show; --no-adaptive keeps to the limits
// given). Several jobs share one quota with --quota-redis redis://[:password@]host:port[/db]
// and the same --quota-key (default: a hash of the API key, host and model); see
// rerank::rate_limit_options. Throttling (429) slows the job down, it does not fail records.
// The API: DASHSCOPE_API_KEY, and RERANK_BASE_URL / RERANK_CA_FILE to point elsewhere.
// Exit status: 0 when every record is in the output, 1 when some failed (run again to retry
// them), 2 for bad arguments or an unreadable/unwritable file.
#include <rerank/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <unordered_set>

namespace net = boost::asio;
namespace json = boost::json;

namespace {

[[noreturn]] void fail(const std::string& message) {
    std::cerr << "batch_job: " << message << '\n';
    std::exit(2);
}

constexpr const char* usage = "usage: batch_job INPUT.jsonl OUTPUT.jsonl [--concurrency N] "
                              "[--rpm N] [--tpm N] [--quota-redis URL] [--quota-key NAME] "
                              "[--no-adaptive]";

struct arguments {
    std::string input_path;
    std::string output_path;
    long concurrency = 8;
    rerank::rate_limit_options rate_limit; // the library's defaults unless flags say otherwise
};

// `text` as a finite number from `min` to `max`, or exit 2 naming `flag`.
double number_for(const std::string& flag, const char* text, double min, double max) {
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    if (end == text || *end != '\0' || !std::isfinite(value) || value < min || value > max)
        fail(flag + " must be a number from " + std::to_string(static_cast<long long>(min)) +
             " to " + std::to_string(static_cast<long long>(max)));
    return value;
}

// Arguments are never echoed: a Redis URL may hold a password.
arguments parse_arguments(int argc, char** argv) {
    if (argc < 3)
        fail(usage);
    arguments a;
    a.input_path = argv[1];
    a.output_path = argv[2];
    for (int i = 3; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--no-adaptive") {
            a.rate_limit.adaptive = false;
            continue;
        }
        if (flag != "--concurrency" && flag != "--rpm" && flag != "--tpm" &&
            flag != "--quota-redis" && flag != "--quota-key")
            fail("argument " + std::to_string(i) + " is not an option; " + usage);
        if (i + 1 >= argc)
            fail(flag + " needs a value");
        const char* value = argv[++i];
        const std::string_view text = value;
        if (flag == "--concurrency") {
            const double n = number_for(flag, value, 1, 10000);
            if (n != std::floor(n))
                fail("--concurrency must be a whole number");
            a.concurrency = static_cast<long>(n);
        } else if (flag == "--rpm")
            a.rate_limit.requests_per_minute = number_for(flag, value, 0, 1e12);
        else if (flag == "--tpm")
            a.rate_limit.tokens_per_minute = number_for(flag, value, 0, 1e12);
        else if (flag == "--quota-key" && !text.empty())
            a.rate_limit.quota_key = text;
        else if (flag == "--quota-redis" && text.starts_with("redis://") && text.size() > 8)
            a.rate_limit.redis.url = text;
        else
            fail(flag == "--quota-key"
                     ? "--quota-key must not be empty"
                     : "--quota-redis must be a redis://[:password@]host:port[/db] URL");
    }
    return a;
}

// The record numbers an earlier run already wrote. A last line without its newline (the job
// was killed mid-write) is cut off, so that appending starts on a fresh line.
std::unordered_set<std::uint64_t> records_done(const std::string& path) {
    std::unordered_set<std::uint64_t> done;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return done;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
    if (complete < text.size() && ::truncate(path.c_str(), static_cast<off_t>(complete)) != 0)
        fail("cannot cut the partial last line of " + path + ": " + std::strerror(errno));
    std::size_t begin = 0;
    while (begin < complete) {
        const std::size_t end = text.find('\n', begin);
        json::error_code ec;
        const json::value line = json::parse(std::string_view(text).substr(begin, end - begin), ec);
        const json::value* record =
            ec || !line.is_object() ? nullptr : line.get_object().if_contains("record");
        if (record && record->is_number())
            done.insert(record->to_number<std::uint64_t>(ec));
        begin = end + 1;
    }
    return done;
}

// One input line as a rerank request, or why it is not one.
std::optional<rerank::request> parse_record(std::string_view line, std::string& why) {
    json::error_code ec;
    const json::value v = json::parse(line, ec);
    const json::object* obj = ec ? nullptr : v.if_object();
    const json::value* query = obj ? obj->if_contains("query") : nullptr;
    const json::value* documents = obj ? obj->if_contains("documents") : nullptr;
    if (!query || !query->is_string() || !documents || !documents->is_array()) {
        why = "not a {\"query\": string, \"documents\": [string...]} object";
        return std::nullopt;
    }
    rerank::request req;
    req.query = query->get_string();
    for (const json::value& d : documents->get_array()) {
        if (!d.is_string()) {
            why = "a document is not a string";
            return std::nullopt;
        }
        req.documents.emplace_back(d.get_string());
    }
    if (const json::value* top_n = obj->if_contains("top_n")) {
        const auto n = top_n->to_number<std::int64_t>(ec);
        if (ec || n < 1) {
            why = "\"top_n\" is not a positive integer";
            return std::nullopt;
        }
        req.top_n = static_cast<std::size_t>(n);
    }
    return req;
}

std::string output_line(std::uint64_t record, const rerank::response& res) {
    json::array results;
    for (const rerank::result& r : res.results)
        results.push_back(json::object{{"index", r.index}, {"relevance_score", r.relevance_score}});
    return json::serialize(json::object{{"record", record},
                                        {"request_id", res.id},
                                        {"total_tokens", res.usage.total_tokens},
                                        {"results", std::move(results)}}) +
           '\n';
}

// Appends whole lines: O_APPEND and one write(2) per line, so lines never interleave or tear
// (short of a full disk), and each is in the file as soon as its record is done.
class line_writer {
public:
    explicit line_writer(const std::string& path)
        : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {
        if (fd_ < 0)
            fail("cannot open " + path + ": " + std::strerror(errno));
    }
    line_writer(const line_writer&) = delete;
    line_writer& operator=(const line_writer&) = delete;
    ~line_writer() {
        ::fsync(fd_);
        ::close(fd_);
    }
    void write(const std::string& line) {
        const ssize_t n = ::write(fd_, line.data(), line.size());
        if (n != static_cast<ssize_t>(line.size()))
            fail(std::string("cannot write the output: ") +
                 (n < 0 ? std::strerror(errno) : "short write"));
    }

private:
    int fd_;
};

// "[#######.............]  523/1000  12 failed  45.1 records/s", redrawn at most 10 times a
// second, on a terminal only.
class progress_bar {
public:
    progress_bar(std::uint64_t total, std::uint64_t already)
        : total_(total)
        , already_(already)
        , tty_(::isatty(STDERR_FILENO) == 1) {}

    void update(std::uint64_t ranked, std::uint64_t failed, bool force = false) {
        if (!tty_)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - last_draw_ < std::chrono::milliseconds(100))
            return;
        last_draw_ = now;
        const std::uint64_t finished = already_ + ranked + failed;
        const int width = 30;
        const int filled = total_ ? static_cast<int>(width * finished / total_) : width;
        const double seconds = std::chrono::duration<double>(now - start_).count();
        std::fprintf(stderr, "\r\033[K[%s%s] %llu/%llu  %llu failed  %.1f records/s",
                     std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                     static_cast<unsigned long long>(finished),
                     static_cast<unsigned long long>(total_),
                     static_cast<unsigned long long>(failed),
                     seconds > 0 ? static_cast<double>(ranked + failed) / seconds : 0.0);
        std::fflush(stderr);
    }
    std::uint64_t total() const noexcept { return total_; }
    // A message on its own line, the bar redrawn below it.
    void message(const std::string& text) {
        if (tty_)
            std::fputs("\r\033[K", stderr);
        std::fprintf(stderr, "%s\n", text.c_str());
    }
    void finish() {
        if (tty_)
            std::fputs("\n", stderr);
    }

private:
    std::uint64_t total_;
    std::uint64_t already_;
    bool tty_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_draw_{};
};

std::uint64_t count_records(const std::string& path) {
    std::ifstream in(path);
    std::uint64_t n = 0;
    for (std::string line; std::getline(in, line);)
        n += line.find_first_not_of(" \t\r") != std::string::npos;
    return n;
}

struct job {
    job(const std::string& input_path, const std::string& output_path)
        : input(input_path)
        , done(records_done(output_path))
        , output(output_path)
        , progress(count_records(input_path), done.size()) {}

    std::ifstream input;
    std::uint64_t line_number = 0;
    std::unordered_set<std::uint64_t> done;
    line_writer output;
    progress_bar progress;
    std::uint64_t ranked = 0;
    std::uint64_t failed = 0;
    std::uint64_t throttled = 0; // throttling answers waited out (diagnostics::throttled)
    std::size_t workers = 0;

    // The next record still to do: its line number and text; nullopt at the end. Workers take
    // turns on one thread, so no lock.
    std::optional<std::pair<std::uint64_t, std::string>> next() {
        std::string line;
        while (std::getline(input, line)) {
            ++line_number;
            if (line.find_first_not_of(" \t\r") == std::string::npos || done.count(line_number))
                continue;
            return std::pair{line_number, std::move(line)};
        }
        return std::nullopt;
    }
};

net::awaitable<void> worker(rerank::client& client, job& j) {
    while (auto record = j.next()) {
        const auto& [number, text] = *record;
        std::string why;
        std::optional<rerank::request> req = parse_record(text, why);
        if (!req) {
            ++j.failed;
            j.progress.message("record " + std::to_string(number) + ": " + why);
            continue;
        }
        rerank::diagnostics diag;
        auto [ec, res] =
            co_await client.async_rerank(*req, diag, net::as_tuple(net::use_awaitable));
        j.throttled += diag.throttled;
        if (ec) {
            ++j.failed;
            j.progress.message("record " + std::to_string(number) + ": " +
                               rerank::to_string(static_cast<rerank::errc>(ec.value())) + ": " +
                               diag.to_string());
        } else {
            j.output.write(output_line(number, res));
            ++j.ranked;
        }
        j.progress.update(j.ranked, j.failed);
    }
    // The last worker closes the client's idle connections, so that ioc.run() returns.
    if (--j.workers == 0)
        client.cancel();
}

} // namespace

int main(int argc, char** argv) {
    const arguments args = parse_arguments(argc, argv);
    const std::string& input_path = args.input_path;
    const std::string& output_path = args.output_path;
    const long concurrency = args.concurrency;

    if (!std::ifstream(input_path))
        fail("cannot read " + input_path); // before the output is created
    job j(input_path, output_path);

    rerank::client_options opts; // retries throttling with backoff: what a batch job wants
    if (const char* url = std::getenv("RERANK_BASE_URL"))
        opts.base_url = url;
    if (const char* ca = std::getenv("RERANK_CA_FILE"))
        opts.tls.ca_file = ca;
    opts.pool.max_connections = static_cast<std::size_t>(concurrency);
    opts.rate_limit = args.rate_limit;

    net::io_context ioc(1);
    rerank::client client(ioc.get_executor(), opts);
    j.workers = static_cast<std::size_t>(concurrency);
    for (long i = 0; i < concurrency; ++i)
        net::co_spawn(ioc, worker(client, j), net::detached);
    ioc.run();

    j.progress.update(j.ranked, j.failed, true);
    j.progress.finish();
    std::cerr << "batch_job: " << j.ranked << " ranked, " << j.done.size() << " already done, "
              << j.failed << " failed, of " << j.progress.total() << " records; " << j.throttled
              << " throttling answers waited out\n";
    return j.failed == 0 ? 0 : 1;
}
