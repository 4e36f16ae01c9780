/*
 * select() loop + non-blocking sockets + ws_engine: port.h's websocket client for
 * platforms that have sockets but no websocket library. See sockets_loop.h.
 *
 * One connection goes CONNECTING (non-blocking connect) → TLS (wss only, the platform's
 * hook) → WEBSOCKET (the engine: upgrade, then frames) → CLOSED (socket closed, reported,
 * freed at the end of the turn). Host callbacks happen while a turn walks the list, and may
 * open sockets (prepended) or abandon them (flagged), so nothing is freed mid-walk.
 *
 * Name resolution uses getaddrinfo and blocks the loop while it runs (first address only).
 */
#include "sockets_loop.h"
#include "host.h"
#include "ws_engine.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(OCPP_LWIP) /* the Quectel SDK: lwIP's BSD socket API */
#include "sockets.h"
#include "netdb.h"
#define gai_strerror(code) "name lookup failed" /* lwIP has none */
#else
#include <fcntl.h>
#include <netdb.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* lwIP raises no SIGPIPE */
#endif

#define HANDSHAKE_TIMEOUT_MS 30000 /* connect + TLS + upgrade, as the simulator's handshakeTimeout */
#define CLOSE_TIMEOUT_MS 5000      /* after our close frame, how long we wait for the server's */
#define ABANDON_TIMEOUT_MS 2000    /* a socket of a dead runtime gets this long to close */
#define MAX_WAIT_MS 60000

typedef enum { C_CONNECTING, C_TLS, C_WEBSOCKET, C_CLOSED } conn_state;

typedef struct conn {
    int id;
    int fd;
    conn_state state;
    int tls_want; /* SOCKETS_WANT_READ / _WRITE while the TLS handshake runs */
    void *tls;
    ws_engine *ws;
    bool abandoned;
    double deadline; /* ticks: handshake or close timeout; 0 = none */
    char *host;      /* Host header: "name" or "name:port" */
    char *name;      /* the server's name, for TLS */
    char *path;
    char error[300]; /* why it failed, reported with the close */
    /* Options, kept until the connection needs them (TLS after connect, upgrade after TLS). */
    char *protocols, *ca, *cert, *key;
    int header_count;
    char *header_names[PORT_WS_MAX_HEADERS], *header_values[PORT_WS_MAX_HEADERS];
    struct conn *next;
} conn;

static struct {
    const sockets_tls *tls;
    const sockets_net *net;
    conn *conns;
    double wake_at; /* 0 = none */
    struct {
        int fd;
        void (*ready)(void);
    } watches[SOCKETS_MAX_WATCHES]; /* sockets_loop_watch; ready NULL = a free slot */
} L;

static char *copy(const char *s) { return s ? strdup(s) : NULL; }

static port_ws_options options_of(const conn *c)
{
    port_ws_options o;
    memset(&o, 0, sizeof o);
    o.protocols = c->protocols ? c->protocols : "";
    o.header_count = c->header_count;
    for (int i = 0; i < c->header_count; i++) {
        o.header_names[i] = c->header_names[i];
        o.header_values[i] = c->header_values[i];
    }
    o.ca = c->ca;
    o.cert = c->cert;
    o.key = c->key;
    return o;
}

static void free_conn(conn *c)
{
    ws_engine_free(c->ws);
    free(c->host);
    free(c->name);
    free(c->path);
    free(c->protocols);
    free(c->ca);
    free(c->cert);
    free(c->key);
    for (int i = 0; i < c->header_count; i++) {
        free(c->header_names[i]);
        free(c->header_values[i]);
    }
    free(c);
}

static conn *find(int id)
{
    for (conn *c = L.conns; c; c = c->next)
        if (c->id == id && c->state != C_CLOSED)
            return c;
    return NULL;
}

/* The end of a connection: close the socket, tell the host (unless it no longer cares). */
static void finish(conn *c, int code, const char *reason, const char *error)
{
    if (c->state == C_CLOSED)
        return;
    c->state = C_CLOSED;
    if (c->tls)
        L.tls->close(c->tls);
    c->tls = NULL;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    if (c->abandoned)
        return;
    if (error && *error)
        host_ws_error(c->id, error);
    host_ws_closed(c->id, code, reason);
}

/* ---- the engine's callbacks ----------------------------------------------------------- */

static void on_opened(void *ctx, const char *protocol)
{
    conn *c = ctx;
    c->deadline = 0;
    if (c->abandoned) {
        ws_engine_close(c->ws, 1001, "station going down");
        c->deadline = port_ticks_ms() + ABANDON_TIMEOUT_MS;
    } else {
        host_ws_opened(c->id, protocol);
    }
}

static void on_message(void *ctx, const char *text, size_t len)
{
    conn *c = ctx;
    if (!c->abandoned)
        host_ws_message(c->id, text, len);
}

