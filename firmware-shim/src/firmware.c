/*
 * Firmware images with rollback, over the port's private files (folder "firmware"):
 *
 *   staged.part  a download under way or just finished, not yet checked
 *   staged       the last download that passed the check (firmwareVerifySignature reads it)
 *   image-<n>    installed images, never changed once written
 *   state        which image boots: one write (atomic and durable) moves from one state to
 *                the next, so a power cut at any moment leaves the old state or the new one
 *
 *   good=image-2     the image that reached an Accepted BootNotification ("" = the port's own
 *                    bundle, the factory image)
 *   trial=image-3    installed, not yet confirmed: it boots next, at most FIRMWARE_TRIAL_BOOTS
 *                    times; crashing at load (or out of memory, stalled, watchdog) or not
 *                    confirming in time rolls back to `good`
 *   boots=1          boots of the trial so far (counted before it is evaluated)
 *   next=4           the number of the next image
 *   failed=why       the last trial that was rolled back, for the bundle (firmwareState),
 *                    until it confirms its boot or installs again
 *
 * The steps, each ending in one state write: install (rename staged -> image-n, then
 * state: trial=image-n), boot (boots+1), confirm (good=trial), roll back (trial=""). An image
 * file is written whole before the state names it, and removed only after the state no
 * longer does; the power-loss tests kill the host at every step (firmware_crash_point).
 */
#include "members.h"
#include "host.h"
#include "json_text.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOLDER "firmware"
#define CHECK_HEAP_BYTES (64 * 1024 * 1024) /* the simulator's: a runtime of its own */

typedef struct {
    char good[32];
    char trial[32];
    int boots;
    int next;
    char failed[600];
} fw_state;

static bool booted_trial; /* this boot evaluates the trial image */

void firmware_crash_point(const char *step)
{
    const char *at = getenv("OCPP_HOST_CRASH_AT");
    if (at && strcmp(at, step) == 0) {
        host_log(HOST_LOG_WARNING, "OCPP_HOST_CRASH_AT=%s: killing the host here (a power cut)", step);
        raise(SIGKILL);
    }
}

static void read_state(fw_state *s)
{
    memset(s, 0, sizeof *s);
    s->next = 1;
    char *text = NULL;
    size_t len = 0;
    if (port_private_read(FOLDER, "state", &text, &len) <= 0)
        return;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *v = eq + 1;
        if (strcmp(line, "good") == 0)
            snprintf(s->good, sizeof s->good, "%s", v);
        else if (strcmp(line, "trial") == 0)
            snprintf(s->trial, sizeof s->trial, "%s", v);
        else if (strcmp(line, "boots") == 0)
            s->boots = atoi(v);
        else if (strcmp(line, "next") == 0)
            s->next = atoi(v) > 0 ? atoi(v) : 1;
        else if (strcmp(line, "failed") == 0)
            snprintf(s->failed, sizeof s->failed, "%s", v);
    }
    free(text);
}

static int write_state(const fw_state *s)
{
    char text[sizeof s->failed + 160];
    /* One line each: a reason with a line break in it keeps only its first line. */
    char failed[sizeof s->failed];
    snprintf(failed, sizeof failed, "%s", s->failed);
    failed[strcspn(failed, "\r\n")] = '\0';
    int n = snprintf(text, sizeof text, "good=%s\ntrial=%s\nboots=%d\nnext=%d\nfailed=%s\n", s->good, s->trial,
                     s->boots, s->next, failed);
    int r = port_private_write(FOLDER, "state", text, (size_t)n);
    if (r != 0)
        host_log(HOST_LOG_ERROR, "firmware: cannot write the boot state: %s", strerror(errno));
    return r;
}

static void remove_image(const char *name)
{
    if (*name && port_private_remove(FOLDER, name) < 0)
        host_log(HOST_LOG_WARNING, "firmware: cannot remove %s: %s", name, strerror(errno));
}

static void roll_back(fw_state *s, const char *why)
{
    char dropped[sizeof s->trial];
    snprintf(dropped, sizeof dropped, "%s", s->trial);
    host_log(HOST_LOG_ERROR, "firmware: rolling back from %s to %s: %s", dropped, *s->good ? s->good : "the factory bundle",
             why);
    s->trial[0] = '\0';
    s->boots = 0;
    snprintf(s->failed, sizeof s->failed, "%s", why);
    write_state(s);
    firmware_crash_point("rollback-state");
    remove_image(dropped);
}

