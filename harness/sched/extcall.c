/* extcall: the blocking libc calls, interposed, so that a managed thread
 * blocked in one leaves the scheduler's runnable set (sched_ext_wait)
 * instead of stopping every thread while it holds the token.
 *
 * CPython releases the GIL around every call that may block, and the host
 * goes on meanwhile; so does the scheduler. Each function below is the
 * libc symbol itself, defined in the executable, so that libpython and the
 * extension modules it loads (which call it through the PLT) reach it
 * first (the executable exports them: CMakeLists.txt). It only acts for a
 * managed thread that holds the token and not the GIL (sched_ext_candidate)
 * and only when the call would block now: it describes what the call
 * waits for (fds and poll events, or a check of its own), waits in the
 * scheduler, then makes the real call, which returns at once. Anything
 * else goes straight to the real function.
 *
 * The real function is the sanitizer's interceptor when there is one
 * (__interceptor_NAME, so that TSan still sees what the call synchronises,
 * a pipe's write before its read), libc's otherwise (dlsym RTLD_NEXT).
 *
 * Covered: read readv write writev recv recvfrom recvmsg send sendto
 * sendmsg accept accept4 poll ppoll select pselect epoll_wait epoll_pwait
 * waitpid wait4 wait waitid sem_wait sem_timedwait sem_clockwait sem_trywait. Not
 * covered: connect (a loopback connect completes at once), calls libc
 * makes internally (stdio's own reads), sleeps (time.sleep is already
 * virtual). To cover one more: define it here with the same signature,
 * describe its wait in a sched_ext (fds, or a ready function that uses raw
 * system calls only) and export it in CMakeLists.txt (HR_EXTCALLS).
 *
 * Compiled without TSan instrumentation: a check adds no event to the
 * calling thread's history, whether it waits or not.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "sched.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Referenced by the link (CMakeLists.txt), so that every executable takes
 * this file from the scheduler's archive. */
int hr_extcall_anchor;

/* ---- the real functions --------------------------------------------------- */

