/*
 * The optional host-ABI members on the module (src/members.h): the host's private files on
 * ql_fs, HTTP(S) transfers with the SDK's ql_http_client, and the wake-up of the OCPP task's
 * loop when a transfer ends. The cryptography is crypto.c (the SDK's mbedTLS); the rest —
 * the ABI glue (src/members.c) and the images with rollback (src/firmware.c) — is the
 * portable code CI tests on Linux.
 *
 * Untested without hardware: every function in this file. Compiled in CI against the
 * declarations of sdk-check/ (node firmware-shim/quectel-check.mjs), which proves it is
 * consistent C, not that the SDK behaves as assumed here.
 */
#include "quectel.h"
#include "../../src/host.h"
#include "../../src/members.h"
#include "../../src/sockets_loop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ql_api_osi.h"
#include "ql_fs.h"
#include "ql_http_client.h"
#include "ql_log.h"
#include "sockets.h"

#define TRANSFER_TASK_STACK (16 * 1024)
#define TRANSFER_TIMEOUT_S 30

/* ---- private files: UFS:ocpp/host-<folder>/<name> -------------------------------------- */
/* The bundle's files are in UFS:ocpp/data/, and its names cannot hold a "/": these folders
 * are out of its reach. To check on a device: that ql_rename replaces atomically across a
 * power cut on the module's file system (files.c has the same question), and that
 * ql_fsync reaches the flash. */

static void private_path(const char *folder, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/host-%s/%s", OCPP_DIR, folder, name);
}

static void make_folder(const char *folder)
{
    char dir[96];
    snprintf(dir, sizeof dir, "%s/host-%s", OCPP_DIR, folder);
    ql_mkdir(dir, 0); /* mostly "already there"; a real failure shows at the write */
}

int port_private_read(const char *folder, const char *name, char **data, size_t *len)
{
    char path[160];
    private_path(folder, name, path, sizeof path);
    return quectel_read_at(path, data, len);
}

int port_private_read_range(const char *folder, const char *name, size_t offset, size_t length, char *out)
{
    char path[160];
    private_path(folder, name, path, sizeof path);
    return quectel_read_range(path, offset, length, out);
}

int port_private_write(const char *folder, const char *name, const char *data, size_t len)
{
    char path[160];
    make_folder(folder);
    private_path(folder, name, path, sizeof path);
    return quectel_replace_at(path, data, len);
}

int port_private_rename(const char *folder, const char *from, const char *to)
{
    char a[160], b[160];
    private_path(folder, from, a, sizeof a);
    private_path(folder, to, b, sizeof b);
    if (ql_file_exist(a) != QL_FILE_OK) {
        errno = ENOENT;
        return -1;
    }
    if (ql_rename(a, b) != QL_FILE_OK) {
        ql_remove(b); /* a file system that will not rename over a file (see files.c) */
        if (ql_rename(a, b) != QL_FILE_OK) {
            errno = EIO;
            return -1;
        }
    }
    return 0;
}

int port_private_remove(const char *folder, const char *name)
{
    char path[160];
    private_path(folder, name, path, sizeof path);
    return quectel_remove_at(path);
}

/* ---- HTTP(S): ql_http_client on a task of its own -------------------------------------- */
/* ql_httpc_perform runs the request on the SDK's own task and reports through callbacks;
 * a small task per transfer waits for its end (as the SDK's http demo does with a
 * semaphore) and queues the result for the OCPP task, whose select loop a loopback UDP
 * datagram wakes. To check on a device: the option names and the variadic argument types
 * of ql_httpc_setopt / ql_httpc_getinfo against the SDK's ql_http_client.h; that
 * HTTP_CLIENT_OPT_SSL_CACERT_PATH takes a file (the settings' CA is written to
 * UFS:ocpp/host-keys/transfer-ca.pem for it); that a server certificate is verified at
 * verify level 1; that the module's lwIP allows a UDP socket on 127.0.0.1. */

typedef struct transfer {
    int id;
    bool put;
    http_client_t client;
    char url[512];
    char *body; /* PUT */
    size_t body_len, body_sent;
    QFILE out;  /* GET */
    size_t max_bytes, received;
    bool too_big, finished;
    int status;
    port_http_done *done;
    char error[160];
    struct transfer *next;
} transfer;

