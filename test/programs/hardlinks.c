/*
 * hardlinks: path_link. Several names for one inode: same st_ino, nlink counts every name (also as seen through an
 * open descriptor), data written through one name is read through another, unlinking one name keeps the data,
 * linking a symlink links the symlink itself, and the errors (EEXIST, ENOENT, EPERM for directories).
 * Reference: wasmtime p1_path_link; POSIX link(2) and Linux linkat(2) without AT_SYMLINK_FOLLOW.
 */
#include "check.h"

static struct stat lst(const char *path) {
  struct stat st = {0};
  CHECK_OK(lstat(path, &st));
  return st;
}

int main(void) {
  enter_scratch("hardlinks");
  char buf[64];
  write_file("a", "shared");
  int fd = OK(open("a", O_RDWR));

  CHECK_OK(link("a", "b"));
  CHECK_EQ(lst("a").st_ino, lst("b").st_ino);
  CHECK_EQ(lst("a").st_nlink, 2);
  CHECK_EQ(lst("b").st_nlink, 2);
  struct stat st;
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_nlink, 2);

  /* A third name in a subdirectory. */
  OK(mkdir("sub", 0755));
  CHECK_OK(link("b", "sub/c"));
  CHECK_EQ(lst("a").st_nlink, 3);
  CHECK_EQ(lst("sub/c").st_ino, lst("a").st_ino);

  /* One file: writes through any name or descriptor show up under every name. */
  write_file("b", "rewritten");
  read_file("a", buf, sizeof buf);
  CHECK_STR(buf, "rewritten");
  CHECK_EQ(OK(pwrite(fd, "R", 1, 0)), 1);
  read_file("sub/c", buf, sizeof buf);
  CHECK_STR(buf, "Rewritten");

  /* Unlinking names keeps the data until the last one goes. */
  CHECK_OK(unlink("a"));
  CHECK_EQ(lst("b").st_nlink, 2);
  OK(fstat(fd, &st));
  CHECK_EQ(st.st_nlink, 2);
  read_file("b", buf, sizeof buf);
  CHECK_STR(buf, "Rewritten");
  CHECK_OK(unlink("b"));
  CHECK_EQ(lst("sub/c").st_nlink, 1);
  read_file("sub/c", buf, sizeof buf);
  CHECK_STR(buf, "Rewritten");
  close(fd);

  /* Linking a symlink links the symlink, not its target (linkat without AT_SYMLINK_FOLLOW). */
  CHECK_OK(symlink("sub/c", "sym"));
  CHECK_OK(link("sym", "sym2"));
  st = lst("sym2");
  CHECK(S_ISLNK(st.st_mode));
  CHECK_EQ(st.st_ino, lst("sym").st_ino);
  CHECK_EQ(lst("sub/c").st_nlink, 1);
  /* ... and with symlink_follow (linkat AT_SYMLINK_FOLLOW), the target, found from the link's directory. Sent raw:
   * Debian's wasi-libc (git20220510) linkat() passes the new path as both paths, so it can never work there. */
  relpath_t from = wasi_relpath("sym"), to = wasi_relpath("followed");
  CHECK_WASI(__wasi_path_link(from.dirfd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, from.rel, to.dirfd, to.rel), 0);
  CHECK(S_ISREG(lst("followed").st_mode));
  CHECK_EQ(lst("followed").st_ino, lst("sub/c").st_ino);
  CHECK_EQ(lst("sub/c").st_nlink, 2);

  /* Errors. */
  touch("x");
  CHECK_ERRNO(link("x", "sub/c"), EEXIST);
  CHECK_ERRNO(link("x", "sub"), EEXIST);
  CHECK_ERRNO(link("missing", "y"), ENOENT);
  CHECK_ERRNO(link("x", "missing_dir/y"), ENOENT);
  CHECK_ERRNO(link("x/", "y"), ENOTDIR);
  /* Directories cannot be hard-linked (Linux link(2): EPERM). */
  CHECK_ERRNO(link("sub", "sub2"), EPERM);
  CHECK(!exists("y") && !exists("sub2"));
  return ok();
}
