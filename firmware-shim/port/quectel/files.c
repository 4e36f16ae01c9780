/*
 * The station's files in UFS:ocpp/data/ with ql_fs (one station per module, so one folder).
 * Atomic replace as on Linux: write "name~", ql_fsync, ql_rename over "name". Whether the
 * module's SFFS makes a rename atomic across a power cut is not known here: untested
 * without hardware, like every function in this file.
 */
#include "quectel.h"
#include "../../src/port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ql_fs.h"

static void path_of(const char *name, const char *suffix, char *out, size_t size)
{
    snprintf(out, size, "%s/%s%s", OCPP_DATA, name, suffix);
}

void quectel_files_open(void)
{
    /* An error here is mostly "already there"; a real one shows at the first write. */
    ql_mkdir(OCPP_DIR, 0);
    ql_mkdir(OCPP_DATA, 0);
}

char *quectel_read_whole(const char *path, size_t *length)
{
    QFILE fd = ql_fopen(path, "rb");
    if (fd < 0)
        return NULL;
    int size = ql_fsize(fd);
    char *data = size >= 0 ? malloc((size_t)size + 1) : NULL;
    int n = data ? ql_fread(data, 1, (size_t)size, fd) : -1;
    ql_fclose(fd);
    if (n < 0 || (size > 0 && n != size)) {
        free(data);
        return NULL;
    }
    data[size] = '\0';
    *length = (size_t)size;
    return data;
}

int quectel_read_range(const char *path, size_t offset, size_t length, char *out)
{
    QFILE fd = ql_fopen(path, "rb");
    if (fd < 0)
        return -1;
    int n = ql_fseek(fd, (long)offset, QL_SEEK_SET) == 0 ? ql_fread(out, 1, length, fd) : -1;
    ql_fclose(fd);
    return n >= 0 && (size_t)n == length ? 0 : -1;
}

int quectel_read_at(const char *path, char **data, size_t *len)
{
    if (ql_file_exist(path) != QL_FILE_OK)
        return 0;
    *data = quectel_read_whole(path, len);
    if (!*data) {
        errno = EIO;
        return -1;
    }
    return 1;
}

int port_file_read(const char *name, char **data, size_t *len)
{
    char path[160];
    path_of(name, "", path, sizeof path);
    return quectel_read_at(path, data, len);
}

int quectel_write_synced(const char *path, const char *mode, const char *data, size_t len)
{
    QFILE fd = ql_fopen(path, mode);
    if (fd < 0) {
        errno = EIO;
        return -1;
    }
    int ok = (len == 0 || ql_fwrite((void *)data, 1, len, fd) == (int)len) && ql_fsync(fd) == 0;
    if (ql_fclose(fd) != QL_FILE_OK)
        ok = 0;
    if (!ok)
        errno = EIO;
    return ok ? 0 : -1;
}

int quectel_replace_at(const char *path, const char *data, size_t len)
{
    char temp[170];
    snprintf(temp, sizeof temp, "%s~", path);
    if (quectel_write_synced(temp, "wb", data, len) != 0)
        return -1;
    if (ql_rename(temp, path) != QL_FILE_OK) {
        /* Some file systems refuse to rename over an existing file: remove it first (a
         * power cut between the two leaves "name~", which the next write replaces). */
        ql_remove(path);
        if (ql_rename(temp, path) != QL_FILE_OK) {
            errno = EIO;
            return -1;
        }
    }
    return 0;
}

int port_file_write(const char *name, const char *data, size_t len)
{
    char path[160];
    path_of(name, "", path, sizeof path);
    return quectel_replace_at(path, data, len);
}

int port_file_append(const char *name, const char *data, size_t len)
{
    char path[160];
    path_of(name, "", path, sizeof path);
    return quectel_write_synced(path, "ab", data, len);
}

int quectel_remove_at(const char *path)
{
    if (ql_file_exist(path) != QL_FILE_OK)
        return 0;
    if (ql_remove(path) != QL_FILE_OK) {
        errno = EIO;
        return -1;
    }
    return 1;
}

int port_file_remove(const char *name)
{
    char path[160];
    path_of(name, "", path, sizeof path);
    return quectel_remove_at(path);
}
