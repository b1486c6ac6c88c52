#include "support/io_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <exception>

namespace rerank::test {

void io_fixture::run(std::function<boost::asio::awaitable<void>()> body,
                     std::chrono::milliseconds limit) {
    using clock = std::chrono::steady_clock;
    bool done = false;
    std::exception_ptr failure;
    boost::asio::co_spawn(ioc, body(), [&](std::exception_ptr e) {
        done = true;
        failure = e;
    });
    const auto give_up = clock::now() + limit;
    while (!done && clock::now() < give_up && !ioc.stopped())
        ioc.run_one_for(give_up - clock::now());
    if (!done) {
        ioc.stop();
        BOOST_FAIL("the test did not finish within " << limit.count() << " ms");
    }
    if (failure)
        std::rethrow_exception(failure);
    ioc.run_for(std::chrono::seconds(5));
    BOOST_TEST_INFO("work was left on the io_context after the test finished");
    BOOST_TEST(ioc.stopped());
}

boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
    co_await timer.async_wait(boost::asio::use_awaitable);
}

} // namespace rerank::test
