/*
 * The POSIX port's second event loop: the portable one the Quectel port uses
 * (src/sockets_loop.c: select() + ws_engine.c), with OpenSSL behind its TLS hook where the
 * module has ql_ssl. Linked into build/ocpp-host-sockets, which the tests run as they run
 * build/ocpp-host, so the module's websocket code is tested everywhere but at the SDK
 * calls themselves. Built without OpenSSL (make TLS=none, the armhf build) it has no TLS
 * hook: wss:// URLs then fail with a clear error.
 */
#include "posix.h"
#include "../../src/sockets_loop.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef OCPP_POSIX_NO_OPENSSL
static const sockets_tls *const openssl_hook_or_none = NULL;
#else
#include "tls.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

typedef struct {
    SSL_CTX *ctx;
    SSL *ssl;
} tls_session;

static void *tls_open(int fd, const char *host, const port_ws_options *o, char *error, size_t error_size)
{
    tls_session *t = calloc(1, sizeof *t);
    if (!t || !(t->ctx = posix_tls_context(o, error, error_size)) || !(t->ssl = SSL_new(t->ctx))) {
        if (t)
            SSL_CTX_free(t->ctx);
        free(t);
        return NULL;
    }
    SSL_set_fd(t->ssl, fd);
    SSL_set_mode(t->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* The server's certificate must chain to a trusted CA and name this host (an IP SAN for
     * an address); SNI only for names (RFC 6066 forbids addresses there). */
    SSL_set_verify(t->ssl, SSL_VERIFY_PEER, NULL);
    X509_VERIFY_PARAM *param = SSL_get0_param(t->ssl);
    unsigned char ip[16];
    bool literal = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    if (literal)
        X509_VERIFY_PARAM_set1_ip_asc(param, host);
    else {
        X509_VERIFY_PARAM_set1_host(param, host, 0);
        SSL_set_tlsext_host_name(t->ssl, host);
    }
    SSL_set_connect_state(t->ssl);
    return t;
}

static int tls_handshake(void *tls, char *error, size_t error_size)
{
    tls_session *t = tls;
    int r = SSL_connect(t->ssl);
    if (r == 1)
        return 0;
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ)
        return SOCKETS_WANT_READ;
    if (e == SSL_ERROR_WANT_WRITE)
        return SOCKETS_WANT_WRITE;
    long verify = SSL_get_verify_result(t->ssl);
    if (verify != X509_V_OK)
        snprintf(error, error_size, "certificate verify failed: %s", X509_verify_cert_error_string(verify));
    else
        snprintf(error, error_size, "TLS handshake failed: %s", ERR_reason_error_string(ERR_peek_last_error()));
    ERR_clear_error();
    return -1;
}

static long tls_read(void *tls, void *buf, size_t len)
{
    tls_session *t = tls;
    int n = SSL_read(t->ssl, buf, (int)len);
    if (n > 0)
        return n;
    int e = SSL_get_error(t->ssl, n);
    ERR_clear_error();
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
}

static long tls_write(void *tls, const void *buf, size_t len)
{
    tls_session *t = tls;
    int n = SSL_write(t->ssl, buf, (int)len);
    if (n > 0)
        return n;
    int e = SSL_get_error(t->ssl, n);
    ERR_clear_error();
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
}

static void tls_close(void *tls)
{
    tls_session *t = tls;
    SSL_shutdown(t->ssl); /* best effort: the socket closes right after */
    SSL_free(t->ssl);
    SSL_CTX_free(t->ctx);
    ERR_clear_error();
    free(t);
}

static const sockets_tls openssl_hook = { tls_open, tls_handshake, tls_read, tls_write, tls_close };
static const sockets_tls *const openssl_hook_or_none = &openssl_hook;
#endif

/* The workers' wake-up: a byte down a pipe the select loop watches. */
static int wake_pipe[2] = { -1, -1 };

void posix_net_wake(void)
{
    if (wake_pipe[1] >= 0) {
        ssize_t n = write(wake_pipe[1], "w", 1); /* a full pipe already wakes the loop */
        (void)n;
    }
}

static void woken(void)
{
    char buf[64];
    while (read(wake_pipe[0], buf, sizeof buf) > 0) {
    }
#ifdef OCPP_HOST_MEMBERS
    posix_members_drain();
#endif
    posix_hardware_drain();
}

int posix_net_start(char *error, size_t error_size)
{
    sockets_loop_init(openssl_hook_or_none);
    if (pipe(wake_pipe) == 0) {
        fcntl(wake_pipe[0], F_SETFL, O_NONBLOCK);
        fcntl(wake_pipe[1], F_SETFL, O_NONBLOCK);
        sockets_loop_watch(wake_pipe[0], woken);
    }
    return 0;
}

int posix_net_turn(void) { return sockets_loop_turn(); }
void posix_net_drain(int ms) { sockets_loop_drain(ms); }
void posix_net_stop(void) { sockets_loop_stop(); }
