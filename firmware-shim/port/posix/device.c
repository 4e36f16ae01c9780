/*
 * Clocks, identity and log output of the POSIX port.
 *
 * A desktop or gateway has no modem, so the IMEI and ICCID are derived from the station id
 * exactly as the simulator derives them (sim/host.mjs simulatedImei / simulatedIccid): the
 * same station keeps the same identity under either host, and across runs.
 */
#include "posix.h"
#include "../../src/host.h"
#include "../../src/port.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#ifdef OCPP_POSIX_NO_OPENSSL
#include "sha256.h"
#else
#include <openssl/evp.h>
#endif

static const char *station = "";
static char imei[16];
static char iccid[24];

double port_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)(ts.tv_nsec / 1000000);
}

double port_ticks_ms(void)
{
    /* The clock libwebsockets' timers run on too, so a deadline here and there agree. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void port_random(void *buf, size_t len)
{
    /* getrandom may return less when interrupted; a short read repeats */
    for (size_t got = 0; got < len;) {
        ssize_t n = getrandom((char *)buf + got, len - got, 0);
        if (n > 0)
            got += (size_t)n;
    }
}

/* ---- identity ------------------------------------------------------------------------- */

/* Luhn check digit, as IMEIs and ICCIDs carry: double every second digit from the right
 * of the body (the check digit will stand to its right). */
static char luhn(const char *digits)
{
    int sum = 0;
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        int d = digits[n - 1 - i] - '0';
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

/* The simulator's digitsOf: the decimal form of SHA-256(salt ":" id) read as one big
 * number, its first `count` digits (left-padded with 0 when it is shorter). */
static void digits_of(const char *id, const char *salt, size_t count, char *out)
{
    unsigned char hash[32];
    char input[512];
    snprintf(input, sizeof input, "%s:%s", salt, id);
#ifdef OCPP_POSIX_NO_OPENSSL
    posix_sha256(input, strlen(input), hash);
#else
    unsigned int hash_len = 0;
    EVP_Digest(input, strlen(input), hash, &hash_len, EVP_sha256(), NULL);
#endif

    /* Long division by 10 of the 256-bit big-endian number gives its digits, last first. */
    char reversed[80];
    size_t n = 0;
    for (;;) {
        int remainder = 0;
        int nonzero = 0;
        for (int i = 0; i < 32; i++) {
            int v = remainder * 256 + hash[i];
            hash[i] = (unsigned char)(v / 10);
            remainder = v % 10;
            nonzero |= hash[i];
        }
        reversed[n++] = (char)('0' + remainder);
        if (!nonzero)
            break;
    }
    size_t pad = n < count ? count - n : 0;
    memset(out, '0', pad);
    for (size_t i = 0; i + pad < count; i++)
        out[pad + i] = reversed[n - 1 - i];
    out[count] = '\0';
}

void posix_identity_setup(const char *station_id)
{
    char body[32];
    strcpy(body, "86");
    digits_of(station_id, "imei", 12, body + 2);
    body[14] = luhn(body); /* 2 + 12 digits, then the check digit */
    memcpy(imei, body, 15);
    imei[15] = '\0';
    strcpy(body, "8988");
    digits_of(station_id, "iccid", 15, body + 4);
    body[19] = luhn(body); /* 4 + 15 digits, then the check digit */
    memcpy(iccid, body, 20);
    iccid[20] = '\0';
}

void port_imei(char out[16]) { memcpy(out, imei, sizeof imei); }
void port_iccid(char out[24]) { memcpy(out, iccid, sizeof iccid); }

/* ---- log ------------------------------------------------------------------------------ */

void posix_log_setup(const char *station_id) { station = station_id; }

void posix_print(int level, const char *text)
{
    struct timespec ts;
    struct tm local;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &local);
    const char *tag = level >= HOST_LOG_ERROR     ? "[error] "
                      : level >= HOST_LOG_WARNING ? "[warning] "
                      : level >= HOST_LOG_INFO    ? ""
                                                  : "[debug] ";
    printf("%02d:%02d:%02d.%03ld  %s  %s%s\n", local.tm_hour, local.tm_min, local.tm_sec, ts.tv_nsec / 1000000,
           station, tag, text);
}

void port_log(int level, const char *source, const char *text) { posix_print(level, text); }
