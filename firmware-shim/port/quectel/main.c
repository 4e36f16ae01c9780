/*
 * The OCPP task on the module: network, data call, then the same loop as the POSIX port's
 * main.c: evaluate the bundle (UFS:ocpp/firmware.js), turn the event loop until the
 * station ends, evaluate it again on restart().
 *
 * A firmware must come back: when the bundle ends with a non-zero code (or the host ends
 * it: 70-73), the task waits RETRY_AFTER_S and boots the bundle again; exit(0) (only the
 * simulator's scenarios end that way) parks the task.
 *
 * Untested without hardware: this file, and whether QuickJS 2021-03-27 builds with the
 * SDK's toolchain as it is (see CMakeLists.txt).
 */
#include "quectel.h"
#include "../../src/host.h"
#include "../../src/sockets_loop.h"
#ifdef OCPP_HOST_MEMBERS
#include "../../src/members.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "ql_api_datacall.h"
#include "ql_fs.h"
#include "ql_api_dev.h"
#include "ql_api_osi.h"
#include "ql_log.h"

#ifndef OCPP_HEAP_LIMIT
#define OCPP_HEAP_LIMIT (1024 * 1024) /* lower it to what ql_dev_memory_size_query leaves free */
#endif
/* The OCPP task's stack, and QuickJS's limit in it (JS_SetMaxStackSize): past JS_STACK,
 * counted from where host_boot creates the runtime, the guest gets an InternalError ("stack
 * overflow") instead of the task overrunning its stack. The other 32 KB are for what runs
 * outside the limit's reach: ocpp_task's own frames above host_boot, the host functions the
 * guest calls (ql_ssl / lwIP sends, the log's formatting) and the C frames QuickJS runs between
 * two of its checks. Measured on x86-64 (larger frames than 32-bit ARM) with the POSIX port:
 * a charging session runs with a 48 KB limit, and JSON nested 200,000 deep and an endless
 * recursion are caught with a 40 KB limit in an 80 KB stack. Assumed, not measured: that the
 * SDK calls the host functions make fit in the 32 KB; check the task's stack high-water mark
 * on the module. OCPP frames never reach that depth: the core refuses nesting deeper than
 * 32 levels before it parses a frame. */
#define TASK_STACK (96 * 1024)
#define JS_STACK (64 * 1024)
_Static_assert(TASK_STACK >= JS_STACK + 32 * 1024, "the task's stack needs 32 KB beyond QuickJS's limit");
#define RETRY_AFTER_S 30

/* settings.logLevel ("debug" | "info" | "warning" | "error"), read without a JSON parser of
 * our own: the bundle parses the settings properly, the host only needs the level. */
static int log_level_of(const char *settings)
{
    const char *key = strstr(settings, "\"logLevel\"");
    const char *value = key ? strchr(key + strlen("\"logLevel\""), '"') : NULL;
    if (!value)
        return HOST_LOG_INFO;
    if (strncmp(value, "\"debug\"", 7) == 0)
        return HOST_LOG_DEBUG;
    if (strncmp(value, "\"warning\"", 9) == 0)
        return HOST_LOG_WARNING;
    if (strncmp(value, "\"error\"", 7) == 0)
        return HOST_LOG_ERROR;
    return HOST_LOG_INFO;
}


static size_t read_file(void *file, char *buf, size_t len)
{
    int n = ql_fread(buf, 1, len, *(QFILE *)file);
    return n > 0 ? (size_t)n : 0;
}

static void close_file(void *file) { ql_fclose(*(QFILE *)file); }

/* Boots `path`, read as it is loaded (host_boot_reader: bytecode is never held whole beside
 * the heap QuickJS builds from it; the file is closed once read). False when it cannot be
 * opened. */
static bool boot_file(const char *path)
{
    QFILE file = ql_fopen(path, "rb");
    if (file < 0)
        return false;
    int size = ql_fsize(file);
    if (size < 0) {
        ql_fclose(file);
        return false;
    }
    host_reader reader = { .read = read_file, .done = close_file, .opaque = &file, .size = (size_t)size };
    host_bundle_source(quectel_read_range, path); /* where its parts are read from */
    host_boot_reader(&reader, "firmware.js");
    return true;
}

/* Boots the bundle this boot evaluates: an installed firmware image (a trial boot counted, a
 * failed trial rolled back: src/firmware.c), else the bytecode, else the script. */
