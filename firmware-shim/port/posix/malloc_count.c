/*
 * The total native RAM of the process, measured: malloc and its family are defined here, in
 * the program, so every allocation of the process goes through them — the host's, QuickJS's
 * (under its own counting allocator in src/host.c), the C library's own (stdio buffers, name
 * resolution) — and each is counted at the size of the chunk glibc gives it
 * (malloc_usable_size plus its size word), then passed to glibc's allocator (__libc_malloc
 * and kin, which glibc exports for exactly this). The peak is kept at every allocation.
 *
 * Linked only with NATIVE_RAM_COUNT=1 (the armhf build's default): glibc only, and never
 * with a sanitizer, which brings its own malloc. main.c prints the figures when it is there.
 */
#include "posix.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *ptr);

static size_t used, peak, blocks;

static size_t chunk_size(void *ptr) { return malloc_usable_size(ptr) + sizeof(size_t); }

/* Atomic: the optional members' transfers allocate on worker threads (port/posix/http.c). */
static void *counted(void *ptr)
{
    if (ptr) {
        size_t now = __atomic_add_fetch(&used, chunk_size(ptr), __ATOMIC_RELAXED);
        __atomic_add_fetch(&blocks, 1, __ATOMIC_RELAXED);
        size_t high = __atomic_load_n(&peak, __ATOMIC_RELAXED);
        while (now > high && !__atomic_compare_exchange_n(&peak, &high, now, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        }
    }
    return ptr;
}

static void uncount(void *ptr)
{
    if (ptr) {
        __atomic_sub_fetch(&used, chunk_size(ptr), __ATOMIC_RELAXED);
        __atomic_sub_fetch(&blocks, 1, __ATOMIC_RELAXED);
    }
}

void *malloc(size_t size) { return counted(__libc_malloc(size)); }
void *calloc(size_t count, size_t size) { return counted(__libc_calloc(count, size)); }

void free(void *ptr)
{
    uncount(ptr);
    __libc_free(ptr);
}

void *realloc(void *ptr, size_t size)
{
    if (!ptr)
        return malloc(size);
    size_t before = chunk_size(ptr);
    void *moved = __libc_realloc(ptr, size);
    if (moved || size == 0) { /* realloc(p, 0) frees p */
        __atomic_sub_fetch(&used, before, __ATOMIC_RELAXED);
        __atomic_sub_fetch(&blocks, 1, __ATOMIC_RELAXED);
        counted(moved);
    }
    return moved;
}

void *reallocarray(void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(ptr, count * size);
}

void *memalign(size_t alignment, size_t size) { return counted(__libc_memalign(alignment, size)); }
void *aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }
void *valloc(size_t size) { return memalign(4096, size); }
void *pvalloc(size_t size) { return memalign(4096, (size + 4095) & ~(size_t)4095); }

int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)))
        return EINVAL;
    void *ptr = memalign(alignment, size);
    if (!ptr)
        return ENOMEM;
    *out = ptr;
    return 0;
}

void posix_native_ram(size_t *now, size_t *highest, size_t *count)
{
    *now = used;
    *highest = peak;
    *count = blocks;
}
