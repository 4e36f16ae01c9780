/*
 * The event loop and websocket client of the POSIX port, on libwebsockets (Debian's 4.1,
 * OpenSSL underneath).
 *
 * One lws context is the whole event loop: sockets, and the host's one wake-up as an lws
 * "sul" timer, so poll() sleeps exactly until the next socket event or timer (in lws 4.x
 * the timeout given to lws_service is ignored; only scheduled suls bound the wait).
 *
 * TLS: we build each OpenSSL client context ourselves and hand it to an lws vhost
 * (provided_client_ssl_ctx), because lws's in-memory loader takes a single CA certificate
 * and the ABI's `ca` may be a bundle; and because Debian's lws looks for the system CAs in
 * a relative folder ("../share"), where SSL_CTX_set_default_verify_paths finds OpenSSL's.
 * Server certificates are always verified: chain and host name (lws sets both per
 * connection); there is no "accept any certificate" switch.
 */
#include "posix.h"
#include "tls.h"
#include "../../src/host.h"
#include "../../src/port.h"
#include "../../src/ws_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

/* A message longer than this is refused with close code 1009: it could not even be turned
 * into a string under the default 1 MiB heap limit. */
#define MAX_MESSAGE (1024 * 1024)
/* lws sizes its poll table by the process's fd limit, which can be a million; a station
 * has one or two sockets. */
#define FD_LIMIT 64
#define HANDSHAKE_TIMEOUT_S 30 /* the simulator's handshakeTimeout */
#define ABANDON_CLOSE_S 2      /* how long a socket of a dead runtime gets to close politely */

typedef struct frame {
    struct frame *next;
    size_t len;
    unsigned char data[]; /* LWS_PRE bytes of room for the frame header, then the text */
} frame;

typedef struct conn {
    int id;
    struct lws *wsi;
    bool established;
    char protocol[64]; /* the subprotocol the server selected */
    const char *refusal; /* why we refused the server's handshake answer */
    bool abandoned; /* its runtime is gone: report nothing */
    bool close_wanted;
    int close_code;
    char close_reason[124]; /* a close frame carries at most 123 bytes of reason */
    bool peer_closed;
    int peer_code;
    char peer_reason[124];
    char *address, *host_header, *path, *protocols;
    int header_count;
    char *header_names[PORT_WS_MAX_HEADERS], *header_values[PORT_WS_MAX_HEADERS];
    frame *out, **out_tail;
    char *rx; /* the message being received, reassembled from its fragments */
    size_t rx_len, rx_cap;
    bool rx_binary, rx_too_big;
    struct conn *next;
} conn;

typedef struct tls_vhost {
    char *ca, *cert, *key; /* what it was made from, to reuse it for the same options */
    struct lws_vhost *vhost;
    SSL_CTX *ssl;
    struct tls_vhost *next;
} tls_vhost;

static struct {
    struct lws_context *context;
    tls_vhost *vhosts; /* the first: system CAs, no client certificate */
    int vhost_count;
    conn *conns;
    lws_sorted_usec_list_t wake;
} N;

static int on_lws_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

static const struct lws_protocols protocols[] = {
    { .name = "ocpp-host", .callback = on_lws_event },
    { 0 },
};

static void lws_log_line(int level, const char *line)
{
    char text[512];
    snprintf(text, sizeof text, "lws: %s", line);
    text[strcspn(text, "\n")] = '\0';
    host_log(HOST_LOG_DEBUG, "%s", text);
}

