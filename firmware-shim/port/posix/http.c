/*
 * HTTP(S) transfers of the optional members (firmware download, diagnostics upload) on
 * libcurl. Each transfer runs on a worker thread of its own with curl's easy interface —
 * they are rare and short, and the port has two event loops (libwebsockets and the select
 * loop) that curl's multi interface would have to be wired into each — and its result is
 * queued here and handed to the host on the event loop (posix_members_drain, after
 * posix_net_wake): the host is never called from a worker.
 *
 * As the simulator (sim/host.mjs transferHttp): http and https only, the server certificate
 * always verified (against the settings' CA, else the system's CAs), 30 s for the whole transfer, no
 * redirects, 2xx only; a download stops at its size cap. Failures are said in the words
 * the simulator uses where the cause is the same ("HTTP 404", "ECONNREFUSED", ...).
 */
#include "posix.h"
#include "../../src/host.h"
#include "../../src/members.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/x509_vfy.h>

#define TRANSFER_TIMEOUT_MS 30000

typedef struct job {
    int id;
    bool put;
    char *url;
    char *body; /* PUT */
    size_t body_len, body_sent;
    FILE *out;  /* GET */
    char path[PATH_MAX];
    size_t max_bytes, received;
    bool too_big;
    port_http_done *done;
    char error[300]; /* "" when it worked */
    struct job *next;
} job;

static struct {
    pthread_mutex_t lock;
    job *finished;
    char *ca; /* PEM text, or NULL: the system's CAs */
    int running;
} T = { PTHREAD_MUTEX_INITIALIZER };

void posix_members_start(const char *settings_json)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* The settings' CA (from --ca or a --settings file), as the simulator's transfers use it. */
    bool present;
    free(T.ca);
    T.ca = host_settings_string(settings_json, "ca", &present);
    if (T.ca && !*T.ca) {
        free(T.ca);
        T.ca = NULL;
    }
}

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
    job *j = user;
    size_t n = size * count;
    if (j->put)
        return n; /* the server's answer to a PUT is not needed */
    if (j->received + n > j->max_bytes) {
        j->too_big = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    j->received += n;
    return fwrite(data, 1, n, j->out);
}

static size_t on_upload(char *buf, size_t size, size_t count, void *user)
{
    job *j = user;
    size_t n = size * count, left = j->body_len - j->body_sent;
    if (n > left)
        n = left;
    memcpy(buf, j->body + j->body_sent, n);
    j->body_sent += n;
    return n;
}

/* Node's names for what the simulator reports as err.code. */
static const char *errno_name(long e)
{
    switch (e) {
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return NULL;
    }
}

static const char *verify_name(long v)
{
    switch (v) {
    /* A server certificate from an unknown CA: curl reports 20 where Node (the simulator)
     * reports 21 for the usual case, a server that sends its certificate alone. */
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "DEPTH_ZERO_SELF_SIGNED_CERT";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "SELF_SIGNED_CERT_IN_CHAIN";
    case X509_V_ERR_CERT_HAS_EXPIRED: return "CERT_HAS_EXPIRED";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "CERT_NOT_YET_VALID";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return "ERR_TLS_CERT_ALTNAME_INVALID";
    default: return NULL;
    }
}

