#include "support/emulator_fixture.hpp"

namespace rerank::test {

std::string cert_path(const std::string& name) {
    return std::string(RERANK_SOURCE_DIR) + "/test/certs/" + name;
}

emulator::options tls_emulator_options(const std::string& cert) {
    return tls_emulator_options(dialect::dashscope, cert);
}

emulator::options tls_emulator_options(dialect d, const std::string& cert) {
    emulator::options opts = emulator::options_for(d);
    opts.tls_cert_file = cert_path(cert + ".pem");
    opts.tls_key_file = cert_path(cert + ".key");
    return opts;
}

client_options client_options_for(const emulator::server& server, dialect d) {
    client_options opts;
    opts.base_url = server.base_url(d);
    opts.dialect = d;
    opts.api_key = server.options().api_key;
    opts.tls.ca_file = cert_path("ca.pem");
    opts.tls.use_system_trust_store = false;
    opts.timeout = std::chrono::seconds(20);
    return opts;
}

emulator_fixture::emulator_fixture(emulator::options opts)
    : server(std::move(opts)) {
    server.start();
}

} // namespace rerank::test
