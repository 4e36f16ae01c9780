/*
 * What the POSIX port's files share. main.c owns the process: flags (cli.c), the station's
 * folder (files.c), the event loop (net.c: libwebsockets + the wake-up timer) and the log
 * (device.c).
 */
#ifndef OCPP_POSIX_H
#define OCPP_POSIX_H

#include <stdbool.h>
#include <stddef.h>

/* device.c */
void posix_log_setup(const char *station_id);
/* One line as the simulator CLI prints it: "HH:MM:SS.mmm  ID  [level] text". */
void posix_print(int level, const char *text);
void posix_identity_setup(const char *station_id);

/* files.c: a whole file, NUL-terminated (QuickJS's JS_Eval wants that), or NULL with errno
 * (EINVAL for an empty file). */
char *posix_read_file(const char *path, size_t *length);
/* files.c: `length` bytes at `offset` of `path` into `out` (host_bundle_source's reader). 0 or -1. */
int posix_read_range(const char *path, size_t offset, size_t length, char *out);

/* files.c: the station's files live in <data dir>/<folder of station id>/. */
int posix_files_open(const char *data_dir, const char *station_id, char *error, size_t error_size);
const char *posix_files_folder(void);
/* The simulator's folderNameOf: [A-Za-z0-9._-] kept, anything else "_", all dots "_". */
void posix_folder_name(const char *station_id, char *out, size_t out_size);

/* net.c */
int posix_net_start(char *error, size_t error_size);
/* One turn of the event loop: waits for a socket or the wake-up, handles what is ready. */
int posix_net_turn(void);
/* Lets sockets that are closing finish their close handshake, at most `ms`. */
void posix_net_drain(int ms);
void posix_net_stop(void);
/* From any thread: makes the loop's current or next turn return soon (a worker finished). */
void posix_net_wake(void);

/* hardware.c: the charger's IO from a folder of state files (--hardware DIR). open: watches
 * it (a thread of its own); drain, on the loop after a wake-up: tells the host which
 * connectors' inputs changed; close: stops the watcher. */
int posix_hardware_open(const char *dir, char *error, size_t error_size);
void posix_hardware_drain(void);
void posix_hardware_close(void);

/* The optional members (OCPP_HOST_MEMBERS builds): http.c, and files.c's private folders. */
void posix_members_start(const char *settings_json);
/* On the loop: hands the host the results of the transfers that finished. */
void posix_members_drain(void);
int posix_private_path(const char *folder, const char *name, char *out, size_t out_size);

/* malloc_count.c, when linked (NATIVE_RAM_COUNT=1; weak here, so main.c can ask): bytes of
 * every malloc'd chunk of the process now and at the highest, and how many chunks now. */
void posix_native_ram(size_t *now, size_t *peak, size_t *blocks) __attribute__((weak));

#endif