static void on_failed(void *ctx, const char *error)
{
    conn *c = ctx;
    snprintf(c->error, sizeof c->error, "%s", error);
}

static const ws_engine_callbacks engine_callbacks = { on_opened, on_message, on_failed };

/* ---- port.h: websockets --------------------------------------------------------------- */

/* ws[s]://host[:port][/path]; IPv6 literals in brackets. 0, or -1. */
static int parse_url(const char *url, bool *tls, char *name, size_t name_size, char *port, size_t port_size,
                     const char **path)
{
    const char *p;
    if (strncmp(url, "ws://", 5) == 0) {
        *tls = false;
        p = url + 5;
    } else if (strncmp(url, "wss://", 6) == 0) {
        *tls = true;
        p = url + 6;
    } else {
        return -1;
    }
    const char *host_end;
    const char *name_start = p;
    if (*p == '[') {
        name_start = p + 1;
        host_end = strchr(p, ']');
        if (!host_end)
            return -1;
        p = host_end + 1;
    } else {
        p += strcspn(p, ":/?#");
        host_end = p;
    }
    size_t name_len = (size_t)(host_end - name_start);
    if (name_len == 0 || name_len >= name_size)
        return -1;
    memcpy(name, name_start, name_len);
    name[name_len] = '\0';
    snprintf(port, port_size, "%s", *tls ? "443" : "80");
    if (*p == ':') {
        size_t digits = strspn(p + 1, "0123456789");
        if (digits == 0 || digits >= port_size)
            return -1;
        snprintf(port, port_size, "%.*s", (int)digits, p + 1);
        p += 1 + digits;
    }
    if (*p && *p != '/' && *p != '?')
        return -1;
    *path = *p ? p : "/";
    return 0;
}