static struct {
    ql_mutex_t lock;
    transfer *finished;
    int wake_fd; /* a UDP socket bound to 127.0.0.1; the loop watches it */
    struct sockaddr_in wake_addr;
} Q = { .wake_fd = -1 };

static void drain(void)
{
    char buf[16];
    while (recv(Q.wake_fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
    ql_rtos_mutex_lock(Q.lock, QL_WAIT_FOREVER);
    transfer *list = Q.finished;
    Q.finished = NULL;
    ql_rtos_mutex_unlock(Q.lock);
    while (list) {
        transfer *t = list;
        list = t->next;
        t->done(t->id, *t->error ? t->error : NULL);
        free(t->body);
        free(t);
    }
}

void quectel_members_start(void)
{
    ql_rtos_mutex_create(&Q.lock);
    Q.wake_fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&Q.wake_addr, 0, sizeof Q.wake_addr);
    Q.wake_addr.sin_family = AF_INET;
    Q.wake_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof Q.wake_addr;
    if (Q.wake_fd >= 0 && bind(Q.wake_fd, (struct sockaddr *)&Q.wake_addr, sizeof Q.wake_addr) == 0 &&
        getsockname(Q.wake_fd, (struct sockaddr *)&Q.wake_addr, &size) == 0)
        sockets_loop_watch(Q.wake_fd, drain);
    else
        QL_LOG_PRINTF(QL_LOG_LEVEL_ERROR, "ocpp: no wake-up socket: transfers cannot report back");
}

static void post(transfer *t)
{
    ql_rtos_mutex_lock(Q.lock, QL_WAIT_FOREVER);
    t->next = Q.finished;
    Q.finished = t;
    ql_rtos_mutex_unlock(Q.lock);
    sendto(Q.wake_fd, "w", 1, 0, (struct sockaddr *)&Q.wake_addr, sizeof Q.wake_addr);
}

static int on_body(http_client_t *client, void *arg, char *data, int size, unsigned char end)
{
    transfer *t = arg;
    if (t->put || size <= 0)
        return size;
    if (t->received + (size_t)size > t->max_bytes) {
        t->too_big = true;
        return -1; /* ends the transfer */
    }
    t->received += (size_t)size;
    return ql_fwrite(data, 1, (size_t)size, t->out) == size ? size : -1;
}

static int on_upload(http_client_t *client, void *arg, char *data, int size)
{
    transfer *t = arg;
    size_t n = t->body_len - t->body_sent < (size_t)size ? t->body_len - t->body_sent : (size_t)size;
    memcpy(data, t->body + t->body_sent, n);
    t->body_sent += n;
    return (int)n;
}

static void on_event(http_client_t *client, int event, int event_code, void *arg)
{
    transfer *t = arg;
    if (event == HTTP_EVENT_RESPONE_STATE_LINE)
        ql_httpc_getinfo(client, HTTP_INFO_RESPONSE_CODE, &t->status);
    else if (event == HTTP_EVENT_SESSION_DISCONNECT || event_code != QL_HTTP_CLIENT_SUCCESS) {
        if (event_code != QL_HTTP_CLIENT_SUCCESS && !*t->error)
            snprintf(t->error, sizeof t->error, "the transfer failed (ql_http_client %d)", event_code);
        t->finished = true;
    }
}

static void transfer_task(void *arg)
{
    transfer *t = arg;
    uint64 deadline = ql_rtos_up_time_ms() + TRANSFER_TIMEOUT_S * 1000ULL;
    if (ql_httpc_perform(&t->client) != QL_HTTP_CLIENT_SUCCESS)
        snprintf(t->error, sizeof t->error, "cannot start the transfer");
    else
        while (!t->finished && ql_rtos_up_time_ms() < deadline)
            ql_rtos_task_sleep_ms(50);
    ql_httpc_release(&t->client);
    if (t->out >= 0) {
        ql_fsync(t->out); /* whole on the flash before firmware.c renames it into place */
        ql_fclose(t->out);
    }
    if (t->too_big)
        snprintf(t->error, sizeof t->error, "more than %u bytes", (unsigned)t->max_bytes);
    else if (!t->finished)
        snprintf(t->error, sizeof t->error, "no answer within %d s", TRANSFER_TIMEOUT_S);
    else if (!*t->error && (t->status < 200 || t->status > 299))
        snprintf(t->error, sizeof t->error, "HTTP %d", t->status);
    post(t);
    ql_task_t self;
    ql_rtos_task_get_current_ref(&self);
    ql_rtos_task_delete(self);
}

static int start(transfer *t, char *error, size_t error_size)
{
    if (ql_httpc_new(&t->client, on_event, t) != QL_HTTP_CLIENT_SUCCESS) {
        snprintf(error, error_size, "cannot start a transfer (ql_httpc_new)");
        goto failed;
    }
    ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_SIM_ID, OCPP_SIM);
    ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_PDPCID, OCPP_PDP_PROFILE);
    ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_URL, t->url);
    ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_WRITE_FUNC, on_body);
    ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_WRITE_DATA, t);
    if (strncmp(t->url, "https:", 6) == 0) {
        /* The server certificate verified against the settings' CA; the module has no
         * system CA store, so https without one is refused in quectel_transfer_ca. */
        ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_SSL_VERIFY_LEVEL, 1);
        ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_SSL_CACERT_PATH, OCPP_DIR "/host-keys/transfer-ca.pem");
    }
    if (t->put) {
        ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_METHOD, HTTP_METHOD_PUT);
        ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_REQUEST_HEADER, "Content-Type: application/octet-stream");
        ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_UPLOAD_LEN, (uint32)t->body_len);
        ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_READ_FUNC, on_upload);
        ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_READ_DATA, t);
    } else {
        ql_httpc_setopt(&t->client, HTTP_CLIENT_OPT_METHOD, HTTP_METHOD_GET);
    }
    ql_task_t task;
    if (ql_rtos_task_create(&task, TRANSFER_TASK_STACK, APP_PRIORITY_NORMAL, "ocpp-http", transfer_task, t, 2) == 0)
        return 0;
    ql_httpc_release(&t->client);
    snprintf(error, error_size, "cannot start a transfer task");
