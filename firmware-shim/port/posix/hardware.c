/*
 * The charger's IO on Linux (`ocpp-host --hardware DIR`, src/hardware.h): a folder of small
 * state files, in the manner of sysfs GPIO, that the charger's IO daemon (or a test) keeps
 * and the host reads when the bundle asks:
 *
 *   DIR/info              backend → host: {"connectors":[{"maxCurrentA":32,"cableLock":true}, ...]}
 *   DIR/inputs-N          backend → host: {"plugged":true,"evRequestsEnergy":true,"error":"NoError",
 *                         "vendorErrorCode":"","idTag":""}  (connector N, 1..32)
 *   DIR/meter-N           backend → host: {"energyWh":1234,"powerW":7360,"currentA":10.7,"voltageV":230,
 *                         "phases":3,"socPercent":-1}
 *   DIR/relay-N           host → backend: 1 (contactor closed) or 0
 *   DIR/lock-N            host → backend: 1 (cable locked) or 0
 *   DIR/current-limit-N   host → backend: the current offered to the EV, A (0 = none)
 *   DIR/lock-stuck-N      backend → host: 1 while the cable lock does not move (0 or absent: it
 *                         moves); a lock write then fails with ConnectorLockFailure (so an
 *                         UnlockConnector answers UnlockFailed) and lock-N stays as it was
 *
 * Each is one JSON text or one number and a newline. The backend replaces a file whole
 * (writes a temporary file in DIR and renames it over the name), and so does the host, so
 * neither side ever reads half a file. A new inputs-N (a rename onto it, or a write closed)
 * is an input change: inotify sees it on a thread of its own, which wakes the event loop,
 * and the loop tells the bundle (host_hardware_changed); meter-N is read when the bundle reads
 * the meter, never announced. The host passes the texts through unparsed: one that is not
 * the JSON the ABI describes is a reading hal/host-hardware.ts ignores (it keeps the last
 * good one and logs it), so nothing a backend writes can crash the host.
 */
#include "posix.h"
#include "../../src/hardware.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* A state file larger than this is not one the ABI describes: read as nothing. */
#define STATE_MAX_BYTES 4096

static struct {
    char *dir;          /* NULL: no --hardware, the members are absent */
    int inotify;
    pthread_t watcher;
    bool watching;
    pthread_mutex_t lock;
    bool changed[HARDWARE_MAX_CONNECTORS + 1]; /* inputs-N seen changed, not yet told (lock) */
} W = { .inotify = -1, .lock = PTHREAD_MUTEX_INITIALIZER };

bool port_hardware_present(void) { return W.dir != NULL; }

/* "inputs-N" with N in 1..HARDWARE_MAX_CONNECTORS: N; else 0. */
static int inputs_connector(const char *name)
{
    if (strncmp(name, "inputs-", 7) != 0)
        return 0;
    const char *digits = name + 7;
    size_t n = strspn(digits, "0123456789");
    if (n == 0 || n > 2 || digits[n] || digits[0] == '0')
        return 0;
    int c = atoi(digits);
    return c <= HARDWARE_MAX_CONNECTORS ? c : 0;
}

/* The watcher thread: inotify events → changed[], then a wake-up of the loop. Ends when
 * main cancels it (read is a cancellation point). */
static void *watch_inputs(void *unused)
{
    _Alignas(struct inotify_event) char buf[4096];
    for (;;) {
        ssize_t n = read(W.inotify, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        bool any = false;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)p;
            int c = e->len ? inputs_connector(e->name) : 0;
            if (c) {
                pthread_mutex_lock(&W.lock);
                W.changed[c] = true;
                pthread_mutex_unlock(&W.lock);
                any = true;
            }
            p += sizeof *e + e->len;
        }
        if (any)
            posix_net_wake();
    }
}

