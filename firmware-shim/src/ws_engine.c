/*
 * The websocket protocol for clients (RFC 6455), as a byte-in / byte-out engine. See
 * ws_engine.h. Error words follow the `ws` package where the simulator host reports the
 * same thing, so the bundle sees the same texts under either host.
 */
#include "ws_engine.h"
#include "sha1.h"
#include "ws_close.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_MESSAGE (1024 * 1024) /* as the POSIX port: over it, close with 1009 */
/* A buffer grows on demand (from 256 bytes, doubling) for a message larger than the last;
 * once it is empty again, one that grew past this is freed rather than kept at its largest
 * for the rest of the connection. OCPP-J's frames are mostly well under it (a MeterValues
 * is about 400 bytes); a GetConfiguration answer or a CertificateSigned is several KB. */
#define KEEP_CAPACITY 1024
#define MAX_RESPONSE_HEAD 8192    /* the server's HTTP response to the upgrade */
#define GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

enum { OP_CONTINUATION = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10 };

typedef enum { S_IDLE, S_HANDSHAKE, S_OPEN, S_CLOSING, S_FINISHED } state;

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

struct ws_engine {
    ws_engine_callbacks cb;
    void *ctx;
    state state;
    char accept[32];     /* the Sec-WebSocket-Accept we expect */
    char *protocols;     /* what we offered, comma-separated */
    buffer in, out;
    buffer message;      /* a message being reassembled from its fragments */
    bool in_message, message_binary, message_too_big;
    bool close_sent;
    uint64_t skip;       /* bytes of an oversized frame still to be thrown away */
    int close_code;
    char close_reason[124];
};

static bool reserve(buffer *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown)
        return false;
    b->data = grown;
    b->cap = cap;
    return true;
}

