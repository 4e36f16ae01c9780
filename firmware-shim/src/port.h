/*
 * The port interface: what a platform gives the portable host (host.c).
 *
 * host.c implements the host ABI (hal/host-abi.ts) in QuickJS terms: argument checks,
 * the timer list, the socket table, promise jobs, exit codes. Everything that touches the
 * platform goes through the functions below, so a port is a small set of C functions with
 * no JavaScript in them:
 *
 *   port/posix/    Linux/macOS: clock_gettime, files in a folder, libwebsockets + OpenSSL
 *   port/quectel/  the module: Quectel's C SDK (ql_rtos_*, ql_fs, sockets + SSL, ql_dev)
 *
 * Threading: the port calls back into the host (host_wake, host_ws_*) from its one event
 * loop only, never from another thread or an interrupt. The host may call the port from
 * inside those callbacks.
 */
#ifndef OCPP_PORT_H
#define OCPP_PORT_H

#include <stdbool.h>
#include <stddef.h>

/* ---- log, clocks, identity ----------------------------------------------------------- */

/* One finished log line. level: 10 debug, 20 info, 30 warning, 40 error. source: "bundle"
 * (the bundle's own ocppHost.log) or "host". The host has already applied the log level. */
void port_log(int level, const char *source, const char *text);

/* Wall clock, ms since 1970-01-01 UTC; it may jump when the clock is set. */
double port_now_ms(void);
/* Monotonic ms, origin unspecified; never jumps. Deadlines are in this clock. */
double port_ticks_ms(void);

/* The device's IMEI: 15 digits and a NUL. */
void port_imei(char out[16]);
/* The SIM's ICCID (19 or 20 digits), or "" where there is none. */
void port_iccid(char out[24]);

/* Unpredictable bytes: websocket keys and frame masks (RFC 6455 asks for unpredictable
 * masks; nothing here is a secret key). */
void port_random(void *buf, size_t len);

/* ---- one wake-up --------------------------------------------------------------------- */

/* The host keeps its timers itself; the port only needs one alarm: call host_wake() from the
 * event loop once port_ticks_ms() >= ticks_ms (a deadline in the past means "on the next
 * turn", never re-entrantly from inside this call). A new call replaces the previous one. */
void port_wake_at(double ticks_ms);
void port_wake_cancel(void);

/* The station ended or wants a reboot (host_state() changed inside a callback): make the
 * loop return to its caller now instead of sleeping until its next event. */
void port_loop_break(void);

/* ---- files of this station ----------------------------------------------------------- */

/* Names are already checked by the host: [A-Za-z0-9._-]+, not "." or "..". Errors leave
 * errno set (the host reports strerror(errno)). */

/* 1 and a malloc'd, NUL-terminated copy in *data (length *len); 0 when the file does not
 * exist; -1 on error. */
int port_file_read(const char *name, char **data, size_t *len);
/* Atomic and durable replace: a reader sees the old or the new contents, never a mix, and
 * after a power cut one of them is there. 0 ok, -1 error. */
int port_file_write(const char *name, const char *data, size_t len);
/* Durable append (written and synced before it returns). 0 ok, -1 error. */
int port_file_append(const char *name, const char *data, size_t len);
/* 1 removed, 0 did not exist, -1 error. */
int port_file_remove(const char *name);

/* ---- websocket client ---------------------------------------------------------------- */

/* Events go back through host_ws_opened / host_ws_message / host_ws_error / host_ws_closed
 * (host.h); every text handed to them is NUL-terminated (a message at text[len]). */

#define PORT_WS_MAX_HEADERS 8

typedef struct port_ws_options {
    const char *protocols; /* subprotocol offers, comma-separated: "ocpp1.6" or "ocpp2.0.1, ocpp1.6" */
    int header_count;
    const char *header_names[PORT_WS_MAX_HEADERS];
    const char *header_values[PORT_WS_MAX_HEADERS];
    const char *ca;   /* PEM text of the CA(s) the server must chain to; NULL: the system's */
    const char *cert; /* PEM client certificate (chain) and key; NULL: none */
    const char *key;
} port_ws_options;

/* Starts connecting socket `id` to a ws:// or wss:// URL. Everything in `options` is only
 * valid during the call. Returns 0 when the connection is under way: the port then reports
 * exactly one of host_ws_opened or host_ws_error + host_ws_closed, and after an open
 * host_ws_message any number of times and host_ws_closed once. Returns -1 with a message
 * in `error` when it cannot even start (bad URL, bad certificate): the host reports that
 * itself, on a later turn. Server certificates are always verified. */
int port_ws_open(int id, const char *url, const port_ws_options *options, char *error, size_t error_size);
/* Queues one text frame; false when the socket is not open. */
bool port_ws_send(int id, const char *text, size_t len);
/* Starts the close handshake (or abandons a connection still being made). */
void port_ws_close(int id, int code, const char *reason);
/* The runtime that owned this socket is gone (exit, restart): close it politely if it is
 * open, at once otherwise, and report nothing more about it. */
void port_ws_abandon(int id);

#endif