static bool same_text(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static char *copy_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* The vhost for a set of TLS options: made once, reused by every reconnect with the same. */
static struct lws_vhost *vhost_for(const port_ws_options *o, char *error, size_t error_size)
{
    for (tls_vhost *v = N.vhosts; v; v = v->next)
        if (same_text(v->ca, o ? o->ca : NULL) && same_text(v->cert, o ? o->cert : NULL) &&
            same_text(v->key, o ? o->key : NULL))
            return v->vhost;
    tls_vhost *v = calloc(1, sizeof *v);
    if (!v || !(v->ssl = posix_tls_context(o, error, error_size))) {
        free(v);
        return NULL;
    }
    char name[32];
    snprintf(name, sizeof name, "tls-%d", N.vhost_count++);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.vhost_name = name;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.provided_client_ssl_ctx = v->ssl;
    info.timeout_secs = HANDSHAKE_TIMEOUT_S;
    v->vhost = lws_create_vhost(N.context, &info);
    if (!v->vhost) {
        snprintf(error, error_size, "cannot create a libwebsockets vhost");
        SSL_CTX_free(v->ssl);
        free(v);
        return NULL;
    }
    if (o) {
        v->ca = copy_or_null(o->ca);
        v->cert = copy_or_null(o->cert);
        v->key = copy_or_null(o->key);
    }
    /* Appended: the system-CA vhost stays first and is the one plain ws:// uses. */
    tls_vhost **link = &N.vhosts;
    while (*link)
        link = &(*link)->next;
    *link = v;
    return v->vhost;
}

/* ---- connections ---------------------------------------------------------------------- */

static conn *find_conn(int id)
{
    for (conn *c = N.conns; c; c = c->next)
        if (c->id == id)
            return c;
    return NULL;
}

static void free_conn(conn *c)
{
    for (conn **link = &N.conns; *link; link = &(*link)->next)
        if (*link == c) {
            *link = c->next;
            break;
        }
    while (c->out) {
        frame *f = c->out;
        c->out = f->next;
        free(f);
    }
    for (int i = 0; i < c->header_count; i++) {
        free(c->header_names[i]);
        free(c->header_values[i]);
    }
    free(c->address);
    free(c->host_header);
    free(c->path);
    free(c->protocols);
    free(c->rx);
    free(c);
}

/* The connection is over: tell the host (error first, if any), unless it no longer cares.
 * `reason` and `error` may point into the conn, so they are copied before it is freed. */
static void conn_finished(conn *c, int code, const char *reason, const char *error)
{
    int id = c->id;
    bool report = !c->abandoned;
    char reason_copy[sizeof c->close_reason], error_copy[300];
    snprintf(reason_copy, sizeof reason_copy, "%s", reason);
    snprintf(error_copy, sizeof error_copy, "%s", error ? error : "");
    if (c->wsi)
        lws_set_opaque_user_data(c->wsi, NULL); /* later lws events of this wsi are not ours */
    free_conn(c);
    if (!report)
        return;
    if (error)
        host_ws_error(id, error_copy);
    host_ws_closed(id, code, reason_copy);
}

static void want_close(conn *c, int code, const char *reason)
{
    if (!ws_close_code_sendable(code) || strlen(reason) > 123) {
        code = 1000;
        reason = "";
    }
    c->close_wanted = true;
    c->close_code = code;
    snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
    lws_callback_on_writable(c->wsi);
}

int port_ws_open(int id, const char *url, const port_ws_options *o, char *error, size_t error_size)
{
    char *parsed = strdup(url);
    const char *scheme = "", *address = "", *path = "";
    int port = 0;
    if (!parsed || lws_parse_uri(parsed, &scheme, &address, &port, &path) || !*address ||
        (strcmp(scheme, "ws") != 0 && strcmp(scheme, "wss") != 0)) {
        if (parsed && strstr(url, "://") && *address && strcmp(scheme, "ws") != 0 && strcmp(scheme, "wss") != 0)
            snprintf(error, error_size, "The URL's protocol must be \"ws:\" or \"wss:\", got \"%s:\"", scheme);
        else
            snprintf(error, error_size, "Invalid URL: %s", url);
        free(parsed);
        return -1;
    }
    bool tls = strcmp(scheme, "wss") == 0;
    struct lws_vhost *vhost = vhost_for(tls ? o : NULL, error, error_size);
    if (!vhost) {
        free(parsed);
        return -1;
    }
    conn *c = calloc(1, sizeof *c);
    if (!c) {
        free(parsed);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    c->id = id;
    c->out_tail = &c->out;
    c->address = strdup(address);
    c->path = malloc(strlen(path) + 2);
    if (c->path)
        sprintf(c->path, "/%s", path); /* lws_parse_uri leaves the leading "/" out */
    c->host_header = malloc(strlen(address) + 8);
    if (c->host_header) {
        if (port == (tls ? 443 : 80))
            strcpy(c->host_header, address);
        else
            sprintf(c->host_header, "%s:%d", address, port);
    }
    c->protocols = strdup(o->protocols ? o->protocols : "");
    for (int i = 0; i < o->header_count; i++) {
        c->header_names[i] = malloc(strlen(o->header_names[i]) + 2);
        if (c->header_names[i])
            sprintf(c->header_names[i], "%s:", o->header_names[i]); /* lws wants "name:" */
        c->header_values[i] = strdup(o->header_values[i]);
        c->header_count++;
    }
    free(parsed);

    struct lws_client_connect_info info;
    memset(&info, 0, sizeof info);
    info.context = N.context;
    info.vhost = vhost;
    info.address = c->address;
    info.port = port;
    info.ssl_connection = tls ? LCCSCF_USE_SSL : 0;
    info.path = c->path;
    info.host = c->host_header;
    info.origin = c->host_header;
    info.protocol = c->protocols && *c->protocols ? c->protocols : NULL;
    info.local_protocol_name = protocols[0].name;
    info.ietf_version_or_minus_one = -1;
    info.opaque_user_data = c;
    info.pwsi = &c->wsi;
    c->next = N.conns;
    N.conns = c;
    if (!lws_client_connect_via_info(&info)) {
        /* It may have failed through a CONNECTION_ERROR already (reported, conn gone). */
        if ((c = find_conn(id))) {
            c->wsi = NULL;
            free_conn(c);
            snprintf(error, error_size, "cannot connect to %s", url);
            return -1;
        }
    }
    return 0;
}

bool port_ws_send(int id, const char *text, size_t len)
{
    conn *c = find_conn(id);
    if (!c || !c->established || c->close_wanted)
        return false;
    frame *f = malloc(sizeof *f + LWS_PRE + len);
    if (!f)
        return false;
    f->next = NULL;
    f->len = len;
    memcpy(f->data + LWS_PRE, text, len);
    *c->out_tail = f;
    c->out_tail = &f->next;
    lws_callback_on_writable(c->wsi);
    return true;
}

/* Drops a connection that is still being made, now. */
static void cut(conn *c)
{
    if (c->wsi) {
        lws_set_opaque_user_data(c->wsi, NULL);
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        c->wsi = NULL;
    }
}

void port_ws_close(int id, int code, const char *reason)
{
    conn *c = find_conn(id);
    if (!c || c->close_wanted)
        return;
    if (c->established) {
        want_close(c, code, reason);
        return;
    }
    /* Closing a socket that is still connecting aborts it, with the `ws` package's words. */
    cut(c);
    conn_finished(c, 1006, "", "WebSocket was closed before the connection was established");
}

void port_ws_abandon(int id)
{
    conn *c = find_conn(id);
    if (!c)
        return;
    if (!c->established) {
        cut(c);
        free_conn(c);
        return;
    }
    c->abandoned = true;
    if (!c->close_wanted)
        want_close(c, 1001, "station going down");
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, ABANDON_CLOSE_S);
}

/* ---- lws events ----------------------------------------------------------------------- */

static void received(conn *c, struct lws *wsi, const char *in, size_t len)
{
    if (lws_is_first_fragment(wsi)) {
        c->rx_len = 0;
        c->rx_binary = lws_frame_is_binary(wsi);
        c->rx_too_big = false;
    }
    if (!c->rx_too_big && c->rx_len + len > MAX_MESSAGE) {
        c->rx_too_big = true;
    } else if (!c->rx_too_big) {
        if (c->rx_len + len + 1 > c->rx_cap) {
            size_t cap = c->rx_cap ? c->rx_cap : 1024;
            while (cap < c->rx_len + len + 1)
                cap *= 2;
            char *grown = realloc(c->rx, cap);
            if (!grown) {
                c->rx_too_big = true;
                return;
            }
            c->rx = grown;
            c->rx_cap = cap;
        }
        memcpy(c->rx + c->rx_len, in, len);
        c->rx_len += len;
    }
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
        return;
    /* One whole message. */
    size_t size = c->rx_len;
    c->rx_len = 0;
    if (c->rx_too_big) {
        host_log(HOST_LOG_WARNING, "ws#%d: a message over %d bytes; closing with 1009", c->id, MAX_MESSAGE);
        want_close(c, 1009, "message too big");
    } else if (c->rx_binary) {
        host_log(HOST_LOG_WARNING, "ws#%d ignored a binary frame (%zu bytes): OCPP-J is text", c->id, size);
    } else if (!c->abandoned) {
        c->rx[size] = '\0';
        host_ws_message(c->id, c->rx, size);
    }
}

static int writeable(conn *c, struct lws *wsi)
{
    frame *f = c->out;
    if (f) { /* queued frames go out before the close frame, as with `ws` */
        c->out = f->next;
        if (!c->out)
            c->out_tail = &c->out;
        int n = lws_write(wsi, f->data + LWS_PRE, f->len, LWS_WRITE_TEXT);
        bool short_write = n < (int)f->len;
        free(f);
        if (short_write)
            return -1;
        if (c->out || c->close_wanted)
            lws_callback_on_writable(wsi);
        return 0;
    }
    if (c->close_wanted) {
        lws_close_reason(wsi, (enum lws_close_status)c->close_code, (unsigned char *)c->close_reason,
                         strlen(c->close_reason));
        return -1; /* lws sends the close frame and waits for the server's */
    }
    return 0;
}

static int on_lws_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED) { /* posix_net_wake, or port_loop_break */
#ifdef OCPP_HOST_MEMBERS
        posix_members_drain();
#endif
        posix_hardware_drain();
        return 0;
    }
    conn *c = lws_get_opaque_user_data(wsi);
    if (!c)
        return reason == LWS_CALLBACK_CLIENT_WRITEABLE ? -1 : 0; /* cut, or not a connection of ours */

    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        unsigned char **p = in, *end = *p + len;
        for (int i = 0; i < c->header_count; i++)
            if (lws_add_http_header_by_name(wsi, (unsigned char *)c->header_names[i],
                                            (unsigned char *)c->header_values[i], (int)strlen(c->header_values[i]),
                                            p, end))
                return -1;
        break;
    }
    case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH:
        /* The server's response headers are gone by ESTABLISHED: read its choice here. */
        if (lws_hdr_copy(wsi, c->protocol, sizeof c->protocol, WSI_TOKEN_PROTOCOL) < 0)
            c->protocol[0] = '\0';
        /* lws accepts a server that picks none of our subprotocols; `ws` (and OCPP) do not. */
        if (c->protocols && *c->protocols && !c->protocol[0]) {
            c->refusal = "Server sent no subprotocol";
            return -1;
        }
        break;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        c->established = true;
        if (c->abandoned)
            want_close(c, 1001, "station going down");
        else
            host_ws_opened(c->id, c->protocol);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        received(c, wsi, in, len);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return writeable(c, wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE: {
        const unsigned char *payload = in;
        c->peer_closed = true;
        c->peer_code = 1005; /* a close frame without a status */
        if (len >= 2) {
            c->peer_code = payload[0] << 8 | payload[1];
            size_t n = len - 2 < sizeof c->peer_reason - 1 ? len - 2 : sizeof c->peer_reason - 1;
            memcpy(c->peer_reason, payload + 2, n);
            c->peer_reason[n] = '\0';
        }
        break;
    }
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        /* Say what went wrong as the simulator host (`ws`) does where the cause is the same. */
        char message[300];
        unsigned int status = lws_http_client_http_response(wsi);
        SSL *ssl = lws_get_ssl(wsi);
        long verify = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
        if (c->refusal)
            snprintf(message, sizeof message, "%s", c->refusal);
        else if (status && status != 101)
            snprintf(message, sizeof message, "Unexpected server response: %u", status);
        else if (verify != X509_V_OK) /* lws's own words for this are an OpenSSL error number */
            snprintf(message, sizeof message, "certificate verify failed: %s", X509_verify_cert_error_string(verify));
        else
            snprintf(message, sizeof message, "%s", in && len ? (const char *)in : "connection failed");
        c->wsi = wsi;
        conn_finished(c, 1006, "", message);
        break;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
        /* Our close: the code we sent (the server echoes it). Theirs: the code they sent.
         * Neither: the connection was lost (1006). */
        if (c->close_wanted)
            conn_finished(c, c->close_code, c->close_reason, NULL);
        else if (c->peer_closed)
            conn_finished(c, c->peer_code, c->peer_reason, NULL);
        else
            conn_finished(c, 1006, "", NULL);
        break;
    case LWS_CALLBACK_WSI_DESTROY: /* gone without a CLOSED or an ERROR: lost */
        conn_finished(c, 1006, "", c->established ? NULL : "connection failed");
        break;
    default:
        break;
    }
    return 0;
}