static bool append(buffer *b, const void *data, size_t len)
{
    if (!reserve(b, len))
        return false;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

static void drop_front(buffer *b, size_t n)
{
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    if (b->len == 0 && b->cap > KEEP_CAPACITY) {
        free(b->data);
        *b = (buffer){ 0 };
    } else if (b->data) {
        b->data[b->len] = '\0';
    }
}

static void base64(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
        out[o++] = digits[v >> 18 & 63];
        out[o++] = digits[v >> 12 & 63];
        out[o++] = i + 1 < len ? digits[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? digits[v & 63] : '=';
    }
    out[o] = '\0';
}

ws_engine *ws_engine_new(const ws_engine_callbacks *callbacks, void *ctx)
{
    ws_engine *e = calloc(1, sizeof *e);
    if (e) {
        e->cb = *callbacks;
        e->ctx = ctx;
        e->close_code = 1006;
    }
    return e;
}

void ws_engine_free(ws_engine *e)
{
    if (!e)
        return;
    free(e->protocols);
    free(e->in.data);
    free(e->out.data);
    free(e->message.data);
    free(e);
}

/* The connection is over because of an error: no more input is looked at. */
static void fail(ws_engine *e, int code, const char *error)
{
    bool was_open = e->state == S_OPEN || e->state == S_CLOSING;
    e->state = S_FINISHED;
    e->close_code = was_open ? code : 1006;
    e->close_reason[0] = '\0';
    e->cb.failed(e->ctx, error);
}

int ws_engine_start(ws_engine *e, const char *host, const char *path, const port_ws_options *o)
{
    uint8_t nonce[16];
    char key[32], hashed[80];
    uint8_t digest[20];
    port_random(nonce, sizeof nonce);
    base64(nonce, sizeof nonce, key);
    snprintf(hashed, sizeof hashed, "%s%s", key, GUID);
    sha1(hashed, strlen(hashed), digest);
    base64(digest, sizeof digest, e->accept);
    e->protocols = strdup(o->protocols ? o->protocols : "");

    char line[1024];
    int n = snprintf(line, sizeof line,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n",
                     path, host, key);
    bool ok = e->protocols && n > 0 && (size_t)n < sizeof line && append(&e->out, line, (size_t)n);
    if (ok && *e->protocols) {
        n = snprintf(line, sizeof line, "Sec-WebSocket-Protocol: %s\r\n", e->protocols);
        ok = (size_t)n < sizeof line && append(&e->out, line, (size_t)n);
    }
    for (int i = 0; ok && i < o->header_count; i++) {
        ok = append(&e->out, o->header_names[i], strlen(o->header_names[i])) && append(&e->out, ": ", 2) &&
             append(&e->out, o->header_values[i], strlen(o->header_values[i])) && append(&e->out, "\r\n", 2);
    }
    ok = ok && append(&e->out, "\r\n", 2);
    e->state = S_HANDSHAKE;
    return ok ? 0 : -1;
}

/* ---- frames out ----------------------------------------------------------------------- */

/* One frame, masked as a client must (RFC 6455 5.3). */
static bool queue_frame(ws_engine *e, int opcode, const void *payload, size_t len)
{
    uint8_t head[14];
    size_t n = 0;
    head[n++] = (uint8_t)(0x80 | opcode); /* FIN: we never fragment */
    if (len < 126) {
        head[n++] = (uint8_t)(0x80 | len);
    } else if (len <= 0xFFFF) {
        head[n++] = 0x80 | 126;
        head[n++] = (uint8_t)(len >> 8);
        head[n++] = (uint8_t)len;
    } else {
        head[n++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            head[n++] = (uint8_t)((uint64_t)len >> (8 * i));
    }
    uint8_t mask[4];
    port_random(mask, sizeof mask);
    memcpy(head + n, mask, 4);
    n += 4;
    if (!reserve(&e->out, n + len))
        return false;
    append(&e->out, head, n);
    uint8_t *out = (uint8_t *)e->out.data + e->out.len;
    for (size_t i = 0; i < len; i++)
        out[i] = ((const uint8_t *)payload)[i] ^ mask[i % 4];
    e->out.len += len;
    e->out.data[e->out.len] = '\0';
    return true;
}

static void queue_close(ws_engine *e, int code, const char *reason)
{
    uint8_t payload[125];
    size_t len = 0;
    if (code != 1005) { /* 1005 "no status" is never sent: an empty close frame says it */
        payload[0] = (uint8_t)(code >> 8);
        payload[1] = (uint8_t)code;
        len = 2 + strlen(reason);
        memcpy(payload + 2, reason, len - 2);
    }
    queue_frame(e, OP_CLOSE, payload, len);
    e->close_sent = true;
}

bool ws_engine_send_text(ws_engine *e, const char *text, size_t len)
{
    return e->state == S_OPEN && queue_frame(e, OP_TEXT, text, len);
}

void ws_engine_close(ws_engine *e, int code, const char *reason)
{
    if (e->state != S_OPEN)
        return;
    if (!ws_close_code_sendable(code) || strlen(reason) > 123) { /* as the `ws` package would refuse them */
        code = 1000;
        reason = "";
    }
    queue_close(e, code, reason);
    e->close_code = code;
    snprintf(e->close_reason, sizeof e->close_reason, "%s", reason);
    e->state = S_CLOSING;
}

/* ---- the handshake response ----------------------------------------------------------- */

/* The value of one header in the response head, or NULL. Names are case-insensitive. */
static const char *header_value(const char *head, const char *name, char *value, size_t size)
{
    size_t name_len = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
        const char *p = line + 2;
        if (strncasecmp(p, name, name_len) != 0 || p[name_len] != ':')
            continue;
        p += name_len + 1;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, "\r");
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        snprintf(value, size, "%.*s", (int)n, p);
        return value;
    }
    return NULL;
}

