/*
 * The portable host: QuickJS plus the host ABI (hal/host-abi.ts), over port.h.
 *
 * It behaves as the simulator host (sim/host.mjs) does, so the same bundle sees the same
 * world on the desktop and on the module:
 *   - callbacks come from the port's one event loop, never from inside a host function
 *     (an event that arrives while the guest runs is queued for the next turn);
 *   - after every callback the pending promise jobs run until none is left;
 *   - an error escaping a callback is logged and the station goes on; the host ends the
 *     station itself with 70 (load error), 71 (out of memory), 72 (stalled), 73 (watchdog);
 *   - restart() frees the runtime (its timers and sockets with it) and the port's loop
 *     evaluates the bundle again; files stay.
 *
 * Lifetimes: every JSValue the host keeps (timer callbacks, socket callback objects) is
 * listed in H.timers / H.sockets and freed in dispose(), before JS_FreeRuntime, which
 * asserts that nothing is left. Host bookkeeping lives on the C heap, not the JS heap, so
 * the heap limit measures the bundle alone.
 */
#include "host.h"
#include "port.h"
#include "members.h" /* pending calls; the members themselves only with OCPP_HOST_MEMBERS */
#include "hardware.h" /* the charger's IO members, where the port has IO */
#include "json_text.h" /* the raw line of a log code */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quickjs.h"

#define MAX_TIMER_MS 2147483647.0 /* the simulator's limit (Node's setTimeout), about 24.8 days */

typedef struct host_timer {
    int id;
    double deadline; /* port_ticks_ms() when it is due */
    JSValue fn;
    struct host_timer *next; /* sorted by deadline, then by id */
} host_timer;

typedef struct host_socket {
    int id;
    JSValue callbacks; /* { onopen, onmessage, onclose, onerror } */
    char *url;
    bool open;    /* onopen was delivered */
    bool closing; /* wsClose was called: no more sends */
    struct host_socket *next;
} host_socket;

/* A socket event that cannot be delivered now: the guest is running (the port reported it
 * from inside a host function), or wsOpen failed on the spot. Delivered on the next turn. */
typedef enum { EV_OPENED, EV_MESSAGE, EV_ERROR, EV_CLOSED, EV_RESULT, EV_HARDWARE } event_kind;
typedef struct deferred_event {
    event_kind kind;
    int socket;
    int code;
    char *text;
    size_t len;
    struct deferred_event *next;
} deferred_event;

/* A host call still working (the optional members: a transfer, a CSR): the guest's
 * callbacks object (or function), kept until its one result is delivered or the runtime
 * goes. */
typedef struct host_pending {
    int id;
    JSValue callbacks;
    struct host_pending *next;
} host_pending;

typedef enum { END_EXIT, END_RESTART } end_kind;

static struct {
    host_config config;
    char imei[16];
    char iccid[24];

    JSRuntime *rt; /* NULL between boots and after the end */
    JSContext *ctx;
    host_state_t state;

    host_timer *timers;
    int timer_seq;
    host_socket *sockets;
    int socket_seq;
    deferred_event *deferred, **deferred_tail;
    host_pending *pending;
    int pending_seq;
    JSValue hardware_listener; /* hardwareListen's onchange; JS_UNDEFINED without one */

    int depth;          /* > 0 while the guest runs */
    double deadline;    /* watchdog: ticks by which the running guest must have returned */
    bool watchdog_fired;
    bool heap_refused;  /* an allocation failed against the limit since the guest was entered */

    bool end_pending;   /* exit()/restart() was asked for: done once the guest has returned */
    end_kind end_kind;
    int exit_code;
    char exit_reason[1024];

    size_t heap_used, heap_peak;
    char collect_pending[32]; /* partRelease(name): a GC once the callback's jobs are done ("" none) */
    int restarts;
    int uncaught_errors;
} H;

/* ---- log ------------------------------------------------------------------------------ */

void host_log(int level, const char *format, ...)
{
    if (level < H.config.log_level)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    port_log(level, "host", line);
}

/* A frame at debug level, like the simulator's "→ text" / "← text" (never truncated). */
static void log_frame(const char *arrow, const char *text)
{
    if (HOST_LOG_DEBUG < H.config.log_level)
        return;
    size_t n = strlen(arrow) + 1 + strlen(text) + 1;
    char *line = malloc(n);
    if (!line)
        return;
    snprintf(line, n, "%s %s", arrow, text);
    port_log(HOST_LOG_DEBUG, "host", line);
    free(line);
}

/* ---- the JS heap: QuickJS allocations, counted against the limit ---------------------- */

/*
 * Two kinds of block, so the count is exact and the allocator needs nothing from the C
 * library but malloc/realloc/free (the module's has no malloc_usable_size):
 *
 *  - small blocks (up to POOL_MAX bytes, three in four of QuickJS's) come from pools:
 *    pages of POOL_PAGE bytes, one size class each (multiples of malloc's alignment), with
 *    no header per block and no C-library chunk per block either. A header and a chunk
 *    cost about 16 bytes a block on 32-bit ARM (8 of ours, 4 to 11 of malloc's), when the
 *    small blocks average 30 bytes. A freed slot goes on its page's free list; a page left
 *    empty is given back (one stays per class). free() finds a block's page by address in
 *    a sorted table of pages. Measured on 32-bit ARM for the firmware's session, 1 KB
 *    pages up to 64 bytes did best (larger classes leave more free slots than they save);
 *    the heap's peak went 385 -> 363 KB, all the process's RAM 435 -> 384 KB.
 *  - larger blocks are malloc'd with a header holding their size, as long as malloc's
 *    alignment (16 bytes on x86-64, 8 on 32-bit ARM), so the block after it stays aligned.
 *
 * The heap counted against the limit is every pool page whole (its free slots included)
 * plus every large block with its header, plus the page table: the memory the allocator
 * holds. The peak is kept here, at every allocation, not sampled.
 */
typedef struct {
    _Alignas(max_align_t) size_t size;
} block_header;

#define POOL_ALIGN sizeof(block_header)
#ifndef POOL_MAX
#define POOL_MAX 64
#endif
#define POOL_CLASSES (POOL_MAX / POOL_ALIGN)
#ifndef POOL_PAGE
#define POOL_PAGE 1024
#endif
_Static_assert(POOL_MAX % sizeof(block_header) == 0 && POOL_PAGE >= POOL_MAX, "pool classes are multiples of the alignment");

typedef struct pool_page {
    struct pool_page *next_avail; /* the class's pages with a free slot */
    void *free;                   /* freed slots, linked through their first word */
    uint16_t cls;                 /* slot size = (cls + 1) * POOL_ALIGN */
    uint16_t used;                /* slots in use */
    uint16_t handed;              /* slots handed out once (the rest were never used) */
    bool avail;                   /* on its class's next_avail list */
} pool_page;

#define POOL_HEAD ((sizeof(pool_page) + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN)
#define POOL_COST (POOL_HEAD + POOL_PAGE)

static struct {
    pool_page *avail[POOL_CLASSES];
    pool_page **pages; /* sorted by address */
    size_t count, capacity;
    size_t in_use;     /* bytes of the slots in use */
    size_t large;      /* large blocks, each with a header */
} P;

static size_t slot_size(const pool_page *p) { return ((size_t)p->cls + 1) * POOL_ALIGN; }
static char *slots_of(pool_page *p) { return (char *)p + POOL_HEAD; }

