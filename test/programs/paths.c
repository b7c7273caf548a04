/*
 * paths: path resolution. "." and ".." and repeated slashes inside paths, ".." above the root -> EPERM,
 * chdir/getcwd, non-ASCII and unusual names round-trip byte for byte, deep paths, and the raw byte-level rules:
 * a path with a NUL byte -> EINVAL, invalid UTF-8 -> EILSEQ.
 * Reference: wasmtime p1_interesting_paths; p1.rs (GuestError::InvalidUtf8 -> ILSEQ).
 */
#include <dirent.h>

#include "check.h"

/* path_open with an explicit (ptr, len) path, so it can hold a NUL byte. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags, int64_t rights_base,
              int64_t rights_inheriting, int32_t fdflags, int32_t retptr);

static ino_t ino(const char *path) {
  struct stat st = {0};
  CHECK_OK(stat(path, &st));
  return st.st_ino;
}

static int listed(const char *dir, const char *name) {
  DIR *d = OK_PTR(opendir(dir));
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d)) != NULL) n += strcmp(e->d_name, name) == 0;
  closedir(d);
  return n;
}

int main(void) {
  const char *scratch = enter_scratch("paths");
  char buf[600], cwd[600];

  /* Dots and slashes inside a path (wasmtime p1_interesting_paths). */
  OK(mkdir("dir", 0755));
  OK(mkdir("dir/nested", 0755));
  write_file("dir/nested/file", "deep");
  read_file("dir/.//nested/../../dir/nested/../nested///./file", buf, sizeof buf);
  CHECK_STR(buf, "deep");
  CHECK_EQ(ino("./dir/nested/.."), ino("dir"));
  CHECK_EQ(ino("dir//nested"), ino("dir/nested"));

  /* ".." may not climb above the preopened root: EPERM, wasmtime's lexical capability check
   * (p1_interesting_paths), which the wasmbox WASI layer follows. Linux and Docker would stay at "/" instead; either
   * way nothing above the root is reachable. (Symlink targets are the VFS's business: see symlinks.c.)
   * uvwasi differs (stays at "/", as Linux does). */
  struct stat st;
  CHECK_ERRNO(stat("/..", &st), EPERM);
  CHECK_ERRNO(stat("/../../../..", &st), EPERM);
  snprintf(buf, sizeof buf, "/../../..%s/dir", scratch);
  CHECK_ERRNO(stat(buf, &st), EPERM);
  CHECK_ERRNO(open("/../etc/passwd", O_RDONLY), EPERM);
  /* Climbing and coming back down inside the root is fine. */
  snprintf(buf, sizeof buf, "%s/dir/../dir/nested/..", scratch);
  CHECK_EQ(ino(buf), ino("dir"));

  /* chdir/getcwd, and relative paths after chdir. (wasi-libc keeps the cwd as text and does not fold "..", so
   * where the cwd really is gets checked by inode.) */
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  CHECK_STR(cwd, scratch);
  ino_t scratch_ino = ino(".");
  CHECK_OK(chdir("dir/nested"));
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  snprintf(buf, sizeof buf, "%s/dir/nested", scratch);
  CHECK_STR(cwd, buf);
  CHECK_EQ(ino("."), ino(buf));
  read_file("file", buf, sizeof buf);
  CHECK_STR(buf, "deep");
  read_file("../nested/file", buf, sizeof buf);
  CHECK_STR(buf, "deep");
  CHECK_OK(chdir("../.."));
  CHECK_EQ(ino("."), scratch_ino);
  CHECK_ERRNO(chdir("missing"), ENOENT);
  CHECK_ERRNO(chdir("dir/nested/file"), ENOTDIR);
  CHECK_OK(chdir("/"));
  CHECK_EQ(ino("."), ino("/"));
  CHECK_ERRNO(chdir(".."), EPERM); // wasmtime capability check, as above; uvwasi differs (stays at "/")
  CHECK_OK(chdir(scratch));

  /* Names are bytes: non-ASCII, spaces, leading dashes, dots, 255 bytes. */
  const char *names[] = {"Действие", "日本語.txt", "emoji-😀", "with space", "-leading-dash", ".hidden",
                         "..dots..", "tab\there", "back\\slash", "quote\"'"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    write_file(names[i], names[i]);
    read_file(names[i], buf, sizeof buf);
    CHECK_STR(buf, names[i]);
    if (listed(".", names[i]) != 1) FAIL("\"%s\" is not listed exactly once", names[i]);
  }
  char longname[256];
  memset(longname, 'n', 255);
  longname[255] = '\0';
  write_file(longname, "long");
  CHECK_EQ(listed(".", longname), 1);

  /* A deep path: 40 nested directories. */
  char deep[600] = "";
  for (int i = 0; i < 40; i++) {
    strcat(deep, i ? "/d" : "d");
    CHECK_OK(mkdir(deep, 0755));
  }
  strcat(deep, "/leaf");
  write_file(deep, "leaf");
  read_file(deep, buf, sizeof buf);
  CHECK_STR(buf, "leaf");

  /* Raw byte-level rules for path arguments. */
  relpath_t rp = wasi_relpath("dir/nested/file");
  __wasi_fd_t fd;
  CHECK_WASI(__wasi_path_open(rp.dirfd, 0, rp.rel, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0);
  CHECK_OK(close((int)fd));
  /* An embedded NUL is EINVAL, never silently cut to "dir/nested/file" (wasmtime p1_interesting_paths, unix).
   * wasmtime: EINVAL; uvwasi differs (cuts the path at the NUL and opens the file). */
  char with_nul[600];
  size_t len = strlen(rp.rel);
  memcpy(with_nul, rp.rel, len);
  with_nul[len] = '\0';
  CHECK_WASI(raw_path_open(rp.dirfd, 0, (int32_t)(uintptr_t)with_nul, (int32_t)len + 1, 0, __WASI_RIGHTS_FD_READ,
                           0, 0, (int32_t)(uintptr_t)&fd),
             __WASI_ERRNO_INVAL);
  /* Invalid UTF-8 is EILSEQ (wasmtime: GuestError::InvalidUtf8), never replaced with U+FFFD and created.
   * uvwasi differs (creates a file with those bytes). */
  relpath_t sp = wasi_relpath(".");
  char bad[600];
  snprintf(bad, sizeof bad, "%s/bad-\xff\xfe-name", sp.rel);
  CHECK_WASI(__wasi_path_open(sp.dirfd, 0, bad, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
             __WASI_ERRNO_ILSEQ);
  CHECK_WASI(__wasi_path_create_directory(sp.dirfd, bad), __WASI_ERRNO_ILSEQ);
  DIR *d = OK_PTR(opendir("."));
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strncmp(e->d_name, "bad-", 4) == 0) FAIL("a file \"%s\" was created from an invalid UTF-8 name", e->d_name);
  closedir(d);
  return ok();
}
