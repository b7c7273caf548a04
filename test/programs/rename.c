/*
 * rename: path_rename. Files to new names and over files (atomically replacing them), directories to new names and
 * over empty directories, and the errors: file over directory -> EISDIR, directory over file -> ENOTDIR,
 * directory over non-empty directory -> ENOTEMPTY, directory into itself -> EINVAL, missing -> ENOENT. The inode
 * moves with the name, open descriptors keep working, trailing slashes are accepted on directories.
 * Reference: wasmtime p1_path_rename, p1_path_rename_dir_trailing_slashes; POSIX rename(2).
 */
#include "check.h"

static ino_t ino(const char *path) {
  struct stat st;
  OK(lstat(path, &st));
  return st.st_ino;
}

int main(void) {
  enter_scratch("rename");
  char buf[64];
  struct stat st;

  /* A file to a new name: same inode, old name gone; an open descriptor still reads it. */
  write_file("a", "A");
  ino_t a = ino("a");
  int fd = OK(open("a", O_RDONLY));
  CHECK_OK(rename("a", "b"));
  CHECK(!exists("a"));
  CHECK_EQ(ino("b"), a);
  CHECK_EQ(OK(pread(fd, buf, 1, 0)), 1);
  CHECK_EQ(buf[0], 'A');
  close(fd);

  /* Over an existing file: replaced in one step; the old target's data lives on in its open descriptor. */
  write_file("c", "C");
  int cfd = OK(open("c", O_RDONLY));
  CHECK_OK(rename("b", "c"));
  CHECK(!exists("b"));
  CHECK_EQ(ino("c"), a);
  read_file("c", buf, sizeof buf);
  CHECK_STR(buf, "A");
  CHECK_EQ(OK(pread(cfd, buf, 1, 0)), 1);
  CHECK_EQ(buf[0], 'C');
  OK(fstat(cfd, &st));
  CHECK_EQ(st.st_nlink, 0);
  close(cfd);

  /* Into another directory and back. */
  OK(mkdir("dir", 0755));
  CHECK_OK(rename("c", "dir/c"));
  CHECK_EQ(ino("dir/c"), a);
  CHECK_OK(rename("dir/c", "c"));

  /* Renaming a name onto itself (or onto another link to the same file) does nothing. */
  CHECK_OK(rename("c", "c"));
  CHECK_OK(link("c", "c2"));
  CHECK_OK(rename("c", "c2"));
  CHECK(exists("c") && exists("c2"));
  OK(unlink("c2"));

  /* A directory to a new name, with its contents. */
  OK(mkdir("src", 0755));
  write_file("src/inside", "in");
  CHECK_OK(rename("src", "moved"));
  CHECK(!exists("src"));
  read_file("moved/inside", buf, sizeof buf);
  CHECK_STR(buf, "in");

  /* Over an empty directory: replaced. Over a non-empty one: ENOTEMPTY. */
  OK(mkdir("empty", 0755));
  CHECK_OK(rename("moved", "empty"));
  read_file("empty/inside", buf, sizeof buf);
  CHECK_STR(buf, "in");
  OK(mkdir("other", 0755));
  touch("other/file");
  CHECK_ERRNO(rename("empty", "other"), ENOTEMPTY);
  CHECK(exists("empty/inside") && exists("other/file"));

  /* File over directory: EISDIR; directory over file: ENOTDIR (wasmtime p1_path_rename, unix). */
  CHECK_ERRNO(rename("c", "other"), EISDIR);
  CHECK_ERRNO(rename("empty", "c"), ENOTDIR);
  CHECK(exists("c"));

  /* A directory into itself or its own subdirectory: EINVAL. */
  OK(mkdir("empty/child", 0755));
  CHECK_ERRNO(rename("empty", "empty/child/grandchild"), EINVAL);
  CHECK_ERRNO(rename("empty", "empty/new"), EINVAL);
  CHECK(exists("empty/inside"));

  /* Missing source or missing target directory: ENOENT. A file used as a directory: ENOTDIR. */
  CHECK_ERRNO(rename("missing", "x"), ENOENT);
  CHECK_ERRNO(rename("c", "missing_dir/x"), ENOENT);
  CHECK_ERRNO(rename("c/", "x"), ENOTDIR);
  CHECK_ERRNO(rename("c", "other/file/x"), ENOTDIR);
  CHECK(exists("c"));

  /* Trailing slashes on directory names are fine (wasmtime p1_path_rename_dir_trailing_slashes). */
  OK(mkdir("ts", 0755));
  CHECK_OK(rename("ts/", "ts2"));
  CHECK_OK(rename("ts2", "ts3/"));
  CHECK_OK(rename("ts3/", "ts4/"));
  OK(stat("ts4", &st));
  CHECK(S_ISDIR(st.st_mode));

  /* A symlink is renamed as a link; its target is untouched. */
  CHECK_OK(symlink("c", "lnk"));
  CHECK_OK(rename("lnk", "lnk2"));
  OK(lstat("lnk2", &st));
  CHECK(S_ISLNK(st.st_mode));
  CHECK_EQ(ino("c"), a);
  /* A file renamed over a symlink replaces the link, not the link's target. */
  write_file("new", "N");
  CHECK_OK(rename("new", "lnk2"));
  OK(lstat("lnk2", &st));
  CHECK(S_ISREG(st.st_mode));
  read_file("c", buf, sizeof buf);
  CHECK_STR(buf, "A");
  return ok();
}