#define REAL(ret, name, params)                                                  \
    extern ret __interceptor_##name params __attribute__((weak));                \
    static ret(*real_##name##_fn) params;                                        \
    static ret(*real_##name(void)) params                                        \
    {                                                                            \
        ret(*f) params = __atomic_load_n(&real_##name##_fn, __ATOMIC_ACQUIRE);   \
        if (!f) {                                                                \
            f = __interceptor_##name ? __interceptor_##name                      \
                                     : (ret(*) params)dlsym(RTLD_NEXT, #name);   \
            __atomic_store_n(&real_##name##_fn, f, __ATOMIC_RELEASE);            \
        }                                                                        \
        return f;                                                                \
    }

REAL(ssize_t, read, (int, void *, size_t))
REAL(ssize_t, readv, (int, const struct iovec *, int))
REAL(ssize_t, write, (int, const void *, size_t))
REAL(ssize_t, writev, (int, const struct iovec *, int))
REAL(ssize_t, recv, (int, void *, size_t, int))
REAL(ssize_t, recvfrom, (int, void *, size_t, int, struct sockaddr *, socklen_t *))
REAL(ssize_t, recvmsg, (int, struct msghdr *, int))
REAL(ssize_t, send, (int, const void *, size_t, int))
REAL(ssize_t, sendto, (int, const void *, size_t, int, const struct sockaddr *, socklen_t))
REAL(ssize_t, sendmsg, (int, const struct msghdr *, int))
REAL(int, accept, (int, struct sockaddr *, socklen_t *))
REAL(int, accept4, (int, struct sockaddr *, socklen_t *, int))
REAL(int, poll, (struct pollfd *, nfds_t, int))
REAL(int, ppoll, (struct pollfd *, nfds_t, const struct timespec *, const sigset_t *))
REAL(int, select, (int, fd_set *, fd_set *, fd_set *, struct timeval *))
REAL(int, pselect, (int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *))
REAL(int, epoll_wait, (int, struct epoll_event *, int, int))
REAL(int, epoll_pwait, (int, struct epoll_event *, int, int, const sigset_t *))
REAL(pid_t, waitpid, (pid_t, int *, int))
REAL(pid_t, wait4, (pid_t, int *, int, struct rusage *))
REAL(int, waitid, (idtype_t, id_t, siginfo_t *, int))
REAL(int, sem_wait, (sem_t *))
REAL(int, sem_timedwait, (sem_t *, const struct timespec *))
REAL(int, sem_clockwait, (sem_t *, clockid_t, const struct timespec *))
REAL(int, sem_trywait, (sem_t *))

/* ---- waiting ---------------------------------------------------------------- */

static int nonblocking(int fd)
{
    long fl = syscall(SYS_fcntl, fd, F_GETFL);
    return fl >= 0 && (fl & O_NONBLOCK);
}

/* A pipe, FIFO or socket: what another thread or process fills. Regular
 * files, directories and devices never wait here (a terminal's read does
 * block: not covered). */
static int external_fd(int fd)
{
    struct stat st;
    if (syscall(SYS_fstat, fd, &st) != 0)
        return 0;
    return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

static int64_t deadline_after_ms(int ms)
{
    return ms < 0 ? -1 : sched_now_ns() + (int64_t)ms * 1000000;
}

static int64_t deadline_after_ts(const struct timespec *ts)
{
    if (!ts)
        return -1;
    int64_t ns = (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
    return sched_now_ns() + (ns > 0 ? ns : 0);
}

/* A deadline on clock clk as a virtual one: what is left of it now. */
static int64_t deadline_at(clockid_t clk, const struct timespec *abs)
{
    struct timespec now;
    syscall(SYS_clock_gettime, clk, &now);
    int64_t left = ((int64_t)abs->tv_sec - now.tv_sec) * 1000000000 + (abs->tv_nsec - now.tv_nsec);
    return sched_now_ns() + (left > 0 ? left : 0);
}

/* After a call that found nothing to do (a poll with no timeout that
 * found nothing, EAGAIN, waitpid WNOHANG with no child done): a thread
 * that polls in a loop waits for something to change, so it waits 1 ms of
 * virtual time, as a scheduling point. The others run meanwhile, and when
 * none can, the scheduler's wait for other processes lets real time pass:
 * a loop that polls a child process sees the child get on. errno kept. */
#define POLL_PAUSE_NS 1000000

static void found_nothing(const char *label)
{
    if (!sched_ext_candidate())
        return;
    int saved = errno;
    sched_ext e = {.label = label};
    sched_ext_wait(&e, sched_now_ns() + POLL_PAUSE_NS);
    errno = saved;
}

/* ---- reads ------------------------------------------------------------------
 * Whether data is there when a read starts depends on the other side's
 * timing: the answer is a recorded decision (sched_ext_now), so a replay
 * reads when the recorded run did; a read that finds nothing on a
 * non-blocking fd then fails with EAGAIN without asking the kernel. */

#define GO 0
#define NOTHING 1

static int gate_read(int fd, int flags, const char *label)
{
    if (!sched_ext_candidate() || !external_fd(fd))
        return GO;
    struct pollfd p = {fd, POLLIN, 0};
    sched_ext e = {.label = label, .fds = &p, .nfds = 1};
    if (sched_ext_now(&e) != 0)
        return GO;
    if ((flags & MSG_DONTWAIT) || nonblocking(fd))
        return NOTHING;
    sched_ext_wait(&e, -1);
    return GO;
}

static ssize_t nothing_read(const char *label)
{
    found_nothing(label);
    errno = EAGAIN;
    return -1;
}

static ssize_t io_result(ssize_t r, const char *label)
{
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        found_nothing(label);
    return r;
}

ssize_t read(int fd, void *buf, size_t n)
{
    if (gate_read(fd, 0, "io.read") == NOTHING)
        return nothing_read("io.read.empty");
    return io_result(real_read()(fd, buf, n), "io.read.empty");
}

ssize_t readv(int fd, const struct iovec *iov, int n)
{
    if (gate_read(fd, 0, "io.read") == NOTHING)
        return nothing_read("io.read.empty");
    return io_result(real_readv()(fd, iov, n), "io.read.empty");
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    if (gate_read(fd, flags, "io.recv") == NOTHING)
        return nothing_read("io.recv.empty");
    return io_result(real_recv()(fd, buf, n, flags), "io.recv.empty");
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *a, socklen_t *al)
{
    if (gate_read(fd, flags, "io.recv") == NOTHING)
        return nothing_read("io.recv.empty");
    return io_result(real_recvfrom()(fd, buf, n, flags, a, al), "io.recv.empty");
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
    if (gate_read(fd, flags, "io.recv") == NOTHING)
        return nothing_read("io.recv.empty");
    return io_result(real_recvmsg()(fd, m, flags), "io.recv.empty");
}

int accept(int fd, struct sockaddr *a, socklen_t *al)
{
    if (gate_read(fd, 0, "io.accept") == NOTHING)
        return (int)nothing_read("io.accept.empty");
    return (int)io_result(real_accept()(fd, a, al), "io.accept.empty");
}

int accept4(int fd, struct sockaddr *a, socklen_t *al, int flags)
{
    if (gate_read(fd, 0, "io.accept") == NOTHING)
        return (int)nothing_read("io.accept.empty");
    return (int)io_result(real_accept4()(fd, a, al, flags), "io.accept.empty");
}

/* ---- writes ---------------------------------------------------------------
 * A pipe or socket is writable unless its buffer is full; whether it is
 * is not recorded (every print would be a decision), so a write that
 * waits for a slow reader is the one place where a replay can differ. */

static void gate_write(int fd, int flags, const char *label)
{
    if ((flags & MSG_DONTWAIT) || !sched_ext_candidate() || !external_fd(fd))
        return;
    struct pollfd p = {fd, POLLOUT, 0};
    struct timespec zero = {0, 0};
    if (syscall(SYS_ppoll, &p, 1UL, &zero, NULL, 0) != 0 || nonblocking(fd))
        return;
    sched_ext e = {.label = label, .fds = &p, .nfds = 1};
    sched_ext_wait(&e, -1);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    gate_write(fd, 0, "io.write");
    return real_write()(fd, buf, n);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    gate_write(fd, 0, "io.write");
    return real_writev()(fd, iov, n);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    gate_write(fd, flags, "io.send");
    return real_send()(fd, buf, n, flags);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *a,
               socklen_t al)
{
    gate_write(fd, flags, "io.send");
    return real_sendto()(fd, buf, n, flags, a, al);
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
    gate_write(fd, flags, "io.send");
    return real_sendmsg()(fd, m, flags);
}

/* ---- multiplexing ---------------------------------------------------------
 * Ready now (a recorded decision), or a wait in the scheduler with the
 * call's timeout as a virtual deadline; then the real call with no timeout
 * collects what is ready. A call with no timeout that finds nothing
 * returns nothing without asking the kernel. */

#define MAX_WAIT_FDS 1024

/* 1: ready, 0: nothing (timed out), -1: not ours */
static int multiplex_wait(sched_ext *e, int no_timeout, int64_t deadline)
{
    int now = sched_ext_now(e);
    if (now != 0)
        return now;
    if (no_timeout) {
        found_nothing(e->label);
        return 0;
    }
    return sched_ext_wait(e, deadline) == 1 ? 0 : 1;
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    if (n <= MAX_WAIT_FDS && sched_ext_candidate()) {
        struct pollfd copy[MAX_WAIT_FDS];
        int64_t deadline = deadline_after_ms(timeout);
        for (;;) {
            for (nfds_t i = 0; i < n; i++)
                copy[i] = (struct pollfd){fds[i].fd, fds[i].events, 0};
            sched_ext e = {.label = "io.poll", .fds = copy, .nfds = (int)n};
            int st = multiplex_wait(&e, timeout == 0, deadline);
            if (st < 0)
                break;
            if (st == 0) {
                for (nfds_t i = 0; i < n; i++)
                    fds[i].revents = 0;
                return 0;
            }
            int got = real_poll()(fds, n, 0);
            if (got > 0) /* only what was ready in the recorded run */
                got = sched_ext_filter(fds, (int)n, e.mask);
            if (got != 0 || timeout == 0)
                return got;
        }
    }
    return real_poll()(fds, n, timeout);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *tmo, const sigset_t *mask)
{
    if (n <= MAX_WAIT_FDS && sched_ext_candidate()) {
        struct pollfd copy[MAX_WAIT_FDS];
        int zero_tmo = tmo && tmo->tv_sec == 0 && tmo->tv_nsec == 0;
        int64_t deadline = deadline_after_ts(tmo);
        struct timespec zero = {0, 0};
        for (;;) {
            for (nfds_t i = 0; i < n; i++)
                copy[i] = (struct pollfd){fds[i].fd, fds[i].events, 0};
            sched_ext e = {.label = "io.poll", .fds = copy, .nfds = (int)n};
            int st = multiplex_wait(&e, zero_tmo, deadline);
            if (st < 0)
                break;
            if (st == 0) {
                for (nfds_t i = 0; i < n; i++)
                    fds[i].revents = 0;
                return 0;
            }
            int got = real_ppoll()(fds, n, &zero, mask);
            if (got > 0)
                got = sched_ext_filter(fds, (int)n, e.mask);
            if (got != 0 || zero_tmo)
                return got;
        }
    }
    return real_ppoll()(fds, n, tmo, mask);
}

/* select's sets as poll fds; -1 when there are too many */
static int sets_to_fds(int nfds, fd_set *r, fd_set *w, fd_set *x, struct pollfd *out)
{
    int n = 0;
    for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
        short ev = 0;
        if (r && FD_ISSET(fd, r))
            ev |= POLLIN;
        if (w && FD_ISSET(fd, w))
            ev |= POLLOUT;
        if (x && FD_ISSET(fd, x))
            ev |= POLLPRI;
        if (!ev)
            continue;
        if (n == MAX_WAIT_FDS)
            return -1;
        out[n++] = (struct pollfd){fd, ev, 0};
    }
    return n;
}

static void clear_sets(int nfds, fd_set *r, fd_set *w, fd_set *x)
{
    for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
        if (r)
            FD_CLR(fd, r);
        if (w)
            FD_CLR(fd, w);
        if (x)
            FD_CLR(fd, x);
    }
}

static _Thread_local struct pollfd sel_fds[MAX_WAIT_FDS];
static _Thread_local int sel_n, sel_mask;

/* 1 ready, 0 nothing, -1 not ours */
static int select_wait(int nfds, fd_set *r, fd_set *w, fd_set *x, int no_timeout,
                       int64_t deadline)
{
    sel_n = sets_to_fds(nfds, r, w, x, sel_fds);
    if (sel_n < 0)
        return -1;
    sched_ext e = {.label = "io.select", .fds = sel_fds, .nfds = sel_n};
    int st = multiplex_wait(&e, no_timeout, deadline);
    sel_mask = e.mask;
    return st;
}

/* After the real select: only the fds that were ready in the recorded run
 * (sched_ext_filter); returns how many bits are left. */
static int select_filter(int got, fd_set *r, fd_set *w, fd_set *x)
{
    if (got <= 0)
        return got;
    int n = 0;
    for (int i = 0; i < sel_n; i++) {
        int fd = sel_fds[i].fd;
        if (i < 30 && !(sel_mask & (1 << i))) {
            if (r)
                FD_CLR(fd, r);
            if (w)
                FD_CLR(fd, w);
            if (x)
                FD_CLR(fd, x);
        }
        n += (r && FD_ISSET(fd, r)) + (w && FD_ISSET(fd, w)) + (x && FD_ISSET(fd, x));
    }
    return n;
}

/* The real call with no timeout: select's or pselect's. */
typedef int (*select_now_fn)(int nfds, fd_set *r, fd_set *w, fd_set *x, const sigset_t *mask);

static int select_now(int nfds, fd_set *r, fd_set *w, fd_set *x, const sigset_t *mask)
{
    (void)mask;
    struct timeval zero = {0, 0};
    return real_select()(nfds, r, w, x, &zero);
}

static int pselect_now(int nfds, fd_set *r, fd_set *w, fd_set *x, const sigset_t *mask)
{
    struct timespec zero = {0, 0};
    return real_pselect()(nfds, r, w, x, &zero, mask);
}

/* select and pselect for the token holder: 1 with the result in *out, 0
 * when the call is not ours (make it for real). */
static int select_scheduled(int nfds, fd_set *r, fd_set *w, fd_set *x, int zero_tmo,
                            int64_t deadline, select_now_fn now, const sigset_t *mask, int *out)
{
    fd_set sr, sw, sx;
    for (;;) {
        if (r)
            sr = *r;
        if (w)
            sw = *w;
        if (x)
            sx = *x;
        int st = select_wait(nfds, r, w, x, zero_tmo, deadline);
        if (st < 0)
            return 0;
        if (st == 0) {
            clear_sets(nfds, r, w, x);
            *out = 0;
            return 1;
        }
        int got = select_filter(now(nfds, r, w, x, mask), r, w, x);
        if (got != 0 || zero_tmo) {
            *out = got;
            return 1;
        }
        if (r)
            *r = sr;
        if (w)
            *w = sw;
        if (x)
            *x = sx;
    }
}

int select(int nfds, fd_set *r, fd_set *w, fd_set *x, struct timeval *tv)
{
    int got;
    if (sched_ext_candidate() &&
        select_scheduled(nfds, r, w, x, tv && tv->tv_sec == 0 && tv->tv_usec == 0,
                         tv ? sched_now_ns() + (int64_t)tv->tv_sec * 1000000000 +
                                  (int64_t)tv->tv_usec * 1000
                            : -1,
                         select_now, NULL, &got)) {
        if (got == 0 && tv)
            tv->tv_sec = tv->tv_usec = 0; /* Linux leaves what was left of the timeout */
        return got;
    }
    return real_select()(nfds, r, w, x, tv);
}

int pselect(int nfds, fd_set *r, fd_set *w, fd_set *x, const struct timespec *tmo,
            const sigset_t *mask)
{
    int got;
    if (sched_ext_candidate() &&
        select_scheduled(nfds, r, w, x, tmo && tmo->tv_sec == 0 && tmo->tv_nsec == 0,
                         deadline_after_ts(tmo), pselect_now, mask, &got))
        return got;
    return real_pselect()(nfds, r, w, x, tmo, mask);
}

/* An epoll fd is readable when it has events: asking consumes none (an
 * edge-triggered event stays for the real call). 1 ready, 0 nothing, -1
 * not ours. */
static int epoll_ready(int epfd, int timeout)
{
    struct pollfd p = {epfd, POLLIN, 0};
    sched_ext e = {.label = "io.epoll", .fds = &p, .nfds = 1};
    return multiplex_wait(&e, timeout == 0, deadline_after_ms(timeout));
}

int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
    if (sched_ext_candidate()) {
        int st;
        while ((st = epoll_ready(epfd, timeout)) == 1) {
            int got = real_epoll_wait()(epfd, ev, max, 0);
            if (got != 0 || timeout == 0)
                return got;
        }
        if (st == 0)
            return 0;
    }
    return real_epoll_wait()(epfd, ev, max, timeout);
}

int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout, const sigset_t *mask)
{
    if (sched_ext_candidate()) {
        int st;
        while ((st = epoll_ready(epfd, timeout)) == 1) {
            int got = real_epoll_pwait()(epfd, ev, max, 0, mask);
            if (got != 0 || timeout == 0)
                return got;
        }
        if (st == 0)
            return 0;
    }
    return real_epoll_pwait()(epfd, ev, max, timeout, mask);
}

/* ---- child processes ----------------------------------------------------- */

/* ready when waitid with WNOWAIT finds a state change to report (or an
 * error, which the real call then reports) */
static int child_ready(const sched_ext *e)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    long r = syscall(SYS_waitid, (int)e->arg[0], (id_t)e->arg[1], &si,
                     (int)e->arg[2] | WNOHANG | WNOWAIT, NULL);
    return r != 0 || si.si_pid != 0;
}

/* 1: the caller's WNOHANG call must report nothing, 0: make the real call */
static int gate_child(idtype_t type, id_t id, int options, const char *label)
{
    if (!sched_ext_candidate())
        return 0;
    sched_ext e = {.label = label,
                   .ready = child_ready,
                   .arg = {(long)type, (long)id, options & ~WNOHANG}};
    if (sched_ext_now(&e) != 0)
        return 0;
    if (options & WNOHANG) {
        found_nothing(label);
        return 1;
    }
    sched_ext_wait(&e, -1);
    return 0;
}

/* waitpid's pid and options as waitid's */
static int gate_pid(pid_t pid, int options, const char *label)
{
    int w = WEXITED | (options & WUNTRACED ? WSTOPPED : 0) | (options & WCONTINUED) |
            (options & (__WALL | __WCLONE | __WNOTHREAD)) | (options & WNOHANG);
    if (pid > 0)
        return gate_child(P_PID, (id_t)pid, w, label);
    if (pid == -1)
        return gate_child(P_ALL, 0, w, label);
    return gate_child(P_PGID, (id_t)(pid == 0 ? getpgid(0) : -pid), w, label);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    if (gate_pid(pid, options, "proc.waitpid"))
        return 0;
    return real_waitpid()(pid, status, options);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
    if (gate_pid(pid, options, "proc.waitpid"))
        return 0;
    return real_wait4()(pid, status, options, ru);
}

pid_t wait(int *status)
{
    gate_pid(-1, 0, "proc.waitpid");
    return real_waitpid()(-1, status, 0);
}

int waitid(idtype_t type, id_t id, siginfo_t *info, int options)
{
    if (gate_child(type, id, options, "proc.waitid")) {
        if (info)
            memset(info, 0, sizeof(*info));
        return 0;
    }
    return real_waitid()(type, id, info, options);
}

/* ---- semaphores (multiprocessing's locks, CPython's own locks) -----------
 * glibc's semaphore (struct new_sem) keeps its value in the low 32 bits of
 * its first 64-bit word, and a non-zero int after it for one shared
 * between processes; reading them consumes nothing. */

static int sem_ready(const sched_ext *e)
{
    const uint64_t *word = e->ptr;
    return (__atomic_load_n(word, __ATOMIC_RELAXED) & 0xffffffffu) != 0;
}

static int sem_shared(const sem_t *sem)
{
    return ((const int *)sem)[2] != 0;
}

/* 1: timed out, 0: ready or not ours */
static int gate_sem(sem_t *sem, int64_t deadline)
{
    if (!sched_ext_candidate() || sizeof(sem_t) < 16)
        return 0;
    sched_ext e = {.label = "sem.wait", .ready = sem_ready, .ptr = sem, .local = !sem_shared(sem)};
    if (sched_ext_now(&e) != 0)
        return 0;
    return sched_ext_wait(&e, deadline) == 1;
}

int sem_wait(sem_t *sem)
{
    gate_sem(sem, -1);
    return real_sem_wait()(sem);
}

int sem_timedwait(sem_t *sem, const struct timespec *abs)
{
    if (abs->tv_nsec >= 0 && abs->tv_nsec < 1000000000 &&
        gate_sem(sem, deadline_at(CLOCK_REALTIME, abs))) {
        errno = ETIMEDOUT;
        return -1;
    }
    return real_sem_timedwait()(sem, abs);
}

int sem_clockwait(sem_t *sem, clockid_t clk, const struct timespec *abs)
{
    if (abs->tv_nsec >= 0 && abs->tv_nsec < 1000000000 &&
        (clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC) && gate_sem(sem, deadline_at(clk, abs))) {
        errno = ETIMEDOUT;
        return -1;
    }
    return real_sem_clockwait()(sem, clk, abs);
}

/* Whether another process released a shared semaphore yet is timing: the
 * answer is recorded (CPython tries before it releases the GIL, so this
 * is asked with the GIL held: no scheduling point). A private one (a
 * CPython lock between threads) is left alone. */
int sem_trywait(sem_t *sem)
{
    if (sizeof(sem_t) >= 16 && sem_shared(sem)) {
        sched_ext e = {.label = "sem.trywait", .ready = sem_ready, .ptr = sem};
        if (sched_ext_now(&e) == 0) {
            errno = EAGAIN;
            return -1;
        }
    }
    return real_sem_trywait()(sem);
}
