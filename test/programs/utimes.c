/*
 * utimes: utimensat/futimens (path_filestat_set_times, fd_filestat_set_times): explicit times to the
 * microsecond, "now" and "omit" (UTIME_NOW/UTIME_OMIT, sent raw: see below), AT_SYMLINK_NOFOLLOW changes the link
 * and not its target, times on a read-only descriptor and on a directory, and the raw flag validation
 * (ATIM|ATIM_NOW -> EINVAL, times unchanged).
 * Reference: wasmtime p1_fd_filestat_set, p1_path_filestat, p1_symlink_filestat; p1.rs systimespec.
 */
#include "check.h"

#define SEC 1000000000LL
#define US 1000LL

/* The time `a` must be within `tol` ns of `e`. */
#define CLOSE_TO(a, e, tol)                                                                                 \
  do {                                                                                                      \
    int64_t ct_a_ = (a), ct_e_ = (e), ct_d_ = ct_a_ > ct_e_ ? ct_a_ - ct_e_ : ct_e_ - ct_a_;                \
    if (ct_d_ > (tol))                                                                                      \
      FAIL("CLOSE_TO(%s, %s) failed: %lld differs by %lld ns (tolerance %lld)", #a, #e, (long long)ct_a_, \
           (long long)ct_d_, (long long)(tol));                                                             \
  } while (0)

static struct stat st_of(const char *path) {
  struct stat st;
  OK(lstat(path, &st));
  return st;
}

