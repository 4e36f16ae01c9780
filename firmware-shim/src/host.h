/*
 * The portable host: one QuickJS runtime that evaluates the firmware bundle with the host
 * ABI of hal/host-abi.ts as the global `ocppHost`. One station per process (the module runs
 * one); the platform underneath is reached through port.h only.
 *
 * A port's main loop drives it:
 *
 *   host_init(&config);
 *   host_boot_reader(&reader, "firmware.js");           // or host_boot(buffer, length, ...)
 *   while (host_state() != HOST_ENDED) {
 *       if (host_state() == HOST_REBOOT) host_boot_reader(...);  // restart(): evaluate it again
 *       else run one turn of the event loop;                // calls host_wake / host_ws_*
 *   }
 *   exit(host_exit_code());
 */
#ifndef OCPP_HOST_H
#define OCPP_HOST_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes the host gives a station it has to end itself (the bundle's own exit(code)
 * passes through). The same numbers as the simulator host (sim/host.mjs, HOST_EXIT). */
enum {
    HOST_EXIT_LOAD_ERROR = 70,    /* the bundle threw while it was being evaluated */
    HOST_EXIT_OUT_OF_MEMORY = 71, /* the bundle needed more than the heap limit */
    HOST_EXIT_STALLED = 72,       /* no timer and no socket left, and no exit() */
    HOST_EXIT_WATCHDOG = 73,      /* one callback ran longer than the watchdog allows */
};

/* Python logging's numbers, as in the ABI's log(level, text). */
enum { HOST_LOG_DEBUG = 10, HOST_LOG_INFO = 20, HOST_LOG_WARNING = 30, HOST_LOG_ERROR = 40 };

typedef struct host_config {
    const char *name;          /* ocppHost.name: "posix", "quectel" */
    const char *settings_json; /* ocppHost.config(): hal/settings.ts as JSON text */
    size_t heap_limit;         /* JS_SetMemoryLimit, bytes */
    size_t stack_limit;        /* JS_SetMaxStackSize, bytes */
    int watchdog_ms;           /* longest one callback may run */
    int log_level;             /* lines below this level are dropped (bundle and host alike) */
} host_config;

typedef enum { HOST_RUNNING, HOST_REBOOT, HOST_ENDED } host_state_t;

void host_init(const host_config *config);
/* Evaluates the bundle in a fresh runtime (its top level starts the station), then runs its
 * promise jobs. `code` is the script, NUL-terminated at code[length], or its bytecode from
 * host_compile(), in a malloc'd buffer that host_boot takes: it is freed as soon as QuickJS
 * has read or parsed it, before the top level runs (the file is not held for the run). */
void host_boot(char *code, size_t length, const char *filename);
/* The bundle as a reader hands it over (a file on the module's flash): read(opaque, buf, len)
 * gives up to len bytes, 0 at the end (or on a read error). Bytecode goes to QuickJS through
 * a window of HOST_READ_WINDOW bytes as it is read, so the file is never held whole beside
 * the heap QuickJS builds from it; a script is read whole and booted as host_boot does.
 * done(opaque) is called once, as soon as the bundle is read (before its top level runs, so
 * what the port holds to read it is not held then), or when the boot fails first. */
typedef struct {
    size_t (*read)(void *opaque, char *buf, size_t len);
    void (*done)(void *opaque);
    void *opaque;
    size_t size; /* the bundle's length in bytes */
} host_reader;
#define HOST_READ_WINDOW 1024
void host_boot_reader(const host_reader *reader, const char *filename);
/* The bundle compiled ahead of time (strip mode: no source text, no line table), as
 * host_boot() loads it; malloc'd, NUL-terminated. NULL with the reason in `error`. The
 * bytecode is only for the same QuickJS version and configuration (JS_ReadObject refuses
 * another's with "invalid version"). The bundle's log dictionary (`dictionary_length` bytes;
 * 0: none) goes into the file as a section of its own, unless the script carries one already
 * (then that one), so the bytecode brings its texts wherever it is installed. */
char *host_compile(const char *code, size_t length, const char *filename, const char *dictionary,
                   size_t dictionary_length, size_t *out_length, char *error, size_t error_size);
/* The bytes of a bundle file that are code: all but the log dictionary it may carry (the
 * firmware download's check compiles these). */
size_t host_loadable_length(const char *code, size_t length);
/* Where the bundle file the next host_boot evaluates can be read again, for its parts (the
 * optional ABI member partLoad, README "Parts") and, for bytecode booted from a reader, the
 * bodies of its functions, read from the file at each one's first call (so the file stays
 * there while the station runs; without `read` they are read at the boot): `read` fills
 * `out` with `length` bytes at `offset` of the file `where` names and returns 0, else -1.
 * The port calls it before each host_boot with the file it hands over (the bundle it was
 * started with, or the installed firmware image); without it a bundle with parts cannot load
 * them (its parts' requests get a CALLERROR). */
typedef int (*host_bundle_reader)(const char *where, size_t offset, size_t length, char *out);
void host_bundle_source(host_bundle_reader read, const char *where);
/* The log dictionary of the bundle (`size` bytes of `where`, read through `read`; size 0: none),
 * for the optional member logCode. Set once, before the first boot. A boot whose file carries a
 * dictionary of its own (a section of the file's last line, README "Log codes") formats with
 * that one instead: an installed firmware image brings its build's texts. */
void host_log_dictionary_source(host_bundle_reader read, const char *where, size_t size);
bool host_is_bytecode(const char *data, size_t length);
host_state_t host_state(void);
/* Ends the station from outside (a signal): frees the runtime, closes its sockets. */
void host_stop(int code, const char *reason);
int host_exit_code(void);
const char *host_exit_reason(void);
/* Heap of the QuickJS runtime, bytes as QuickJS counts them against the limit: now, and the
 * highest it ever was (over every boot of this process). */
size_t host_heap_used(void);
size_t host_heap_peak(void);
int host_restarts(void);
/* Where the QuickJS heap goes now (JS_ComputeMemoryUsage; the benchmark's profile), bytes:
 * used as the limit counts it, headers the counting allocator's size word per block,
 * functions their tables without the bytecode, objects with properties and shapes, arrays
 * the elements of fast arrays. False between boots. */
typedef struct host_memory {
    size_t used, blocks, headers;
    size_t quickjs_count; /* QuickJS's own estimate (memory_used_size), what the simulator limits */
    size_t pool_slack;    /* the free slots of the allocator's pool pages */
    size_t functions, bytecode, objects, arrays, atoms, strings;
} host_memory;
bool host_memory_now(host_memory *out);

/* A log line from the host or the port, filtered by the configured level. */
void host_log(int level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* ---- called by the port, from its event loop ------------------------------------------ */
void host_wake(void);
void host_ws_opened(int id, const char *protocol);
void host_ws_message(int id, const char *text, size_t len);
void host_ws_error(int id, const char *message);
void host_ws_closed(int id, int code, const char *reason);

/* Settings JSON under a port's flags (`--settings FILE`): `over`'s fields (a JSON object)
 * set on `base` (the file's text, a JSON object); malloc'd JSON, or NULL with why in `error`
 * (`what` names the file). host_settings_string: the string value of `key` (malloc'd), NULL
 * when absent, not a string or `json` is not an object; `present` tells whether the key is there. */
char *host_settings_merge(const char *base, const char *over, const char *what, char *error, size_t error_size);
char *host_settings_string(const char *json, const char *key, bool *present);

#endif