int posix_hardware_open(const char *dir, char *error, size_t error_size)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(error, error_size, "--hardware: cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(error, error_size, "--hardware: %s is not a folder", dir);
        return -1;
    }
    W.inotify = inotify_init1(IN_CLOEXEC);
    if (W.inotify < 0 || inotify_add_watch(W.inotify, dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
        snprintf(error, error_size, "--hardware: cannot watch %s: %s", dir, strerror(errno));
        if (W.inotify >= 0)
            close(W.inotify);
        W.inotify = -1;
        return -1;
    }
    if (pthread_create(&W.watcher, NULL, watch_inputs, NULL) != 0) {
        snprintf(error, error_size, "--hardware: cannot start the watcher thread");
        close(W.inotify);
        W.inotify = -1;
        return -1;
    }
    W.watching = true;
    W.dir = strdup(dir);
    return 0;
}

void posix_hardware_drain(void)
{
    if (!W.dir)
        return;
    bool changed[HARDWARE_MAX_CONNECTORS + 1];
    pthread_mutex_lock(&W.lock);
    memcpy(changed, W.changed, sizeof changed);
    memset(W.changed, 0, sizeof W.changed);
    pthread_mutex_unlock(&W.lock);
    for (int c = 1; c <= HARDWARE_MAX_CONNECTORS; c++)
        if (changed[c])
            host_hardware_changed(c);
}

void posix_hardware_close(void)
{
    if (W.watching) {
        pthread_cancel(W.watcher);
        pthread_join(W.watcher, NULL);
        W.watching = false;
    }
    if (W.inotify >= 0)
        close(W.inotify);
    W.inotify = -1;
    free(W.dir);
    W.dir = NULL;
}

/* DIR/name's text (malloc'd, NUL-terminated), or NULL when it is missing, unreadable or too big. */
static char *read_state(const char *name)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", W.dir, name) >= (int)sizeof path)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *text = malloc(STATE_MAX_BYTES + 1);
    size_t len = 0;
    ssize_t n = 1;
    while (text && len <= STATE_MAX_BYTES && (n = read(fd, text + len, STATE_MAX_BYTES + 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    if (!text || n < 0 || len > STATE_MAX_BYTES) {
        free(text);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

char *port_hardware_info(void) { return read_state("info"); }

char *port_hardware_inputs(int connector)
{
    char name[32];
    snprintf(name, sizeof name, "inputs-%d", connector);
    return read_state(name);
}

char *port_hardware_meter(int connector)
{
    char name[32];
    snprintf(name, sizeof name, "meter-%d", connector);
    return read_state(name);
}

int port_hardware_write(int connector, hardware_output output, double value, char *error, size_t error_size)
{
    static const char *const names[] = { "relay", "lock", "current-limit" };
    char path[PATH_MAX], temporary[PATH_MAX + 8], text[40];
    snprintf(path, sizeof path, "%s/%s-%d", W.dir, names[output], connector);
    snprintf(temporary, sizeof temporary, "%s/.%s-%d~", W.dir, names[output], connector);
    if (output == HARDWARE_LOCK) {
        char stuck_name[32];
        snprintf(stuck_name, sizeof stuck_name, "lock-stuck-%d", connector);
        char *stuck = read_state(stuck_name);
        bool moves = !stuck || stuck[0] != '1' || stuck[1 + strspn(stuck + 1, " \t\r\n")] != '\0';
        free(stuck);
        if (!moves) {
            snprintf(error, error_size, "ConnectorLockFailure");
            return -1;
        }
    }
    if (output == HARDWARE_CURRENT_LIMIT)
        snprintf(text, sizeof text, "%.10g\n", value);
    else
        snprintf(text, sizeof text, "%d\n", value != 0);
    size_t len = strlen(text);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(temporary, path) != 0)
        ok = false;
    if (!ok) {
        snprintf(error, error_size, "%s-%d: %s", names[output], connector, strerror(errno));
        unlink(temporary);
        return -1;
    }
    return 0;
}
