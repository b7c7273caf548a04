/*
 * check.h: assertions and small helpers shared by the guest programs in test/programs/.
 *
 * Each conformance program checks one family of WASI preview1 behaviour (wasmtime's p1 semantics are the
 * reference) and prints "ok" then exits 0 when every check passes. A failed check prints
 * "FAIL file:line: what failed (actual vs expected)" on stderr and exits 1, so the runner's failure message
 * points at the exact C line.
 *
 * Conventions:
 * - OK(call): the call must not return a negative value; yields the value (`int fd = OK(open(...));`).
 * - CHECK_OK(call): the same for calls whose value is not needed.
 * - OK_PTR(call): the call must not return NULL; yields the pointer.
 * - CHECK_ERRNO(call, E): the call must return -1 with errno == E.
 * - CHECK_WASI(call, E): a raw __wasi_* call must return errno E (0 = success).
 * - Programs that touch the filesystem work in a fresh scratch directory (enter_scratch): "$SCRATCH" or /tmp,
 *   so the runner can point the same program at the rootfs, a tmpfs mount or a host bind mount.
 * - With CHECK_KEEP_GOING set in the environment, failed checks are all reported and the program exits 1 at the end.
 * - A comment "// wasmtime: X; uvwasi differs (Y)" marks a check that fails under node:wasi, kept as wasmtime does it.
 *
 * Debian's wasi-libc (0.0~git20220510) has bugs that no host can fix; the programs go around them with raw calls:
 * utimensat() rejects UTIME_NOW/UTIME_OMIT (its header and implementation disagree on their values) and
 * utimensat(NULL) sets the epoch; linkat() passes its new path as both paths; stat("") stats the working directory;
 * getcwd() keeps ".." as text after chdir(".."); there is no dup/dup2 (use __wasi_fd_renumber).
 *
 * This header must not depend on anything but wasi-libc: it is compiled into every program.
 */
#ifndef WASMBOX_CHECK_H
#define WASMBOX_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include <wasi/libc-find-relpath.h>

static inline const char *errno_name(int e) {
  switch (e) {
#define ERRNO_CASE(x) case x: return #x;
    case 0: return "0 (success)";
    ERRNO_CASE(E2BIG) ERRNO_CASE(EACCES) ERRNO_CASE(EADDRINUSE) ERRNO_CASE(EADDRNOTAVAIL) ERRNO_CASE(EAFNOSUPPORT)
    ERRNO_CASE(EAGAIN) ERRNO_CASE(EALREADY) ERRNO_CASE(EBADF) ERRNO_CASE(EBADMSG) ERRNO_CASE(EBUSY)
    ERRNO_CASE(ECANCELED) ERRNO_CASE(ECHILD) ERRNO_CASE(ECONNABORTED) ERRNO_CASE(ECONNREFUSED)
    ERRNO_CASE(ECONNRESET) ERRNO_CASE(EDEADLK) ERRNO_CASE(EDESTADDRREQ) ERRNO_CASE(EDOM) ERRNO_CASE(EDQUOT)
    ERRNO_CASE(EEXIST) ERRNO_CASE(EFAULT) ERRNO_CASE(EFBIG) ERRNO_CASE(EHOSTUNREACH) ERRNO_CASE(EIDRM)
    ERRNO_CASE(EILSEQ) ERRNO_CASE(EINPROGRESS) ERRNO_CASE(EINTR) ERRNO_CASE(EINVAL) ERRNO_CASE(EIO)
    ERRNO_CASE(EISCONN) ERRNO_CASE(EISDIR) ERRNO_CASE(ELOOP) ERRNO_CASE(EMFILE) ERRNO_CASE(EMLINK)
    ERRNO_CASE(EMSGSIZE) ERRNO_CASE(EMULTIHOP) ERRNO_CASE(ENAMETOOLONG) ERRNO_CASE(ENETDOWN)
    ERRNO_CASE(ENETRESET) ERRNO_CASE(ENETUNREACH) ERRNO_CASE(ENFILE) ERRNO_CASE(ENOBUFS) ERRNO_CASE(ENODEV)
    ERRNO_CASE(ENOENT) ERRNO_CASE(ENOEXEC) ERRNO_CASE(ENOLCK) ERRNO_CASE(ENOLINK) ERRNO_CASE(ENOMEM)
    ERRNO_CASE(ENOMSG) ERRNO_CASE(ENOPROTOOPT) ERRNO_CASE(ENOSPC) ERRNO_CASE(ENOSYS) ERRNO_CASE(ENOTCONN)
    ERRNO_CASE(ENOTDIR) ERRNO_CASE(ENOTEMPTY) ERRNO_CASE(ENOTRECOVERABLE) ERRNO_CASE(ENOTSOCK)
    ERRNO_CASE(ENOTSUP) ERRNO_CASE(ENOTTY) ERRNO_CASE(ENXIO) ERRNO_CASE(EOVERFLOW) ERRNO_CASE(EOWNERDEAD)
    ERRNO_CASE(EPERM) ERRNO_CASE(EPIPE) ERRNO_CASE(EPROTO) ERRNO_CASE(EPROTONOSUPPORT) ERRNO_CASE(EPROTOTYPE)
    ERRNO_CASE(ERANGE) ERRNO_CASE(EROFS) ERRNO_CASE(ESPIPE) ERRNO_CASE(ESRCH) ERRNO_CASE(ESTALE)
    ERRNO_CASE(ETIMEDOUT) ERRNO_CASE(ETXTBSY) ERRNO_CASE(EXDEV) ERRNO_CASE(ENOTCAPABLE)
#undef ERRNO_CASE
    default: return "(unknown errno)";
  }
}

