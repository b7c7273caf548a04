/*
 * fd_seek: lseek/tell (fd_seek, fd_tell): SEEK_SET/CUR/END, seeking past the end, negative results -> EINVAL
 * (offset unchanged), bad whence -> EINVAL, reads and writes move the offset, stdio -> ESPIPE, directories -> EBADF.
 * Reference: wasmtime p1_file_seek_tell, p1_directory_seek, p1_dir_fd_op_failures; Descriptor::get_seekable.
 */
#include <dirent.h>

#include "check.h"

int main(void) {
  enter_scratch("fd_seek");
  char buf[200];
  memset(buf, 'a', sizeof buf);

  int fd = OK(open("file", O_RDWR | O_CREAT, 0644));
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 0);
  CHECK_EQ(OK(write(fd, buf, 100)), 100);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 100);

  CHECK_EQ(OK(lseek(fd, -50, SEEK_CUR)), 50);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_SET)), 0);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_END)), 100);
  CHECK_EQ(OK(lseek(fd, -10, SEEK_END)), 90);
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), 10);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 100);

  /* Seeking past the end is allowed and does not change the size... */
  CHECK_EQ(OK(lseek(fd, 10, SEEK_END)), 110);
  struct stat st;
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 100);
  /* ... until a write there, which leaves a hole of zeros. */
  CHECK_EQ(OK(write(fd, "z", 1)), 1);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 111);
  CHECK_EQ(OK(pread(fd, buf, 11, 100)), 11);
  for (int i = 0; i < 10; i++) CHECK_EQ(buf[i], 0);
  CHECK_EQ(buf[10], 'z');

  /* A resulting offset before byte 0 is EINVAL and leaves the offset where it was (wasmtime: checked_add_signed). */
  CHECK_EQ(OK(lseek(fd, 30, SEEK_SET)), 30);
  CHECK_ERRNO(lseek(fd, -2000, SEEK_CUR), EINVAL);
  CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
  CHECK_ERRNO(lseek(fd, -112, SEEK_END), EINVAL);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 30);
  /* An unknown whence is EINVAL. */
  CHECK_ERRNO(lseek(fd, 0, 42), EINVAL);

  /* Offsets are 64-bit. */
  CHECK_EQ(OK(lseek(fd, 5000000000LL, SEEK_SET)), 5000000000LL);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 5000000000LL);

  /* Each descriptor has its own offset. */
  int fd2 = OK(open("file", O_RDONLY));
  CHECK_EQ(OK(lseek(fd2, 0, SEEK_CUR)), 0);
  CHECK_EQ(OK(read(fd2, buf, 4)), 4);
  CHECK_EQ(OK(lseek(fd2, 0, SEEK_CUR)), 4);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 5000000000LL);
  close(fd2);
  close(fd);

  /* stdio streams are not seekable: ESPIPE (wasmtime get_seekable). Under node:wasi stdout is a pipe here too. */
  CHECK_ERRNO(lseek(1, 0, SEEK_CUR), ESPIPE);
  CHECK_ERRNO(lseek(2, 0, SEEK_SET), ESPIPE);

  /* A directory descriptor is not seekable: EBADF (wasmtime p1_directory_seek; Linux would return 0). */
  OK(mkdir("dir", 0755));
  int dfd = OK(open("dir", O_RDONLY | O_DIRECTORY));
  // wasmtime: EBADF; uvwasi differs (ENOTCAPABLE for the missing FD_SEEK right, which libc turns into ESPIPE)
  CHECK_ERRNO(lseek(dfd, 0, SEEK_CUR), EBADF);
  close(dfd);

  /* A closed descriptor: EBADF. */
  CHECK_ERRNO(lseek(fd, 0, SEEK_SET), EBADF);
  return ok();
}