static bool boot_bundle(void)
{
#ifdef OCPP_HOST_MEMBERS
    char label[64];
    size_t length;
    char *installed = firmware_boot_image(&length, label, sizeof label);
    if (installed) {
        host_boot(installed, length, "firmware.js"); /* host_boot takes the buffer */
        return true;
    }
#endif
    return boot_file(OCPP_BYTECODE) || boot_file(OCPP_BUNDLE);
}


static void bring_up_network(void)
{
    while (ql_network_register_wait(OCPP_SIM, 120) != 0)
        QL_LOG_PRINTF(QL_LOG_LEVEL_WARN, "ocpp: waiting for network registration");
    ql_set_data_call_asyn_mode(OCPP_SIM, OCPP_PDP_PROFILE, 0);
    /* The operator's default APN: a charge point with its own APN sets it here. */
    while (ql_start_data_call(OCPP_SIM, OCPP_PDP_PROFILE, QL_PDP_TYPE_IP, "", NULL, NULL, 0) != 0) {
        QL_LOG_PRINTF(QL_LOG_LEVEL_WARN, "ocpp: data call failed, retrying");
        ql_rtos_task_sleep_s(5);
    }
}

/* The bundle's log dictionary for logCode, read from flash as the lines are needed, for a boot
 * whose file carries none of its own (src/host.c prefers the booted file's: the bytecode
 * --compile made, an installed firmware image); none without the file (a bundle built with log
 * codes then logs its codes raw). */
static void log_dictionary_setup(void)
{
    QFILE file = ql_fopen(OCPP_LOG_DICTIONARY, "rb");
    int size = file < 0 ? -1 : ql_fsize(file);
    if (file >= 0)
        ql_fclose(file);
    host_log_dictionary_source(quectel_read_range, OCPP_LOG_DICTIONARY, size > 0 ? (size_t)size : 0);
}

static void ocpp_task(void *arg)
{
    quectel_device_start();
    quectel_files_open();
    bring_up_network();
    quectel_net_start();

    size_t length = 0;
    char *settings = quectel_read_whole(OCPP_SETTINGS, &length);
    ql_memory_pool_state_t pool;
    if (ql_dev_memory_size_query(&pool) == QL_DEV_SUCCESS)
        QL_LOG_PRINTF(QL_LOG_LEVEL_INFO, "ocpp: heap %u of %u bytes free, JS heap limit %u", (unsigned)pool.avail_size,
                      (unsigned)pool.total_size, (unsigned)OCPP_HEAP_LIMIT);
    host_config config = {
        .name = "quectel",
        .settings_json = settings ? settings : "{}",
        .heap_limit = OCPP_HEAP_LIMIT,
        .stack_limit = JS_STACK,
        .watchdog_ms = 10000,
        .log_level = settings ? log_level_of(settings) : HOST_LOG_INFO,
    };
#ifdef OCPP_HOST_MEMBERS
    quectel_members_start();
    bool present;
    char *ca = settings ? host_settings_string(settings, "ca", &present) : NULL;
    quectel_transfer_ca(ca);
    free(ca);
#endif
    quectel_hardware_start();
    log_dictionary_setup();
    host_init(&config);
    for (;;) {
#ifdef OCPP_HOST_MEMBERS
        while (host_state() != HOST_ENDED || firmware_rolled_back()) { /* a failed trial: boot again */
#else
        while (host_state() != HOST_ENDED) {
#endif
            if (host_state() != HOST_RUNNING) { /* first boot, restart(), or a rollback */
                if (!boot_bundle())
                    host_stop(HOST_EXIT_LOAD_ERROR, "cannot read " OCPP_BYTECODE " nor " OCPP_BUNDLE);
            } else if (sockets_loop_turn() != 0) {
                host_stop(1, "the event loop failed");
            }
        }
        sockets_loop_drain(2000);
        QL_LOG_PRINTF(QL_LOG_LEVEL_INFO, "ocpp: exit %d (%s), heap peak %u bytes", host_exit_code(), host_exit_reason(),
                      (unsigned)host_heap_peak());
        if (host_exit_code() == 0)
            break;
        ql_rtos_task_sleep_s(RETRY_AFTER_S);
        host_init(&config); /* a fresh start: state, counters */
    }
    ql_task_t self;
    ql_rtos_task_get_current_ref(&self);
    ql_rtos_task_delete(self);
}

int ocpp_host_start(void)
{
    ql_task_t task;
    return ql_rtos_task_create(&task, TASK_STACK, APP_PRIORITY_NORMAL, "ocpp", ocpp_task, NULL, 5);
}
