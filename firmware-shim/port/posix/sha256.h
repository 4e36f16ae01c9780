/*
 * SHA-256 for a build without OpenSSL (make TLS=none, the armhf build): device.c derives the
 * simulated IMEI and ICCID from it exactly as the simulator does. With OpenSSL, EVP does it.
 */
#ifndef OCPP_POSIX_SHA256_H
#define OCPP_POSIX_SHA256_H

#include <stddef.h>

void posix_sha256(const void *data, size_t len, unsigned char digest[32]);

#endif