/* ---- the loop ------------------------------------------------------------------------- */

static void on_wake(lws_sorted_usec_list_t *sul) { host_wake(); }

void port_wake_at(double ticks_ms)
{
    double delay = ticks_ms - port_ticks_ms();
    lws_usec_t us = delay > 0 ? (lws_usec_t)(delay * 1000.0) : 0;
    lws_sul_schedule(N.context, 0, &N.wake, on_wake, us);
}

void port_wake_cancel(void) { lws_sul_cancel(&N.wake); }

/* lws_service would otherwise go on to sleep in poll() until its next event. */
void port_loop_break(void) { lws_cancel_service(N.context); }

/* lws_cancel_service is the one lws call that is safe from another thread. */
void posix_net_wake(void) { lws_cancel_service(N.context); }

int posix_net_start(char *error, size_t error_size)
{
    lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_line);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.fd_limit_per_thread = FD_LIMIT;
    N.context = lws_create_context(&info);
    if (!N.context) {
        snprintf(error, error_size, "cannot create the libwebsockets context");
        return -1;
    }
    /* The system-CA vhost, first in the list: ws:// and wss:// without options use it. */
    return vhost_for(NULL, error, error_size) ? 0 : -1;
}

int posix_net_turn(void) { return lws_service(N.context, 0) < 0 ? -1 : 0; }

void posix_net_drain(int ms)
{
    double until = port_ticks_ms() + ms;
    while (N.conns && port_ticks_ms() < until) {
        /* A short sul keeps each turn from sleeping past the deadline. */
        port_wake_at(port_ticks_ms() + 50);
        lws_service(N.context, 0);
    }
}

void posix_net_stop(void)
{
    port_wake_cancel();
    lws_context_destroy(N.context); /* closes what is left and frees the vhosts */
    N.context = NULL;
    while (N.conns)
        free_conn(N.conns);
    while (N.vhosts) {
        tls_vhost *v = N.vhosts;
        N.vhosts = v->next;
        SSL_CTX_free(v->ssl); /* we made it, so lws leaves it to us */
        free(v->ca);
        free(v->cert);
        free(v->key);
        free(v);
    }
}
