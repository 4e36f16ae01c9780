/*
 * An event loop and websocket client over plain BSD sockets and select(): for platforms
 * with a socket API (lwIP on the Quectel module) but no websocket library. It implements
 * port.h's websocket and wake-up functions with ws_engine.c doing the protocol; TLS comes
 * from the platform through the small hook below (ql_ssl on the module).
 *
 * The POSIX port builds it too (build/ocpp-host-sockets, port/posix/net_sockets.c, with
 * OpenSSL behind the hook), so everything but the module's own socket and TLS calls runs
 * in CI against the strict CSMS.
 */
#ifndef OCPP_SOCKETS_LOOP_H
#define OCPP_SOCKETS_LOOP_H

#include <stddef.h>

#include "port.h"

typedef struct sockets_tls {
    /* Wraps a connected socket for `host` (server name and certificate check) with the
     * options' CA / client certificate; NULL with a message in `error` when it cannot. */
    void *(*open)(int fd, const char *host, const port_ws_options *options, char *error, size_t error_size);
    /* 0 done; SOCKETS_WANT_READ / SOCKETS_WANT_WRITE: call again when the socket is ready;
     * -1 failed with a message in `error` (a certificate that does not verify, say). */
    int (*handshake)(void *tls, char *error, size_t error_size);
    /* Bytes moved (> 0), 0 when it would block, -1 on error or end of the connection. */
    long (*read)(void *tls, void *buf, size_t len);
    long (*write)(void *tls, const void *buf, size_t len);
    void (*close)(void *tls);
} sockets_tls;

enum { SOCKETS_WANT_READ = 1, SOCKETS_WANT_WRITE = 2 };

/* Optional platform hooks: name resolution (a module resolves through its data call:
 * getaddrinfo_with_pcid) and preparing a new socket (binding it to the data call's local
 * address). A NULL member means getaddrinfo / nothing. `found` is freed with freeaddrinfo. */
struct addrinfo;
typedef struct sockets_net {
    int (*resolve)(const char *name, const char *port, struct addrinfo **found);
    int (*prepare)(int fd, int family);
} sockets_net;

void sockets_loop_set_net(const sockets_net *net);

/* tls may be NULL: then wss:// URLs fail with a clear error. */
void sockets_loop_init(const sockets_tls *tls);
/* Also wait for `fd` to be readable, and call ready() on the loop when it is (a wake-up
 * pipe or socket of the platform's workers: transfers, the hardware's poll task). Up to
 * SOCKETS_MAX_WATCHES fds; the same fd again replaces its ready(), ready NULL removes it.
 * 0, or -1 when every slot is taken. */
#define SOCKETS_MAX_WATCHES 4
int sockets_loop_watch(int fd, void (*ready)(void));
/* One turn: waits (select) until a socket is ready or the wake-up is due, handles it.
 * 0, or -1 when select itself fails. */
int sockets_loop_turn(void);
/* Lets closing sockets finish, at most `ms`. */
void sockets_loop_drain(int ms);
/* Closes whatever is left, reporting nothing. */
void sockets_loop_stop(void);

#endif