static void run(job *j)
{
    CURL *curl = curl_easy_init();
    if (!curl) {
        snprintf(j->error, sizeof j->error, "cannot start a transfer (libcurl)");
        return;
    }
    char curl_error[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    curl_easy_setopt(curl, CURLOPT_URL, j->url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)TRANSFER_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (T.ca) {
        struct curl_blob ca = { T.ca, strlen(T.ca), CURL_BLOB_NOCOPY };
        curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
    }
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, j);
    if (j->put) {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_upload);
        curl_easy_setopt(curl, CURLOPT_READDATA, j);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)j->body_len);
        headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
        headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    } else {
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)j->max_bytes);
    }
    CURLcode r = curl_easy_perform(curl);
    long status = 0, os_errno = 0, verify = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
    curl_easy_getinfo(curl, CURLINFO_SSL_VERIFYRESULT, &verify);
    const char *name;
    if (j->too_big || r == CURLE_FILESIZE_EXCEEDED)
        snprintf(j->error, sizeof j->error, "more than %zu bytes", j->max_bytes);
    else if (r == CURLE_OPERATION_TIMEDOUT)
        snprintf(j->error, sizeof j->error, "no answer within %d s", TRANSFER_TIMEOUT_MS / 1000);
    else if (r == CURLE_PEER_FAILED_VERIFICATION && (name = verify_name(verify)))
        snprintf(j->error, sizeof j->error, "%s", name);
    else if (r == CURLE_COULDNT_RESOLVE_HOST)
        snprintf(j->error, sizeof j->error, "ENOTFOUND");
    else if (r != CURLE_OK && (name = errno_name(os_errno)))
        snprintf(j->error, sizeof j->error, "%s", name);
    else if (r != CURLE_OK)
        snprintf(j->error, sizeof j->error, "%s", *curl_error ? curl_error : curl_easy_strerror(r));
    else if (status < 200 || status > 299)
        snprintf(j->error, sizeof j->error, "HTTP %ld", status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}

static void *worker(void *arg)
{
    job *j = arg;
    run(j);
    /* Durable before firmware.c renames it into place: a power cut then leaves it whole. */
    if (j->out && (fflush(j->out) != 0 || fsync(fileno(j->out)) != 0) && !*j->error)
        snprintf(j->error, sizeof j->error, "cannot write the download: %s", strerror(errno));
    if (j->out && fclose(j->out) != 0 && !*j->error)
        snprintf(j->error, sizeof j->error, "cannot write the download: %s", strerror(errno));
    j->out = NULL;
    pthread_mutex_lock(&T.lock);
    j->next = T.finished;
    T.finished = j;
    pthread_mutex_unlock(&T.lock);
    posix_net_wake();
    return NULL;
}

void posix_members_drain(void)
{
    pthread_mutex_lock(&T.lock);
    job *list = T.finished;
    T.finished = NULL;
    pthread_mutex_unlock(&T.lock);
    while (list) {
        job *j = list;
        list = j->next;
        T.running--;
        j->done(j->id, *j->error ? j->error : NULL);
        free(j->url);
        free(j->body);
        free(j);
    }
}

static int start(job *j, char *error, size_t error_size)
{
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int e = pthread_create(&thread, &attr, worker, j);
    pthread_attr_destroy(&attr);
    if (e != 0) {
        snprintf(error, error_size, "cannot start a transfer: %s", strerror(e));
        if (j->out)
            fclose(j->out);
        free(j->url);
        free(j->body);
        free(j);
        return -1;
    }
    T.running++;
    return 0;
}

int port_http_get(int id, const char *url, const char *name, size_t max_bytes, port_http_done *done, char *error,
                  size_t error_size)
{
    job *j = calloc(1, sizeof *j);
    if (!j || !(j->url = strdup(url))) {
        free(j);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    j->id = id;
    j->max_bytes = max_bytes;
    j->done = done;
    if (posix_private_path("firmware", name, j->path, sizeof j->path) != 0 || !(j->out = fopen(j->path, "wb"))) {
        snprintf(error, error_size, "cannot write the download: %s", strerror(errno));
        free(j->url);
        free(j);
        return -1;
    }
    return start(j, error, error_size);
}

int port_http_put(int id, const char *url, const char *data, size_t len, port_http_done *done, char *error,
                  size_t error_size)
{
    job *j = calloc(1, sizeof *j);
    if (!j || !(j->url = strdup(url)) || !(j->body = malloc(len + 1))) {
        if (j)
            free(j->url);
        free(j);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    memcpy(j->body, data, len);
    j->id = id;
    j->put = true;
    j->body_len = len;
    j->done = done;
    return start(j, error, error_size);
}
