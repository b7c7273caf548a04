/*
 * unlink: path_unlink_file and path_remove_directory with trailing slashes, and files that outlive their name:
 * an open file keeps working after unlink (read, write, fstat with nlink 0) while its name is free for a new,
 * unrelated file.
 * Reference: wasmtime p1_unlink_file_trailing_slashes, p1_remove_directory; POSIX unlink(2), rmdir(2).
 */
#include "check.h"

int main(void) {
  enter_scratch("unlink");
  char buf[64];
  struct stat st;

  /* unlink removes a file; a second time is ENOENT. */
  touch("f");
  CHECK_OK(unlink("f"));
  CHECK_ERRNO(lstat("f", &st), ENOENT);
  CHECK_ERRNO(unlink("f"), ENOENT);
  CHECK_ERRNO(unlink("missing/f"), ENOENT);

  /* unlink on a directory: EISDIR, with or without a trailing slash (wasmtime, unix). */
  OK(mkdir("d", 0755));
  CHECK_ERRNO(unlink("d"), EISDIR);
  CHECK_ERRNO(unlink("d/"), EISDIR);
  CHECK(exists("d"));
  /* unlink of "file/": ENOTDIR, and the file stays. */
  touch("f");
  CHECK_ERRNO(unlink("f/"), ENOTDIR);
  CHECK(exists("f"));

  /* rmdir on a file: ENOTDIR, with or without a trailing slash (wasmtime p1_remove_directory). */
  CHECK_ERRNO(rmdir("f"), ENOTDIR);
  CHECK_ERRNO(rmdir("f/"), ENOTDIR);
  CHECK(exists("f"));
  /* rmdir "dir/" removes the directory (Linux; wasmtime leaves this case untested as OSes differ). */
  CHECK_OK(rmdir("d/"));
  CHECK(!exists("d"));

  /* A symlink is unlinked, not its target, and rmdir refuses it. */
  OK(mkdir("d", 0755));
  CHECK_OK(symlink("d", "dl"));
  CHECK_ERRNO(rmdir("dl"), ENOTDIR);
  CHECK_OK(unlink("dl"));
  CHECK(exists("d"));

  /* remove(3) handles both kinds. */
  CHECK_OK(remove("f"));
  CHECK_OK(remove("d"));
  CHECK(!exists("f") && !exists("d"));

  /* An open file outlives its name. */
  int fd = OK(open("ghost", O_RDWR | O_CREAT, 0644));
  CHECK_EQ(OK(write(fd, "persist", 7)), 7);
  ino_t ghost_ino;
  OK(fstat(fd, &st));
  ghost_ino = st.st_ino;
  CHECK_OK(unlink("ghost"));
  CHECK(!exists("ghost"));
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_nlink, 0);
  CHECK_EQ(st.st_size, 7);
  CHECK_EQ(OK(pread(fd, buf, 7, 0)), 7);
  CHECK(memcmp(buf, "persist", 7) == 0);
  CHECK_EQ(OK(write(fd, "ed", 2)), 2);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 9);
  CHECK_EQ(OK(ftruncate(fd, 4)), 0);
  CHECK_EQ(OK(pread(fd, buf, sizeof buf, 0)), 4);

  /* The name is free: a new file there is a different, empty file, and the old descriptor does not see it. */
  int fd2 = OK(open("ghost", O_RDWR | O_CREAT | O_EXCL, 0644));
  OK(fstat(fd2, &st));
  CHECK_EQ(st.st_size, 0);
  CHECK(st.st_ino != ghost_ino);
  CHECK_EQ(OK(write(fd2, "new", 3)), 3);
  CHECK_EQ(OK(pread(fd, buf, sizeof buf, 0)), 4);
  CHECK(memcmp(buf, "pers", 4) == 0);
  CHECK_OK(close(fd));
  read_file("ghost", buf, sizeof buf);
  CHECK_STR(buf, "new");
  close(fd2);

  /* An open directory outlives rmdir too: it reads as empty and cannot gain entries. */
  OK(mkdir("gone", 0755));
  int dfd = OK(open("gone", O_RDONLY | O_DIRECTORY));
  CHECK_OK(rmdir("gone"));
  CHECK(!exists("gone"));
  CHECK_ERRNO(openat(dfd, "new", O_WRONLY | O_CREAT, 0644), ENOENT);
  close(dfd);
  return ok();
}
