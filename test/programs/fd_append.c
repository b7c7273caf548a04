/*
 * fd_append: O_APPEND (fdflags.append): every write lands at the end whatever the offset, the offset follows the
 * end, pwrite on an append descriptor appends (Linux semantics, which wasmtime implements), two append
 * descriptors interleave without overwriting, and fcntl(F_SETFL) turns append mode on and off.
 * Reference: wasmtime p1_file_seek_tell (seek_and_o_append), p1_fd_flags_set, cli_file_append.
 */
#include "check.h"

static size_t contents(const char *path, char *buf, size_t cap) { return read_file(path, buf, cap); }

int main(void) {
  enter_scratch("fd_append");
  char buf[256];
  write_file("log", "abc");

  int fd = OK(open("log", O_WRONLY | O_APPEND));
  CHECK(OK(fcntl(fd, F_GETFL)) & O_APPEND);
  /* The offset starts at 0 and is reported as such until the first write (wasmtime p1_file_seek_tell). */
  CHECK_EQ(OK(lseek(fd, 0, SEEK_SET)), 0);
  CHECK_EQ(OK(write(fd, "def", 3)), 3);
  CHECK_EQ(contents("log", buf, sizeof buf), 6);
  CHECK_STR(buf, "abcdef");
  /* After an append the offset is the end of the file. */
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 6);

  /* Seeking back does not make the next write overwrite. */
  CHECK_EQ(OK(lseek(fd, 1, SEEK_SET)), 1);
  CHECK_EQ(OK(write(fd, "g", 1)), 1);
  contents("log", buf, sizeof buf);
  CHECK_STR(buf, "abcdefg");

  /* pwrite on an O_APPEND descriptor ignores the offset and appends (Linux pwrite(2) BUGS; wasmtime p1 does the
   * same). */
  CHECK_EQ(OK(pwrite(fd, "h", 1, 0)), 1);
  contents("log", buf, sizeof buf);
  CHECK_STR(buf, "abcdefgh");

  /* Two append descriptors interleave; a plain descriptor at offset 0 overwrites. */
  int fd2 = OK(open("log", O_WRONLY | O_APPEND));
  CHECK_EQ(OK(write(fd, "1", 1)), 1);
  CHECK_EQ(OK(write(fd2, "2", 1)), 1);
  CHECK_EQ(OK(write(fd, "3", 1)), 1);
  contents("log", buf, sizeof buf);
  CHECK_STR(buf, "abcdefgh123");
  int plain = OK(open("log", O_WRONLY));
  CHECK_EQ(OK(write(plain, "X", 1)), 1);
  contents("log", buf, sizeof buf);
  CHECK_STR(buf, "Xbcdefgh123");
  close(fd2);

  /* fcntl(F_SETFL, 0) turns append off: writes go to the current offset (wasmtime p1_fd_flags_set). */
  CHECK_EQ(OK(fcntl(fd, F_SETFL, 0)), 0);
  CHECK_EQ(OK(fcntl(fd, F_GETFL)) & O_APPEND, 0); // wasmtime: flag cleared; uvwasi differs (still reports it)
  CHECK_EQ(OK(lseek(fd, 0, SEEK_SET)), 0);
  CHECK_EQ(OK(write(fd, "Y", 1)), 1);
  contents("log", buf, sizeof buf);
  CHECK_STR(buf, "Ybcdefgh123");

  /* ... and F_SETFL O_APPEND turns it on for a descriptor opened without it. */
  CHECK_EQ(OK(fcntl(plain, F_SETFL, O_APPEND)), 0);
  CHECK(OK(fcntl(plain, F_GETFL)) & O_APPEND);
  CHECK_EQ(OK(lseek(plain, 0, SEEK_SET)), 0);
  CHECK_EQ(OK(write(plain, "Z", 1)), 1);
  contents("log", buf, sizeof buf);
  CHECK_STR(buf, "Ybcdefgh123Z");
  close(plain);
  close(fd);

  /* O_APPEND | O_RDWR: reads use the offset, writes go to the end. */
  fd = OK(open("log", O_RDWR | O_APPEND));
  CHECK_EQ(OK(read(fd, buf, 2)), 2);
  CHECK(memcmp(buf, "Yb", 2) == 0);
  CHECK_EQ(OK(write(fd, "!", 1)), 1);
  CHECK_EQ(OK(lseek(fd, 0, SEEK_CUR)), 13);
  contents("log", buf, sizeof buf);
  CHECK_STR(buf, "Ybcdefgh123Z!");
  close(fd);

  /* Append mode via stdio (fopen "a"), the way most programs use it. */
  FILE *f = OK_PTR(fopen("log", "a"));
  CHECK(fputs("tail\n", f) >= 0);
  CHECK_EQ(fclose(f), 0);
  contents("log", buf, sizeof buf);
  CHECK_STR(buf, "Ybcdefgh123Z!tail\n");
  return ok();
}
