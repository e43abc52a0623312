/* tsan/selfsym.c: names of hostrace's own functions from its own symbol table.
 *
 * A sanitizer's report gives program counters; whether TSan turns them into
 * names depends on a symbolizer being installed (llvm-symbolizer-NN), and
 * what it names depends on the compiler's inlining as the symbolizer reads
 * it. A finding's site and whether a report is host-internal must depend on
 * neither, so they are decided here: the executable's .symtab (every
 * function, static ones included, with its size), read once from
 * /proc/self/exe, and the load address of the running image. Frames in
 * other modules (libc, libpython) are not ours and are not named. */
#include "capture.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct selfsym_fn {
    uintptr_t start, end; /* run-time addresses */
    const char *name;     /* into the mapped string table */
    int runtime;          /* a sanitizer runtime's function (or an alias of one) */
} selfsym_fn;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static selfsym_fn *g_fns;
static size_t g_nfns;

/* The sanitizer runtimes linked into the executable: their frames are the
 * report's machinery, not the code that made the access. */
static int runtime_name(const char *n)
{
    static const char *const prefixes[] = {
        "__tsan",  "__interceptor", "___interceptor", "__sanitizer", "__asan",
        "__ubsan", "__lsan",        "__interception", "_ZN6__tsan",  "_ZN11__sanitizer",
        "_ZN6__asan", "_ZN7__ubsan", "_ZN14__interception",
    };
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

static int by_start(const void *a, const void *b)
{
    const selfsym_fn *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int main_bias(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    *(uintptr_t *)data = info->dlpi_addr; /* the first object is the executable */
    return 1;
}

static void load(void)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return;
    }
    size_t len = (size_t)st.st_size;
    /* kept mapped for the life of the process: names point into it */
    const unsigned char *img = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (img == MAP_FAILED)
        return;
    const Elf64_Ehdr *eh = (const void *)img;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shoff == 0 || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > len)
        return;
    const Elf64_Shdr *sh = (const void *)(img + eh->e_shoff);
    uintptr_t bias = 0;
    dl_iterate_phdr(main_bias, &bias);
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
            continue;
        const Elf64_Shdr *strs = &sh[sh[i].sh_link];
        if (sh[i].sh_offset + sh[i].sh_size > len || strs->sh_offset + strs->sh_size > len)
            return;
        const Elf64_Sym *sym = (const void *)(img + sh[i].sh_offset);
        size_t n = sh[i].sh_size / sizeof(Elf64_Sym);
        const char *names = (const char *)(img + strs->sh_offset);
        g_fns = calloc(n ? n : 1, sizeof(*g_fns));
        if (!g_fns)
            return;
        for (size_t k = 0; k < n; k++) {
            if (ELF64_ST_TYPE(sym[k].st_info) != STT_FUNC || sym[k].st_shndx == SHN_UNDEF ||
                sym[k].st_size == 0 || sym[k].st_name >= strs->sh_size)
                continue;
            selfsym_fn *f = &g_fns[g_nfns++];
            f->start = bias + sym[k].st_value;
            f->end = f->start + sym[k].st_size;
            f->name = names + sym[k].st_name;
            f->runtime = runtime_name(f->name);
        }
        qsort(g_fns, g_nfns, sizeof(*g_fns), by_start);
        /* aliases (an interceptor is both __interceptor_memset and memset):
         * one of the runtime's makes them all the runtime's */
        for (size_t k = 0; k < g_nfns;) {
            size_t e = k;
            int rt = 0;
            while (e < g_nfns && g_fns[e].start == g_fns[k].start)
                rt |= g_fns[e++].runtime;
            for (; k < e; k++)
                g_fns[k].runtime = rt;
        }
        return;
    }
}

int selfsym_lookup(const void *pc, const char **name, int *runtime)
{
    pthread_once(&g_once, load);
    uintptr_t a = (uintptr_t)pc;
    size_t lo = 0, hi = g_nfns;
    while (lo < hi) { /* the last function starting at or before a */
        size_t mid = lo + (hi - lo) / 2;
        if (g_fns[mid].start <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* among the functions starting at or before a, the nearest that covers
     * it (the first alias by name, as sorted) */
    for (size_t k = lo; k-- > 0;) {
        if (g_fns[k].start <= a && a < g_fns[k].end) {
            size_t first = k;
            while (first > 0 && g_fns[first - 1].start == g_fns[k].start)
                first--;
            *name = g_fns[first].name;
            *runtime = g_fns[first].runtime;
            return 1;
        }
        if (lo - k > 64)
            break; /* functions do not nest: no farther one covers it */
    }
    return 0;
}
