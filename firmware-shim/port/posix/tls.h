/*
 * A TLS client context for the ABI's `ca` / `cert` / `key` (PEM text): every certificate
 * of `ca` is trusted (a CA bundle, not only its first certificate), or OpenSSL's system CAs
 * without one; the client certificate (with any chain after it) and its key for security
 * profile 3. TLS 1.2 or later. Peer verification is set per connection by the caller.
 */
#ifndef OCPP_POSIX_TLS_H
#define OCPP_POSIX_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "../../src/port.h"

/* "what: OpenSSL's reason" into `error` (the reason of the last queued error, if any), and
 * the error queue cleared. */
void posix_tls_error(char *error, size_t error_size, const char *what);

/* NULL with a message in `error` when the PEM text is unusable. */
SSL_CTX *posix_tls_context(const port_ws_options *options, char *error, size_t error_size);

#endif
