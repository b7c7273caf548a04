/*
 * stdio: the standard streams as descriptors. Writes to stdout/stderr return their full length (a 1 MiB write in
 * one call included), stdin is read-only and stdout/stderr write-only (EBADF the other way), none is seekable
 * (lseek, pread, pwrite -> ESPIPE), fstat does not call them regular files, and bytes reach the host unchanged
 * even when one UTF-8 character is split across two writes. The runner checks stdout: "unicode: ünïcödé ✓ 日本",
 * "split: 😀", 1024 lines of 1023 'x', then "ok".
 * Reference: wasmtime p1_stdio, cli_p1_much_stdout, p1_unicode_output; p1.rs (Descriptor::Stdin/Stdout, get_seekable).
 */
#include "check.h"

int main(void) {
  char buf[16];
  struct stat st;

  printf("unicode: ünïcödé ✓ 日本\n");
  fflush(stdout);
  /* One character, two writes: the host must decode the stream, not each write. */
  CHECK_EQ(OK(write(1, "split: \xf0\x9f", 9)), 9);
  CHECK_EQ(OK(write(1, "\x98\x80\n", 3)), 3);
  CHECK_EQ(OK(write(2, "to stderr\n", 10)), 10);

  /* 1 MiB in a single write(2): all of it is accepted (blocking, no short count). */
  enum { BIG = 1 << 20 };
  char *big = OK_PTR(malloc(BIG));
  memset(big, 'x', BIG);
  for (int i = 1023; i < BIG; i += 1024) big[i] = '\n';
  CHECK_EQ(OK(write(1, big, BIG)), BIG);

  /* Directions: stdin is read-only, stdout and stderr are write-only.
   * wasmtime: stdio are streams with FD_READ or FD_WRITE only; uvwasi differs (stdio are host descriptors with
   * every right: a file on stdin is seekable and reports O_RDWR). */
  CHECK_ERRNO(write(0, "x", 1), EBADF);
  CHECK_ERRNO(read(1, buf, 1), EBADF);
  CHECK_ERRNO(read(2, buf, 1), EBADF);
  CHECK_EQ(OK(fcntl(0, F_GETFL)) & O_ACCMODE, O_RDONLY);
  CHECK_EQ(OK(fcntl(1, F_GETFL)) & O_ACCMODE, O_WRONLY);
  CHECK_EQ(OK(fcntl(2, F_GETFL)) & O_ACCMODE, O_WRONLY);

  /* Not seekable: ESPIPE for lseek, pread and pwrite (wasmtime: get_seekable, fd_pread/fd_pwrite on stdio). */
  CHECK_ERRNO(lseek(0, 0, SEEK_CUR), ESPIPE);
  CHECK_ERRNO(lseek(1, 0, SEEK_CUR), ESPIPE);
  CHECK_ERRNO(pread(0, buf, 1, 0), ESPIPE);
  CHECK_ERRNO(pwrite(1, "x", 1, 0), ESPIPE);

  /* Not regular files or directories (wasmtime reports them as unknown, a terminal would be a char device). */
  for (int fd = 0; fd <= 2; fd++) {
    CHECK_OK(fstat(fd, &st));
    CHECK(!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
  }
  return ok();
}