int port_ws_open(int id, const char *url, const port_ws_options *o, char *error, size_t error_size)
{
    bool tls;
    char name[256], port[8];
    const char *path;
    if (parse_url(url, &tls, name, sizeof name, port, sizeof port, &path) != 0) {
        snprintf(error, error_size, "Invalid URL: %s", url);
        return -1;
    }
    if (tls && !L.tls) {
        snprintf(error, error_size, "wss:// needs TLS, and this build has none");
        return -1;
    }
    struct addrinfo hints, *found = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int r = L.net && L.net->resolve ? L.net->resolve(name, port, &found) : getaddrinfo(name, port, &hints, &found);
    if (r != 0 || !found) {
        snprintf(error, error_size, "getaddrinfo %s: %s", name, r && !(L.net && L.net->resolve) ? gai_strerror(r) : "no address");
        return -1;
    }
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd < 0 || (L.net && L.net->prepare && L.net->prepare(fd, found->ai_family) != 0) ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) != 0 ||
        (connect(fd, found->ai_addr, found->ai_addrlen) != 0 && errno != EINPROGRESS)) {
        snprintf(error, error_size, "connect %s:%s: %s", name, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(found);
        return -1;
    }
    freeaddrinfo(found);

    conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    c->id = id;
    c->fd = fd;
    c->state = C_CONNECTING;
    c->deadline = port_ticks_ms() + HANDSHAKE_TIMEOUT_MS;
    char host[300];
    bool default_port = strcmp(port, tls ? "443" : "80") == 0;
    snprintf(host, sizeof host, default_port ? "%s" : (strchr(name, ':') ? "[%s]:%s" : "%s:%s"), name, port);
    c->name = copy(name); /* as long as they are, not in fixed arrays: the connection lives as long as the link */
    c->host = copy(host);
    if (!c->name || !c->host) {
        close(fd);
        free_conn(c);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    c->path = copy(path);
    c->protocols = copy(o->protocols);
    for (int i = 0; i < o->header_count; i++) {
        c->header_names[i] = copy(o->header_names[i]);
        c->header_values[i] = copy(o->header_values[i]);
        c->header_count++;
    }
    if (tls) { /* kept only for the TLS set-up */
        c->ca = copy(o->ca);
        c->cert = copy(o->cert);
        c->key = copy(o->key);
        c->tls_want = -1; /* marks "wss": set up once connected */
    }
    c->next = L.conns;
    L.conns = c;
    return 0;
}

bool port_ws_send(int id, const char *text, size_t len)
{
    conn *c = find(id);
    return c && c->state == C_WEBSOCKET && ws_engine_send_text(c->ws, text, len);
}

void port_ws_close(int id, int code, const char *reason)
{
    conn *c = find(id);
    if (!c)
        return;
    if (c->state == C_WEBSOCKET && ws_engine_is_open(c->ws)) {
        ws_engine_close(c->ws, code, reason);
        c->deadline = port_ticks_ms() + CLOSE_TIMEOUT_MS;
    } else if (!(c->state == C_WEBSOCKET && ws_engine_finished(c->ws))) {
        /* Still connecting: abort, with the `ws` package's words (the host defers them). */
        finish(c, 1006, "", "WebSocket was closed before the connection was established");
    }
}

void port_ws_abandon(int id)
{
    conn *c = find(id);
    if (!c)
        return;
    c->abandoned = true;
    if (c->state == C_WEBSOCKET && ws_engine_is_open(c->ws)) {
        ws_engine_close(c->ws, 1001, "station going down");
        c->deadline = port_ticks_ms() + ABANDON_TIMEOUT_MS;
    } else if (!(c->state == C_WEBSOCKET && ws_engine_finished(c->ws))) {
        finish(c, 1006, "", NULL);
    }
}

/* ---- port.h: the wake-up -------------------------------------------------------------- */

void port_wake_at(double ticks_ms) { L.wake_at = ticks_ms > 0 ? ticks_ms : 1e-9; }
void port_wake_cancel(void) { L.wake_at = 0; }
/* Callbacks only run inside a turn, and a turn ends after one round: nothing to break. */
void port_loop_break(void) {}

/* ---- the loop ------------------------------------------------------------------------- */

static long raw_read(conn *c, void *buf, size_t len)
{
    if (c->tls)
        return L.tls->read(c->tls, buf, len);
    long n = recv(c->fd, buf, len, 0);
    if (n > 0)
        return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -1; /* error, or 0: the server closed the connection */
}

static long raw_write(conn *c, const void *buf, size_t len)
{
    if (c->tls)
        return L.tls->write(c->tls, buf, len);
    long n = send(c->fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0)
        return n;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

/* The websocket takes over the connected (and, for wss, encrypted) socket. */
static void start_websocket(conn *c)
{
    port_ws_options o = options_of(c);
    c->ws = ws_engine_new(&engine_callbacks, c);
    if (!c->ws || ws_engine_start(c->ws, c->host, c->path, &o) != 0) {
        finish(c, 1006, "", "out of memory");
        return;
    }
    c->state = C_WEBSOCKET;
}

static void connected(conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err) {
        char message[300];
        snprintf(message, sizeof message, "connect %.200s: %s", c->host, strerror(err));
        finish(c, 1006, "", message);
        return;
    }
    if (c->tls_want != -1) {
        start_websocket(c);
        return;
    }
    port_ws_options o = options_of(c);
    c->tls = L.tls->open(c->fd, c->name, &o, c->error, sizeof c->error);
    free(c->ca); /* the TLS context has what it needs */
    free(c->cert);
    free(c->key);
    c->ca = c->cert = c->key = NULL;
    if (!c->tls) {
        finish(c, 1006, "", c->error);
        return;
    }
    c->state = C_TLS;
    c->tls_want = SOCKETS_WANT_WRITE;
}

static void tls_step(conn *c)
{
    int r = L.tls->handshake(c->tls, c->error, sizeof c->error);
    if (r < 0)
        finish(c, 1006, "", c->error);
    else if (r == 0)
        start_websocket(c);
    else
        c->tls_want = r;
}

static void websocket_step(conn *c, bool readable)
{
    char buf[4096];
    while (readable && c->state == C_WEBSOCKET && !ws_engine_finished(c->ws)) {
        long n = raw_read(c, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) { /* the connection ended: a clean close if the frames were exchanged, else lost */
            bool clean = ws_engine_finished(c->ws);
            if (!clean && !ws_engine_is_open(c->ws) && !c->error[0]) /* e.g. a TLS alert: no client certificate */
                snprintf(c->error, sizeof c->error, "the server closed the connection during the opening handshake");
            finish(c, clean ? ws_engine_close_code(c->ws) : 1006, clean ? ws_engine_close_reason(c->ws) : "",
                   c->error);
            return;
        }
        if (ws_engine_input(c->ws, buf, (size_t)n) != 0) {
            finish(c, 1006, "", "out of memory");
            return;
        }
        /* The engine began the close itself (a message over its limit: 1009): the server
         * gets as long to answer as after a close the guest asked for. */
        if (!ws_engine_is_open(c->ws) && !ws_engine_finished(c->ws) && c->deadline == 0)
            c->deadline = port_ticks_ms() + CLOSE_TIMEOUT_MS;
    }
    const char *out;
    size_t pending;
    while (c->state == C_WEBSOCKET && (pending = ws_engine_output(c->ws, &out)) > 0) {
        long n = raw_write(c, out, pending);
        if (n < 0) {
            finish(c, 1006, "", c->error);
            return;
        }
        if (n == 0)
            break;
        ws_engine_consumed(c->ws, (size_t)n);
    }
    if (c->state == C_WEBSOCKET && ws_engine_finished(c->ws) && ws_engine_output(c->ws, &out) == 0)
        finish(c, ws_engine_close_code(c->ws), ws_engine_close_reason(c->ws), c->error);
}

static int turn(double max_wait_ms)
{
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    int top = -1;
    double now = port_ticks_ms();
    double wait = max_wait_ms;
    if (L.wake_at > 0)
        wait = L.wake_at - now < wait ? L.wake_at - now : wait;
    for (conn *c = L.conns; c; c = c->next) {
        if (c->state == C_CLOSED)
            continue;
        const char *out;
        bool want_write = c->state == C_CONNECTING || (c->state == C_TLS && c->tls_want == SOCKETS_WANT_WRITE) ||
                          (c->state == C_WEBSOCKET && ws_engine_output(c->ws, &out) > 0);
        bool want_read = (c->state == C_TLS && c->tls_want == SOCKETS_WANT_READ) || c->state == C_WEBSOCKET;
        if (want_read)
            FD_SET(c->fd, &readable);
        if (want_write)
            FD_SET(c->fd, &writable);
        if (c->fd > top)
            top = c->fd;
        if (c->deadline > 0 && c->deadline - now < wait)
            wait = c->deadline - now;
    }
    for (int i = 0; i < SOCKETS_MAX_WATCHES; i++) {
        if (!L.watches[i].ready)
            continue;
        FD_SET(L.watches[i].fd, &readable);
        if (L.watches[i].fd > top)
            top = L.watches[i].fd;
    }
    if (wait < 0)
        wait = 0;
    struct timeval tv = { (long)(wait / 1000), (long)((wait - 1000.0 * (long)(wait / 1000)) * 1000) };
    int n = select(top + 1, &readable, &writable, NULL, &tv);
    if (n < 0 && errno != EINTR)
        return -1;
    if (n < 0) { /* a signal: let the caller look */
        FD_ZERO(&readable);
        FD_ZERO(&writable);
    }

    for (int i = 0; i < SOCKETS_MAX_WATCHES; i++)
        if (L.watches[i].ready && FD_ISSET(L.watches[i].fd, &readable))
            L.watches[i].ready();
    now = port_ticks_ms();
    for (conn *c = L.conns; c; c = c->next) {
        if (c->state == C_CLOSED)
            continue;
        bool r = FD_ISSET(c->fd, &readable), w = FD_ISSET(c->fd, &writable);
        if (c->state == C_CONNECTING && w)
            connected(c);
        else if (c->state == C_TLS && (r || w))
            tls_step(c);
        if (c->state == C_WEBSOCKET)
            websocket_step(c, r);
        if (c->state != C_CLOSED && c->deadline > 0 && now >= c->deadline) {
            bool closing = c->state == C_WEBSOCKET && !ws_engine_is_open(c->ws) && ws_engine_close_code(c->ws) != 1006;
            if (closing) /* our close frame went out; the server never answered */
                finish(c, ws_engine_close_code(c->ws), ws_engine_close_reason(c->ws), NULL);
            else
                finish(c, 1006, "", "Opening handshake has timed out");
        }
    }
    if (L.wake_at > 0 && port_ticks_ms() >= L.wake_at) {
        L.wake_at = 0;
        host_wake();
    }
    /* Free the connections that ended, now that nobody walks the list. */
    for (conn **link = &L.conns; *link;) {
        conn *c = *link;
        if (c->state == C_CLOSED) {
            *link = c->next;
            free_conn(c);
        } else {
            link = &c->next;
        }
    }
    return 0;
}

void sockets_loop_init(const sockets_tls *tls)
{
    memset(&L, 0, sizeof L);
    L.tls = tls;
}

int sockets_loop_watch(int fd, void (*ready)(void))
{
    int free_slot = -1;
    for (int i = 0; i < SOCKETS_MAX_WATCHES; i++) {
        if (L.watches[i].ready && L.watches[i].fd == fd) { /* this fd again: replaced, or removed */
            L.watches[i].ready = ready;
            return 0;
        }
        if (!L.watches[i].ready && free_slot < 0)
            free_slot = i;
    }
    if (!ready)
        return 0;
    if (free_slot < 0)
        return -1;
    L.watches[free_slot].fd = fd;
    L.watches[free_slot].ready = ready;
    return 0;
}

void sockets_loop_set_net(const sockets_net *net) { L.net = net; }

int sockets_loop_turn(void) { return turn(MAX_WAIT_MS); }

void sockets_loop_drain(int ms)
{
    double until = port_ticks_ms() + ms;
    while (L.conns && port_ticks_ms() < until)
        turn(50);
}

void sockets_loop_stop(void)
{
    for (conn *c = L.conns; c; c = c->next) {
        c->abandoned = true;
        finish(c, 1006, "", NULL);
    }
    turn(0); /* frees them */
}
