/*
 * A websocket client (RFC 6455) without any I/O of its own: bytes in, bytes out, events.
 *
 * Where the platform has no websocket library (the Quectel SDK has sockets and TLS, not
 * websockets), the port moves bytes between a socket and this engine (sockets_loop.c);
 * the protocol itself is the same code everywhere, and tested on Linux.
 *
 *   ws_engine *e = ws_engine_new(&callbacks, ctx);
 *   ws_engine_start(e, "csms.example:443", "/ocpp/CP-1", &options);  // queues the upgrade request
 *   ... write ws_engine_output() to the socket, ws_engine_consumed(e, n);
 *   ... feed what the socket read: ws_engine_input(e, bytes, n);    // events come from here
 *   ws_engine_send_text(e, text, len); ws_engine_close(e, 1000, "bye");
 *   if (ws_engine_finished(e)) close the socket, report ws_engine_close_code/reason.
 */
#ifndef OCPP_WS_ENGINE_H
#define OCPP_WS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "port.h"

typedef struct ws_engine ws_engine;

typedef struct ws_engine_callbacks {
    void (*opened)(void *ctx, const char *protocol);
    void (*message)(void *ctx, const char *text, size_t len); /* NUL-terminated at text[len] */
    /* The handshake was refused, or the server broke the protocol: the connection is over
     * (ws_engine_finished becomes true; the close code is 1006, or 1002 once it was open). */
    void (*failed)(void *ctx, const char *error);
} ws_engine_callbacks;

ws_engine *ws_engine_new(const ws_engine_callbacks *callbacks, void *ctx);
void ws_engine_free(ws_engine *e);

/* Queues the HTTP upgrade request. `host` is the Host header ("name" or "name:port"). */
int ws_engine_start(ws_engine *e, const char *host, const char *path, const port_ws_options *options);
/* Bytes read from the transport. Returns -1 when out of memory. */
int ws_engine_input(ws_engine *e, const char *data, size_t len);
/* Bytes waiting to be written, and how many were written. */
size_t ws_engine_output(ws_engine *e, const char **data);
void ws_engine_consumed(ws_engine *e, size_t n);

bool ws_engine_is_open(const ws_engine *e);
/* One text message; false when not open (or closing) or out of memory. */
bool ws_engine_send_text(ws_engine *e, const char *text, size_t len);
/* Starts the close handshake; an invalid code or a reason over 123 bytes becomes 1000. */
void ws_engine_close(ws_engine *e, int code, const char *reason);
/* Nothing more will be said on this connection: once the output is written, close the
 * transport. True after both close frames, after a failure, or after a close we were sent. */
bool ws_engine_finished(const ws_engine *e);
/* The close code for onclose: the peer's, or ours after our close, or 1006. */
int ws_engine_close_code(const ws_engine *e);
const char *ws_engine_close_reason(const ws_engine *e);

#endif
