/*
 * poll: poll() on descriptors (poll_oneoff fd_read/fd_write subscriptions). The runner feeds "hello\n" on stdin:
 * poll with a long timeout returns at once because data is ready; after the data is read, end of input is
 * readable too (poll returns at once, read returns 0, again and again). stdout is always writable, a regular file
 * always readable, and a timeout of 0 does not block.
 * Reference: wasmtime p1_poll_oneoff_stdio, p1_poll_oneoff_files; p1.rs poll_oneoff.
 */
#include <poll.h>

#include "check.h"

#define MS 1000000LL

static int64_t since(int64_t start) { return now_ns(CLOCK_MONOTONIC) - start; }

int main(void) {
  char buf[64];

  /* Data is waiting on stdin: poll must not wait for its 10 s timeout.
   * wasmtime: fd_read/fd_write subscriptions on stdio and files; uvwasi differs (every poll() with descriptors
   * fails with EPERM). */
  struct pollfd p = {0, POLLIN, 0};
  int64_t t = now_ns(CLOCK_MONOTONIC);
  CHECK_EQ(poll(&p, 1, 10000), 1);
  CHECK(since(t) < 2000 * MS);
  CHECK(p.revents & POLLIN);
  size_t got = 0;
  while (got < 6) {
    ssize_t n = OK(read(0, buf + got, sizeof buf - got));
    CHECK(n > 0);
    if (n == 0) break;
    got += (size_t)n;
  }
  CHECK_EQ(got, 6);
  CHECK(memcmp(buf, "hello\n", 6) == 0);

  /* At end of input, stdin polls ready (a read would not block) and reads 0, repeatedly. */
  p.revents = 0;
  t = now_ns(CLOCK_MONOTONIC);
  CHECK_EQ(poll(&p, 1, 10000), 1);
  CHECK(since(t) < 2000 * MS);
  CHECK(p.revents & (POLLIN | POLLHUP));
  CHECK_EQ(OK(read(0, buf, sizeof buf)), 0);
  CHECK_EQ(OK(read(0, buf, sizeof buf)), 0);

  /* stdout and stderr are writable. */
  struct pollfd w[2] = {{1, POLLOUT, 0}, {2, POLLOUT, 0}};
  CHECK_EQ(poll(w, 2, 10000), 2);
  CHECK(w[0].revents & POLLOUT);
  CHECK(w[1].revents & POLLOUT);

  /* A regular file is always readable and writable. */
  enter_scratch("poll");
  write_file("file", "data");
  int fd = OK(open("file", O_RDWR));
  struct pollfd f[2] = {{fd, POLLIN, 0}, {fd, POLLOUT, 0}};
  t = now_ns(CLOCK_MONOTONIC);
  CHECK_EQ(poll(f, 2, 10000), 2);
  CHECK(since(t) < 2000 * MS);
  CHECK(f[0].revents & POLLIN);
  CHECK(f[1].revents & POLLOUT);
  close(fd);

  /* Timeout 0 with a ready descriptor returns it; with nothing to wait for returns 0 at once. */
  CHECK_EQ(poll(w, 1, 0), 1);
  t = now_ns(CLOCK_MONOTONIC);
  CHECK_EQ(poll(NULL, 0, 0), 0);
  CHECK(since(t) < 500 * MS);
  return ok();
}