int main(void) {
  enter_scratch("utimes");
  touch("file");

  /* Explicit times keep their sub-second part (microseconds are the least a host may keep: a host that stores
   * milliseconds, or whole seconds, fails here). */
  struct timespec fine[2] = {{1000000000, 123456000}, {1500000000, 654321000}};
  CHECK_OK(utimensat(AT_FDCWD, "file", fine, 0));
  struct stat st = st_of("file");
  CLOSE_TO(ts_ns(st.st_atim), 1000000000 * SEC + 123456000, US); // wasmtime: kept; uvwasi differs (whole seconds)
  CLOSE_TO(ts_ns(st.st_mtim), 1500000000 * SEC + 654321000, US); // wasmtime: kept; uvwasi differs (whole seconds)

  /* Whole-second times from here on. */
  struct timespec t[2] = {{1000000000, 0}, {1500000000, 0}};
  CHECK_OK(utimensat(AT_FDCWD, "file", t, 0));
  st = st_of("file");
  CLOSE_TO(ts_ns(st.st_atim), 1000000000 * SEC, US);
  CLOSE_TO(ts_ns(st.st_mtim), 1500000000 * SEC, US);

  /* UTIME_OMIT leaves a time alone; UTIME_NOW sets it to the current realtime clock. These go through the raw call
   * with the fstflags libc would send (ATIM/MTIM for a value, ATIM_NOW/MTIM_NOW for UTIME_NOW, neither for
   * UTIME_OMIT), because Debian's wasi-libc (git20220510) cannot express them: its <sys/stat.h> defines UTIME_NOW and
   * UTIME_OMIT differently from what its utimensat() checks, so it rejects both with EINVAL before calling the
   * host, and utimensat(NULL) sends ATIM|MTIM with zero timestamps (setting the epoch) instead of *_NOW. */
  relpath_t rp = wasi_relpath("file");
  int64_t now = now_ns(CLOCK_REALTIME);
  CHECK_WASI(__wasi_path_filestat_set_times(rp.dirfd, 0, rp.rel, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0);
  st = st_of("file");
  CLOSE_TO(ts_ns(st.st_atim), 1000000000 * SEC, US);
  CLOSE_TO(ts_ns(st.st_mtim), now, 5 * SEC);
  struct stat before = st;
  CHECK_WASI(__wasi_path_filestat_set_times(rp.dirfd, 0, rp.rel, 1234567890 * SEC, 0, __WASI_FSTFLAGS_ATIM), 0);
  st = st_of("file");
  CLOSE_TO(ts_ns(st.st_atim), 1234567890 * SEC, US);
  CHECK_EQ(ts_ns(st.st_mtim), ts_ns(before.st_mtim));
  CHECK_WASI(__wasi_path_filestat_set_times(rp.dirfd, 0, rp.rel, 0, 0,
                                            __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW),
             0);
  st = st_of("file");
  CLOSE_TO(ts_ns(st.st_atim), now_ns(CLOCK_REALTIME), 5 * SEC);
  CLOSE_TO(ts_ns(st.st_mtim), now_ns(CLOCK_REALTIME), 5 * SEC);
  /* The same through a descriptor. */
  int fd = OK(open("file", O_RDONLY));
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 0, 1500000000 * SEC, __WASI_FSTFLAGS_MTIM), 0);
  before = st;
  OK(fstat(fd, &st));
  CHECK_EQ(ts_ns(st.st_atim), ts_ns(before.st_atim));
  CLOSE_TO(ts_ns(st.st_mtim), 1500000000 * SEC, US);
  now = now_ns(CLOCK_REALTIME);
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW), 0);
  OK(fstat(fd, &st));
  CLOSE_TO(ts_ns(st.st_atim), now, 5 * SEC);
  CLOSE_TO(ts_ns(st.st_mtim), 1500000000 * SEC, US);
  close(fd);

  /* futimens works on a read-only descriptor: permission comes from the file, not the open mode (wasmtime). */
  fd = OK(open("file", O_RDONLY));
  struct timespec t2[2] = {{2000000000, 0}, {2000000001, 0}};
  CHECK_OK(futimens(fd, t2));
  OK(fstat(fd, &st));
  CLOSE_TO(ts_ns(st.st_atim), 2000000000 * SEC, US);
  CLOSE_TO(ts_ns(st.st_mtim), 2000000001 * SEC, US);
  close(fd);

  /* Directories take times too, by path and by descriptor. */
  OK(mkdir("dir", 0755));
  CHECK_OK(utimensat(AT_FDCWD, "dir", t, 0));
  CLOSE_TO(ts_ns(st_of("dir").st_mtim), 1500000000 * SEC, US);
  int dfd = OK(open("dir", O_RDONLY | O_DIRECTORY));
  CHECK_OK(futimens(dfd, t2));
  CLOSE_TO(ts_ns(st_of("dir").st_mtim), 2000000001 * SEC, US);
  close(dfd);

  /* AT_SYMLINK_NOFOLLOW changes the link itself; following changes the target (wasmtime p1_symlink_filestat). */
  CHECK_OK(utimensat(AT_FDCWD, "file", t, 0));
  OK(symlink("file", "link"));
  struct timespec t3[2] = {{1700000000, 0}, {1700000000, 0}};
  CHECK_OK(utimensat(AT_FDCWD, "link", t3, AT_SYMLINK_NOFOLLOW));
  CLOSE_TO(ts_ns(st_of("link").st_mtim), 1700000000 * SEC, US);
  CLOSE_TO(ts_ns(st_of("file").st_mtim), 1500000000 * SEC, US);
  CHECK_OK(utimensat(AT_FDCWD, "link", t3, 0));
  CLOSE_TO(ts_ns(st_of("file").st_mtim), 1700000000 * SEC, US);

  CHECK_ERRNO(utimensat(AT_FDCWD, "missing", t, 0), ENOENT);

  /* Raw flag validation: ATIM with ATIM_NOW (or MTIM with MTIM_NOW) is EINVAL and changes nothing.
   * wasmtime: EINVAL (p1.rs systimespec); uvwasi differs (these three calls never return). */
  CHECK_OK(utimensat(AT_FDCWD, "file", t, 0));
  CHECK_WASI(__wasi_path_filestat_set_times(rp.dirfd, 0, rp.rel, 5 * SEC, 0,
                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
             __WASI_ERRNO_INVAL);
  CHECK_WASI(__wasi_path_filestat_set_times(rp.dirfd, 0, rp.rel, 0, 5 * SEC,
                                            __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
             __WASI_ERRNO_INVAL);
  st = st_of("file");
  CLOSE_TO(ts_ns(st.st_atim), 1000000000 * SEC, US);
  CLOSE_TO(ts_ns(st.st_mtim), 1500000000 * SEC, US);
  fd = OK(open("file", O_RDONLY));
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 5 * SEC, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
             __WASI_ERRNO_INVAL);
  /* fstflags 0 is a valid no-op. */
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 0, 0, 0), 0);
  close(fd);
  CLOSE_TO(ts_ns(st_of("file").st_mtim), 1500000000 * SEC, US);
  return ok();
}