static char *read_image(const char *name, size_t *length)
{
    char *code = NULL;
    if (port_private_read(FOLDER, name, &code, length) <= 0 || *length == 0) {
        free(code);
        return NULL;
    }
    return code;
}

/* host_bundle_source's reader for an installed image (its parts): `where` is its name. */
static int read_image_range(const char *where, size_t offset, size_t length, char *out)
{
    return port_private_read_range(FOLDER, where, offset, length, out);
}

char *firmware_boot_image(size_t *length, char *label, size_t label_size)
{
    fw_state s;
    read_state(&s);
    booted_trial = false;
    if (*s.trial && s.boots >= FIRMWARE_TRIAL_BOOTS) {
        char why[200];
        snprintf(why, sizeof why, "the new firmware did not reach an Accepted BootNotification in %d boots",
                 FIRMWARE_TRIAL_BOOTS);
        roll_back(&s, why);
    }
    if (*s.trial) {
        s.boots++;
        write_state(&s);
        firmware_crash_point("boot-counted");
        char *code = read_image(s.trial, length);
        if (code) {
            booted_trial = true;
            host_bundle_source(read_image_range, s.trial);
            snprintf(label, label_size, "firmware-installed.js");
            host_log(HOST_LOG_INFO, "firmware: booting the new image %s (trial boot %d of %d)", s.trial, s.boots,
                     FIRMWARE_TRIAL_BOOTS);
            return code;
        }
        roll_back(&s, "the new firmware image cannot be read");
    }
    if (*s.good) {
        char *code = read_image(s.good, length);
        if (code) {
            host_bundle_source(read_image_range, s.good);
            snprintf(label, label_size, "firmware-installed.js");
            return code;
        }
        host_log(HOST_LOG_ERROR, "firmware: the installed image %s cannot be read: booting the factory bundle", s.good);
    }
    return NULL;
}

bool firmware_boot_failed(int code, const char *reason)
{
    if (!booted_trial || code < HOST_EXIT_LOAD_ERROR || code > HOST_EXIT_WATCHDOG)
        return false;
    booted_trial = false;
    fw_state s;
    read_state(&s);
    if (!*s.trial)
        return false;
    char why[sizeof s.failed];
    snprintf(why, sizeof why, "the new firmware failed (exit %d: %s)", code, reason);
    roll_back(&s, why);
    return true;
}

/* Why `code` cannot be booted, or "" (a throw-away runtime: the station's is not touched).
 * It needs about the heap of booting the image a second time, beside the running station
 * (850 KB for the bundle as a script): a module builds with OCPP_FIRMWARE_LIGHT_CHECK, which
 * only checks the image is bytecode of this QuickJS or text, and leaves the rest to the
 * trial boot and its rollback. */
