/*
 * ocpp-host, the POSIX port's program: one charge point, the firmware bundle in QuickJS.
 *
 *   ocpp-host dist/simulator.js --url ws://localhost:9000/ocpp --id CP-1 --scenario session
 *
 * The loop: evaluate the bundle, then turn the event loop (sockets and the wake-up timer,
 * net.c) until the station ends. restart() from the bundle reads the bundle file again and
 * evaluates it in a fresh runtime; the files in the data folder stay.
 */
#include "cli.h"
#include "posix.h"
#include "../../src/host.h"
#ifdef OCPP_HOST_MEMBERS
#include "../../src/members.h"
#endif

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* QuickJS's stack limit (JS_SetMaxStackSize) on the main thread, whose stack is the
 * process's RLIMIT_STACK (8 MiB by default on Linux): 512 KB, about 800 guest frames on
 * x86-64, or half the stack when `ulimit -s` leaves less than 1 MiB. The rest is for what runs
 * outside the limit's reach: main and the libwebsockets / OpenSSL frames below the guest
 * (the limit counts from where the runtime was created), the host functions the guest calls,
 * and the C frames QuickJS runs between two of its checks. Past the limit the guest gets an
 * InternalError ("stack overflow") instead of the process a SIGSEGV. */
#define STACK_LIMIT (512 * 1024)

static size_t guest_stack_limit(void)
{
    struct rlimit stack;
    if (getrlimit(RLIMIT_STACK, &stack) == 0 && stack.rlim_cur != RLIM_INFINITY && stack.rlim_cur / 2 < STACK_LIMIT)
        return (size_t)(stack.rlim_cur / 2);
    return STACK_LIMIT;
}

static volatile sig_atomic_t interrupted, report_asked, loop_running;

/* The flag alone is not enough: a signal that comes after the loop looked at it, while a
 * callback runs just before the loop goes to sleep (libwebsockets runs its due timers and
 * then polls), or on another thread (the hardware watcher, an HTTP worker), interrupts no
 * sleep, and the loop would only see it at its next wake, a minute later maybe. So the
 * handler also wakes the loop as the workers do: a byte down the loop's pipe (write(), which
 * is async-signal-safe; lws_cancel_service is that write too). Only while the loop exists. */
static void wake_loop(void)
{
    int saved = errno;
    if (loop_running)
        posix_net_wake();
    errno = saved;
}

static void on_signal(int signal_number)
{
    interrupted = signal_number;
    wake_loop();
}

static void on_report(int signal_number)
{
    report_asked = 1;
    wake_loop();
}

/* SIGUSR1: one line on where the memory is now (the benchmark asks once the station has
 * booted); the native RAM part only where malloc_count.c is linked. */
static void report_memory(size_t bundle_buffer)
{
    host_memory m;
    if (host_memory_now(&m))
        printf("ocpp-host: heap now %zu bytes in %zu blocks: headers %zu, functions %zu, bytecode %zu, objects %zu, "
               "arrays %zu, atoms %zu, strings %zu, pool slack %zu; QuickJS counts %zu in use\n",
               m.used, m.blocks, m.headers, m.functions, m.bytecode, m.objects, m.arrays, m.atoms, m.strings,
               m.pool_slack, m.quickjs_count);
    if (posix_native_ram) {
        size_t now, peak, blocks;
        posix_native_ram(&now, &peak, &blocks);
        printf("ocpp-host: native RAM now %zu bytes in %zu chunks, peak %zu bytes; bundle buffer %zu bytes\n", now,
               blocks, peak, bundle_buffer);
    }
}

