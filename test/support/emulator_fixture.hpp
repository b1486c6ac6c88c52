// An emulator over TLS with the test CA, and client options that trust it.
#pragma once

#include "support/io_fixture.hpp"

#include <rerank/client_options.hpp>
#include <rerank/emulator/emulator.hpp>

#include <string>

namespace rerank::test {

/// `test/certs/<name>`.
std::string cert_path(const std::string& name);

/// Emulator options serving HTTPS with `cert` ("server", "wrong-host", "untrusted").
emulator::options tls_emulator_options(const std::string& cert = "server");

/// The same for a server speaking dialect `d` with its server's limits
/// (`emulator::options_for(d)`); its `base_url(d)` is what a client of `d` needs.
emulator::options tls_emulator_options(dialect d, const std::string& cert = "server");

/// Client options for `server`: its base URL in `d`, its API key, the test CA as the only trust.
client_options client_options_for(const emulator::server& server, dialect d = dialect::dashscope);

/// An io_fixture with a started HTTPS emulator.
struct emulator_fixture : io_fixture {
    explicit emulator_fixture(emulator::options opts = tls_emulator_options());
    emulator::server server;
};

} // namespace rerank::test
