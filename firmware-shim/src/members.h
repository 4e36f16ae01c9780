/*
 * The optional host-ABI members (hal/host-abi.ts): firmware download / install with
 * rollback, diagnostics upload, firmware signatures, key pairs, CSRs and certificates.
 *
 * A build has them when it defines OCPP_HOST_MEMBERS (the POSIX port with libcurl and
 * OpenSSL; the Quectel port's mapping); without it they are absent from `ocppHost` and the
 * bundle degrades as the ABI says (DownloadFailed, UploadFailed, Rejected).
 *
 *   members.c   the ABI functions: arguments, the guest's callbacks, results as JSON
 *   firmware.c  the staging area and the two images with rollback (portable, over the
 *               private files below)
 *   the port    HTTP transfers, cryptography, private files (port/posix/http.c, crypto.c,
 *               private.c; port/quectel/members.c)
 */
#ifndef OCPP_MEMBERS_H
#define OCPP_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>

#include "quickjs.h"

/* ---- host.c: pending calls ------------------------------------------------------------ */

enum { HOST_RESULT_DONE, HOST_RESULT_ERROR, HOST_RESULT_CALL };

/* Keeps the guest's callbacks object (or callback function) of a call still working; its
 * id (> 0), or 0 when out of memory. Freed with the runtime if no result came. */
int host_pending_keep(JSContext *ctx, JSValueConst callbacks);
/* Delivers the one result of a pending call on a later turn of the loop: ondone(text),
 * onerror(text), or callback(text) (HOST_RESULT_CALL). Unknown ids (a runtime that is gone)
 * are ignored. From the event loop only. */
void host_pending_finish(int id, int method, const char *text);

/* Takes ctx's pending exception and writes "<what>: <its message>" into `error`. */
void host_exception_text(JSContext *ctx, const char *what, char *error, size_t error_size);

/* members.c: adds the optional members to the `ocppHost` object of a new runtime. */
void members_install(JSContext *ctx, JSValueConst host);
/* The PEM private key of a host-kept key pair (wsOpen's keyId), malloc'd; NULL with why. */
char *members_key_pem(const char *key_id, char *error, size_t error_size);

/* ---- firmware.c: the images ----------------------------------------------------------- */

#define FIRMWARE_MAX_BYTES (4 * 1024 * 1024) /* the simulator's cap */
#define FIRMWARE_TRIAL_BOOTS 3 /* boots a new image gets to reach an Accepted BootNotification */

/* At every boot, before host_boot: the installed image to evaluate (malloc'd, NUL-terminated)
 * or NULL for the port's own bundle (the factory image). A trial boot is counted here, and a
 * trial that used up its boots is rolled back here. */
char *firmware_boot_image(size_t *length, char *label, size_t label_size);
/* The boot ended with a host exit code (70-73: load error, out of memory, stalled, watchdog).
 * True when it was a trial and the previous image is back: boot again instead of ending. */
bool firmware_boot_failed(int code, const char *reason);
/* The port's boot loop, after a boot ended (host_state() HOST_ENDED): true when that boot
 * was a failed trial that is now rolled back, so the loop boots again instead of ending. */
bool firmware_rolled_back(void);
/* firmwareDownload's check, on the loop: the staged part file is a loadable bundle. Renames
 * it to the staged image; JSON info ({"size","sha256"}) or NULL with why in `error`. */
char *firmware_accept_download(char *error, size_t error_size);
/* firmwareInstall: the staged image becomes the next boot's (a trial). 0 or -1 with why. */
int firmware_install(char *error, size_t error_size);
/* firmwareState: {"trial":bool,"rolledBack":"reason or empty"} (malloc'd). */
char *firmware_state_json(void);
/* firmwareConfirm: the running image reached an Accepted BootNotification. */
void firmware_confirm(void);
/* The staged image's bytes (malloc'd), or NULL when nothing is staged. */
char *firmware_staged(size_t *length);

/* Fault injection for the power-loss tests: OCPP_HOST_CRASH_AT=<step> kills the process
 * (SIGKILL, as a power cut) when the install or a boot reaches that step. */
void firmware_crash_point(const char *step);

/* ---- the port: private files ---------------------------------------------------------- */

/* Files of the host in folders of their own ("firmware", "keys") that the bundle's file
 * names cannot reach. Same contracts as port_file_* (port.h): write is atomic and durable. */
int port_private_read(const char *folder, const char *name, char **data, size_t *len);
/* `length` bytes at `offset` of a private file into `out` (an installed image's parts). 0 or -1. */
int port_private_read_range(const char *folder, const char *name, size_t offset, size_t length, char *out);
int port_private_write(const char *folder, const char *name, const char *data, size_t len);
/* Atomic and durable rename within a folder. 0 or -1 (errno). */
int port_private_rename(const char *folder, const char *from, const char *to);
int port_private_remove(const char *folder, const char *name);

/* ---- the port: HTTP ------------------------------------------------------------------- */

/* GET `url` into the private file firmware/<name> (at most `max_bytes`), or PUT `data`
 * (copied) to `url`. http and https only; the server certificate verified against the
 * settings' CA or the system's; 30 s timeout. Runs in the background; the port then calls
 * done(id, error) on the event loop: error NULL when the server answered 2xx, else a short
 * reason ("HTTP 404", "no answer within 30 s", "more than 4194304 bytes", ...). 0 started,
 * -1 with why in `error` (a bad URL). */
typedef void port_http_done(int id, const char *error);
int port_http_get(int id, const char *url, const char *name, size_t max_bytes, port_http_done *done, char *error,
                  size_t error_size);
int port_http_put(int id, const char *url, const char *data, size_t len, port_http_done *done, char *error,
                  size_t error_size);

/* ---- the port: cryptography ----------------------------------------------------------- */

/* Lower-case hex SHA-256 of `data` into out[65]. */
void port_sha256_hex(const void *data, size_t len, char out[65]);
/* A new ECDSA P-256 key pair, kept as keys/<key_id>.pem (PKCS#8), and a PKCS#10 CSR for
 * CN=common_name[, O=organization] signed with it. malloc'd PEM, or NULL with why. */
char *port_crypto_create_csr(const char *key_id, const char *common_name, const char *organization, char *error,
                             size_t error_size);
/* cryptoCertificateInfo's and cryptoVerifyChain's JSON texts (malloc'd), as the simulator's
 * (sim/crypto.mjs). */
char *port_crypto_certificate_info(const char *pem, const char *hash_algorithm);
char *port_crypto_verify_chain(const char *chain, const char *trusted, const char *key_pem);
/* Is `signature_base64` a SHA-256 signature of `data` (ECDSA, RSA PKCS#1 v1.5 or RSA-PSS)
 * by the key of `certificate_pem`? 1 yes, 0 no, -1 malformed (why in `error`). */
int port_crypto_verify_signature(const void *data, size_t len, const char *certificate_pem,
                                 const char *signature_base64, char *error, size_t error_size);

#endif
