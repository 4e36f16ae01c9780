/*
 * A growing text for the JSON the host writes: the answers of the members (the ports'
 * cryptography, port/posix/crypto.c on OpenSSL and port/quectel/crypto.c on mbedTLS, the
 * hardware and firmware members) and the settings the POSIX CLI makes of its flags
 * (port/posix/cli.c), so all write JSON the same way, strings as JSON.stringify does.
 * Header-only: each includes it once.
 */
#ifndef OCPP_JSON_TEXT_H
#define OCPP_JSON_TEXT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *text;
    size_t len, cap;
    bool failed;
} text_buffer;

static inline void put(text_buffer *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->text = grown;
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

static inline void puts_(text_buffer *b, const char *s) { put(b, s, strlen(s)); }

static inline void put_json_string(text_buffer *b, const char *s)
{
    puts_(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(b, esc, 2);
        } else if (c < 0x20) { /* as JSON.stringify writes them */
            const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b"
                              : c == '\f' ? "\\f" : NULL;
            if (named) {
                put(b, named, 2);
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                put(b, esc, 6);
            }
        } else {
            put(b, (const char *)&c, 1);
        }
    }
    puts_(b, "\"");
}

static inline char *finish(text_buffer *b)
{
    if (b->failed) {
        free(b->text);
        return NULL;
    }
    return b->text;
}

/* {"error":"..."} or, with `ok_key`, {"ok":false,"error":"..."} (malloc'd) */
static inline char *error_json(bool ok_key, const char *error)
{
    text_buffer b = { 0 };
    puts_(&b, ok_key ? "{\"ok\":false,\"error\":" : "{\"error\":");
    put_json_string(&b, error);
    puts_(&b, "}");
    return finish(&b);
}

static inline void put_hex(text_buffer *b, const unsigned char *bytes, size_t n)
{
    char hex[3];
    for (size_t i = 0; i < n; i++) {
        snprintf(hex, sizeof hex, "%02x", bytes[i]);
        put(b, hex, 2);
    }
}

#endif
