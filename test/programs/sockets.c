/*
 * sockets: preview1 has no way to create a socket; the sock_* calls exist for descriptors a host hands in. On
 * anything that is not a socket they fail cleanly: ENOTSOCK for a valid descriptor (a file, a directory, stdio),
 * EBADF for a closed one. Both through wasi-libc (accept, recv, send, shutdown) and the raw calls.
 * Reference: wasmtime p1.rs sock_accept/sock_recv/sock_send/sock_shutdown (get_descriptor, then NOTSOCK).
 */
#include <sys/socket.h>

#include "check.h"

int main(void) {
  enter_scratch("sockets");
  write_file("file", "not a socket");
  int fd = OK(open("file", O_RDWR));
  int dfd = OK(open(".", O_RDONLY | O_DIRECTORY));
  char buf[16];

  /* Through libc.
   * wasmtime: ENOTSOCK; uvwasi differs (ENOTCAPABLE, ENOTSUP for shutdown, and sock_accept on stdin crashes
   * node with a segmentation fault). */
  CHECK_ERRNO(accept(fd, NULL, NULL), ENOTSOCK);
  CHECK_ERRNO(recv(fd, buf, sizeof buf, 0), ENOTSOCK);
  CHECK_ERRNO(send(fd, "x", 1, 0), ENOTSOCK);
  CHECK_ERRNO(shutdown(fd, SHUT_RDWR), ENOTSOCK);
  CHECK_ERRNO(accept(0, NULL, NULL), ENOTSOCK);
  CHECK_ERRNO(recv(0, buf, sizeof buf, 0), ENOTSOCK);
  CHECK_ERRNO(send(1, "x", 1, 0), ENOTSOCK);

  /* Raw calls. */
  __wasi_fd_t newfd;
  CHECK_WASI(__wasi_sock_accept(fd, 0, &newfd), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_accept(dfd, 0, &newfd), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_accept(3, 0, &newfd), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_accept(0, 0, &newfd), __WASI_ERRNO_NOTSOCK);
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n;
  __wasi_roflags_t roflags;
  CHECK_WASI(__wasi_sock_recv(fd, &iov, 1, 0, &n, &roflags), __WASI_ERRNO_NOTSOCK);
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  CHECK_WASI(__wasi_sock_send(fd, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);

  /* Closed or never-opened descriptors: EBADF. */
  close(fd);
  CHECK_WASI(__wasi_sock_accept(fd, 0, &newfd), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_sock_recv(fd, &iov, 1, 0, &n, &roflags), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_sock_send(fd, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_sock_shutdown(9999, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
  CHECK_ERRNO(accept(9999, NULL, NULL), EBADF);
  close(dfd);
  return ok();
}