/*
 * A failed check exits 1 at once, unless CHECK_KEEP_GOING is set in the environment: then every failed check is
 * reported, the program carries on, and ok() exits 1 at the end (to see all failures of a run at once).
 * FATAL failures (a call whose result the program needs, like OK(open(...))) always exit.
 */
static int check_failures;

__attribute__((noreturn)) static inline void check_exit(void) {
  fflush(stdout);
  exit(1);
}

static inline void check_fail(void) {
  static int keep_going = -1;
  if (keep_going < 0) keep_going = getenv("CHECK_KEEP_GOING") != NULL;
  check_failures++;
  if (!keep_going) check_exit();
}

#define FAIL(...) FAIL_AT(__FILE__, __LINE__, __VA_ARGS__)

/* FAIL reported at a caller's file and line (for helpers). */
#define FAIL_AT(file, line, ...)                                    \
  do {                                                              \
    fprintf(stderr, "FAIL %s:%d: ", file, line);                    \
    fprintf(stderr, __VA_ARGS__);                                   \
    fputc('\n', stderr);                                            \
    check_fail();                                                   \
  } while (0)

#define FATAL(...)                                                  \
  do {                                                              \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);            \
    fprintf(stderr, __VA_ARGS__);                                   \
    fputc('\n', stderr);                                            \
    check_exit();                                                   \
  } while (0)

