/*
 * fd_ops: the descriptor table. close twice -> EBADF, every call on a closed or never-opened descriptor -> EBADF,
 * read on a write-only / write on a read-only descriptor -> EBADF, fcntl F_GETFL access modes and
 * F_SETFL O_NONBLOCK, fd_renumber (what dup2 would be; wasi-libc has no dup2), isatty on non-terminals.
 * Reference: wasmtime p1_renumber, p1_close_preopen, p1_path_open_read_write, p1_fd_flags_set.
 */
#include "check.h"

static int open_with(const char *path, const char *data) {
  write_file(path, data);
  return OK(open(path, O_RDWR));
}

int main(void) {
  enter_scratch("fd_ops");
  char buf[64];
  struct stat st;

  /* close twice: EBADF the second time, and the descriptor is dead for every call. */
  int fd = open_with("a", "A");
  CHECK_EQ(OK(close(fd)), 0);
  CHECK_ERRNO(close(fd), EBADF);
  CHECK_ERRNO(read(fd, buf, 1), EBADF);
  CHECK_ERRNO(write(fd, "x", 1), EBADF);
  CHECK_ERRNO(fstat(fd, &st), EBADF);
  CHECK_ERRNO(fsync(fd), EBADF);
  CHECK_ERRNO(fcntl(fd, F_GETFL), EBADF);
  CHECK_ERRNO(pread(fd, buf, 1, 0), EBADF);

  /* Descriptors that were never opened. */
  CHECK_ERRNO(read(-1, buf, 1), EBADF);
  CHECK_ERRNO(read(1000, buf, 1), EBADF);
  CHECK_ERRNO(write(12345, "x", 1), EBADF);
  CHECK_ERRNO(close(999), EBADF);

  /* Access modes are enforced: write to O_RDONLY and read from O_WRONLY are EBADF (POSIX read(2)/write(2)). */
  write_file("ro", "data");
  int ro = OK(open("ro", O_RDONLY));
  CHECK_ERRNO(write(ro, "x", 1), EBADF);
  CHECK_ERRNO(pwrite(ro, "x", 1, 0), EBADF);
  int wo = OK(open("ro", O_WRONLY));
  CHECK_ERRNO(read(wo, buf, 1), EBADF);
  CHECK_ERRNO(pread(wo, buf, 1, 0), EBADF);
  int rw = OK(open("ro", O_RDWR));
  read_file("ro", buf, sizeof buf);
  CHECK_STR(buf, "data");

  /* F_GETFL reports the access mode (derived from the descriptor's rights). */
  CHECK_EQ(OK(fcntl(ro, F_GETFL)) & O_ACCMODE, O_RDONLY);
  CHECK_EQ(OK(fcntl(wo, F_GETFL)) & O_ACCMODE, O_WRONLY);
  CHECK_EQ(OK(fcntl(rw, F_GETFL)) & O_ACCMODE, O_RDWR);

  /* F_SETFL O_NONBLOCK is remembered and does not disturb I/O on a regular file. */
  CHECK_EQ(OK(fcntl(rw, F_GETFL)) & O_NONBLOCK, 0);
  CHECK_EQ(OK(fcntl(rw, F_SETFL, O_NONBLOCK)), 0);
  CHECK(OK(fcntl(rw, F_GETFL)) & O_NONBLOCK); // wasmtime: reported; uvwasi differs (never reports O_NONBLOCK)
  CHECK_EQ(OK(pread(rw, buf, 4, 0)), 4);
  CHECK_EQ(OK(fcntl(rw, F_SETFL, 0)), 0);
  CHECK_EQ(OK(fcntl(rw, F_GETFL)) & O_NONBLOCK, 0);
  /* O_NONBLOCK given to open shows up too. */
  int nb = OK(open("ro", O_RDONLY | O_NONBLOCK));
  CHECK(OK(fcntl(nb, F_GETFL)) & O_NONBLOCK); // wasmtime: reported; uvwasi differs
  CHECK_EQ(OK(read(nb, buf, 4)), 4);
  close(nb);
  /* Only APPEND and NONBLOCK can change: F_SETFL O_SYNC is EINVAL (wasmtime fd_fdstat_set_flags). */
  CHECK_ERRNO(fcntl(rw, F_SETFL, O_SYNC), EINVAL); // wasmtime: EINVAL; uvwasi differs (accepts it)
  close(ro);
  close(wo);
  close(rw);

  /* fd_renumber(from, to): `to` now refers to from's file, `from` is closed (wasmtime p1_renumber). */
  int fa = open_with("a", "A");
  int fb = open_with("b", "B");
  CHECK_WASI(__wasi_fd_renumber(fa, fb), 0);
  CHECK_ERRNO(close(fa), EBADF);
  CHECK_EQ(OK(pread(fb, buf, 1, 0)), 1);
  CHECK_EQ(buf[0], 'A');
  /* Renumbering onto itself is a no-op that keeps it open. */
  CHECK_WASI(__wasi_fd_renumber(fb, fb), 0);
  CHECK_EQ(OK(pread(fb, buf, 1, 0)), 1);
  /* `from` closed, or `to` not open: EBADF, and nothing changes. */
  CHECK_WASI(__wasi_fd_renumber(fa, fb), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_renumber(fb, 4000), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_renumber(fb, 0xffffffffu), __WASI_ERRNO_BADF);
  CHECK_EQ(OK(pread(fb, buf, 1, 0)), 1);
  CHECK_EQ(buf[0], 'A');
  /* The old file behind `to` was really closed: renumbering in a loop must not leak descriptors. */
  int cur = fb;
  for (int i = 0; i < 3000; i++) {
    int next = OK(open("a", O_RDONLY));
    CHECK_WASI(__wasi_fd_renumber(cur, next), 0);
    cur = next;
  }
  CHECK_EQ(OK(close(cur)), 0);

  /* Many descriptors open at once all work and are distinct. */
  int fds[200];
  for (int i = 0; i < 200; i++) {
    fds[i] = OK(open("a", O_RDONLY));
    for (int j = 0; j < i; j++) CHECK(fds[i] != fds[j]);
  }
  for (int i = 0; i < 200; i++) CHECK_EQ(OK(close(fds[i])), 0);

  /* isatty: stdio here is not a terminal (the runner does not use -t), nor is a regular file: 0 with ENOTTY. */
  for (int i = 0; i <= 2; i++) {
    errno = 0;
    CHECK_EQ(isatty(i), 0);
    CHECK_EQ(errno, ENOTTY);
  }
  int f = OK(open("a", O_RDONLY));
  errno = 0;
  CHECK_EQ(isatty(f), 0);
  CHECK_EQ(errno, ENOTTY);
  close(f);
  errno = 0;
  CHECK_EQ(isatty(f), 0);
  CHECK_EQ(errno, EBADF);
  return ok();
}
