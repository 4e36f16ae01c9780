/*
 * The module's network under the portable sockets loop (src/sockets_loop.c): names are
 * resolved and sockets bound through the data call (as Quectel's own socket demos do), and
 * TLS is ql_ssl (mbedTLS inside the SDK) behind the loop's TLS hook.
 *
 * Untested without hardware: every function here. Two things to check against the SDK
 * version at hand: the argument lists of ql_ssl_conf_set for QL_SSL_CONF_CACERT_BUFFER and
 * QL_SSL_CONF_OWNCERT_BUFFER (variadic: PEM text is assumed), and that QL_SSL_VERSION_3
 * means TLS 1.2.
 */
#include "quectel.h"
#include "../../src/sockets_loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netdb.h"
#include "sockets.h"
#include "ql_api_datacall.h"
#include "ql_ssl.h"

/* ---- the data call -------------------------------------------------------------------- */

static int resolve(const char *name, const char *port, struct addrinfo **found)
{
    /* Through the data call's DNS servers; the port is filled in afterwards. */
    if (getaddrinfo_with_pcid(name, NULL, NULL, found, (uint32)OCPP_PDP_PROFILE) < 0 || !*found)
        return -1;
    uint16_t p = htons((uint16_t)atoi(port));
    for (struct addrinfo *a = *found; a; a = a->ai_next) {
        if (a->ai_family == AF_INET)
            ((struct sockaddr_in *)a->ai_addr)->sin_port = p;
        else if (a->ai_family == AF_INET6)
            ((struct sockaddr_in6 *)a->ai_addr)->sin6_port = p;
    }
    return 0;
}

static int bind_to_data_call(int fd, int family)
{
    ql_data_call_info_s info;
    if (ql_get_data_call_info(OCPP_SIM, OCPP_PDP_PROFILE, &info) != 0)
        return -1;
    if (family == AF_INET) {
        struct sockaddr_in local;
        memset(&local, 0, sizeof local);
        local.sin_family = AF_INET;
        inet_aton(ip4addr_ntoa(&info.v4.addr.ip), &local.sin_addr);
        return bind(fd, (struct sockaddr *)&local, sizeof local);
    }
    struct sockaddr_in6 local6;
    memset(&local6, 0, sizeof local6);
    local6.sin6_family = AF_INET6;
    inet6_aton(ip6addr_ntoa(&info.v6.addr.ip), &local6.sin6_addr);
    return bind(fd, (struct sockaddr *)&local6, sizeof local6);
}

static const sockets_net data_call = { resolve, bind_to_data_call };

/* ---- TLS: ql_ssl ---------------------------------------------------------------------- */

typedef struct {
    ql_ssl_config config;
    ql_ssl_context ssl;
} tls_session;

static void *tls_open(int fd, const char *host, const port_ws_options *o, char *error, size_t error_size)
{
    if (!o->ca) { /* the module has no system CA store: without `ca` nothing could be verified */
        snprintf(error, error_size, "wss:// on the module needs the CSMS's CA in settings (ca)");
        return NULL;
    }
    tls_session *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    ql_ssl_conf_init(&t->config);
    ql_ssl_conf_set(&t->config, QL_SSL_CONF_VERSION, QL_SSL_VERSION_3); /* TLS 1.2 */
    ql_ssl_conf_set(&t->config, QL_SSL_CONF_TRANSPORT, QL_SSL_TLS_PROTOCOL);
    ql_ssl_conf_set(&t->config, QL_SSL_CONF_SNI, 1);
    ql_ssl_conf_set(&t->config, QL_SSL_CONF_HS_TIMEOUT, 30);
    ql_ssl_conf_set(&t->config, QL_SSL_CONF_CACERT_BUFFER, o->ca);
    if (o->cert && o->key) {
        ql_ssl_conf_set(&t->config, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_CLIENT_SERVER);
        ql_ssl_conf_set(&t->config, QL_SSL_CONF_OWNCERT_BUFFER, o->cert, o->key, NULL);
    } else {
        ql_ssl_conf_set(&t->config, QL_SSL_CONF_AUTHMODE, QL_SSL_VERIFY_SERVER);
    }
    int r = ql_ssl_new(&t->ssl);
    if (r == QL_SSL_SUCCESS) {
        ql_ssl_set_socket_fd(&t->ssl, fd);
        r = ql_ssl_setup(&t->ssl, &t->config);
        if (r == QL_SSL_SUCCESS)
            r = ql_ssl_set_hostname(&t->ssl, host); /* after setup, as ql_ssl.h asks */
    }
    if (r != QL_SSL_SUCCESS) {
        snprintf(error, error_size, "TLS set-up failed (ql_ssl %d)", r);
        ql_ssl_free(&t->ssl);
        ql_ssl_conf_free(&t->config);
        free(t);
        return NULL;
    }
    return t;
}

static int tls_handshake(void *tls, char *error, size_t error_size)
{
    tls_session *t = tls;
    int r = ql_ssl_handshake(&t->ssl);
    if (r == QL_SSL_SUCCESS)
        return 0;
    if (r == QL_SSL_ERROR_WANT_READ || r == QL_SSL_ERROR_HS_INPROGRESS)
        return SOCKETS_WANT_READ;
    if (r == QL_SSL_ERROR_WANT_WRITE)
        return SOCKETS_WANT_WRITE;
    snprintf(error, error_size, "TLS handshake failed (ql_ssl %d)", r);
    return -1;
}

static long tls_read(void *tls, void *buf, size_t len)
{
    tls_session *t = tls;
    int n = ql_ssl_read(&t->ssl, buf, len);
    if (n > 0)
        return n;
    return n == QL_SSL_ERROR_WANT_READ || n == QL_SSL_ERROR_WANT_WRITE ? 0 : -1;
}

static long tls_write(void *tls, const void *buf, size_t len)
{
    tls_session *t = tls;
    int n = ql_ssl_write(&t->ssl, buf, len);
    if (n > 0)
        return n;
    return n == QL_SSL_ERROR_WANT_READ || n == QL_SSL_ERROR_WANT_WRITE ? 0 : -1;
}

static void tls_close(void *tls)
{
    tls_session *t = tls;
    ql_ssl_close_notify(&t->ssl);
    ql_ssl_free(&t->ssl);
    ql_ssl_conf_free(&t->config);
    free(t);
}

static const sockets_tls ql_tls = { tls_open, tls_handshake, tls_read, tls_write, tls_close };

int quectel_net_start(void)
{
    sockets_loop_init(&ql_tls);
    sockets_loop_set_net(&data_call);
    return 0;
}