failed:
    if (t->out >= 0)
        ql_fclose(t->out);
    free(t->body);
    free(t);
    return -1;
}

/* https needs the settings' CA as a file for ql_http_client (no system store on a module). */
static int https_ready(const char *url, char *error, size_t error_size)
{
    if (strncmp(url, "https:", 6) != 0)
        return 0;
    char path[160];
    private_path("keys", "transfer-ca.pem", path, sizeof path);
    if (ql_file_exist(path) == QL_FILE_OK)
        return 0;
    snprintf(error, error_size, "https on the module needs the CA in settings (ca)");
    return -1;
}

/* The settings' CA (PEM) for https transfers: written once at start (main.c). */
void quectel_transfer_ca(const char *settings_ca_pem)
{
    if (settings_ca_pem && *settings_ca_pem)
        port_private_write("keys", "transfer-ca.pem", settings_ca_pem, strlen(settings_ca_pem));
}

static transfer *new_transfer(int id, const char *url, port_http_done *done, char *error, size_t error_size)
{
    if (strlen(url) >= sizeof ((transfer *)0)->url) {
        snprintf(error, error_size, "the URL is too long");
        return NULL;
    }
    if (https_ready(url, error, error_size) != 0)
        return NULL;
    transfer *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    t->id = id;
    t->done = done;
    t->out = -1;
    snprintf(t->url, sizeof t->url, "%s", url);
    return t;
}

int port_http_get(int id, const char *url, const char *name, size_t max_bytes, port_http_done *done, char *error,
                  size_t error_size)
{
    transfer *t = new_transfer(id, url, done, error, error_size);
    if (!t)
        return -1;
    char path[160];
    make_folder("firmware");
    private_path("firmware", name, path, sizeof path);
    t->max_bytes = max_bytes;
    t->out = ql_fopen(path, "wb");
    if (t->out < 0) {
        snprintf(error, error_size, "cannot write the download");
        free(t);
        return -1;
    }
    return start(t, error, error_size);
}

int port_http_put(int id, const char *url, const char *data, size_t len, port_http_done *done, char *error,
                  size_t error_size)
{
    transfer *t = new_transfer(id, url, done, error, error_size);
    if (!t)
        return -1;
    t->put = true;
    t->body = malloc(len + 1);
    if (!t->body) {
        snprintf(error, error_size, "out of memory");
        free(t);
        return -1;
    }
    memcpy(t->body, data, len);
    t->body_len = len;
    return start(t, error, error_size);
}