static const char *file_name_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static size_t read_file(void *fd, char *buf, size_t len)
{
    ssize_t n;
    do
        n = read(*(int *)fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n > 0 ? (size_t)n : 0;
}

static void close_file(void *fd) { close(*(int *)fd); }

/* Boots the bundle this boot evaluates: an installed firmware image (members.h: a trial boot
 * is counted, a failed trial rolled back), or the file on the command line, read as it is
 * loaded (host_boot_reader: its bytecode is never held whole beside the heap; a plain file
 * descriptor, no stdio buffer). False with errno when it cannot be opened. */
static bool boot_bundle(const char *bundle)
{
    host_bundle_source(posix_read_range, bundle); /* its parts; an installed image sets its own */
#ifdef OCPP_HOST_MEMBERS
    char label[256];
    size_t length;
    char *installed = firmware_boot_image(&length, label, sizeof label);
    if (installed) {
        host_boot(installed, length, label); /* host_boot takes the buffer */
        return true;
    }
#endif
    int fd = open(bundle, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    host_reader reader = { .read = read_file, .done = close_file, .opaque = &fd, .size = (size_t)st.st_size };
    host_boot_reader(&reader, file_name_of(bundle)); /* it closes the file once read */
    return true;
}


/* The log dictionary of a bundle file (sim/log-dictionary.mjs): its name without .js or .qjbc,
 * and .logdict. */
static void dictionary_path(const char *bundle, char *out, size_t size)
{
    size_t n = strlen(bundle);
    if (n > 3 && strcmp(bundle + n - 3, ".js") == 0)
        n -= 3;
    else if (n > 5 && strcmp(bundle + n - 5, ".qjbc") == 0)
        n -= 5;
    snprintf(out, size, "%.*s.logdict", (int)n, bundle);
}

/* The bundle's log dictionary, for logCode: the file beside it, or where there is none the one
 * OCPP_LOG_DICTIONARY names; read as the lines are needed. */
static void log_dictionary_setup(const char *bundle)
{
    static char path[PATH_MAX];
    struct stat st;
    dictionary_path(bundle, path, sizeof path);
    const char *named = getenv("OCPP_LOG_DICTIONARY");
    if (stat(path, &st) != 0 && named && *named && stat(named, &st) == 0)
        snprintf(path, sizeof path, "%s", named);
    host_log_dictionary_source(posix_read_range, path, stat(path, &st) == 0 ? (size_t)st.st_size : 0);
}

/* --compile takes the bundle's log dictionary along beside the bytecode too, under its name
 * (for a host that reads it there). */
static bool copy_dictionary(const char *bundle, const char *bytecode)
{
    char from[PATH_MAX], to[PATH_MAX];
    dictionary_path(bundle, from, sizeof from);
    dictionary_path(bytecode, to, sizeof to);
    size_t length;
    char *text = posix_read_file(from, &length);
    if (!text)
        return errno == ENOENT;
    FILE *out = fopen(to, "wb");
    bool written = out && fwrite(text, 1, length, out) == length;
    if (out && fclose(out) != 0)
        written = false;
    free(text);
    return written;
}

/* --compile: the bytecode a module boots from without parsing (host_compile), with the
 * bundle's log dictionary inside (the one the script carries, else the file beside it), so
 * the file brings its texts wherever it is installed (an UpdateFirmware too). */
static int compile_bundle(const cli_options *o, char *code, size_t length)
{
    char error[1024], beside[PATH_MAX];
    size_t size, dictionary_length = 0;
    dictionary_path(o->bundle, beside, sizeof beside);
    char *dictionary = posix_read_file(beside, &dictionary_length);
    char *bytecode = host_compile(code, length, file_name_of(o->bundle), dictionary, dictionary ? dictionary_length : 0,
                                  &size, error, sizeof error);
    free(dictionary);
    free(code);
    if (!bytecode) {
        fprintf(stderr, "ocpp-host: %s\n", error);
        return 1;
    }
    FILE *out = fopen(o->compile, "wb");
    bool written = out && fwrite(bytecode, 1, size, out) == size;
    if (out && fclose(out) != 0)
        written = false;
    free(bytecode);
    if (written && !copy_dictionary(o->bundle, o->compile)) {
        fprintf(stderr, "ocpp-host: cannot copy the log dictionary of %s beside %s: %s\n", o->bundle, o->compile, strerror(errno));
        return 1;
    }
    if (!written) {
        fprintf(stderr, "ocpp-host: cannot write %s: %s\n", o->compile, strerror(errno));
        return 1;
    }
    printf("ocpp-host: compiled %s (%zu bytes) to %s (%zu bytes of bytecode)\n", o->bundle, length, o->compile, size);
    return 0;
}

int main(int argc, char **argv)
{
    /* One line at a time, also into a pipe, from a buffer of 512 bytes, not the C library's
     * 4 KB: the module has no stdio (it logs through QL_LOG_PRINTF), so what this port holds
     * for it is kept near what a module does. A longer line goes out in several writes. */
    enum { STDOUT_BUFFER = 512 };
    char *stdout_buffer = malloc(STDOUT_BUFFER);
    setvbuf(stdout, stdout_buffer, _IOLBF, stdout_buffer ? STDOUT_BUFFER : 0);

    cli_options o;
    char error[1024];
    if (cli_parse(argc, argv, &o, error, sizeof error) != 0) {
        fprintf(stderr, "ocpp-host: %s\n(ocpp-host --help lists every option)\n", error);
        return 2;
    }
    if (o.help) {
        puts(CLI_USAGE);
        return 0;
    }
    size_t length;
    char *code = posix_read_file(o.bundle, &length);
    if (!code) {
        fprintf(stderr, "ocpp-host: cannot read the bundle %s: %s\n", o.bundle, strerror(errno));
        return 1;
    }
    if (o.compile)
        return compile_bundle(&o, code, length);
    log_dictionary_setup(o.bundle);
    posix_log_setup(o.id);
    posix_identity_setup(o.id);
    if (posix_files_open(o.data_dir, o.id, error, sizeof error) != 0 || posix_net_start(error, sizeof error) != 0) {
        fprintf(stderr, "ocpp-host: %s\n", error);
        return 1;
    }
    if (o.hardware && posix_hardware_open(o.hardware, error, sizeof error) != 0) {
        fprintf(stderr, "ocpp-host: %s\n", error);
        return 1;
    }
#ifdef OCPP_HOST_MEMBERS
    posix_members_start(o.settings_json);
#endif
    /* No SA_RESTART: the signal interrupts poll() when it lands there; wake_loop covers the rest. */
    loop_running = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_report;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    printf("ocpp-host: station %s -> %s/%s (%s, heap limit %zu bytes, data in %s)\n", o.id, o.url, o.id, o.bundle,
           o.heap_limit, posix_files_folder());
    if (o.hardware)
        printf("ocpp-host: the charger's IO from the state files in %s (--hardware)\n", o.hardware);
    host_config config = {
        .name = "posix",
        .settings_json = o.settings_json,
        .heap_limit = o.heap_limit,
        .stack_limit = guest_stack_limit(),
        .watchdog_ms = o.watchdog_ms,
        .log_level = o.log_level_number,
    };
    host_init(&config);
    free(code); /* read to check it is there: the boot reads it again as it loads it */
    if (!boot_bundle(o.bundle)) {
        fprintf(stderr, "ocpp-host: cannot read the bundle %s: %s\n", o.bundle, strerror(errno));
        return 1;
    }
#ifdef OCPP_HOST_MEMBERS
    while (host_state() != HOST_ENDED || firmware_rolled_back()) { /* a failed trial: boot again */
#else
    while (host_state() != HOST_ENDED) {
#endif
        if (report_asked) {
            report_asked = 0;
            report_memory(0); /* the bundle is never held once loaded */
        }
        if (interrupted) {
            host_stop(130, interrupted == SIGINT ? "interrupted (Ctrl-C)" : "terminated (SIGTERM)");
        } else if (host_state() == HOST_REBOOT || host_state() == HOST_ENDED) {
            /* Read again: a firmware update may have installed another image before the
             * restart, or a new image on trial was rolled back. */
            if (!boot_bundle(o.bundle))
                host_stop(HOST_EXIT_LOAD_ERROR, "cannot read the bundle again after restart()");
        } else if (posix_net_turn() != 0) {
            host_stop(1, "the event loop failed");
        }
    }
    posix_net_drain(2000);

    int exit_code = host_exit_code();
    if (exit_code == 0) {
        snprintf(error, sizeof error, "exited 0 (%s)", host_exit_reason());
        posix_print(HOST_LOG_INFO, error);
    }
    printf("ocpp-host: heap peak %zu bytes (%.0f KB) of the %zu-byte limit, %d restart(s)\n", host_heap_peak(),
           host_heap_peak() / 1024.0, o.heap_limit, host_restarts());
    if (posix_native_ram) {
        size_t now, peak, blocks;
        posix_native_ram(&now, &peak, &blocks);
        printf("ocpp-host: native RAM peak %zu bytes (%.0f KB): every malloc of the process\n", peak, peak / 1024.0);
    }
    posix_hardware_close();
    loop_running = 0;
    posix_net_stop();
    cli_free(&o);
    return exit_code & 0xff;
}
