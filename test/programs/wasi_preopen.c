/*
 * wasi_preopen: the preopened root (fd_prestat_get, fd_prestat_dir_name, fd_fdstat_get on a preopen, fd_close).
 * fd 3 is a directory preopen named "/" with the rights userlands expect; every preopen's name is absolute;
 * a name buffer that is too small is ENAMETOOLONG, a larger one is fine; non-preopens are EBADF; opening "." with
 * write rights is EISDIR; and a preopen can be closed like any descriptor.
 * Reference: wasmtime p1_path_open_preopen, p1_dir_fd_op_failures, p1_close_preopen; p1.rs fd_prestat_*.
 */
#include "check.h"

/* The rights wasmtime reports on a preopened directory, which userlands (wasi-libc, Rust std) rely on. */
#define DIR_BASE_RIGHTS                                                                                          \
  (__WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_LINK_SOURCE |        \
   __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR |                         \
   __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_RENAME_TARGET |           \
   __WASI_RIGHTS_PATH_SYMLINK | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_UNLINK_FILE |           \
   __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_FILESTAT_GET |     \
   __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)
#define DIR_INHERITING_RIGHTS                                                                                    \
  (DIR_BASE_RIGHTS | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK |                 \
   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_WRITE |    \
   __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |                    \
   __WASI_RIGHTS_POLL_FD_READWRITE)

int main(void) {
  __wasi_prestat_t pre;
  char name[64];

  /* fd 3 is the root preopen. */
  CHECK_WASI(__wasi_fd_prestat_get(3, &pre), 0);
  CHECK_EQ(pre.tag, __WASI_PREOPENTYPE_DIR);
  CHECK_EQ(pre.u.dir.pr_name_len, 1);
  memset(name, '#', sizeof name);
  CHECK_WASI(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, pre.u.dir.pr_name_len), 0);
  CHECK_EQ(name[0], '/');
  CHECK_EQ(name[1], '#'); /* exactly pr_name_len bytes, no NUL */
  /* A bigger buffer works; a too-small one is ENAMETOOLONG (wasmtime p1_dir_fd_op_failures). */
  CHECK_WASI(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, sizeof name), 0);
  CHECK_EQ(name[0], '/');
  // wasmtime: ENAMETOOLONG; uvwasi differs (ENOBUFS)
  CHECK_WASI(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, 0), __WASI_ERRNO_NAMETOOLONG);

  /* All preopens (fds 3.. until EBADF) are directories with absolute names. */
  int count = 0;
  for (__wasi_fd_t fd = 3;; fd++) {
    if (__wasi_fd_prestat_get(fd, &pre) != 0) break;
    CHECK_EQ(pre.tag, __WASI_PREOPENTYPE_DIR);
    CHECK(pre.u.dir.pr_name_len > 0 && pre.u.dir.pr_name_len < sizeof name);
    CHECK_WASI(__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, sizeof name), 0);
    CHECK_EQ(name[0], '/');
    __wasi_fdstat_t st;
    CHECK_WASI(__wasi_fd_fdstat_get(fd, &st), 0);
    CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    count++;
  }
  CHECK(count >= 1);

  /* Not preopens: stdio, an ordinary directory descriptor, an unused number.
   * wasmtime: EBADF; uvwasi differs (EINVAL for open descriptors that are not preopens). */
  CHECK_WASI(__wasi_fd_prestat_get(0, &pre), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_prestat_get(2, &pre), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_prestat_get(4096, &pre), __WASI_ERRNO_BADF);
  __wasi_fd_t dot;
  CHECK_WASI(__wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &dot), 0);
  CHECK_WASI(__wasi_fd_prestat_get(dot, &pre), __WASI_ERRNO_BADF);

  /* The preopen's rights (wasmtime p1_path_open_preopen). */
  __wasi_fdstat_t st;
  CHECK_WASI(__wasi_fd_fdstat_get(3, &st), 0);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  if ((st.fs_rights_base & DIR_BASE_RIGHTS) != DIR_BASE_RIGHTS)
    FAIL("preopen base rights %llx lack %llx", (unsigned long long)st.fs_rights_base,
         (unsigned long long)(DIR_BASE_RIGHTS & ~st.fs_rights_base));
  if ((st.fs_rights_inheriting & DIR_INHERITING_RIGHTS) != DIR_INHERITING_RIGHTS)
    FAIL("preopen inheriting rights %llx lack %llx", (unsigned long long)st.fs_rights_inheriting,
         (unsigned long long)(DIR_INHERITING_RIGHTS & ~st.fs_rights_inheriting));

  /* Opening "." again: with the same rights, with none, as a directory with read; with write it is EISDIR. */
  __wasi_fd_t fd;
  CHECK_WASI(__wasi_path_open(3, 0, ".", 0, st.fs_rights_base, st.fs_rights_inheriting, 0, &fd), 0);
  CHECK_WASI(__wasi_fd_close(fd), 0);
  CHECK_WASI(__wasi_path_open(3, 0, ".", 0, 0, 0, 0, &fd), 0);
  CHECK_WASI(__wasi_fd_close(fd), 0);
  CHECK_WASI(__wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0);
  CHECK_WASI(__wasi_fd_close(fd), 0);
  CHECK_WASI(__wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE,
                              0, 0, &fd),
             __WASI_ERRNO_ISDIR);

  /* A preopen can be closed; afterwards it is gone, while the descriptor opened from it still works. */
  CHECK_WASI(__wasi_fd_close(3), 0);
  CHECK_WASI(__wasi_fd_fdstat_get(3, &st), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_prestat_get(3, &pre), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_fdstat_get(dot, &st), 0);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK_WASI(__wasi_fd_close(dot), 0);
  return ok();
}