/* The page a block lies in, or NULL for a large block. */
static pool_page *page_of(const void *ptr)
{
    size_t lo = 0, hi = P.count;
    while (lo < hi) { /* the last page starting at or below ptr */
        size_t mid = (lo + hi) / 2;
        if ((const char *)P.pages[mid] <= (const char *)ptr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    pool_page *p = P.pages[lo - 1];
    return (const char *)ptr < (const char *)p + POOL_COST ? p : NULL;
}

static void note_heap(JSMallocState *s)
{
    H.heap_used = s->malloc_size;
    if (s->malloc_size > H.heap_peak)
        H.heap_peak = s->malloc_size;
}

static bool heap_fits(JSMallocState *s, size_t more)
{
    if (s->malloc_size + more <= s->malloc_limit)
        return true;
    H.heap_refused = true;
    return false;
}

static pool_page *pool_new_page(JSMallocState *s, unsigned cls)
{
    size_t grow = P.count == P.capacity ? (P.capacity ? P.capacity : 32) : 0;
    if (!heap_fits(s, POOL_COST + grow * sizeof *P.pages))
        return NULL;
    if (grow) {
        pool_page **pages = realloc(P.pages, (P.capacity + grow) * sizeof *pages);
        if (!pages) {
            H.heap_refused = true;
            return NULL;
        }
        P.pages = pages;
        P.capacity += grow;
        s->malloc_size += grow * sizeof *pages;
    }
    pool_page *p = malloc(POOL_COST);
    if (!p) {
        H.heap_refused = true;
        return NULL;
    }
    *p = (pool_page){ .cls = (uint16_t)cls, .avail = true };
    size_t at = P.count;
    while (at > 0 && P.pages[at - 1] > p)
        at--;
    memmove(P.pages + at + 1, P.pages + at, (P.count - at) * sizeof *P.pages);
    P.pages[at] = p;
    P.count++;
    s->malloc_size += POOL_COST;
    P.avail[cls] = p;
    return p;
}

static void *pool_malloc(JSMallocState *s, size_t size)
{
    unsigned cls = size ? (unsigned)((size - 1) / POOL_ALIGN) : 0;
    pool_page *p = P.avail[cls];
    if (!p && !(p = pool_new_page(s, cls)))
        return NULL;
    void *slot;
    if (p->free) {
        slot = p->free;
        p->free = *(void **)slot;
    } else {
        slot = slots_of(p) + (size_t)p->handed++ * slot_size(p);
    }
    p->used++;
    if (!p->free && (size_t)(p->handed + 1) * slot_size(p) > POOL_PAGE) { /* full: off the list */
        P.avail[cls] = p->next_avail;
        p->next_avail = NULL;
        p->avail = false;
    }
    P.in_use += slot_size(p);
    s->malloc_count++;
    note_heap(s);
    return slot;
}

static void pool_free(JSMallocState *s, pool_page *p, void *ptr)
{
    *(void **)ptr = p->free;
    p->free = ptr;
    p->used--;
    P.in_use -= slot_size(p);
    s->malloc_count--;
    pool_page **link = &P.avail[p->cls];
    if (!p->avail) {
        p->next_avail = *link;
        *link = p;
        p->avail = true;
    }
    /* An empty page goes back unless it is its class's only one (no churn at a boundary). */
    if (p->used > 0 || (*link == p && !p->next_avail))
        goto done;
    while (*link != p)
        link = &(*link)->next_avail;
    *link = p->next_avail;
    size_t at = 0;
    while (P.pages[at] != p)
        at++;
    memmove(P.pages + at, P.pages + at + 1, (P.count - at - 1) * sizeof *P.pages);
    P.count--;
    free(p);
    s->malloc_size -= POOL_COST;
done:
    H.heap_used = s->malloc_size;
}

/* After the runtime is gone: the pages left (empty by then) and the page table. */
static void pool_release(void)
{
    for (size_t i = 0; i < P.count; i++)
        free(P.pages[i]);
    free(P.pages);
    memset(&P, 0, sizeof P);
}

static void *heap_malloc(JSMallocState *s, size_t size)
{
    if (size <= POOL_MAX)
        return pool_malloc(s, size);
    if (!heap_fits(s, sizeof(block_header) + size))
        return NULL;
    block_header *b = malloc(sizeof *b + size);
    if (!b) {
        H.heap_refused = true;
        return NULL;
    }
    b->size = size;
    P.large++;
    s->malloc_count++;
    s->malloc_size += sizeof *b + size;
    note_heap(s);
    return b + 1;
}

static void heap_free(JSMallocState *s, void *ptr)
{
    if (!ptr)
        return;
    pool_page *p = page_of(ptr);
    if (p) {
        pool_free(s, p, ptr);
        return;
    }
    block_header *b = (block_header *)ptr - 1;
    P.large--;
    s->malloc_count--;
    s->malloc_size -= sizeof *b + b->size;
    H.heap_used = s->malloc_size;
    free(b);
}

static size_t heap_usable_size(const void *ptr)
{
    if (!ptr)
        return 0;
    pool_page *p = page_of(ptr);
    return p ? slot_size(p) : ((const block_header *)ptr - 1)->size;
}

static void *heap_realloc(JSMallocState *s, void *ptr, size_t size)
{
    if (!ptr)
        return size ? heap_malloc(s, size) : NULL;
    if (size == 0) {
        heap_free(s, ptr);
        return NULL;
    }
    pool_page *p = page_of(ptr);
    if (p || size <= POOL_MAX) { /* a pool slot on either side: move it, unless it still fits */
        size_t old = heap_usable_size(ptr);
        if (p && size <= old && size > old - POOL_ALIGN)
            return ptr;
        void *moved = heap_malloc(s, size);
        if (!moved)
            return NULL;
        memcpy(moved, ptr, old < size ? old : size);
        heap_free(s, ptr);
        return moved;
    }
    block_header *b = (block_header *)ptr - 1;
    size_t old = b->size;
    if (size > old && !heap_fits(s, size - old))
        return NULL;
    block_header *moved = realloc(b, sizeof *moved + size);
    if (!moved) {
        H.heap_refused = true;
        return NULL;
    }
    moved->size = size;
    s->malloc_size = s->malloc_size - old + size;
    note_heap(s);
    return moved + 1;
}

static const JSMallocFunctions heap_functions = { heap_malloc, heap_free, heap_realloc, heap_usable_size };

/* ---- running the guest ---------------------------------------------------------------- */

/* QuickJS's interrupt poll: the watchdog, and the heap limit. Once an allocation has been
 * refused the guest is stopped at the next poll: QuickJS 2021-03-27 would otherwise go on
 * running code that catches the failure (a promise chain turns it into a rejection and
 * carries on), allocations failing one after another for seconds. */
static int watchdog(JSRuntime *rt, void *opaque)
{
    if (H.deadline > 0 && port_ticks_ms() > H.deadline)
        H.watchdog_fired = true;
    return H.watchdog_fired || H.heap_refused; /* non-zero: QuickJS throws an uncatchable "interrupted" */
}

static void enter_guest(void)
{
    if (H.depth++ == 0) {
        H.deadline = port_ticks_ms() + H.config.watchdog_ms;
        H.heap_refused = false;
    }
}

static void leave_guest(void)
{
    if (--H.depth == 0)
        H.deadline = 0;
}

static void request_end(end_kind kind, int code, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void request_end(end_kind kind, int code, const char *format, ...)
{
    if (H.end_pending)
        return; /* the first reason wins */
    H.end_pending = true;
    H.end_kind = kind;
    H.exit_code = code;
    va_list ap;
    va_start(ap, format);
    vsnprintf(H.exit_reason, sizeof H.exit_reason, format, ap);
    va_end(ap);
}

/* Drops whatever exception is pending (after a failed read of an error, under low memory). */
static void clear_exception(void)
{
    JS_FreeValue(H.ctx, JS_GetException(H.ctx));
}

/* A JS string property as a malloc'd C string, or NULL. */
static char *string_property(JSValueConst object, const char *name)
{
    JSValue v = JS_GetPropertyStr(H.ctx, object, name);
    char *out = NULL;
    if (JS_IsString(v)) {
        const char *s = JS_ToCString(H.ctx, v);
        if (s) {
            out = strdup(s);
            JS_FreeCString(H.ctx, s);
        }
    }
    if (JS_IsException(v))
        clear_exception();
    JS_FreeValue(H.ctx, v);
    return out;
}

/* "Name: message\nstack", as the simulator shows an error; malloc'd. */
static char *describe(JSValueConst error)
{
    char buf[4096];
    if (JS_IsError(H.ctx, error)) {
        char *name = string_property(error, "name");
        char *message = string_property(error, "message");
        char *stack = string_property(error, "stack");
        if (stack) { /* trimEnd */
            size_t n = strlen(stack);
            while (n > 0 && (stack[n - 1] == '\n' || stack[n - 1] == ' '))
                stack[--n] = '\0';
        }
        snprintf(buf, sizeof buf, "%s: %s%s%s", name && *name ? name : "Error", message ? message : "",
                 stack && *stack ? "\n" : "", stack ? stack : "");
        free(name);
        free(message);
        free(stack);
    } else {
        const char *s = JS_ToCString(H.ctx, error);
        if (s) {
            snprintf(buf, sizeof buf, "%s", s);
            JS_FreeCString(H.ctx, s);
        } else {
            clear_exception();
            snprintf(buf, sizeof buf, "an error the host could not read (out of memory?)");
        }
    }
    return strdup(buf);
}

static void guest_out_of_memory(const char *label)
{
    request_end(END_EXIT, HOST_EXIT_OUT_OF_MEMORY,
                "out of memory: %s needed more than the heap limit of %zu bytes (--heap-limit)", label,
                H.config.heap_limit);
}

/* The guest threw (the pending exception) while running `label`: classify it. */
static void guest_error(const char *label)
{
    JSValue error = JS_GetException(H.ctx);
    char *text = describe(error);
    JS_FreeValue(H.ctx, error);
    if (H.watchdog_fired) {
        request_end(END_EXIT, HOST_EXIT_WATCHDOG, "watchdog: %s ran longer than %d ms (an endless loop?)", label,
                    H.config.watchdog_ms);
    } else if (H.heap_refused || (text && strstr(text, "out of memory"))) {
        guest_out_of_memory(label);
    } else if (strcmp(label, "the bundle") == 0) {
        request_end(END_EXIT, HOST_EXIT_LOAD_ERROR, "the bundle threw while loading: %s", text ? text : "?");
    } else {
        /* Like an event handler in a browser: reported, and the station goes on. */
        H.uncaught_errors++;
        host_log(HOST_LOG_ERROR, "uncaught error in %s: %s", label, text ? text : "?");
    }
    free(text);
}

/* Takes ownership of `result` (the value a call into the guest returned). */
static void finish_call(JSValue result, const char *label)
{
    if (JS_IsException(result)) {
        guest_error(label);
    } else {
        JS_FreeValue(H.ctx, result);
        if (H.heap_refused) /* the guest caught the failure: over the limit all the same */
            guest_out_of_memory(label);
    }
}

/* object[method](...args), as the ABI calls `callbacks.onmessage(text)`. */
static void call_method(JSValueConst object, const char *method, int argc, JSValue *argv, const char *label)
{
    enter_guest();
    JSValue fn = JS_GetPropertyStr(H.ctx, object, method);
    if (JS_IsException(fn))
        guest_error(label);
    else if (JS_IsFunction(H.ctx, fn))
        finish_call(JS_Call(H.ctx, fn, object, argc, (JSValueConst *)argv), label);
    JS_FreeValue(H.ctx, fn);
    leave_guest();
    for (int i = 0; i < argc; i++)
        JS_FreeValue(H.ctx, argv[i]);
}

static void dispose(void);
static void rearm(void);

/*
 * After every callback: run the pending promise jobs until none is left (the ABI's rule),
 * then end the boot if the guest asked to (exit/restart), failed, or can never run again.
 */
static void settle(void)
{
    if (!H.rt || H.depth > 0)
        return;
    enter_guest(); /* one watchdog deadline for the whole chain, as the simulator has */
    while (!H.end_pending) {
        JSContext *job_ctx;
        int r = JS_ExecutePendingJob(H.rt, &job_ctx);
        if (r == 0)
            break;
        if (r < 0)
            guest_error("a promise job");
        else if (H.heap_refused) /* the job caught it (a rejection): the station still ends, now */
            guest_out_of_memory("a promise job");
    }
    leave_guest();
    if (H.collect_pending[0] && !H.end_pending) { /* partRelease: the part's cycles go now */
        size_t before = H.heap_used;
        JS_RunGC(H.rt);
        host_log(HOST_LOG_DEBUG, "part %s released: heap %zu -> %zu bytes", H.collect_pending, before, H.heap_used);
        H.collect_pending[0] = 0;
    }
    if (!H.end_pending && !H.timers && !H.sockets && !H.deferred && !H.pending && JS_IsUndefined(H.hardware_listener)) {
        /* QuickJS drops a promise job it has no memory to queue, without an error: a chain
         * that ends that way stalled for want of memory, and is reported as such. */
        if (H.heap_refused)
            request_end(END_EXIT, HOST_EXIT_OUT_OF_MEMORY,
                        "out of memory: a promise job could not be queued within the heap limit of %zu bytes "
                        "(--heap-limit), and nothing was left to run",
                        H.config.heap_limit);
        else
            request_end(END_EXIT, HOST_EXIT_STALLED,
                        "the bundle stalled: no timer and no socket left, and it did not call exit()");
    }
    if (!H.end_pending) {
        rearm();
        return;
    }
    dispose();
    port_loop_break();
    if (H.end_kind == END_RESTART) {
        H.restarts++;
        H.state = HOST_REBOOT;
        host_log(HOST_LOG_INFO, "restart #%d: %s; evaluating the bundle again", H.restarts, H.exit_reason);
    } else {
        H.state = HOST_ENDED;
        if (H.exit_code != 0)
            host_log(HOST_LOG_ERROR, "exit %d: %s", H.exit_code, H.exit_reason);
    }
}

/* ---- timers --------------------------------------------------------------------------- */

/* The port's one alarm goes off at the earliest thing due. */
static void rearm(void)
{
    if (!H.rt)
        port_wake_cancel();
    else if (H.deferred)
        port_wake_at(0); /* next turn */
    else if (H.timers)
        port_wake_at(H.timers->deadline);
    else
        port_wake_cancel();
}

static void deliver(event_kind kind, int id, int code, const char *text, size_t len);

void host_wake(void)
{
    /* Events held back from an earlier turn first: they happened before anything due now. */
    while (H.rt && !H.end_pending && H.deferred) {
        deferred_event *e = H.deferred;
        H.deferred = e->next;
        if (!H.deferred)
            H.deferred_tail = &H.deferred;
        deliver(e->kind, e->socket, e->code, e->text, e->len);
        free(e->text);
        free(e);
    }
    /* Then the timers that are due. One started by these callbacks waits for the next turn,
     * even with 0 ms, so a timer loop cannot starve the network. */
    int started_before = H.timer_seq;
    double now = port_ticks_ms();
    while (H.rt && !H.end_pending) {
        host_timer **link = &H.timers;
        while (*link && (*link)->deadline <= now && (*link)->id > started_before)
            link = &(*link)->next;
        host_timer *t = *link;
        if (!t || t->deadline > now)
            break;
        *link = t->next;
        JSValue fn = t->fn;
        free(t);
        enter_guest();
        finish_call(JS_Call(H.ctx, fn, JS_UNDEFINED, 0, NULL), "a timer callback");
        leave_guest();
        JS_FreeValue(H.ctx, fn);
        settle();
    }
    if (H.rt)
        rearm();
}

/* ---- sockets -------------------------------------------------------------------------- */

static host_socket *find_socket(int id)
{
    for (host_socket *s = H.sockets; s; s = s->next)
        if (s->id == id)
            return s;
    return NULL;
}

static void defer(event_kind kind, int id, int code, const char *text, size_t len)
{
    deferred_event *e = calloc(1, sizeof *e);
    if (!e)
        return;
    e->kind = kind;
    e->socket = id;
    e->code = code;
    e->len = len;
    e->text = malloc(len + 1);
    if (e->text) {
        memcpy(e->text, text, len);
        e->text[len] = '\0';
    }
    *H.deferred_tail = e;
    H.deferred_tail = &e->next;
    rearm();
}

/* The one result of a pending host call: callbacks.ondone(text) / callbacks.onerror(text),
 * or callback(text) when the guest gave a function. */
static void deliver_result(int id, int method, const char *text, size_t len)
{
    host_pending **link = &H.pending;
    while (*link && (*link)->id != id)
        link = &(*link)->next;
    host_pending *p = *link;
    if (!p)
        return;
    *link = p->next;
    JSValue arg = JS_NewStringLen(H.ctx, text, len);
    if (method == HOST_RESULT_CALL) {
        enter_guest();
        finish_call(JS_Call(H.ctx, p->callbacks, JS_UNDEFINED, 1, (JSValueConst *)&arg), "a host callback");
        leave_guest();
        JS_FreeValue(H.ctx, arg);
    } else {
        const char *name = method == HOST_RESULT_DONE ? "ondone" : "onerror";
        call_method(p->callbacks, name, 1, &arg, method == HOST_RESULT_DONE ? "a transfer ondone" : "a transfer onerror");
    }
    JS_FreeValue(H.ctx, p->callbacks);
    free(p);
}

int host_pending_keep(JSContext *ctx, JSValueConst callbacks)
{
    host_pending *p = calloc(1, sizeof *p);
    if (!p)
        return 0;
    p->id = ++H.pending_seq;
    p->callbacks = JS_DupValue(ctx, callbacks);
    p->next = H.pending;
    H.pending = p;
    return p->id;
}

void host_hardware_listen(JSContext *ctx, JSValueConst onchange)
{
    JS_FreeValue(ctx, H.hardware_listener);
    H.hardware_listener = JS_DupValue(ctx, onchange);
}

void host_hardware_changed(int connector) { deliver(EV_HARDWARE, connector, 0, "", 0); }

void host_pending_finish(int id, int method, const char *text)
{
    /* Always on a later turn, also when the work was done inside the host function. */
    if (H.rt && !H.end_pending)
        defer(EV_RESULT, id, method, text, strlen(text));
}

static void deliver(event_kind kind, int id, int code, const char *text, size_t len)
{
    if (!H.rt || H.end_pending)
        return;
    if (H.depth > 0) { /* never re-entrantly: the guest is in a host function right now */
        defer(kind, id, code, text, len);
        return;
    }
    if (kind == EV_RESULT) {
        deliver_result(id, code, text, len);
        settle();
        return;
    }
    if (kind == EV_HARDWARE) {
        if (JS_IsFunction(H.ctx, H.hardware_listener)) {
            JSValue fn = JS_DupValue(H.ctx, H.hardware_listener); /* it may replace itself */
            JSValue arg = JS_NewInt32(H.ctx, id);
            enter_guest();
            finish_call(JS_Call(H.ctx, fn, JS_UNDEFINED, 1, (JSValueConst *)&arg), "a hardware onchange");
            leave_guest();
            JS_FreeValue(H.ctx, fn);
        }
        settle();
        return;
    }
    host_socket *s = find_socket(id);
    if (!s)
        return;
    JSValue args[2];
    switch (kind) {
    case EV_OPENED:
        s->open = true;
        host_log(HOST_LOG_DEBUG, "ws#%d open %s (subprotocol \"%s\")", id, s->url, text);
        args[0] = JS_NewStringLen(H.ctx, text, len);
        call_method(s->callbacks, "onopen", 1, args, "a websocket onopen");
        break;
    case EV_MESSAGE:
        log_frame("\xe2\x86\x90", text); /* ← */
        args[0] = JS_NewStringLen(H.ctx, text, len);
        call_method(s->callbacks, "onmessage", 1, args, "a websocket onmessage");
        break;
    case EV_ERROR:
        host_log(HOST_LOG_DEBUG, "ws#%d error: %s", id, text);
        args[0] = JS_NewStringLen(H.ctx, text, len);
        call_method(s->callbacks, "onerror", 1, args, "a websocket onerror");
        break;
    case EV_RESULT: /* handled above */
    case EV_HARDWARE:
        break;
    case EV_CLOSED: {
        /* Unlisted first: the handle is dead for the guest from here on. */
        host_socket **link = &H.sockets;
        while (*link != s)
            link = &(*link)->next;
        *link = s->next;
        host_log(HOST_LOG_DEBUG, "ws#%d closed (%d%s%s)", id, code, len ? " " : "", text);
        args[0] = JS_NewInt32(H.ctx, code);
        args[1] = JS_NewStringLen(H.ctx, text, len);
        call_method(s->callbacks, "onclose", 2, args, "a websocket onclose");
        JS_FreeValue(H.ctx, s->callbacks);
        free(s->url);
        free(s);
        break;
    }
    }
    settle();
}

void host_ws_opened(int id, const char *protocol) { deliver(EV_OPENED, id, 0, protocol, strlen(protocol)); }
void host_ws_message(int id, const char *text, size_t len) { deliver(EV_MESSAGE, id, 0, text, len); }
void host_ws_error(int id, const char *message) { deliver(EV_ERROR, id, 0, message, strlen(message)); }
void host_ws_closed(int id, int code, const char *reason) { deliver(EV_CLOSED, id, code, reason, strlen(reason)); }

/* ---- the ABI -------------------------------------------------------------------------- */

#define ABI(name) static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)

ABI(abi_log)
{
    int32_t level;
    if (JS_ToInt32(ctx, &level, argv[0]))
        return JS_EXCEPTION;
    const char *text = JS_ToCString(ctx, argv[1]);
    if (!text)
        return JS_EXCEPTION;
    if (level >= H.config.log_level)
        port_log(level, "bundle", text);
    JS_FreeCString(ctx, text);
    return JS_UNDEFINED;
}

/* ---- log codes (the optional member logCode) ------------------------------------------ */

/*
 * A bundle built with log codes passes the code of its text and the arguments as text; the text
 * is a line of the log dictionary beside the bundle (sim/log-dictionary.mjs describes the file):
 *     //@ocpp-log-dictionary <id> <count>
 *     <text of code 1>  ...  (`{}` an argument's place; `\{`, `\\`, `\n`, `\r` escapes)
 * The file is read through the port's range reader, as the parts are (on a module: from flash):
 * once a boot for the offsets of its lines (4 bytes a code on the C heap), then one line per log
 * call. A bundle file may carry its dictionary as a section of its own (a firmware image brings
 * the dictionary of its build: see the parts below), which then comes before the port's file.
 * A dictionary other than the one the bundle names (ocppHost.logDictionary), none, a code it
 * lacks or another number of places: the raw line, `log#<code>` and each argument as JSON.
 */
#define LOG_DICTIONARY_HEADER "//@ocpp-log-dictionary "

/* The port's dictionary (the file beside the bundle), for a boot whose file carries none. */
static struct {
    host_bundle_reader read;
    char where[512];
    size_t size;
} LD_PORT;

/* This boot's dictionary: `size` bytes from `base` of `where` (the port's file, or the section
 * the booted file carries: a firmware image brings its own). */
static struct {
    host_bundle_reader read;
    char where[512];
    size_t base, size;
    bool indexed;     /* the file was read for its offsets (once a boot) */
    char id[40];      /* its id; "" when there is none or it is not a dictionary */
    uint32_t *starts; /* where the text of code i+1 starts; starts[count]: the file's end */
    int count;
} LD;

/* The dictionary a boot formats with: `size` bytes at `base` of `where` (size 0: none). */
static void log_dictionary_use(host_bundle_reader read, const char *where, size_t base, size_t size)
{
    free(LD.starts);
    memset(&LD, 0, sizeof LD);
    LD.read = read;
    LD.base = base;
    LD.size = size;
    snprintf(LD.where, sizeof LD.where, "%s", where ? where : "");
}

void host_log_dictionary_source(host_bundle_reader read, const char *where, size_t size)
{
    LD_PORT.read = read;
    LD_PORT.size = size;
    snprintf(LD_PORT.where, sizeof LD_PORT.where, "%s", where ? where : "");
    log_dictionary_use(read, where, 0, size);
}

/* `length` bytes at `at` of this boot's dictionary. */
static int log_dictionary_read(size_t at, size_t length, char *out)
{
    return LD.read(LD.where, LD.base + at, length, out);
}

/* The dictionary's id and the offsets of its lines, read once; false when it has none. */
static bool log_dictionary_index(void)
{
    if (LD.indexed)
        return LD.id[0] != 0;
    LD.indexed = true;
    char chunk[512];
    size_t header = strlen(LOG_DICTIONARY_HEADER);
    size_t n = LD.size < sizeof chunk - 1 ? LD.size : sizeof chunk - 1;
    if (!LD.read || n <= header || log_dictionary_read(0, n, chunk) != 0)
        return false;
    chunk[n] = 0;
    char *nl = strchr(chunk, '\n'), id[40];
    int count = 0, used = 0;
    if (!nl || memcmp(chunk, LOG_DICTIONARY_HEADER, header) != 0 ||
        sscanf(chunk + header, "%39[0-9a-f] %d%n", id, &count, &used) != 2 || chunk + header + used != nl ||
        count < 0 || LD.size > UINT32_MAX)
        return false;
    uint32_t *starts = malloc(((size_t)count + 1) * sizeof *starts);
    if (!starts)
        return false;
    int lines = 0;
    starts[0] = (uint32_t)(nl + 1 - chunk);
    for (size_t at = starts[0]; at < LD.size && lines <= count; at += n) {
        n = LD.size - at < sizeof chunk ? LD.size - at : sizeof chunk;
        if (log_dictionary_read(at, n, chunk) != 0)
            break;
        for (size_t i = 0; i < n && lines <= count; i++)
            if (chunk[i] == '\n' && ++lines <= count)
                starts[lines] = (uint32_t)(at + i + 1);
    }
    if (lines != count || starts[count] != LD.size) {
        free(starts);
        return false;
    }
    LD.starts = starts;
    LD.count = count;
    snprintf(LD.id, sizeof LD.id, "%s", id);
    return true;
}

/* The line of `code` with its arguments into `b`; false when the dictionary cannot give it. */
static bool log_dictionary_line(text_buffer *b, const char *id, int code, int argc, const char **args)
{
    if (!log_dictionary_index() || strcmp(id, LD.id) != 0 || code < 1 || code > LD.count)
        return false;
    size_t at = LD.starts[code - 1], length = LD.starts[code] - at - 1;
    char *text = malloc(length + 1);
    if (!text || log_dictionary_read(at, length, text) != 0) {
        free(text);
        return false;
    }
    int places = 0;
    bool ok = true;
    for (size_t i = 0; i < length && ok; i++) {
        char c = text[i];
        if (c == '\\' && i + 1 < length) {
            char e = text[++i];
            c = e == 'n' ? '\n' : e == 'r' ? '\r' : e;
            ok = e == 'n' || e == 'r' || e == '\\' || e == '{';
            put(b, &c, 1);
        } else if (c == '{' && i + 1 < length && text[i + 1] == '}') {
            i++;
            if (places < argc)
                puts_(b, args[places]);
            places++;
        } else {
            ok = c != '\\' && c != '{';
            put(b, &c, 1);
        }
    }
    free(text);
    return ok && places == argc;
}

ABI(abi_log_code)
{
    int32_t level, code;
    if (argc < 2 || JS_ToInt32(ctx, &level, argv[0]) || JS_ToInt32(ctx, &code, argv[1]))
        return JS_EXCEPTION;
    if (level < H.config.log_level)
        return JS_UNDEFINED;
    enum { ARGS_MAX = 32 };
    const char *args[ARGS_MAX];
    int n = 0;
    JSValue failed = JS_UNDEFINED;
    for (; n < argc - 2 && n < ARGS_MAX; n++)
        if (!(args[n] = JS_ToCString(ctx, argv[n + 2]))) {
            failed = JS_EXCEPTION;
            break;
        }
    JSValue named = JS_GetPropertyStr(ctx, this_val, "logDictionary");
    const char *id = JS_IsString(named) ? JS_ToCString(ctx, named) : NULL;
    JS_FreeValue(ctx, named);
    if (JS_IsUndefined(failed)) {
        text_buffer b = { 0 };
        if (!log_dictionary_line(&b, id ? id : "", code, n, args)) {
            b.len = 0;
            char head[24];
            snprintf(head, sizeof head, "log#%d", (int)code);
            puts_(&b, head);
            for (int i = 0; i < n; i++) {
                puts_(&b, " ");
                put_json_string(&b, args[i]);
            }
        }
        if (!b.failed)
            port_log(level, "bundle", b.text ? b.text : "");
        free(b.text);
    }
    if (id)
        JS_FreeCString(ctx, id);
    for (int i = 0; i < n; i++)
        JS_FreeCString(ctx, args[i]);
    return failed;
}

ABI(abi_now) { return JS_NewFloat64(ctx, port_now_ms()); }
ABI(abi_ticks) { return JS_NewFloat64(ctx, port_ticks_ms()); }

ABI(abi_timer_start)
{
    double ms;
    if (JS_ToFloat64(ctx, &ms, argv[0]))
        return JS_EXCEPTION;
    if (!JS_IsFunction(ctx, argv[1]))
        return JS_ThrowTypeError(ctx, "timerStart callback must be a function");
    if (!(ms > 0)) /* and NaN */
        ms = 0;
    if (ms > MAX_TIMER_MS)
        ms = MAX_TIMER_MS;
    host_timer *t = calloc(1, sizeof *t);
    if (!t)
        return JS_ThrowInternalError(ctx, "out of memory (host timer)");
    t->id = ++H.timer_seq;
    t->deadline = port_ticks_ms() + ms;
    t->fn = JS_DupValue(ctx, argv[1]);
    host_timer **link = &H.timers; /* after every timer due no later: equal deadlines fire in order */
    while (*link && (*link)->deadline <= t->deadline)
        link = &(*link)->next;
    t->next = *link;
    *link = t;
    return JS_NewInt32(ctx, t->id);
}

ABI(abi_timer_stop)
{
    int32_t id;
    if (JS_ToInt32(ctx, &id, argv[0]))
        return JS_EXCEPTION;
    for (host_timer **link = &H.timers; *link; link = &(*link)->next) {
        host_timer *t = *link;
        if (t->id == id) {
            *link = t->next;
            JS_FreeValue(ctx, t->fn);
            free(t);
            break;
        }
    }
    return JS_UNDEFINED;
}

ABI(abi_imei) { return JS_NewString(ctx, H.imei); }
ABI(abi_iccid) { return JS_NewString(ctx, H.iccid); }
ABI(abi_config) { return JS_NewString(ctx, H.config.settings_json); }

static bool is_file_name(const char *s)
{
    if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

/* The file name argument as a C string (free with JS_FreeCString), or NULL with a TypeError
 * thrown: a name outside [A-Za-z0-9._-] is the guest's bug, so it is thrown there. */
static const char *file_name(JSContext *ctx, JSValueConst value)
{
    if (JS_IsString(value)) {
        const char *name = JS_ToCString(ctx, value);
        if (!name || is_file_name(name))
            return name;
        JS_FreeCString(ctx, name);
    }
    JSValue json = JS_JSONStringify(ctx, value, JS_UNDEFINED, JS_UNDEFINED);
    const char *shown = JS_IsException(json) ? NULL : JS_ToCString(ctx, json);
    JS_ThrowTypeError(ctx, "bad file name %s: use [A-Za-z0-9._-]", shown ? shown : "?");
    if (shown)
        JS_FreeCString(ctx, shown);
    JS_FreeValue(ctx, json);
    return NULL;
}

ABI(abi_file_read)
{
    const char *name = file_name(ctx, argv[0]);
    if (!name)
        return JS_EXCEPTION;
    char *data = NULL;
    size_t len = 0;
    int found = port_file_read(name, &data, &len);
    JSValue result;
    if (found > 0)
        result = JS_NewStringLen(ctx, data, len);
    else if (found == 0)
        result = JS_NULL;
    else
        result = JS_ThrowInternalError(ctx, "fileRead %s failed: %s", name, strerror(errno));
    free(data);
    JS_FreeCString(ctx, name);
    return result;
}

/* fileWrite and fileAppend: a failure is `false` for the guest (ABI), and logged here. */
static JSValue file_store(JSContext *ctx, JSValueConst *argv, const char *what,
                          int (*store)(const char *, const char *, size_t))
{
    const char *name = file_name(ctx, argv[0]);
    if (!name)
        return JS_EXCEPTION;
    size_t len;
    const char *data = JS_ToCStringLen(ctx, &len, argv[1]);
    if (!data) {
        JS_FreeCString(ctx, name);
        return JS_EXCEPTION;
    }
    bool ok = store(name, data, len) == 0;
    if (!ok)
        host_log(HOST_LOG_ERROR, "file %s failed: %s: %s", what, name, strerror(errno));
    JS_FreeCString(ctx, data);
    JS_FreeCString(ctx, name);
    return JS_NewBool(ctx, ok);
}

ABI(abi_file_write) { return file_store(ctx, argv, "write", port_file_write); }
ABI(abi_file_append) { return file_store(ctx, argv, "append", port_file_append); }

ABI(abi_file_remove)
{
    const char *name = file_name(ctx, argv[0]);
    if (!name)
        return JS_EXCEPTION;
    int removed = port_file_remove(name);
    JSValue result = removed < 0 ? JS_ThrowInternalError(ctx, "fileRemove %s failed: %s", name, strerror(errno))
                                 : JS_NewBool(ctx, removed > 0);
    JS_FreeCString(ctx, name);
    return result;
}

/* HostSocketOptions (JSON text) as port_ws_options; the strings live until ws_options_free. */
typedef struct {
    port_ws_options o;
    char *protocols;
    char *key_pem; /* the private key of a keyId (host-kept key pair) */
    const char *strings[2 * PORT_WS_MAX_HEADERS + 3]; /* JS_ToCString results to free */
    int string_count;
} ws_options;

static const char *keep_string(JSContext *ctx, ws_options *w, JSValueConst v)
{
    const char *s = JS_ToCString(ctx, v);
    if (s)
        w->strings[w->string_count++] = s;
    return s;
}

static void ws_options_free(JSContext *ctx, ws_options *w)
{
    for (int i = 0; i < w->string_count; i++)
        JS_FreeCString(ctx, w->strings[i]);
    free(w->protocols);
    free(w->key_pem);
}

/* 0, or -1 with a message in `error`. */
static int ws_options_parse(JSContext *ctx, const char *text, ws_options *w, char *error, size_t error_size)
{
    memset(w, 0, sizeof *w);
    JSValue parsed = JS_ParseJSON(ctx, text, strlen(text), "wsOpen options");
    if (JS_IsException(parsed)) {
        clear_exception();
        snprintf(error, error_size, "wsOpen options are not JSON: %.60s", text);
        return -1;
    }
    int result = 0;
    /* protocols: ["ocpp1.6", ...] → "ocpp1.6, ..." */
    JSValue protocols = JS_GetPropertyStr(ctx, parsed, "protocols");
    size_t joined = 1;
    w->protocols = calloc(1, 1);
    if (JS_IsArray(ctx, protocols)) {
        uint32_t n = 0;
        JSValue length = JS_GetPropertyStr(ctx, protocols, "length");
        JS_ToUint32(ctx, &n, length);
        JS_FreeValue(ctx, length);
        for (uint32_t i = 0; i < n && w->protocols; i++) {
            JSValue p = JS_GetPropertyUint32(ctx, protocols, i);
            const char *s = JS_IsString(p) ? JS_ToCString(ctx, p) : NULL;
            if (s && *s) {
                joined += strlen(s) + 2;
                char *grown = realloc(w->protocols, joined);
                if (grown) {
                    if (*grown)
                        strcat(grown, ", ");
                    strcat(grown, s);
                }
                w->protocols = grown;
            }
            if (s)
                JS_FreeCString(ctx, s);
            JS_FreeValue(ctx, p);
        }
    }
    JS_FreeValue(ctx, protocols);
    w->o.protocols = w->protocols ? w->protocols : "";

    /* headers: { Name: "value" } */
    JSValue headers = JS_GetPropertyStr(ctx, parsed, "headers");
    JSPropertyEnum *names = NULL;
    uint32_t count = 0;
    if (JS_IsObject(headers) &&
        JS_GetOwnPropertyNames(ctx, &names, &count, headers, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) == 0) {
        for (uint32_t i = 0; i < count; i++) {
            JSValue value = JS_GetProperty(ctx, headers, names[i].atom);
            if (result == 0 && w->o.header_count < PORT_WS_MAX_HEADERS && JS_IsString(value)) {
                JSValue name_value = JS_AtomToString(ctx, names[i].atom);
                const char *name = keep_string(ctx, w, name_value);
                const char *v = keep_string(ctx, w, value);
                JS_FreeValue(ctx, name_value);
                /* A CR or LF would let a value smuggle in another header. */
                if (name && v && !strpbrk(name, "\r\n:") && !strpbrk(v, "\r\n")) {
                    w->o.header_names[w->o.header_count] = name;
                    w->o.header_values[w->o.header_count] = v;
                    w->o.header_count++;
                } else {
                    snprintf(error, error_size, "bad request header %s", name ? name : "?");
                    result = -1;
                }
            }
            JS_FreeValue(ctx, value);
            JS_FreeAtom(ctx, names[i].atom);
        }
        js_free(ctx, names);
    }
    JS_FreeValue(ctx, headers);

    /* ca, cert, key: PEM text */
    const char **pems[3] = { &w->o.ca, &w->o.cert, &w->o.key };
    const char *pem_names[3] = { "ca", "cert", "key" };
    for (int i = 0; i < 3; i++) {
        JSValue v = JS_GetPropertyStr(ctx, parsed, pem_names[i]);
        if (JS_IsString(v)) {
            const char *s = keep_string(ctx, w, v);
            *pems[i] = s && *s ? s : NULL;
        }
        JS_FreeValue(ctx, v);
    }
#ifdef OCPP_HOST_MEMBERS
    /* keyId: a key pair this host made (cryptoCreateCsr); its private key never left it. */
    JSValue key_id = JS_GetPropertyStr(ctx, parsed, "keyId");
    const char *id = result == 0 && JS_IsString(key_id) ? JS_ToCString(ctx, key_id) : NULL;
    if (id && *id) {
        w->key_pem = members_key_pem(id, error, error_size);
        if (w->key_pem)
            w->o.key = w->key_pem;
        else
            result = -1;
    }
    if (id)
        JS_FreeCString(ctx, id);
    JS_FreeValue(ctx, key_id);
#endif
    JS_FreeValue(ctx, parsed);
    return result;
}

ABI(abi_ws_open)
{
    if (!JS_IsObject(argv[2]))
        return JS_ThrowTypeError(ctx, "wsOpen callbacks must be an object");
    const char *url = JS_ToCString(ctx, argv[0]);
    if (!url)
        return JS_EXCEPTION;
    const char *options_text = JS_ToCString(ctx, argv[1]);
    if (!options_text) {
        JS_FreeCString(ctx, url);
        return JS_EXCEPTION;
    }
    host_socket *s = calloc(1, sizeof *s);
    if (!s || !(s->url = strdup(url))) {
        free(s);
        JS_FreeCString(ctx, url);
        JS_FreeCString(ctx, options_text);
        return JS_ThrowInternalError(ctx, "out of memory (host socket)");
    }
    s->id = ++H.socket_seq;
    s->callbacks = JS_DupValue(ctx, argv[2]);
    s->next = H.sockets;
    H.sockets = s;

    char error[512] = "";
    ws_options w;
    int started = ws_options_parse(ctx, options_text, &w, error, sizeof error);
    if (started == 0)
        started = port_ws_open(s->id, url, &w.o, error, sizeof error);
    ws_options_free(ctx, &w);
    if (started != 0) {
        /* wsOpen never fails on the spot (ABI): the failure arrives as onerror + onclose. */
        defer(EV_ERROR, s->id, 0, error, strlen(error));
        defer(EV_CLOSED, s->id, 1006, error, strlen(error));
    }
    JS_FreeCString(ctx, url);
    JS_FreeCString(ctx, options_text);
    return JS_NewInt32(ctx, s->id);
}

ABI(abi_ws_send)
{
    int32_t id;
    if (JS_ToInt32(ctx, &id, argv[0]))
        return JS_EXCEPTION;
    host_socket *s = find_socket(id);
    if (!s || !s->open || s->closing)
        return JS_FALSE;
    size_t len;
    const char *text = JS_ToCStringLen(ctx, &len, argv[1]);
    if (!text)
        return JS_EXCEPTION;
    bool sent = port_ws_send(id, text, len);
    if (sent)
        log_frame("\xe2\x86\x92", text); /* → */
    JS_FreeCString(ctx, text);
    return JS_NewBool(ctx, sent);
}

ABI(abi_ws_close)
{
    int32_t id, code;
    if (JS_ToInt32(ctx, &id, argv[0]) || JS_ToInt32(ctx, &code, argv[1]))
        return JS_EXCEPTION;
    host_socket *s = find_socket(id);
    if (!s || s->closing)
        return JS_UNDEFINED;
    const char *reason = JS_IsString(argv[2]) ? JS_ToCString(ctx, argv[2]) : NULL;
    s->closing = true;
    port_ws_close(id, code, reason ? reason : "");
    if (reason)
        JS_FreeCString(ctx, reason);
    return JS_UNDEFINED;
}

ABI(abi_exit)
{
    int32_t code;
    if (JS_ToInt32(ctx, &code, argv[0]))
        return JS_EXCEPTION;
    request_end(END_EXIT, code, "the bundle called exit(%d)", (int)code);
    return JS_UNDEFINED;
}

ABI(abi_restart)
{
    request_end(END_RESTART, 0, "the bundle called restart()");
    return JS_UNDEFINED;
}

ABI(abi_part_load); /* below, with the parts */
ABI(abi_part_release);

static const JSCFunctionListEntry abi_functions[] = {
    JS_PROP_INT32_DEF("abi", 1, JS_PROP_ENUMERABLE),
    JS_CFUNC_DEF("log", 2, abi_log),
    JS_CFUNC_DEF("logCode", 2, abi_log_code),
    JS_CFUNC_DEF("now", 0, abi_now),
    JS_CFUNC_DEF("ticks", 0, abi_ticks),
    JS_CFUNC_DEF("timerStart", 2, abi_timer_start),
    JS_CFUNC_DEF("timerStop", 1, abi_timer_stop),
    JS_CFUNC_DEF("imei", 0, abi_imei),
    JS_CFUNC_DEF("iccid", 0, abi_iccid),
    JS_CFUNC_DEF("config", 0, abi_config),
    JS_CFUNC_DEF("fileRead", 1, abi_file_read),
    JS_CFUNC_DEF("fileWrite", 2, abi_file_write),
    JS_CFUNC_DEF("fileAppend", 2, abi_file_append),
    JS_CFUNC_DEF("fileRemove", 1, abi_file_remove),
    JS_CFUNC_DEF("wsOpen", 3, abi_ws_open),
    JS_CFUNC_DEF("wsSend", 2, abi_ws_send),
    JS_CFUNC_DEF("wsClose", 3, abi_ws_close),
    JS_CFUNC_DEF("exit", 1, abi_exit),
    JS_CFUNC_DEF("restart", 0, abi_restart),
    JS_CFUNC_DEF("partLoad", 1, abi_part_load),
    JS_CFUNC_DEF("partRelease", 1, abi_part_release),
};

/* ---- parts (the optional members partLoad, partRelease) ----------------------------- */

/*
 * A bundle file with parts (build/parts.mjs): the bundle's own code, each part, and a last line
 *     //@ocpp-parts <build id> <bytes of the bundle's own code> <name>:<offset>:<length> ...
 * A boot evaluates the bundle's own code only and keeps the file's build id and size; partLoad
 * reads the file's last line and the part again (nothing of the parts is held in between), and
 * refuses a file whose build id is not the one this boot evaluated (replaced meanwhile).
 * A section `@log-dictionary:<offset>:<length>` of the last line is the bundle's log dictionary
 * (after the parts, before the last line; sim/bundle-parts.mjs withLogDictionary writes it, and
 * so does --compile): no part, the texts of its log codes, so an image installed over the air
 * logs its own texts. A file without parts that carries one has the last line all the same.
 */
#define PARTS_TRAILER "//@ocpp-parts "
#define DICTIONARY_SECTION "@log-dictionary"
/* The parts a file may name (build/parts.mjs's PARTS_MAX refuses a bundle with more): 40 bytes
 * each on the stack of partLoad and --compile while they read the last line (32-bit ARM). */
#define PARTS_MAX 32
#define PARTS_TAIL 4096

typedef struct {
    char name[32];
    size_t offset, length;
} part_entry;

typedef struct {
    char id[24];
    size_t main_length; /* the whole file when it has no parts */
    int count;
    part_entry parts[PARTS_MAX];
    size_t dictionary_offset, dictionary_length; /* the log dictionary it carries (length 0: none) */
} parts_layout;

static struct {
    host_bundle_reader read;
    char where[512];
    char id[24]; /* the build id of the file this boot evaluated ("" without parts) */
    size_t size; /* its length */
} PT;

/* The layout of a bundle file from its last `length` bytes (`buf`, which start at `base` in the
 * file); false (main_length = base + length) when it has no parts. */
static bool parse_parts(const char *buf, size_t length, size_t base, parts_layout *out)
{
    memset(out, 0, sizeof *out);
    out->main_length = base + length;
    if (length < 2 || buf[length - 1] != '\n')
        return false;
    size_t from = length > PARTS_TAIL ? length - PARTS_TAIL : 0, at = length - 1;
    while (at > from && buf[at - 1] != '\n')
        at--;
    size_t n = strlen(PARTS_TRAILER);
    if (at == from || length - at < n || memcmp(buf + at, PARTS_TRAILER, n) != 0)
        return false;
    char line[PARTS_TAIL + 1];
    size_t line_length = length - 1 - (at + n);
    memcpy(line, buf + at + n, line_length);
    line[line_length] = 0;
    size_t end_of_parts = base + at; /* where the last line starts, in the file */
    char *save = NULL, *field = strtok_r(line, " ", &save);
    if (!field || strlen(field) >= sizeof out->id)
        return false;
    char *end = NULL, *text = strtok_r(NULL, " ", &save);
    unsigned long main_length = text ? strtoul(text, &end, 10) : 0;
    if (!text || *end || main_length == 0 || main_length > end_of_parts)
        return false;
    snprintf(out->id, sizeof out->id, "%s", field);
    while ((field = strtok_r(NULL, " ", &save)) && out->count < PARTS_MAX) {
        part_entry *p = &out->parts[out->count];
        unsigned long offset, part_length;
        int used = 0;
        char *colon = strchr(field, ':');
        if (!colon || (size_t)(colon - field) >= sizeof p->name ||
            sscanf(colon + 1, "%lu:%lu%n", &offset, &part_length, &used) != 2 || colon[1 + used] ||
            offset < main_length || offset + part_length > end_of_parts)
            continue; /* not a part this host can find: partLoad says it has no such part */
        if ((size_t)(colon - field) == strlen(DICTIONARY_SECTION) && memcmp(field, DICTIONARY_SECTION, strlen(DICTIONARY_SECTION)) == 0) {
            out->dictionary_offset = offset;
            out->dictionary_length = part_length;
            continue;
        }
        memcpy(p->name, field, (size_t)(colon - field));
        p->name[colon - field] = 0;
        p->offset = offset;
        p->length = part_length;
        out->count++;
    }
    out->main_length = main_length;
    return true;
}

void host_bundle_source(host_bundle_reader read, const char *where)
{
    PT.read = read;
    snprintf(PT.where, sizeof PT.where, "%s", where ? where : "");
}

/* The layout of the file this boot evaluated, its last line read from it again (false: none). */
static bool read_layout(parts_layout *layout)
{
    size_t tail = PT.size < PARTS_TAIL ? PT.size : PARTS_TAIL;
    char *buf = PT.read && tail ? malloc(tail) : NULL;
    bool ok = buf && PT.read(PT.where, PT.size - tail, tail, buf) == 0 && parse_parts(buf, tail, PT.size - tail, layout);
    free(buf);
    return ok;
}

static JSValue throw_error(JSContext *ctx, const char *format, ...) __attribute__((format(printf, 2, 3)));
static JSValue throw_error(JSContext *ctx, const char *format, ...)
{
    char text[600];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    JSValue error = JS_NewError(ctx);
    JS_DefinePropertyValueStr(ctx, error, "message", JS_NewString(ctx, text), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    return JS_Throw(ctx, error);
}

/* A part's section of the bundle file, read at any offset from its start (opaque: where the
 * section starts in the file), for QuickJS (JS_ReadObjectLazy): the part's nested functions'
 * bodies stay in the file until their first call, as the bundle's own code's do. QuickJS keeps
 * the section's atoms (and this reader) while a function of it is unread, and lets them go
 * once the part's functions are freed (partRelease); no file is held open in between. */
static int part_read_at(void *opaque, size_t offset, uint8_t *buf, size_t len)
{
    return PT.read && PT.read(PT.where, (size_t)(uintptr_t)opaque + offset, len, (char *)buf) == 0 ? 0 : -1;
}

/* partLoad(name): the part read from the file again and evaluated; an Error saying why otherwise. */
ABI(abi_part_load)
{
    const char *name = JS_ToCString(ctx, argv[0]);
    if (!name)
        return JS_EXCEPTION;
    char wanted[32];
    snprintf(wanted, sizeof wanted, "%s", name);
    JS_FreeCString(ctx, name);
    parts_layout layout;
    if (!PT.id[0])
        return throw_error(ctx, "the bundle has no part \"%s\" (it has no parts)", wanted);
    if (!PT.read)
        return throw_error(ctx, "part \"%s\": this port cannot read the bundle file again", wanted);
    if (!read_layout(&layout) || strcmp(layout.id, PT.id) != 0)
        return throw_error(ctx, "part \"%s\": %s is not the file this boot evaluated (replaced since?)", wanted, PT.where);
    int i = 0;
    while (i < layout.count && strcmp(layout.parts[i].name, wanted) != 0)
        i++;
    if (layout.count == 0) /* a file with its log dictionary only */
        return throw_error(ctx, "the bundle has no part \"%s\" (it has no parts)", wanted);
    if (i == layout.count)
        return throw_error(ctx, "the bundle has no part \"%s\"", wanted);
    const part_entry *p = &layout.parts[i];
    char first;
    if (p->length == 0 || PT.read(PT.where, p->offset, 1, &first) != 0)
        return throw_error(ctx, "part \"%s\": cannot read it from %s", p->name, PT.where);
    JSValue function;
    if (host_is_bytecode(&first, 1)) /* read as the bundle's own code is: nested bodies at their first call */
        function = JS_ReadObjectLazy(ctx, part_read_at, (void *)(uintptr_t)p->offset, p->length, HOST_READ_WINDOW,
                                     JS_READ_OBJ_BYTECODE);
    else {
        char *code = malloc(p->length + 1);
        if (!code)
            return JS_ThrowOutOfMemory(ctx);
        if (PT.read(PT.where, p->offset, p->length, code) != 0) {
            free(code);
            return throw_error(ctx, "part \"%s\": cannot read it from %s", p->name, PT.where);
        }
        code[p->length] = 0;
        function = JS_Eval(ctx, code, p->length, p->name, JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_STRIP | JS_EVAL_FLAG_COMPILE_ONLY);
        free(code); /* QuickJS has copied what it keeps */
    }
    JSValue value = JS_IsException(function) ? function : JS_EvalFunction(ctx, function);
    if (JS_IsException(value)) {
        if (H.heap_refused)
            return value; /* out of memory: the host ends the station (71) once the guest returns */
        JSValue error = JS_GetException(ctx);
        char *why = describe(error);
        JS_FreeValue(ctx, error);
        JSValue e = throw_error(ctx, "part \"%s\" does not load: %s", p->name, why ? why : "?");
        free(why);
        return e;
    }
    host_log(HOST_LOG_DEBUG, "part %s loaded (%zu bytes)", p->name, p->length);
    return value;
}

/* partRelease(name): the bundle holds nothing of the part any more. Its classes and closures
 * are reference cycles that reference counting never frees: QuickJS's cycle collection runs
 * once the callback and its promise jobs are done (settle). */
ABI(abi_part_release)
{
    const char *name = JS_ToCString(ctx, argv[0]);
    if (!name)
        return JS_EXCEPTION;
    if (!H.collect_pending[0]) /* parts released together (one and the part it ran on) go in one collection, logged by the first */
        snprintf(H.collect_pending, sizeof H.collect_pending, "%s", *name ? name : "?");
    JS_FreeCString(ctx, name);
    return JS_UNDEFINED;
}

/* ---- lifecycle ------------------------------------------------------------------------ */

void host_init(const host_config *config)
{
    memset(&H, 0, sizeof H);
    H.config = *config;
    H.deferred_tail = &H.deferred;
    H.hardware_listener = JS_UNDEFINED;
    H.state = HOST_REBOOT; /* nothing evaluated yet */
    port_imei(H.imei);
    port_iccid(H.iccid);
}

/* Stops the timers, abandons the sockets, frees every value, the context and the runtime. */
static void dispose(void)
{
    if (!H.rt)
        return;
    while (H.timers) {
        host_timer *t = H.timers;
        H.timers = t->next;
        JS_FreeValue(H.ctx, t->fn);
        free(t);
    }
    while (H.sockets) {
        host_socket *s = H.sockets;
        H.sockets = s->next;
        port_ws_abandon(s->id);
        JS_FreeValue(H.ctx, s->callbacks);
        free(s->url);
        free(s);
    }
    while (H.deferred) {
        deferred_event *e = H.deferred;
        H.deferred = e->next;
        free(e->text);
        free(e);
    }
    H.deferred_tail = &H.deferred;
    while (H.pending) {
        host_pending *p = H.pending;
        H.pending = p->next;
        JS_FreeValue(H.ctx, p->callbacks);
        free(p);
    }
    JS_FreeValue(H.ctx, H.hardware_listener);
    H.hardware_listener = JS_UNDEFINED;
    JS_FreeContext(H.ctx);
    JS_FreeRuntime(H.rt);
    pool_release();
    H.ctx = NULL;
    H.rt = NULL;
    port_wake_cancel();
}

/*
 * A context with the intrinsics an ES5 + Promise bundle uses, not JS_NewContext's all: no
 * Proxy, Map/Set/WeakMap, typed arrays, BigInt, String.prototype.normalize (about 11 KB
 * and 190 blocks of heap on 32-bit ARM). Eval is the parser's entry (JS_Eval), not the
 * guest's eval, which the bundle never calls. host_compile uses the same one, so the atoms
 * a bytecode file was written against are the ones it is read into.
 */
static JSContext *new_context(JSRuntime *rt)
{
    JSContext *ctx = JS_NewContextRaw(rt);
    if (!ctx)
        return NULL;
    JS_AddIntrinsicBaseObjects(ctx); /* Object, Function, Array, Error, Number, String, Math, ... */
    JS_AddIntrinsicDate(ctx);
    JS_AddIntrinsicEval(ctx);
    JS_AddIntrinsicRegExp(ctx); /* the bundle's regular expression literals */
    JS_AddIntrinsicJSON(ctx);
    JS_AddIntrinsicPromise(ctx);
    return ctx;
}

/* The bundle a boot loads: a buffer (host_boot), or bytecode from a reader (host_boot_reader),
 * whose first byte, read to tell bytecode from script, is handed to QuickJS first. */
typedef struct {
    char *code;
    size_t length;
    const host_reader *reader;
    int first;
} bundle_source;

static size_t bundle_read(void *opaque, uint8_t *buf, size_t len)
{
    bundle_source *b = opaque;
    size_t n = 0;
    if (b->first >= 0 && len > 0) {
        buf[n++] = (uint8_t)b->first;
        b->first = -1;
    }
    return n < len ? n + b->reader->read(b->reader->opaque, (char *)buf + n, len - n) : n;
}

static void boot(bundle_source *bundle, const char *filename);

/* The bundle file read again at any offset, for QuickJS (JS_ReadObjectLazy): a nested
 * function's body (its bytecode and constants) stays in the file until the function is first
 * called, and is read then. While the boot reads the file, from the boot's reader where it is;
 * then through the port's range reader (host_bundle_source). The file stays readable for as
 * long as the station runs (on a module: flash); a body that cannot be read then is an error
 * thrown in the function's caller. */
static struct {
    bundle_source *boot; /* the boot's reader, while the boot reads the file */
    size_t at;           /* where that reader is */
} LZ;

static int bundle_read_at(void *opaque, size_t offset, uint8_t *buf, size_t len)
{
    (void)opaque;
    if (LZ.boot && LZ.boot->reader && offset == LZ.at) {
        size_t n = 0, got = 1;
        while (n < len && got > 0) {
            got = bundle_read(LZ.boot, buf + n, len - n);
            n += got;
        }
        LZ.at += n;
        return n == len ? 0 : -1;
    }
    return PT.read && PT.read(PT.where, offset, len, (char *)buf) == 0 ? 0 : -1;
}

/* What holds the bundle goes once it is read: the buffer, or the reader's file. */
static void bundle_release(bundle_source *b)
{
    free(b->code);
    b->code = NULL;
    if (b->reader && b->reader->done)
        b->reader->done(b->reader->opaque);
    b->reader = NULL;
}

void host_boot(char *code, size_t length, const char *filename)
{
    bundle_source bundle = { .code = code, .length = length, .first = -1 };
    boot(&bundle, filename);
}

void host_boot_reader(const host_reader *reader, const char *filename)
{
    char first;
    size_t length = reader->size > 0 ? reader->read(reader->opaque, &first, 1) : 0;
    if (length == 1 && host_is_bytecode(&first, 1)) {
        bundle_source bundle = { .reader = reader, .first = (unsigned char)first };
        boot(&bundle, filename);
        return;
    }
    /* a script: the parser needs it whole */
    char *code = malloc(reader->size + 1);
    if (code && length == 1)
        code[0] = first;
    for (size_t got = 1; code && length < reader->size && got > 0; length += got)
        got = reader->read(reader->opaque, code + length, reader->size - length);
    if (reader->done)
        reader->done(reader->opaque);
    if (!code || length < reader->size) {
        free(code);
        host_stop(HOST_EXIT_LOAD_ERROR, code ? "cannot read the bundle" : "out of memory: cannot hold the bundle");
        return;
    }
    code[length] = 0;
    host_boot(code, length, filename);
}

static void boot(bundle_source *bundle, const char *filename)
{
    const char *code = bundle->code;
    size_t length = bundle->length;
    H.end_pending = false;
    H.timer_seq = 0;
    H.socket_seq = 0; /* pending_seq goes on: a result of the last boot's call finds nothing */
    H.state = HOST_RUNNING;
    H.rt = JS_NewRuntime2(&heap_functions, NULL);
    if (!H.rt) {
        H.state = HOST_ENDED;
        H.exit_code = HOST_EXIT_OUT_OF_MEMORY;
        snprintf(H.exit_reason, sizeof H.exit_reason, "out of memory: cannot create a QuickJS runtime");
        bundle_release(bundle);
        return;
    }
    JS_SetMaxStackSize(H.rt, H.config.stack_limit);
    JS_SetInterruptHandler(H.rt, watchdog, NULL);
    /* The limit is set once the context exists, and still counts it: QuickJS 2021-03-27
     * recurses without end when an allocation fails while it builds the intrinsics, so a
     * limit below what an empty context needs is refused here instead. */
    H.ctx = new_context(H.rt);
    if (!H.ctx || H.heap_used > H.config.heap_limit) {
        size_t needed = H.heap_used;
        if (H.ctx)
            JS_FreeContext(H.ctx);
        JS_FreeRuntime(H.rt);
        pool_release();
        H.ctx = NULL;
        H.rt = NULL;
        H.state = HOST_ENDED;
        H.exit_code = HOST_EXIT_OUT_OF_MEMORY;
        snprintf(H.exit_reason, sizeof H.exit_reason,
                 "out of memory: the JS context alone needs %zu bytes, more than the heap limit of %zu bytes "
                 "(--heap-limit)",
                 needed, H.config.heap_limit);
        host_log(HOST_LOG_ERROR, "exit %d: %s", H.exit_code, H.exit_reason);
        bundle_release(bundle);
        return;
    }
    JS_SetMemoryLimit(H.rt, H.config.heap_limit);
    JSValue global = JS_GetGlobalObject(H.ctx);
    JSValue host = JS_NewObject(H.ctx);
    JS_SetPropertyFunctionList(H.ctx, host, abi_functions, sizeof abi_functions / sizeof abi_functions[0]);
    JS_SetPropertyStr(H.ctx, host, "name", JS_NewString(H.ctx, H.config.name));
#ifdef OCPP_HOST_MEMBERS
    members_install(H.ctx, host); /* the optional members this build has */
#endif
    hardware_install(H.ctx, host); /* the charger's IO, where the port has it */
    JS_SetPropertyStr(H.ctx, global, "ocppHost", host);
    JS_FreeValue(H.ctx, global);

    /* A file with parts: its build id and size for partLoad, and its own code only. */
    parts_layout layout;
    memset(&layout, 0, sizeof layout);
    if (bundle->reader) { /* bytecode read as it loads: QuickJS reads its own object only */
        PT.size = bundle->reader->size;
        PT.id[0] = 0;
        if (read_layout(&layout))
            snprintf(PT.id, sizeof PT.id, "%s", layout.id);
    } else {
        PT.size = length;
        parse_parts(code, length, 0, &layout);
        snprintf(PT.id, sizeof PT.id, "%s", layout.id);
        if (layout.main_length < length) { /* the parts' bytes go before QuickJS reads the rest */
            length = layout.main_length;
            char *shrunk = realloc(bundle->code, length + 1);
            if (shrunk)
                bundle->code = shrunk;
            bundle->code[length] = 0; /* the parser reads up to a NUL */
            code = bundle->code;
        }
    }
    /* The log dictionary the file carries (a firmware image brings its build's), else the port's. */
    if (layout.dictionary_length && PT.read)
        log_dictionary_use(PT.read, PT.where, layout.dictionary_offset, layout.dictionary_length);
    else
        log_dictionary_use(LD_PORT.read, LD_PORT.where, 0, LD_PORT.size);
    enter_guest();
    JSValue function;
    if (bundle->reader && PT.read) { /* bytecode as it is read, nested functions' bodies at their first call */
        LZ.boot = bundle;
        LZ.at = 0;
        function = JS_ReadObjectLazy(H.ctx, bundle_read_at, NULL, bundle->reader->size, HOST_READ_WINDOW,
                                     JS_READ_OBJ_BYTECODE);
        LZ.boot = NULL;
    } else if (bundle->reader) /* bytecode as it is read: the file is never held whole */
        function = JS_ReadObjectFrom(H.ctx, bundle_read, bundle, HOST_READ_WINDOW, JS_READ_OBJ_BYTECODE);
    else if (host_is_bytecode(code, length)) /* compiled ahead (host_compile): no parser, no parse-time peak */
        function = JS_ReadObject(H.ctx, (const uint8_t *)code, length, JS_READ_OBJ_BYTECODE);
    else
        function = JS_Eval(H.ctx, code, length, filename,
                           JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_STRIP | JS_EVAL_FLAG_COMPILE_ONLY);
    /* QuickJS has copied what it keeps (bytecode, atoms, strings): the file's buffer (or the
     * port's file) goes before the top level runs, so it and the station's objects are never
     * held at once. */
    bundle_release(bundle);
    finish_call(JS_IsException(function) ? function : JS_EvalFunction(H.ctx, function), "the bundle");
    leave_guest();
    settle();
    /* What the boot built (the intrinsics, the bundle's prototypes and the station) is mostly
     * built once and never extended: its shapes and property arrays, grown by half as
     * properties were added, are cut to the properties they hold. */
    if (H.rt && !H.end_pending) {
        JS_CompactShapes(H.rt);
        /* The file's atoms that only code gone by now named (the top level, the boot's
         * promise jobs) go too: it keeps those its functions still unread name. */
        JS_ReleaseUnreadAtoms(H.ctx);
    }
}

bool host_is_bytecode(const char *data, size_t length)
{
    /* JS_WriteObject starts with its format version (1 or 2, 0x40 set on big-endian hosts);
     * a script starts with text. */
    if (length == 0)
        return false;
    unsigned version = (unsigned char)data[0] & ~0x40u;
    return version == 1 || version == 2;
}

void host_exception_text(JSContext *ctx, const char *what, char *error, size_t error_size)
{
    JSValue exception = JS_GetException(ctx);
    const char *text = JS_ToCString(ctx, exception);
    snprintf(error, error_size, "%s: %s", what, text ? text : "?");
    JS_FreeCString(ctx, text);
    JS_FreeValue(ctx, exception);
}

/* One section of a script compiled to bytecode (malloc'd; NULL with why in `error`). */
static char *compile_section(JSContext *ctx, const char *code, size_t length, const char *filename, size_t *out_length,
                             char *error, size_t error_size)
{
    char *text = malloc(length + 1); /* the parser reads up to a NUL */
    if (!text) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    memcpy(text, code, length);
    text[length] = 0;
    JSValue function = JS_Eval(ctx, text, length, filename, JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_STRIP | JS_EVAL_FLAG_COMPILE_ONLY);
    free(text);
    char *out = NULL;
    if (JS_IsException(function)) {
        char what[256];
        snprintf(what, sizeof what, "%s does not compile", filename);
        host_exception_text(ctx, what, error, error_size);
        return NULL;
    }
    size_t size;
    uint8_t *bytes = JS_WriteObject(ctx, &size, function, JS_WRITE_OBJ_BYTECODE);
    out = bytes ? malloc(size + 1) : NULL;
    if (out) {
        memcpy(out, bytes, size);
        out[size] = 0;
        *out_length = size;
    } else {
        snprintf(error, error_size, "out of memory while writing the bytecode");
    }
    js_free(ctx, bytes);
    JS_FreeValue(ctx, function);
    return out;
}

/* The id a file's last line names when it has no parts, only its log dictionary: the dictionary's. */
static void dictionary_id(const char *dictionary, size_t length, char *id, size_t id_size)
{
    size_t header = strlen(LOG_DICTIONARY_HEADER), n = 0;
    if (length > header && memcmp(dictionary, LOG_DICTIONARY_HEADER, header) == 0)
        while (header + n < length && n + 1 < id_size && strchr("0123456789abcdef", dictionary[header + n]) &&
               dictionary[header + n])
            n++;
    if (n == 0) {
        snprintf(id, id_size, "0");
        return;
    }
    memcpy(id, dictionary + header, n);
    id[n] = 0;
}

size_t host_loadable_length(const char *code, size_t length)
{
    parts_layout layout;
    parse_parts(code, length, 0, &layout);
    return layout.dictionary_length ? layout.dictionary_offset : length;
}

char *host_compile(const char *code, size_t length, const char *filename, const char *dictionary,
                   size_t dictionary_length, size_t *out_length, char *error, size_t error_size)
{
    /* Strip mode: QuickJS otherwise keeps every function's source text (for toString) and its
     * line table for as long as the function lives — over 100 KB of heap for the bundle. The
     * flashed bundle is minified to one line, so the line numbers it would keep say little.
     * A bundle with parts: each section on its own, in the same layout (build/parts.mjs). */
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = rt ? new_context(rt) : NULL;
    char *out = NULL;
    parts_layout layout;
    parse_parts(code, length, 0, &layout);
    if (layout.dictionary_length) { /* the file's own comes first */
        dictionary = code + layout.dictionary_offset;
        dictionary_length = layout.dictionary_length;
    }
    if (!ctx) {
        snprintf(error, error_size, "out of memory: cannot create a QuickJS runtime");
    } else if ((out = compile_section(ctx, code, layout.main_length, filename, out_length, error, error_size)) &&
               (layout.id[0] || dictionary_length)) {
        char trailer[PARTS_TAIL], id[sizeof layout.id];
        if (layout.id[0])
            snprintf(id, sizeof id, "%s", layout.id);
        else
            dictionary_id(dictionary, dictionary_length, id, sizeof id);
        size_t used = (size_t)snprintf(trailer, sizeof trailer, PARTS_TRAILER "%s %zu", id, *out_length);
        for (int i = 0; i < layout.count && out; i++) {
            size_t size;
            char *part = compile_section(ctx, code + layout.parts[i].offset, layout.parts[i].length, layout.parts[i].name,
                                         &size, error, error_size);
            char *grown = part ? realloc(out, *out_length + size + 1) : NULL;
            if (!grown) {
                if (part)
                    snprintf(error, error_size, "out of memory while writing the bytecode");
                free(part);
                free(out);
                out = NULL;
                break;
            }
            out = grown;
            memcpy(out + *out_length, part, size);
            used += (size_t)snprintf(trailer + used, sizeof trailer - used, " %s:%zu:%zu", layout.parts[i].name,
                                     *out_length, size);
            *out_length += size;
            free(part);
        }
        char *with = out && dictionary_length ? realloc(out, *out_length + dictionary_length + 1) : NULL;
        if (out && dictionary_length && !with) {
            snprintf(error, error_size, "out of memory while writing the bytecode");
            free(out);
            out = NULL;
        } else if (with) { /* the log dictionary after the parts, a section of its own */
            out = with;
            memcpy(out + *out_length, dictionary, dictionary_length);
            used += (size_t)snprintf(trailer + used, sizeof trailer - used, " " DICTIONARY_SECTION ":%zu:%zu",
                                     *out_length, dictionary_length);
            *out_length += dictionary_length;
        }
        char *grown = out && used + 2 < sizeof trailer ? realloc(out, *out_length + 1 + used + 2) : NULL;
        if (out && !grown) {
            snprintf(error, error_size, "out of memory while writing the bytecode");
            free(out);
            out = NULL;
        } else if (grown) { /* "\n" + trailer + "\n": the trailer is a line of its own */
            out = grown;
            out[(*out_length)++] = '\n';
            memcpy(out + *out_length, trailer, used);
            *out_length += used;
            out[(*out_length)++] = '\n';
            out[*out_length] = 0;
        }
    }
    if (ctx)
        JS_FreeContext(ctx);
    if (rt)
        JS_FreeRuntime(rt);
    return out;
}

void host_stop(int code, const char *reason)
{
    if (H.rt) {
        request_end(END_EXIT, code, "%s", reason);
        settle();
    } else if (H.state != HOST_ENDED) { /* between two boots */
        H.state = HOST_ENDED;
        H.exit_code = code;
        snprintf(H.exit_reason, sizeof H.exit_reason, "%s", reason);
    }
}

host_state_t host_state(void) { return H.state; }
int host_exit_code(void) { return H.exit_code; }
const char *host_exit_reason(void) { return H.exit_reason; }
size_t host_heap_used(void) { return H.heap_used; }
size_t host_heap_peak(void) { return H.heap_peak; }
int host_restarts(void) { return H.restarts; }

bool host_memory_now(host_memory *out)
{
    if (!H.rt)
        return false;
    JSMemoryUsage u;
    JS_ComputeMemoryUsage(H.rt, &u);
    *out = (host_memory){
        .used = H.heap_used,
        .blocks = (size_t)u.malloc_count,
        .headers = P.large * sizeof(block_header) + P.count * POOL_HEAD,
        .pool_slack = P.count * POOL_PAGE - P.in_use,
        .quickjs_count = (size_t)u.memory_used_size,
        .functions = (size_t)u.js_func_size,
        .bytecode = (size_t)u.js_func_code_size,
        .objects = (size_t)(u.obj_size + u.prop_size + u.shape_size),
        .arrays = (size_t)u.fast_array_elements * sizeof(JSValue),
        .atoms = (size_t)u.atom_size,
        .strings = (size_t)u.str_size,
    };
    return true;
}

/* ---- settings JSON: a port's settings file under its flags ----------------------------- */

/* A throw-away runtime for reading settings JSON (before the station's runtime exists). */
static JSContext *json_context(void)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = rt ? JS_NewContextRaw(rt) : NULL;
    if (!ctx) {
        if (rt)
            JS_FreeRuntime(rt);
        return NULL;
    }
    JS_AddIntrinsicBaseObjects(ctx);
    JS_AddIntrinsicJSON(ctx);
    return ctx;
}

static void json_context_free(JSContext *ctx)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
}

/* `text` parsed as a JSON object, or JS_EXCEPTION with why in `error`. */
static JSValue parse_object(JSContext *ctx, const char *text, const char *what, char *error, size_t error_size)
{
    JSValue v = JS_ParseJSON(ctx, text, strlen(text), what);
    if (JS_IsException(v)) {
        char why[256];
        snprintf(why, sizeof why, "%s is not JSON", what);
        host_exception_text(ctx, why, error, error_size);
        return JS_EXCEPTION;
    }
    if (!JS_IsObject(v) || JS_IsArray(ctx, v) > 0) {
        JS_FreeValue(ctx, v);
        snprintf(error, error_size, "%s must be a JSON object", what);
        return JS_EXCEPTION;
    }
    return v;
}

char *host_settings_merge(const char *base, const char *over, const char *what, char *error, size_t error_size)
{
    JSContext *ctx = json_context();
    if (!ctx) {
        snprintf(error, error_size, "out of memory reading %s", what);
        return NULL;
    }
    char *out = NULL;
    JSValue target = parse_object(ctx, base, what, error, error_size);
    JSValue source = JS_IsException(target) ? JS_EXCEPTION : parse_object(ctx, over, "the flags' settings", error, error_size);
    if (!JS_IsException(source)) {
        JSPropertyEnum *props = NULL;
        uint32_t count = 0;
        if (JS_GetOwnPropertyNames(ctx, &props, &count, source, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) == 0) {
            for (uint32_t i = 0; i < count; i++) {
                JS_SetProperty(ctx, target, props[i].atom, JS_GetProperty(ctx, source, props[i].atom));
                JS_FreeAtom(ctx, props[i].atom);
            }
            js_free(ctx, props);
        }
        JSValue json = JS_JSONStringify(ctx, target, JS_UNDEFINED, JS_UNDEFINED);
        const char *text = JS_IsException(json) ? NULL : JS_ToCString(ctx, json);
        if (text)
            out = strdup(text);
        else
            snprintf(error, error_size, "out of memory writing the settings");
        JS_FreeCString(ctx, text);
        JS_FreeValue(ctx, json);
        JS_FreeValue(ctx, source);
    }
    JS_FreeValue(ctx, target);
    json_context_free(ctx);
    return out;
}

char *host_settings_string(const char *json, const char *key, bool *present)
{
    *present = false;
    JSContext *ctx = json_context();
    if (!ctx)
        return NULL;
    char ignored[8];
    char *out = NULL;
    JSValue object = parse_object(ctx, json, "settings", ignored, sizeof ignored);
    if (!JS_IsException(object)) {
        JSValue v = JS_GetPropertyStr(ctx, object, key);
        *present = !JS_IsUndefined(v);
        if (JS_IsString(v)) {
            const char *text = JS_ToCString(ctx, v);
            out = text ? strdup(text) : NULL;
            JS_FreeCString(ctx, text);
        }
        JS_FreeValue(ctx, v);
        JS_FreeValue(ctx, object);
    }
    json_context_free(ctx);
    return out;
}
