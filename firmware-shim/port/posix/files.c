/*
 * A station's files in one folder, <data dir>/<station id>/, as the simulator keeps them
 * (sim/files.mjs). Writes are atomic and durable: the bundle keeps its transaction queue
 * here, and a charge point must not lose a StopTransaction to a power cut mid-write.
 */
#include "posix.h"
#include "../../src/port.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char folder[PATH_MAX];

void posix_folder_name(const char *station_id, char *out, size_t out_size)
{
    size_t n = 0;
    bool all_dots = true;
    for (const char *p = station_id; *p && n + 1 < out_size; p++) {
        char c = *p;
        bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
        out[n++] = safe ? c : '_';
        all_dots = all_dots && c == '.';
    }
    out[n] = '\0';
    if (n > 0 && all_dots)
        snprintf(out, out_size, "_");
}

/* mkdir -p */
static int make_folders(const char *path)
{
    char partial[PATH_MAX];
    snprintf(partial, sizeof partial, "%s", path);
    for (char *p = partial + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(partial, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(partial, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

int posix_files_open(const char *data_dir, const char *station_id, char *error, size_t error_size)
{
    char name[256];
    posix_folder_name(station_id, name, sizeof name);
    if (snprintf(folder, sizeof folder, "%s/%s", data_dir, name) >= (int)sizeof folder) {
        snprintf(error, error_size, "data folder path too long");
        return -1;
    }
    if (make_folders(folder) != 0) {
        snprintf(error, error_size, "cannot create %s: %s", folder, strerror(errno));
        return -1;
    }
    return 0;
}

const char *posix_files_folder(void) { return folder; }

/* The whole file in one buffer of its size (plus the NUL): the bundle's buffer is the
 * largest block of the process while QuickJS reads it (the module's port reads it the
 * same way, ql_fsize first). Something that is not a regular file (a pipe) is read in
 * growing steps instead. */
char *posix_read_file(const char *path, size_t *length)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    size_t cap = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 4096;
    size_t len = 0;
    char *text = malloc(cap);
    int failed = text ? 0 : ENOMEM;
    while (!failed) {
        char probe;
        bool full = len + 1 == cap; /* at the size fstat gave: one byte more, or the end? */
        ssize_t n = read(fd, full ? &probe : text + len, full ? 1 : cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            failed = EIO;
        if (n <= 0)
            break;
        if (full) { /* a file that grew meanwhile, or a pipe */
            char *grown = realloc(text, cap * 2);
            if (!grown) {
                failed = ENOMEM;
                break;
            }
            text = grown;
            cap *= 2;
            text[len] = probe;
        }
        len += (size_t)n;
    }
    close(fd);
    if (failed || len == 0) {
        free(text);
        errno = failed ? failed : EINVAL; /* an empty file is refused too: no bundle, no PEM */
        return NULL;
    }
    text[len] = '\0';
    *length = len;
    return text;
}

/* 0, or -1 with ENAMETOOLONG. */
static int path_in(const char *dir, const char *name, char *out, size_t out_size, const char *suffix)
{
    int n = snprintf(out, out_size, "%s/%s%s", dir, name, suffix);
    if (n < 0 || (size_t)n >= out_size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

static int path_of(const char *name, char *out, size_t out_size, const char *suffix)
{
    return path_in(folder, name, out, out_size, suffix);
}

/* Makes a create/rename/unlink in a folder itself durable (Linux needs the folder synced). */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static void sync_folder(void) { sync_dir(folder); }

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes, fsyncs and closes; keeps the first errno. */
static int write_durably(const char *path, int flags, const char *data, size_t len)
{
    int fd = open(path, flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int result = write_all(fd, data, len) == 0 && fsync(fd) == 0 ? 0 : -1;
    int saved = errno;
    if (close(fd) != 0 && result == 0)
        return -1;
    errno = saved;
    return result;
}

static int read_path(const char *path, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    struct stat st;
    char *buf = NULL;
    size_t size = 0;
    int result = -1;
    if (fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
        result = 1;
        while (size < (size_t)st.st_size) {
            ssize_t n = read(fd, buf + size, (size_t)st.st_size - size);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) { /* error, or the file shrank under us: what was read is what there is */
                result = n < 0 ? -1 : 1;
                break;
            }
            size += (size_t)n;
        }
    }
    int saved = errno;
    close(fd);
    errno = saved;
    if (result < 0) {
        free(buf);
        return -1;
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    return 1;
}

int port_file_read(const char *name, char **data, size_t *len)
{
    char path[PATH_MAX];
    if (path_of(name, path, sizeof path, "") != 0)
        return -1;
    return read_path(path, data, len);
}

/* Temp file, fsync, rename over the old one, fsync the folder: a reader sees the old or the
 * new contents, never a mix. The temp name ends in "~", which no bundle file name can hold. */
int port_file_write(const char *name, const char *data, size_t len)
{
    char path[PATH_MAX], temp[PATH_MAX];
    if (path_of(name, path, sizeof path, "") != 0 || path_of(name, temp, sizeof temp, "~") != 0)
        return -1;
    if (write_durably(temp, O_TRUNC, data, len) != 0 || rename(temp, path) != 0) {
        int saved = errno;
        unlink(temp);
        errno = saved;
        return -1;
    }
    sync_folder();
    return 0;
}

int port_file_append(const char *name, const char *data, size_t len)
{
    char path[PATH_MAX];
    if (path_of(name, path, sizeof path, "") != 0)
        return -1;
    bool is_new = access(path, F_OK) != 0;
    if (write_durably(path, O_APPEND, data, len) != 0)
        return -1;
    if (is_new)
        sync_folder();
    return 0;
}

int port_file_remove(const char *name)
{
    char path[PATH_MAX];
    if (path_of(name, path, sizeof path, "") != 0)
        return -1;
    if (unlink(path) != 0)
        return errno == ENOENT ? 0 : -1;
    sync_folder();
    return 1;
}

/* ---- the host's own files (members.h): <station folder>/host-<folder>/, mode 0700 ----- */

/* `length` bytes at `offset` of `path` into `out`: 0, or -1 (errno; EIO when the file is shorter). */
int posix_read_range(const char *path, size_t offset, size_t length, char *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < length) {
        ssize_t n = pread(fd, out + done, length - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            break;
        }
        done += (size_t)n;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return done == length ? 0 : -1;
}

#ifdef OCPP_HOST_MEMBERS
#include "../../src/members.h"

/* Made on the first write only: a station that never updates has no such folder. */
static int private_dir(const char *name, char *out, size_t out_size, bool create)
{
    int n = snprintf(out, out_size, "%s/host-%s", folder, name);
    if (n < 0 || (size_t)n >= out_size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (create && mkdir(out, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

int port_private_read(const char *dir_name, const char *name, char **data, size_t *len)
{
    char dir[PATH_MAX], path[PATH_MAX];
    if (private_dir(dir_name, dir, sizeof dir, false) != 0 || path_in(dir, name, path, sizeof path, "") != 0)
        return -1;
    return read_path(path, data, len);
}

int port_private_read_range(const char *dir_name, const char *name, size_t offset, size_t length, char *out)
{
    char dir[PATH_MAX], path[PATH_MAX];
    if (private_dir(dir_name, dir, sizeof dir, false) != 0 || path_in(dir, name, path, sizeof path, "") != 0)
        return -1;
    return posix_read_range(path, offset, length, out);
}

int port_private_write(const char *dir_name, const char *name, const char *data, size_t len)
{
    char dir[PATH_MAX], path[PATH_MAX], temp[PATH_MAX];
    if (private_dir(dir_name, dir, sizeof dir, true) != 0 || path_in(dir, name, path, sizeof path, "") != 0 ||
        path_in(dir, name, temp, sizeof temp, "~") != 0)
        return -1;
    int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int result = fd >= 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0 ? 0 : -1;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0)
        result = -1;
    if (result == 0 && rename(temp, path) != 0) {
        saved = errno;
        result = -1;
    }
    if (result != 0) {
        unlink(temp);
        errno = saved;
        return -1;
    }
    sync_dir(dir);
    return 0;
}

int port_private_rename(const char *dir_name, const char *from, const char *to)
{
    char dir[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
    if (private_dir(dir_name, dir, sizeof dir, false) != 0 || path_in(dir, from, a, sizeof a, "") != 0 ||
        path_in(dir, to, b, sizeof b, "") != 0)
        return -1;
    if (rename(a, b) != 0)
        return -1;
    sync_dir(dir);
    return 0;
}

int port_private_remove(const char *dir_name, const char *name)
{
    char dir[PATH_MAX], path[PATH_MAX];
    if (private_dir(dir_name, dir, sizeof dir, false) != 0 || path_in(dir, name, path, sizeof path, "") != 0)
        return -1;
    if (unlink(path) != 0)
        return errno == ENOENT ? 0 : -1;
    sync_dir(dir);
    return 1;
}

/* The path of a private file, for a port that writes one itself (the HTTP download). */
int posix_private_path(const char *dir_name, const char *name, char *out, size_t out_size)
{
    char dir[PATH_MAX];
    return private_dir(dir_name, dir, sizeof dir, true) == 0 ? path_in(dir, name, out, out_size, "") : -1;
}
#endif
