/*
 * SHA-1, for one job only: checking the server's Sec-WebSocket-Accept (RFC 6455 4.2.2).
 * Not for anything that needs a secure hash. Small and dependency-free, so the websocket
 * engine needs no crypto library on a module where TLS lives inside the SDK.
 */
#ifndef OCPP_SHA1_H
#define OCPP_SHA1_H

#include <stddef.h>
#include <stdint.h>

void sha1(const void *data, size_t len, uint8_t digest[20]);

#endif
