/*
 * fd_sparse: large and sparse files. A write far past the end leaves a hole that reads as zeros, and offsets
 * beyond 4 GiB work (fd_pwrite/fd_pread/fd_seek/fd_filestat take 64-bit offsets: a host that converts them through
 * 32-bit integers, or stores files densely, fails here). Real programs do this: `truncate -s 10G disk.img`,
 * databases, `dd seek=`.
 */
#include "check.h"

#define MIB (1024LL * 1024)
#define GIB (1024LL * MIB)

static void expect_zeros(int fd, long long offset, size_t len) {
  static unsigned char buf[65536];
  memset(buf, 0x55, sizeof buf);
  CHECK(len <= sizeof buf);
  CHECK_EQ(OK(pread(fd, buf, len, offset)), (long long)len);
  for (size_t i = 0; i < len; i++) {
    if (buf[i] != 0) {
      FAIL("byte %lld of the hole is %d, not 0", offset + (long long)i, buf[i]);
      return;
    }
  }
}

int main(void) {
  enter_scratch("fd_sparse");
  struct stat st;
  char c;

  int fd = OK(open("sparse", O_RDWR | O_CREAT, 0644));
  CHECK_EQ(OK(write(fd, "head", 4)), 4);

  /* A 64 MiB hole. */
  CHECK_EQ(OK(pwrite(fd, "M", 1, 64 * MIB)), 1);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 64 * MIB + 1);
  expect_zeros(fd, 4, 65536);
  expect_zeros(fd, 32 * MIB, 65536);
  expect_zeros(fd, 64 * MIB - 65536, 65536);
  CHECK_EQ(OK(pread(fd, &c, 1, 64 * MIB)), 1);
  CHECK_EQ(c, 'M');

  /* Past 4 GiB: the offset does not wrap around to the start of the file. */
  CHECK_EQ(OK(pwrite(fd, "X", 1, 4 * GIB + 5)), 1);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 4 * GIB + 6);
  CHECK_EQ(OK(pread(fd, &c, 1, 4 * GIB + 5)), 1);
  CHECK_EQ(c, 'X');
  CHECK_EQ(OK(pread(fd, &c, 1, 5)), 1);
  CHECK_EQ(c, 0); /* a 32-bit wrap would have put the X here */
  CHECK_EQ(OK(pread(fd, &c, 1, 0)), 1);
  CHECK_EQ(c, 'h');
  expect_zeros(fd, 4 * GIB - 1000, 1005); /* up to the byte before the X */
  expect_zeros(fd, 3 * GIB, 4096);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_END)), 4 * GIB + 6);

  /* Writing through the file offset past 4 GiB too. */
  CHECK_EQ(OK(lseek(fd, 5 * GIB, SEEK_SET)), 5 * GIB);
  CHECK_EQ(OK(write(fd, "Y", 1)), 1);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 5 * GIB + 1);
  CHECK_EQ(OK(lseek(fd, -1, SEEK_CUR)), 5 * GIB);
  CHECK_EQ(OK(read(fd, &c, 1)), 1);
  CHECK_EQ(c, 'Y');
  OK(stat("sparse", &st));
  CHECK_EQ(st.st_size, 5 * GIB + 1);

  /* ftruncate to a huge size and back. */
  CHECK_EQ(OK(ftruncate(fd, 8 * GIB)), 0);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 8 * GIB);
  expect_zeros(fd, 8 * GIB - 4096, 4096);
  CHECK_EQ(OK(ftruncate(fd, 10)), 0);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 10);
  CHECK_EQ(OK(pread(fd, &c, 1, 4 * GIB + 5)), 0);
  close(fd);
  OK(unlink("sparse"));
  return ok();
}