/* Is `protocol` one of the comma-separated offers? */
static bool offered(const char *offers, const char *protocol)
{
    size_t n = strlen(protocol);
    for (const char *p = offers; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == n && strncmp(p, protocol, n) == 0)
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

/* 1 when the handshake is complete (head consumed), 0 when more bytes are needed, -1 failed. */
static int handshake_response(ws_engine *e)
{
    char *end = strstr(e->in.data, "\r\n\r\n");
    if (!end) {
        if (e->in.len > MAX_RESPONSE_HEAD) {
            fail(e, 1002, "Invalid HTTP response: the head is too long");
            return -1;
        }
        return 0;
    }
    end[2] = '\0'; /* the head, each line ending in \r\n */
    size_t head_len = (size_t)(end - e->in.data) + 4;
    char value[256], message[300];
    int status = 0;
    if (sscanf(e->in.data, "HTTP/1.%*d %d", &status) != 1) {
        fail(e, 1002, "Invalid HTTP response");
        return -1;
    }
    const char *problem = NULL;
    const char *accept;
    if (status != 101) {
        snprintf(message, sizeof message, "Unexpected server response: %d", status);
        problem = message;
    } else if (!header_value(e->in.data, "Upgrade", value, sizeof value) || strcasecmp(value, "websocket") != 0) {
        problem = "Invalid Upgrade header";
    } else if (!(accept = header_value(e->in.data, "Sec-WebSocket-Accept", value, sizeof value)) ||
               strcmp(accept, e->accept) != 0) {
        problem = "Invalid Sec-WebSocket-Accept header";
    }
    char protocol[64] = "";
    if (!problem && header_value(e->in.data, "Sec-WebSocket-Protocol", value, sizeof value)) {
        snprintf(protocol, sizeof protocol, "%.63s", value);
        if (!*e->protocols)
            problem = "Server sent a subprotocol but none was requested";
        else if (!offered(e->protocols, protocol))
            problem = "Server sent an invalid subprotocol";
    } else if (!problem && *e->protocols) {
        problem = "Server sent no subprotocol";
    }
    if (problem) {
        fail(e, 1002, problem);
        return -1;
    }
    drop_front(&e->in, head_len);
    e->state = S_OPEN;
    e->cb.opened(e->ctx, protocol);
    return 1;
}

/* ---- frames in ------------------------------------------------------------------------ */

static void deliver_message(ws_engine *e)
{
    if (e->message_too_big) {
        ws_engine_close(e, 1009, "message too big");
    } else if (e->message_binary) {
        /* OCPP-J is text; the POSIX port drops binary frames the same way. */
    } else {
        append(&e->message, "", 0);
        e->cb.message(e->ctx, e->message.data ? e->message.data : "", e->message.len);
    }
    drop_front(&e->message, e->message.len);
    e->in_message = false;
}

static void control_frame(ws_engine *e, int opcode, const uint8_t *payload, size_t len)
{
    if (opcode == OP_PING) {
        if (!e->close_sent)
            queue_frame(e, OP_PONG, payload, len);
    } else if (opcode == OP_CLOSE) {
        int code = len >= 2 ? payload[0] << 8 | payload[1] : 1005;
        if (!e->close_sent) { /* theirs: echo the code (as `ws` does), report theirs */
            queue_close(e, ws_close_code_sendable(code) ? code : 1005, "");
            e->close_code = code;
            size_t n = len > 2 ? len - 2 : 0;
            snprintf(e->close_reason, sizeof e->close_reason, "%.*s", (int)(n < 123 ? n : 123), (const char *)payload + 2);
        }
        e->state = S_FINISHED; /* ours already went out: this is the answer */
    }
}

/* Parses every whole frame in the input. */
static void frames(ws_engine *e)
{
    while ((e->state == S_OPEN || e->state == S_CLOSING) && e->skip == 0) {
        const uint8_t *p = (const uint8_t *)e->in.data;
        size_t have = e->in.len;
        if (have < 2)
            return;
        bool fin = p[0] & 0x80;
        int opcode = p[0] & 0x0F;
        size_t n = 2;
        uint64_t len = p[1] & 0x7F;
        if (p[0] & 0x70) {
            fail(e, 1002, "Invalid WebSocket frame: RSV1, RSV2 and RSV3 must be clear");
            return;
        }
        if (p[1] & 0x80) {
            fail(e, 1002, "Invalid WebSocket frame: MASK must be clear");
            return;
        }
        if (len == 126) {
            if (have < 4)
                return;
            len = (uint64_t)p[2] << 8 | p[3];
            n = 4;
        } else if (len == 127) {
            if (have < 10)
                return;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = len << 8 | p[2 + i];
            n = 10;
        }
        if (opcode >= OP_CLOSE && (!fin || len > 125)) {
            fail(e, 1002, "Invalid WebSocket frame: a control frame must be whole and at most 125 bytes");
            return;
        }
        if (len > MAX_MESSAGE) { /* never buffered: thrown away as it arrives, and we close */
            drop_front(&e->in, n);
            size_t here = e->in.len < len ? e->in.len : (size_t)len;
            drop_front(&e->in, here);
            e->skip = len - here;
            e->in_message = false;
            drop_front(&e->message, e->message.len);
            ws_engine_close(e, 1009, "message too big"); /* unless we are closing already */
            continue;
        }
        if (have < n + len)
            return;
        const uint8_t *payload = p + n;
        if (opcode >= OP_CLOSE) {
            control_frame(e, opcode, payload, (size_t)len);
        } else if ((opcode == OP_CONTINUATION) != e->in_message || (opcode != OP_CONTINUATION && opcode != OP_TEXT && opcode != OP_BINARY)) {
            fail(e, 1002, "Invalid WebSocket frame: unexpected opcode");
            return;
        } else {
            if (fin && opcode == OP_TEXT) {
                /* A whole message in one frame, the usual case: handed over where it lies
                 * in the input (NUL-terminated for the moment), not copied first. The
                 * callback never reads from the socket, so the input stays put meanwhile. */
                char *text = e->in.data + n;
                char after = text[len];
                text[len] = '\0';
                e->cb.message(e->ctx, text, (size_t)len);
                text[len] = after;
                drop_front(&e->in, n + (size_t)len);
                continue;
            }
            if (opcode != OP_CONTINUATION) {
                e->in_message = true;
                e->message_binary = opcode == OP_BINARY;
                e->message_too_big = false;
            }
            if (e->message.len + len > MAX_MESSAGE)
                e->message_too_big = true;
            else if (!append(&e->message, payload, (size_t)len))
                e->message_too_big = true;
            if (fin)
                deliver_message(e);
        }
        drop_front(&e->in, n + (size_t)len);
    }
}

int ws_engine_input(ws_engine *e, const char *data, size_t len)
{
    if (e->state == S_FINISHED || e->state == S_IDLE)
        return 0;
    if (e->skip > 0) { /* the rest of an oversized frame */
        size_t n = e->skip < len ? (size_t)e->skip : len;
        e->skip -= n;
        data += n;
        len -= n;
    }
    if (!append(&e->in, data, len))
        return -1;
    if (e->state == S_HANDSHAKE && handshake_response(e) <= 0)
        return 0;
    frames(e);
    return 0;
}

size_t ws_engine_output(ws_engine *e, const char **data)
{
    *data = e->out.data;
    return e->out.len;
}

void ws_engine_consumed(ws_engine *e, size_t n) { drop_front(&e->out, n); }

bool ws_engine_is_open(const ws_engine *e) { return e->state == S_OPEN; }
bool ws_engine_finished(const ws_engine *e) { return e->state == S_FINISHED; }
int ws_engine_close_code(const ws_engine *e) { return e->close_code; }
const char *ws_engine_close_reason(const ws_engine *e) { return e->close_reason; }
