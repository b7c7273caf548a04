/*
 * fd_rw: read/write/pread/pwrite/readv/writev on regular files (fd_read, fd_write, fd_pread, fd_pwrite).
 * Reference: wasmtime p1_file_pread_pwrite, p1_file_unbuffered_write, p1_path_open_read_write.
 */
#include <sys/uio.h>

#include "check.h"

int main(void) {
  enter_scratch("fd_rw");
  char buf[256];

  int fd = OK(open("file", O_RDWR | O_CREAT | O_EXCL, 0644));
  CHECK(fd > 2);
  CHECK_EQ(OK(write(fd, "hello world", 11)), 11);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 11);

  /* At end of file, read returns 0 and stays there. */
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), 0);
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), 0);

  /* A read shorter than the file, then a read that reaches the end (short count). */
  CHECK_EQ(OK(lseek(fd, 0, SEEK_SET)), 0);
  CHECK_EQ(OK(read(fd, buf, 5)), 5);
  CHECK(memcmp(buf, "hello", 5) == 0);
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), 6);
  CHECK(memcmp(buf, " world", 6) == 0);

  /* Zero-length reads and writes succeed and move nothing. */
  CHECK_EQ(OK(read(fd, buf, 0)), 0);
  CHECK_EQ(OK(write(fd, buf, 0)), 0);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 11);

  /* pread/pwrite use the given offset and leave the file offset alone. */
  CHECK_EQ(OK(pread(fd, buf, 5, 6)), 5);
  CHECK(memcmp(buf, "world", 5) == 0);
  CHECK_EQ(OK(pwrite(fd, "WORLD", 5, 6)), 5);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 11);
  CHECK_EQ(OK(pread(fd, buf, sizeof buf, 0)), 11);
  CHECK(memcmp(buf, "hello WORLD", 11) == 0);
  /* pread past the end returns 0. */
  CHECK_EQ(OK(pread(fd, buf, sizeof buf, 1000)), 0);

  /* pwrite past the end extends the file; the gap reads back as zeros. */
  CHECK_EQ(OK(pwrite(fd, "!", 1, 20)), 1);
  struct stat st;
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 21);
  memset(buf, 0x55, sizeof buf);
  CHECK_EQ(OK(pread(fd, buf, sizeof buf, 0)), 21);
  for (int i = 11; i < 20; i++) CHECK_EQ(buf[i], 0);
  CHECK_EQ(buf[20], '!');

  /* writev/readv: wasmtime may transfer only the first non-empty buffer (a short count is legal), so loop like a
   * real program would, and check the bytes land in order. */
  CHECK_EQ(OK(ftruncate(fd, 0)), 0);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_SET)), 0);
  struct iovec iov[3] = {{"", 0}, {"abc", 3}, {"defgh", 5}};
  size_t total = 0;
  while (total < 8) {
    ssize_t n = OK(writev(fd, iov, 3));
    CHECK(n >= 3 || total > 0);
    total += (size_t)n;
    /* Advance the iovecs past what was written. */
    size_t skip = (size_t)n;
    for (int i = 0; i < 3; i++) {
      size_t take = skip < iov[i].iov_len ? skip : iov[i].iov_len;
      iov[i].iov_base = (char *)iov[i].iov_base + take;
      iov[i].iov_len -= take;
      skip -= take;
    }
  }
  CHECK_EQ(total, 8);
  char a[4] = {0}, b[8] = {0};
  struct iovec riov[2] = {{a, 3}, {b, 5}};
  CHECK_EQ(OK(lseek(fd, 0, SEEK_SET)), 0);
  ssize_t n = OK(readv(fd, riov, 2));
  CHECK(n >= 3);
  if (n < 8) CHECK_EQ(OK(read(fd, b, 5)), 5);
  CHECK(memcmp(a, "abc", 3) == 0);
  CHECK(memcmp(b, "defgh", 5) == 0);

  /* A 1 MiB write in one call is written completely, and survives close and reopen. */
  enum { BIG = 1 << 20 };
  unsigned char *big = OK_PTR(malloc(BIG)), *back = OK_PTR(malloc(BIG));
  for (int i = 0; i < BIG; i++) big[i] = (unsigned char)(i * 7 + (i >> 12));
  CHECK_EQ(OK(lseek(fd, 0, SEEK_SET)), 0);
  size_t done = 0;
  while (done < BIG) done += (size_t)OK(write(fd, big + done, BIG - done));
  CHECK_EQ(OK(close(fd)), 0);
  fd = OK(open("file", O_RDONLY));
  done = 0;
  for (;;) {
    ssize_t r = OK(read(fd, back + done, BIG - done));
    if (r == 0) break;
    done += (size_t)r;
    if (done == BIG) break;
  }
  CHECK_EQ(done, BIG);
  CHECK(memcmp(big, back, BIG) == 0);
  CHECK_EQ(OK(read(fd, back, 1)), 0);

  /* fsync/fdatasync on a regular file succeed. */
  int wfd = OK(open("file", O_WRONLY));
  CHECK_EQ(OK(fsync(wfd)), 0);
  CHECK_EQ(OK(fdatasync(wfd)), 0);
  close(wfd);
  close(fd);
  return ok();
}