#define CHECK(cond)                                                                   \
  do {                                                                                \
    int check_ok_ = !!(cond), check_e_ = errno;                                       \
    if (!check_ok_) FAIL("CHECK(%s) failed (errno is %s)", #cond, errno_name(check_e_)); \
  } while (0)

#define CHECK_EQ(actual, expected)                                                               \
  do {                                                                                           \
    long long check_a_ = (long long)(actual), check_b_ = (long long)(expected);                  \
    if (check_a_ != check_b_)                                                                    \
      FAIL("CHECK_EQ(%s, %s) failed: actual %lld, expected %lld", #actual, #expected, check_a_, \
           check_b_);                                                                            \
  } while (0)

#define CHECK_STR(actual, expected)                                                                \
  do {                                                                                             \
    const char *check_a_ = (actual), *check_b_ = (expected);                                       \
    if (check_a_ == NULL || strcmp(check_a_, check_b_) != 0)                                       \
      FAIL("CHECK_STR(%s) failed: actual \"%s\", expected \"%s\"", #actual,                        \
           check_a_ ? check_a_ : "(null)", check_b_);                                              \
  } while (0)

/* The call must succeed (return >= 0); evaluates to its result. */
#define OK(call)                                                                               \
  ({                                                                                           \
    errno = 0;                                                                                 \
    __typeof__(call) ok_r_ = (call);                                                           \
    if ((long long)ok_r_ < 0) FATAL("OK(%s) failed: returned %lld, errno %s", #call,           \
                                   (long long)ok_r_, errno_name(errno));                       \
    ok_r_;                                                                                     \
  })

/* The call must succeed (return >= 0); unlike OK, a failure is not fatal under CHECK_KEEP_GOING. */
#define CHECK_OK(call)                                                                          \
  do {                                                                                          \
    errno = 0;                                                                                  \
    long long co_r_ = (long long)(call);                                                        \
    if (co_r_ < 0) FAIL("CHECK_OK(%s) failed: returned %lld, errno %s", #call, co_r_,          \
                        errno_name(errno));                                                     \
  } while (0)

/* The call must return a non-NULL pointer; evaluates to it. */
#define OK_PTR(call)                                                                       \
  ({                                                                                       \
    errno = 0;                                                                             \
    __typeof__(call) ok_p_ = (call);                                                       \
    if (ok_p_ == NULL) FATAL("OK_PTR(%s) failed: NULL, errno %s", #call, errno_name(errno)); \
    ok_p_;                                                                                 \
  })

/* The call must fail with -1 and errno == expected. */
#define CHECK_ERRNO(call, expected)                                                             \
  do {                                                                                          \
    errno = 0;                                                                                  \
    long long ce_r_ = (long long)(call);                                                        \
    int ce_e_ = errno;                                                                          \
    if (ce_r_ != -1 || ce_e_ != (expected))                                                     \
      FAIL("CHECK_ERRNO(%s) failed: returned %lld with errno %s, expected -1 with errno %s",   \
           #call, ce_r_, errno_name(ce_e_), errno_name(expected));                              \
  } while (0)

/* Like CHECK_ERRNO, accepting either of two errnos (where the reference itself allows both). */
#define CHECK_ERRNO2(call, expected1, expected2)                                                   \
  do {                                                                                             \
    errno = 0;                                                                                     \
    long long ce_r_ = (long long)(call);                                                           \
    int ce_e_ = errno;                                                                             \
    if (ce_r_ != -1 || (ce_e_ != (expected1) && ce_e_ != (expected2)))                             \
      FAIL("CHECK_ERRNO2(%s) failed: returned %lld with errno %s, expected -1 with %s or %s",     \
           #call, ce_r_, errno_name(ce_e_), errno_name(expected1), errno_name(expected2));         \
  } while (0)

/* The pointer-returning call must fail with NULL and errno == expected. */
#define CHECK_ERRNO_PTR(call, expected)                                                          \
  do {                                                                                           \
    errno = 0;                                                                                   \
    void *ce_p_ = (void *)(call);                                                                \
    int ce_e_ = errno;                                                                           \
    if (ce_p_ != NULL || ce_e_ != (expected))                                                    \
      FAIL("CHECK_ERRNO_PTR(%s) failed: returned %p with errno %s, expected NULL with errno %s", \
           #call, ce_p_, errno_name(ce_e_), errno_name(expected));                               \
  } while (0)

/* A raw __wasi_* call must return exactly `expected` (0 for success). */
#define CHECK_WASI(call, expected)                                                                \
  do {                                                                                            \
    int cw_r_ = (int)(call);                                                                      \
    if (cw_r_ != (expected))                                                                      \
      FAIL("CHECK_WASI(%s) failed: returned %s, expected %s", #call, errno_name(cw_r_),          \
           errno_name(expected));                                                                 \
  } while (0)

#define CHECK_WASI2(call, expected1, expected2)                                                   \
  do {                                                                                            \
    int cw_r_ = (int)(call);                                                                      \
    if (cw_r_ != (expected1) && cw_r_ != (expected2))                                             \
      FAIL("CHECK_WASI2(%s) failed: returned %s, expected %s or %s", #call, errno_name(cw_r_),   \
           errno_name(expected1), errno_name(expected2));                                         \
  } while (0)

/* Prints "ok" and returns 0 (every program ends with `return ok();`), or exits 1 if a check failed. */
static inline int ok(void) {
  if (check_failures > 0) {
    fprintf(stderr, "%d check(s) failed\n", check_failures);
    check_exit();
  }
  printf("ok\n");
  fflush(stdout);
  return 0;
}

/* ---- time ---- */

static inline int64_t now_ns(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) FATAL("clock_gettime(%d) failed: %s", (int)clock, errno_name(errno));
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int64_t ts_ns(struct timespec ts) { return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec; }

static inline void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* ---- filesystem ---- */

static char SCRATCH_PATH[512];

/*
 * Creates a fresh directory "$SCRATCH/<name>.<random>" (SCRATCH defaults to /tmp, created if missing) and makes
 * it the working directory. Returns its absolute path.
 */
static inline const char *enter_scratch(const char *name) {
  const char *base = getenv("SCRATCH");
  if (base == NULL || base[0] == '\0') base = "/tmp";
  if (mkdir(base, 0777) != 0 && errno != EEXIST) FATAL("cannot create scratch base %s: %s", base, errno_name(errno));
  snprintf(SCRATCH_PATH, sizeof SCRATCH_PATH, "%s/%s.%08x", base, name, (unsigned)arc4random());
  if (mkdir(SCRATCH_PATH, 0777) != 0) FATAL("cannot create scratch dir %s: %s", SCRATCH_PATH, errno_name(errno));
  if (chdir(SCRATCH_PATH) != 0) FATAL("cannot enter scratch dir %s: %s", SCRATCH_PATH, errno_name(errno));
  return SCRATCH_PATH;
}

/* Creates (or truncates) `path` with exactly `data`. */
static inline void write_file(const char *path, const char *data) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) FATAL("write_file(%s): open: %s", path, errno_name(errno));
  size_t len = strlen(data);
  if (len > 0 && write(fd, data, len) != (ssize_t)len) FATAL("write_file(%s): write: %s", path, errno_name(errno));
  if (close(fd) != 0) FATAL("write_file(%s): close: %s", path, errno_name(errno));
}

/*
 * Reads all of `path` (at most cap-1 bytes) into buf as a NUL-terminated string; returns the length. A failure is
 * a failed check (buf is left empty), so the CHECK_STR that usually follows still runs under CHECK_KEEP_GOING.
 */
#define read_file(path, buf, cap) read_file_at(__FILE__, __LINE__, path, buf, cap)
static inline size_t read_file_at(const char *file, int line, const char *path, char *buf, size_t cap) {
  buf[0] = '\0';
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    FAIL_AT(file, line, "read_file(%s): open: %s", path, errno_name(errno));
    return 0;
  }
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, cap - 1 - len);
    if (n < 0) {
      FAIL_AT(file, line, "read_file(%s): read: %s", path, errno_name(errno));
      break;
    }
    len += (size_t)n;
    if (n == 0 || len == cap - 1) break;
  }
  buf[len] = '\0';
  close(fd);
  return len;
}

static inline void touch(const char *path) { write_file(path, ""); }

static inline int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

/* The preopened directory fd wasi-libc would use for `path`, and the path relative to it (for raw WASI calls). */
typedef struct {
  int dirfd;
  char rel[512];
} relpath_t;

static inline relpath_t wasi_relpath(const char *path) {
  relpath_t r;
  const char *prefix;
  char *rel = r.rel;
  r.dirfd = __wasilibc_find_relpath(path, &prefix, &rel, sizeof r.rel);
  if (r.dirfd < 0) FATAL("no preopen covers %s", path);
  if (rel != r.rel) snprintf(r.rel, sizeof r.rel, "%s", rel);
  return r;
}

#endif /* WASMBOX_CHECK_H */