static void check_loadable(char *code, size_t length, char *error, size_t error_size)
{
    error[0] = '\0';
#ifdef OCPP_FIRMWARE_LIGHT_CHECK
    if (!host_is_bytecode(code, length) && memchr(code, '\0', length))
        snprintf(error, error_size, "neither bytecode of this host nor a script (binary data)");
    return;
#endif
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = rt ? JS_NewContext(rt) : NULL;
    if (!ctx) {
        snprintf(error, error_size, "out of memory: cannot create a runtime to check the image");
    } else {
        JS_SetMemoryLimit(rt, CHECK_HEAP_BYTES);
        bool bytecode = host_is_bytecode(code, length);
        /* a script's code only, not the log dictionary an image may carry (the parser reads up
         * to a NUL: one there while it compiles) */
        size_t loadable = bytecode ? length : host_loadable_length(code, length);
        char after = code[loadable];
        code[loadable] = 0;
        JSValue v = bytecode ? JS_ReadObject(ctx, (const uint8_t *)code, length, JS_READ_OBJ_BYTECODE)
                             : JS_Eval(ctx, code, loadable, "firmware.js", JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
        code[loadable] = after;
        if (JS_IsException(v))
            host_exception_text(ctx, bytecode ? "not bytecode this host can load" : "not a script QuickJS can compile",
                                error, error_size);
        JS_FreeValue(ctx, v);
    }
    if (ctx)
        JS_FreeContext(ctx);
    if (rt)
        JS_FreeRuntime(rt);
}

char *firmware_accept_download(char *error, size_t error_size)
{
    char *code = NULL;
    size_t length = 0;
    if (port_private_read(FOLDER, "staged.part", &code, &length) <= 0) {
        snprintf(error, error_size, "the download is gone: %s", strerror(errno));
        return NULL;
    }
    char why[512] = "";
    if (length == 0)
        snprintf(why, sizeof why, "the file is empty");
    else if (length > FIRMWARE_MAX_BYTES)
        snprintf(why, sizeof why, "the file is %zu bytes, more than %d", length, FIRMWARE_MAX_BYTES);
    else
        check_loadable(code, length, why, sizeof why);
    char *info = NULL;
    if (*why) {
        snprintf(error, error_size, "%s", why);
        port_private_remove(FOLDER, "staged.part");
    } else if (port_private_rename(FOLDER, "staged.part", "staged") != 0) {
        snprintf(error, error_size, "cannot stage the image: %s", strerror(errno));
    } else {
        char sha256[65];
        port_sha256_hex(code, length, sha256);
        info = malloc(128);
        if (info)
            snprintf(info, 128, "{\"size\":%zu,\"sha256\":\"%s\"}", length, sha256);
        host_log(HOST_LOG_INFO, "firmware downloaded and checked: %zu bytes, sha256 %s", length, sha256);
    }
    free(code);
    return info;
}

int firmware_install(char *error, size_t error_size)
{
    fw_state s;
    read_state(&s);
    char image[32];
    snprintf(image, sizeof image, "image-%d", s.next);
    if (port_private_rename(FOLDER, "staged", image) != 0) {
        if (errno == ENOENT)
            snprintf(error, error_size, "no firmware downloaded");
        else
            snprintf(error, error_size, "cannot install the image: %s", strerror(errno));
        return -1;
    }
    firmware_crash_point("install-renamed");
    char dropped[sizeof s.trial]; /* a trial installed before and not yet confirmed */
    snprintf(dropped, sizeof dropped, "%s", s.trial);
    snprintf(s.trial, sizeof s.trial, "%s", image);
    s.boots = 0;
    s.next++;
    s.failed[0] = '\0';
    if (write_state(&s) != 0) {
        snprintf(error, error_size, "cannot write the boot state: %s", strerror(errno));
        return -1;
    }
    firmware_crash_point("install-state");
    if (strcmp(dropped, image) != 0)
        remove_image(dropped);
    size_t length = 0;
    char *code = read_image(image, &length);
    char sha256[65] = "?";
    if (code)
        port_sha256_hex(code, length, sha256);
    free(code);
    host_log(HOST_LOG_INFO, "firmware installed as %s (sha256 %s): it runs from the next restart, on trial for %d boots",
             image, sha256, FIRMWARE_TRIAL_BOOTS);
    return 0;
}

char *firmware_state_json(void)
{
    fw_state s;
    read_state(&s);
    text_buffer b = { 0 };
    puts_(&b, booted_trial ? "{\"trial\":true,\"rolledBack\":" : "{\"trial\":false,\"rolledBack\":");
    put_json_string(&b, s.failed);
    puts_(&b, "}");
    return finish(&b);
}

bool firmware_rolled_back(void)
{
    return host_state() == HOST_ENDED && firmware_boot_failed(host_exit_code(), host_exit_reason());
}

void firmware_confirm(void)
{
    fw_state s;
    read_state(&s);
    if (booted_trial && *s.trial) {
        char old[sizeof s.good];
        snprintf(old, sizeof old, "%s", s.good);
        host_log(HOST_LOG_INFO, "firmware: %s reached an Accepted BootNotification: it is the image from now on", s.trial);
        snprintf(s.good, sizeof s.good, "%s", s.trial);
        s.trial[0] = '\0';
        s.boots = 0;
        s.failed[0] = '\0';
        if (write_state(&s) != 0)
            return;
        booted_trial = false;
        firmware_crash_point("confirm-state");
        if (strcmp(old, s.good) != 0)
            remove_image(old);
    } else if (*s.failed && !*s.trial) {
        s.failed[0] = '\0';
        write_state(&s);
    }
}

char *firmware_staged(size_t *length)
{
    char *data = NULL;
    if (port_private_read(FOLDER, "staged", &data, length) <= 0) {
        free(data);
        return NULL;
    }
    return data;
}
