/* cli/program.c: program inputs on the command line. `hostrace decode`
 * prints the Python a fuzz input runs, `hostrace encode` turns the text
 * form into input bytes, and hr_program_load reads either form for
 * `hostrace run --program`. */
#include "program.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define TEXT_MAGIC "hostrace-program "
#define MAX_INPUT (16u << 20)

uint8_t *hr_read_stream(FILE *f, const char *name, size_t *len, char *err, size_t errlen)
{
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        if (cap >= MAX_INPUT) {
            snprintf(err, errlen, "'%s' is larger than %u MiB", name, MAX_INPUT >> 20);
            free(buf);
            return NULL;
        }
        uint8_t *bigger = realloc(buf, cap * 2 + 1);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (!buf || ferror(f)) {
        free(buf);
        snprintf(err, errlen, "cannot read '%s'", name);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

uint8_t *hr_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = hr_read_stream(f, path, len, err, errlen);
    fclose(f);
    return buf;
}

int hr_program_is_text(const uint8_t *data, size_t len)
{
    return len >= strlen(TEXT_MAGIC) && memcmp(data, TEXT_MAGIC, strlen(TEXT_MAGIC)) == 0;
}

int hr_program_load(const char *path, prog_program *p, char *err, size_t errlen)
{
    size_t len = 0;
    uint8_t *data = hr_read_file(path, &len, err, errlen);
    if (!data)
        return -1;
    int rc = 0;
    if (hr_program_is_text(data, len)) {
        if (memchr(data, '\0', len)) {
            snprintf(err, errlen, "%s: text program contains NUL bytes", path);
            rc = -1;
        } else {
            char perr[512];
            if (prog_from_text((const char *)data, p, perr, sizeof(perr)) < 0) {
                snprintf(err, errlen, "%s: %s", path, perr);
                rc = -1;
            }
        }
    } else {
        prog_decode(data, len, p); /* total: every byte string is a program */
    }
    free(data);
    return rc;
}

char *hr_program_python(const prog_program *p)
{
    size_t need = prog_to_python(p, NULL, 0) + 1;
    char *src = malloc(need);
    if (src)
        prog_to_python(p, src, need);
    return src;
}

static const char decode_usage[] =
    "usage: hostrace decode INPUT [--text]\n"
    "\n"
    "Prints the exact Python source a fuzz input runs (fuzz_program, `hostrace\n"
    "run --program`), then its host switches and schedule bytes. INPUT is the\n"
    "input's bytes (every byte string is a valid program) or its text form.\n"
    "\n"
    "options:\n"
    "  --text      print the text form instead (hostrace encode turns it back\n"
    "              into bytes)\n"
    "  -h, --help  this help\n"
    "\n"
    "exit codes: 0 printed, 2 usage or input error.\n";

static const char encode_usage[] =
    "usage: hostrace encode TEXT -o OUTPUT\n"
    "\n"
    "Turns a program's text form (see corpus/programs/, or `hostrace decode\n"
    "--text`) into the input bytes the fuzz drivers read. Decoding the output\n"
    "gives the same program.\n"
    "\n"
    "exit codes: 0 written, 2 usage or input error.\n";

static int usage_err(const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "hostrace: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage);
    return CLI_EXIT_USAGE;
}

int cli_decode(int argc, char **argv)
{
    int text = 0;
    static const struct option lo[] = {
        {"text", no_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 't')
            text = 1;
        else if (c == 'h') {
            fputs(decode_usage, stdout);
            return CLI_EXIT_CLEAN;
        } else
            return usage_err(decode_usage, "decode: unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return usage_err(decode_usage, "decode: needs exactly one INPUT%s", "");
    prog_program *p = prog_new();
    if (!p)
        return CLI_EXIT_INTERNAL;
    char err[1024];
    if (hr_program_load(argv[optind], p, err, sizeof(err)) < 0) {
        fprintf(stderr, "hostrace decode: %s\n", err);
        prog_free(p);
        return CLI_EXIT_USAGE;
    }
    int rc = CLI_EXIT_CLEAN;
    if (text) {
        size_t need = prog_to_text(p, NULL, 0) + 1;
        char *t = malloc(need);
        if (t) {
            prog_to_text(p, t, need);
            fputs(t, stdout);
        } else
            rc = CLI_EXIT_INTERNAL;
        free(t);
    } else {
        char *src = hr_program_python(p);
        if (src) {
            fputs(src, stdout);
            host_switches sw;
            memset(&sw, 0, sizeof(sw));
            prog_host_switches(p, &sw);
            size_t ns;
            const uint8_t *s = prog_schedule(p, &ns);
            printf("\n# host: lock_interface=%d render=%s timers_lock=%d main_thread_guard=%d "
                   "rna_safety=%d\n",
                   sw.lock_interface, sw.render == HOST_RENDER_EXEC ? "exec" : "invoke",
                   sw.timers_lock, sw.main_thread_guard, sw.rna_safety);
            printf("# schedule: %zu byte%s", ns, ns == 1 ? "" : "s");
            for (size_t i = 0; i < ns && i < 64; i++)
                printf("%s%02x", i ? "" : " ", s[i]);
            printf("%s\n", ns > 64 ? "..." : "");
        } else
            rc = CLI_EXIT_INTERNAL;
        free(src);
    }
    prog_free(p);
    return rc;
}

int cli_encode(int argc, char **argv)
{
    const char *out = NULL;
    static const struct option lo[] = {
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", lo, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'h') {
            fputs(encode_usage, stdout);
            return CLI_EXIT_CLEAN;
        } else
            return usage_err(encode_usage, "encode: unknown option or missing value at '%s'",
                             argv[optind - 1]);
    }
    if (optind != argc - 1 || !out)
        return usage_err(encode_usage, "encode: needs TEXT and -o OUTPUT%s", "");
    size_t len = 0;
    char err[1024];
    uint8_t *data = hr_read_file(argv[optind], &len, err, sizeof(err));
    if (!data) {
        fprintf(stderr, "hostrace encode: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    if (!hr_program_is_text(data, len) || memchr(data, '\0', len)) {
        fprintf(stderr, "hostrace encode: %s: not a program's text form (it must start with "
                        "'hostrace-program 1')\n", argv[optind]);
        free(data);
        return CLI_EXIT_USAGE;
    }
    prog_program *p = prog_new();
    char perr[512];
    int rc = CLI_EXIT_CLEAN;
    if (!p) {
        rc = CLI_EXIT_INTERNAL;
    } else if (prog_from_text((const char *)data, p, perr, sizeof(perr)) < 0) {
        fprintf(stderr, "hostrace encode: %s: %s\n", argv[optind], perr);
        rc = CLI_EXIT_USAGE;
    } else {
        size_t need = prog_encode(p, NULL, 0);
        uint8_t *bytes = malloc(need ? need : 1);
        FILE *f = bytes ? fopen(out, "wb") : NULL;
        if (!f) {
            fprintf(stderr, "hostrace encode: cannot write '%s': %s\n", out, strerror(errno));
            rc = CLI_EXIT_USAGE;
        } else {
            prog_encode(p, bytes, need);
            if (fwrite(bytes, 1, need, f) != need)
                rc = CLI_EXIT_USAGE;
            if (fclose(f) != 0)
                rc = CLI_EXIT_USAGE;
            if (rc != CLI_EXIT_CLEAN)
                fprintf(stderr, "hostrace encode: cannot write '%s'\n", out);
        }
        free(bytes);
    }
    prog_free(p);
    free(data);
    return rc;
}

/* s for a POSIX shell: as it is when it needs no quoting, else in single
 * quotes */
const char *hr_shell_quote(const char *s, char *out, size_t len)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+=:,@%") ==
                  strlen(s)) {
        snprintf(out, len, "%s", s);
        return out;
    }
    size_t o = 0;
    out[o++] = '\'';
    for (; *s && o + 6 < len; s++) {
        if (*s == '\'') {
            memcpy(out + o, "'\\''", 4);
            o += 4;
        } else {
            out[o++] = *s;
        }
    }
    out[o++] = '\'';
    out[o] = '\0';
    return out;
}

int hr_mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(tmp, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = type == FTW_DP ? rmdir(path) : unlink(path);
    return r < 0 && errno != ENOENT ? -1 : 0;
}

int hr_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    /* a script's thread may still write into it: a second pass takes what
     * came after the first listed the directory */
    for (int pass = 0; pass < 2; pass++)
        if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0)
            return 0;
    return -1;
}

