/*
 * open_flags: path_open oflags and lookup flags as open(2) exposes them: O_CREAT, O_EXCL -> EEXIST, O_TRUNC,
 * O_DIRECTORY on a file -> ENOTDIR, writing a directory -> EISDIR, missing -> ENOENT, a file used as a directory
 * -> ENOTDIR, O_NOFOLLOW on a symlink -> ELOOP, and independent offsets for independent opens.
 * Reference: wasmtime p1_path_open_create_existing, p1_path_open_missing, p1_path_open_dirfd_not_dir,
 * p1_nofollow_errors, p1_dangling_symlink, p1_interesting_paths, p1_path_open_preopen.
 */
#include "check.h"

int main(void) {
  enter_scratch("open_flags");
  char buf[64];
  struct stat st;

  /* O_CREAT creates an empty file; on an existing file it opens it without truncating. */
  int fd = OK(open("f", O_WRONLY | O_CREAT, 0644));
  OK(fstat(fd, &st));
  CHECK(S_ISREG(st.st_mode));
  CHECK_EQ(st.st_size, 0);
  CHECK_EQ(OK(write(fd, "content", 7)), 7);
  close(fd);
  fd = OK(open("f", O_RDWR | O_CREAT, 0644));
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_size, 7);
  close(fd);

  /* O_CREAT | O_EXCL: EEXIST if anything is there, a file, a directory or even a dangling symlink. */
  CHECK_ERRNO(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
  OK(mkdir("d", 0755));
  CHECK_ERRNO(open("d", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
  OK(symlink("nowhere", "dangling"));
  // wasmtime: EEXIST; uvwasi differs (follows the link and creates "nowhere")
  CHECK_ERRNO(open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
  CHECK_ERRNO(lstat("nowhere", &st), ENOENT); /* and nothing was created behind the link */
  fd = OK(open("excl", O_WRONLY | O_CREAT | O_EXCL, 0644));
  close(fd);

  /* O_TRUNC empties the file, and other open descriptors see it. */
  int reader = OK(open("f", O_RDONLY));
  fd = OK(open("f", O_WRONLY | O_TRUNC));
  OK(fstat(reader, &st));
  CHECK_EQ(st.st_size, 0);
  CHECK_EQ(OK(read(reader, buf, sizeof buf)), 0);
  close(fd);
  close(reader);

  /* O_DIRECTORY: fine on a directory (and through a symlink to one), ENOTDIR on a file. */
  fd = OK(open("d", O_RDONLY | O_DIRECTORY));
  OK(fstat(fd, &st));
  CHECK(S_ISDIR(st.st_mode));
  close(fd);
  CHECK_ERRNO(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
  OK(symlink("d", "dlink"));
  fd = OK(open("dlink", O_RDONLY | O_DIRECTORY));
  close(fd);

  /* A directory opens read-only, but never for writing: EISDIR (wasmtime p1_path_open_preopen). */
  fd = OK(open("d", O_RDONLY));
  close(fd);
  CHECK_ERRNO(open("d", O_WRONLY), EISDIR);
  CHECK_ERRNO(open("d", O_RDWR), EISDIR);
  CHECK_ERRNO(open("d", O_WRONLY | O_CREAT, 0644), EISDIR);
  CHECK_ERRNO(open("d", O_RDWR | O_TRUNC), EISDIR);

  /* Missing things: ENOENT, also when creating inside a missing directory. */
  CHECK_ERRNO(open("missing", O_RDONLY), ENOENT);
  CHECK_ERRNO(open("missing/f", O_RDONLY), ENOENT);
  CHECK_ERRNO(open("missing/f", O_WRONLY | O_CREAT, 0644), ENOENT);
  CHECK_ERRNO(open("dangling", O_RDONLY), ENOENT);

  /* A file is not a directory: ENOTDIR, with or without a trailing slash (the VFS contract says ENOTDIR; wasmtime
   * also accepts ENOENT for the trailing-slash case). */
  CHECK_ERRNO(open("f/x", O_RDONLY), ENOTDIR);
  CHECK_ERRNO(open("f/x", O_WRONLY | O_CREAT, 0644), ENOTDIR);
  CHECK_ERRNO(open("f/", O_RDONLY), ENOTDIR);
  CHECK_ERRNO(open("f///", O_RDONLY), ENOTDIR);
  /* A directory with trailing slashes is fine. */
  fd = OK(open("d/", O_RDONLY));
  close(fd);
  fd = OK(open("d///", O_RDONLY));
  close(fd);

  /* O_NOFOLLOW: a symlink as the last component is ELOOP; symlinks earlier in the path are still followed. */
  OK(symlink("f", "flink"));
  // wasmtime: ELOOP; uvwasi differs (ignores O_NOFOLLOW and opens the target)
  CHECK_ERRNO(open("flink", O_RDONLY | O_NOFOLLOW), ELOOP);
  CHECK_ERRNO(open("dangling", O_RDONLY | O_NOFOLLOW), ELOOP);
  fd = OK(open("f", O_RDONLY | O_NOFOLLOW));
  close(fd);
  touch("d/inner");
  fd = OK(open("dlink/inner", O_RDONLY | O_NOFOLLOW));
  close(fd);
  /* Without O_NOFOLLOW the link is followed. */
  write_file("f", "via link");
  read_file("flink", buf, sizeof buf);
  CHECK_STR(buf, "via link");

  /* Two opens of one file have independent offsets but share the data. */
  int a = OK(open("f", O_RDWR));
  int b = OK(open("f", O_RDWR));
  CHECK_EQ(OK(read(a, buf, 4)), 4);
  CHECK_EQ(OK(lseek(b, 0, SEEK_CUR)), 0);
  CHECK_EQ(OK(write(b, "VIA", 3)), 3);
  CHECK_EQ(OK(read(a, buf, 4)), 4);
  CHECK(memcmp(buf, "link", 4) == 0);
  CHECK_EQ(OK(pread(a, buf, 3, 0)), 3);
  CHECK(memcmp(buf, "VIA", 3) == 0);
  close(a);
  close(b);

  /* A file descriptor used as the directory of a path lookup: ENOTDIR (wasmtime p1_path_open_dirfd_not_dir). */
  fd = OK(open("f", O_RDONLY));
  CHECK_ERRNO(openat(fd, "x", O_RDONLY), ENOTDIR); // wasmtime: ENOTDIR; uvwasi differs (ENOTCAPABLE)
  close(fd);
  return ok();
}
