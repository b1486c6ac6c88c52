// How the client verifies the servers it talks to.
#pragma once

#include <string>

namespace rerank {

/// TLS settings for `https://` base URLs. Certificates are always verified against the host
/// name of the base URL (SNI is sent too); TLS 1.2 is the minimum version.
struct tls_options {
    /// Path of a PEM file with extra trusted CA certificates (e.g. a corporate proxy's or a
    /// local emulator's). Default: empty, none.
    std::string ca_file;
    /// Trust the system's CA store (`/etc/ssl/certs`). Default: true.
    bool use_system_trust_store = true;
    /// Turns off certificate and host-name verification entirely. For throwaway local tests
    /// only: anyone on the path can then read and change traffic, API key included.
    /// Default: false.
    bool insecure_skip_verification = false;
};

} // namespace rerank