/* Written beside the target and renamed over it: a full disk leaves no
 * partial copy (a schedule cut short would not replay). */
int hr_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return -1;
    char part[4200];
    if ((size_t)snprintf(part, sizeof(part), "%s.part", to) >= sizeof(part)) {
        fclose(in);
        return -1;
    }
    FILE *out = fopen(part, "wb");
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[65536];
    size_t n;
    int bad = 0;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            bad = 1;
    if (ferror(in))
        bad = 1;
    fclose(in);
    if (fclose(out) != 0)
        bad = 1;
    if (bad || rename(part, to) != 0) {
        int e = errno;
        unlink(part);
        errno = e;
        return -1;
    }
    return 0;
}

static volatile sig_atomic_t capture_pid, capture_signal;

static void on_capture_interrupt(int sig)
{
    pid_t p = capture_pid;
    if (capture_signal) { /* the second: at once */
        if (p > 0)
            kill(p, SIGKILL);
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    capture_signal = sig;
    if (p > 0)
        kill(p, SIGTERM);
}

static const int interrupt_sigs[] = {SIGINT, SIGTERM, SIGHUP};

void hr_on_interrupt(void (*handler)(int))
{
    for (size_t i = 0; i < sizeof(interrupt_sigs) / sizeof(interrupt_sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = handler;
        sigemptyset(&sa.sa_mask);
        sigaction(interrupt_sigs[i], &sa, NULL);
    }
}

int hr_child_of(pid_t parent, int deathsig)
{
    prctl(PR_SET_PDEATHSIG, deathsig);
    if (getppid() != parent)
        return -1; /* the parent died before prctl */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    hr_on_interrupt(SIG_DFL);
    return 0;
}

void hr_capture_interruptible(void)
{
    hr_on_interrupt(on_capture_interrupt);
}

int hr_interrupted(void)
{
    return capture_signal;
}

int hr_capture(char *const argv[], char **out)
{
    *out = NULL;
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        if (hr_child_of(parent, SIGTERM) < 0)
            _exit(127);
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        FILE *devnull = freopen("/dev/null", "w", stderr);
        (void)devnull;
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    capture_pid = pid;
    if (capture_signal) /* came before the pid was known */
        kill(pid, SIGTERM);
    size_t len = 0, cap = 0;
    char *buf = NULL;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            char *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        }
        ssize_t r = read(fd[0], buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd[0]);
    if (buf)
        buf[len] = 0;
    *out = buf;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            capture_pid = 0;
            return -1;
        }
    capture_pid = 0;
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int hr_parse_range(const char *cmd, const char *opt, const char *arg, long lo, long hi,
                   long *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || *end || end == arg || v < lo || v > hi) {
        fprintf(stderr, "hostrace %s: --%s takes a whole number from %ld to %ld, not '%s'\n", cmd,
                opt, lo, hi, arg);
        return -1;
    }
    *out = v;
    return 0;
}

#define REPRO_MARK "# --- hostrace reproducer ---"

char *hr_script_code(const char *path)
{
    char err[256];
    size_t len;
    char *t = (char *)hr_read_file(path, &len, err, sizeof(err));
    for (char *l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, REPRO_MARK, strlen(REPRO_MARK)) == 0) {
            *l = 0;
            break;
        }
    return t;
}

int hr_write_repro(const char *path, const char *code, const char *source_name, int generated,
                   const char *host, int frames, const uint8_t *bytes, size_t nbytes)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    size_t n = strlen(code);
    fprintf(f, "%s%s" REPRO_MARK "\n# source-name: %s\n# generated: %d\n# host: %s\n"
               "# frames: %d\n# schedule-bytes: ",
            code, n && code[n - 1] != '\n' ? "\n" : "", source_name, generated, host, frames);
    for (size_t i = 0; i < nbytes; i++)
        fprintf(f, "%02x", bytes[i]);
    fputc('\n', f);
    return fclose(f) == 0 ? 0 : -1;
}
