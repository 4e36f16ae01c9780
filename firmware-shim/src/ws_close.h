/*
 * The close codes a client may send (RFC 6455 7.4, as the `ws` package checks them): the
 * simulator host refuses the others and closes with a plain 1000, and so do both native
 * websocket clients.
 */
#ifndef OCPP_WS_CLOSE_H
#define OCPP_WS_CLOSE_H

#include <stdbool.h>

static inline bool ws_close_code_sendable(int code)
{
    return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006) ||
           (code >= 3000 && code <= 4999);
}

#endif
