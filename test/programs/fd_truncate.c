/*
 * fd_truncate: ftruncate/truncate (fd_filestat_set_size): shrink drops data, grow fills with zeros (also where old
 * data used to be), the offset is not moved, O_RDONLY -> EINVAL, directory -> EBADF.
 * Reference: wasmtime p1_fd_filestat_set, p1_file_truncation, p1_dir_fd_op_failures.
 */
#include "check.h"

int main(void) {
  enter_scratch("fd_truncate");
  char buf[200];
  struct stat st;

  int fd = OK(open("file", O_RDWR | O_CREAT, 0644));
  CHECK_EQ(OK(write(fd, "hello world", 11)), 11);

  /* Shrink: the size drops, the tail is gone, the offset stays past the new end. */
  CHECK_EQ(OK(ftruncate(fd, 5)), 0);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 5);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 11);
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), 0);
  CHECK_EQ(OK(pread(fd, buf, sizeof buf, 0)), 5);
  CHECK(memcmp(buf, "hello", 5) == 0);

  /* Grow: zeros, and the bytes that were cut off do not come back (storage reuse must not leak old data). */
  CHECK_EQ(OK(ftruncate(fd, 100)), 0);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 100);
  memset(buf, 0x55, sizeof buf);
  CHECK_EQ(OK(pread(fd, buf, sizeof buf, 0)), 100);
  CHECK(memcmp(buf, "hello", 5) == 0);
  for (int i = 5; i < 100; i++) CHECK_EQ(buf[i], 0);

  /* Truncate to zero, then a write at the (unchanged) offset leaves a hole before it. */
  CHECK_EQ(OK(ftruncate(fd, 0)), 0);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 0);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 11);
  CHECK_EQ(OK(write(fd, "x", 1)), 1);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 12);
  CHECK_EQ(OK(pread(fd, buf, sizeof buf, 0)), 12);
  for (int i = 0; i < 11; i++) CHECK_EQ(buf[i], 0);

  /* Other descriptors see the new size at once. */
  int fd2 = OK(open("file", O_RDONLY));
  CHECK_EQ(OK(ftruncate(fd, 3)), 0);
  OK(fstat(fd2, &st));
  CHECK_EQ(st.st_size, 3);

  /* A read-only descriptor cannot change the size: EINVAL, as ftruncate(2) says (wasmtime p1_fd_filestat_set). */
  CHECK_ERRNO(ftruncate(fd2, 100), EINVAL); // wasmtime: EINVAL; uvwasi differs (ENOTCAPABLE)
  OK(fstat(fd2, &st));
  CHECK_EQ(st.st_size, 3);
  close(fd2);
  close(fd);

  /* truncate(2) by path. */
  CHECK_EQ(OK(truncate("file", 7)), 0);
  OK(stat("file", &st));
  CHECK_EQ(st.st_size, 7);
  CHECK_ERRNO(truncate("missing", 1), ENOENT);

  /* O_TRUNC empties an existing file on open. */
  write_file("file", "some data");
  fd = OK(open("file", O_WRONLY | O_TRUNC));
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 0);
  close(fd);

  /* A directory: EBADF (wasmtime p1_dir_fd_op_failures; POSIX says EINVAL). */
  OK(mkdir("dir", 0755));
  int dfd = OK(open("dir", O_RDONLY | O_DIRECTORY));
  CHECK_ERRNO(ftruncate(dfd, 0), EBADF); // wasmtime: EBADF; uvwasi differs (ENOTCAPABLE)
  close(dfd);
  return ok();
}
