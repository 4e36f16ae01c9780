/*
 * The Quectel port: the host ABI on a Quectel module's QuecOpen C SDK (written against the
 * EC200U / EC600U SDK, Unisoc 8910: ql_api_osi.h, ql_api_dev.h, ql_api_sim.h, ql_fs.h,
 * ql_ssl.h, ql_api_datacall.h, lwIP sockets). Compiled only inside that SDK (see
 * CMakeLists.txt beside this file); nothing here is built or run in CI.
 *
 * What the module runs is the portable host (src/host.c) and the portable websocket client
 * (src/sockets_loop.c + src/ws_engine.c), which CI tests on Linux as build/ocpp-host-sockets;
 * this folder adds only the SDK calls: the task, clocks, IMEI/ICCID, log, files, the data
 * call, and ql_ssl behind the sockets loop's TLS hook.
 */
#ifndef OCPP_QUECTEL_H
#define OCPP_QUECTEL_H

#include <stddef.h>

/* Where the files live on the module's file system (UFS: the module's user flash). */
#define OCPP_DIR "UFS:ocpp"
#define OCPP_BUNDLE OCPP_DIR "/firmware.js"     /* dist/firmware.min.js, uploaded here */
/* Or its bytecode (ocpp-host --compile, same QuickJS sources): tried first, boots from less heap. */
#define OCPP_BYTECODE OCPP_DIR "/firmware.qjbc"
#define OCPP_SETTINGS OCPP_DIR "/settings.json" /* hal/settings.ts as JSON */
/* The bundle's log dictionary (dist/firmware.min.logdict, uploaded here): the log texts of a
 * bundle built with log codes, read from flash one line per log call (logCode), for a booted
 * file that carries none (the bytecode of ocpp-host --compile and an image carry their own). */
#define OCPP_LOG_DICTIONARY OCPP_DIR "/firmware.logdict"
#define OCPP_DATA OCPP_DIR "/data"              /* the station's files (fileRead, ...) */

#define OCPP_SIM 0         /* SIM slot */
#define OCPP_PDP_PROFILE 1 /* the data call the sockets use */

/* Starts the OCPP task; call it once from the application's init (ql_init.c or alike). */
int ocpp_host_start(void);

/* files.c */
void quectel_files_open(void);
char *quectel_read_whole(const char *path, size_t *length);
/* `length` bytes at `offset` of `path` into `out` (ql_fseek, ql_fread): 0, or -1. host_bundle_source's reader. */
int quectel_read_range(const char *path, size_t offset, size_t length, char *out);
/* Writes (mode "wb" or "ab"), ql_fsync, closes; 0, or -1 with errno EIO. */
int quectel_write_synced(const char *path, const char *mode, const char *data, size_t len);
/* port_file_read / port_file_write (atomic) / port_file_remove on a whole path. */
int quectel_read_at(const char *path, char **data, size_t *len);
int quectel_replace_at(const char *path, const char *data, size_t len);
int quectel_remove_at(const char *path);
/* net.c */
int quectel_net_start(void);
/* device.c */
void quectel_device_start(void);
/* members.c (builds with OCPP_HOST_MEMBERS): the wake-up of the loop for finished transfers;
 * the settings' CA as the file https transfers verify servers against. */
void quectel_members_start(void);
void quectel_transfer_ca(const char *settings_ca_pem);
/* hardware.c: the charger's IO (board.c) read by a poll task of its own, before the first
 * boot; without connectors on the board the hardware members are absent. */
void quectel_hardware_start(void);

#endif
