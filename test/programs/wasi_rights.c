/*
 * wasi_rights: what fd_fdstat_get reports and what each kind of descriptor refuses. A file's rights follow its open
 * mode; a directory has FD_READDIR but not FD_SEEK; fd_fdstat_set_rights can never add a right (wasmtime
 * answers NOTSUP to every call; older hosts allowed dropping rights, and then the dropped operation must fail);
 * file operations on a directory descriptor are EBADF; a file descriptor as the base of a path is ENOTDIR;
 * stdio rights; fd_advise validation; fd_fdstat_set_flags only on files.
 * Reference: wasmtime p1_path_open_read_write, p1_dir_fd_op_failures, p1_path_open_dirfd_not_dir,
 * p1_fd_advise; p1.rs fd_fdstat_get, fd_fdstat_set_rights, fd_fdstat_set_flags.
 */
#include "check.h"

static __wasi_fdstat_t fdstat(int fd) {
  __wasi_fdstat_t st;
  memset(&st, 0, sizeof st);
  CHECK_WASI(__wasi_fd_fdstat_get((__wasi_fd_t)fd, &st), 0);
  return st;
}

#define HAS(st, right) (((st).fs_rights_base & (right)) == (right))

int main(void) {
  enter_scratch("wasi_rights");
  write_file("file", "0123456789");
  char buf[16];

  /* Rights follow the open mode (wasmtime p1_path_open_read_write). */
  int ro = OK(open("file", O_RDONLY)), wo = OK(open("file", O_WRONLY)), rw = OK(open("file", O_RDWR));
  __wasi_fdstat_t st = fdstat(ro);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK(HAS(st, __WASI_RIGHTS_FD_READ));
  CHECK(!HAS(st, __WASI_RIGHTS_FD_WRITE));
  st = fdstat(wo);
  CHECK(HAS(st, __WASI_RIGHTS_FD_WRITE));
  CHECK(!HAS(st, __WASI_RIGHTS_FD_READ));
  CHECK(!HAS(st, __WASI_RIGHTS_FD_READDIR));
  st = fdstat(rw);
  CHECK(HAS(st, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL));

  /* fd_fdstat_set_rights never grants a right. */
  st = fdstat(ro);
  int r = __wasi_fd_fdstat_set_rights(ro, st.fs_rights_base | __WASI_RIGHTS_FD_WRITE, st.fs_rights_inheriting);
  if (r != __WASI_ERRNO_NOTSUP && r != __WASI_ERRNO_NOTCAPABLE)
    FAIL("adding FD_WRITE with fd_fdstat_set_rights returned %s, expected ENOTSUP (wasmtime) or ENOTCAPABLE",
         errno_name(r));
  CHECK(!HAS(fdstat(ro), __WASI_RIGHTS_FD_WRITE));
  CHECK_ERRNO(write(ro, "x", 1), EBADF);
  /* Dropping a right: wasmtime says ENOTSUP; a host that allows it must then refuse the dropped operation. */
  st = fdstat(rw);
  r = __wasi_fd_fdstat_set_rights(rw, st.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, st.fs_rights_inheriting);
  if (r == 0) {
    CHECK(!HAS(fdstat(rw), __WASI_RIGHTS_FD_WRITE));
    errno = 0;
    CHECK_EQ(write(rw, "x", 1), -1);
    CHECK(errno == ENOTCAPABLE || errno == EBADF);
  } else if (r != __WASI_ERRNO_NOTSUP) {
    FAIL("dropping FD_WRITE with fd_fdstat_set_rights returned %s, expected success or ENOTSUP", errno_name(r));
  }
  CHECK_WASI(__wasi_fd_fdstat_set_rights(9999, 0, 0), __WASI_ERRNO_BADF);

  /* fd_advise: fine on a file, EINVAL for an unknown advice, EBADF on a directory. */
  CHECK_WASI(__wasi_fd_advise(ro, 0, 10, __WASI_ADVICE_SEQUENTIAL), 0);
  CHECK_WASI(__wasi_fd_advise(ro, 0, 0, __WASI_ADVICE_DONTNEED), 0);
  CHECK_WASI(__wasi_fd_advise(ro, 0, 10, 99), __WASI_ERRNO_INVAL);
  close(ro);
  close(wo);

  /* A directory descriptor: FD_READDIR, no FD_SEEK, and every file operation is EBADF (wasmtime
   * p1_dir_fd_op_failures; POSIX would say EISDIR for read).
   * uvwasi differs (ENOTCAPABLE from its rights check, and fd_fdstat_set_flags succeeds). */
  OK(mkdir("dir", 0755));
  int dfd = OK(open("dir", O_RDONLY | O_DIRECTORY));
  st = fdstat(dfd);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK(HAS(st, __WASI_RIGHTS_FD_READDIR));
  CHECK(!HAS(st, __WASI_RIGHTS_FD_SEEK));
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t *)buf, sizeof buf};
  __wasi_size_t n;
  __wasi_filesize_t pos;
  CHECK_WASI(__wasi_fd_read(dfd, &iov, 1, &n), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_pread(dfd, &iov, 1, 0, &n), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_write(dfd, &ciov, 1, &n), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_pwrite(dfd, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_seek(dfd, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_tell(dfd, &pos), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_filestat_set_size(dfd, 0), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_fdstat_set_flags(dfd, __WASI_FDFLAGS_NONBLOCK), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_advise(dfd, 0, 0, __WASI_ADVICE_DONTNEED), __WASI_ERRNO_BADF);
  /* ... while directory operations work on it. */
  __wasi_filestat_t fst;
  CHECK_WASI(__wasi_fd_filestat_get(dfd, &fst), 0);
  CHECK_EQ(fst.filetype, __WASI_FILETYPE_DIRECTORY);
  __wasi_fd_t sub;
  CHECK_WASI(__wasi_path_open(dfd, 0, "new", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &sub), 0);
  CHECK_WASI(__wasi_fd_close(sub), 0);
  CHECK(exists("dir/new"));

  /* A file descriptor as the base of a path: ENOTDIR (wasmtime p1_path_open_dirfd_not_dir). */
  // wasmtime: ENOTDIR; uvwasi differs (ENOTCAPABLE, here and for fd_readdir below)
  CHECK_WASI(__wasi_path_open(rw, 0, "x", 0, 0, 0, 0, &sub), __WASI_ERRNO_NOTDIR);
  /* A file descriptor for directory-only calls: fd_readdir is EBADF (wasmtime get_dir_fd) or ENOTDIR. */
  CHECK_WASI2(__wasi_fd_readdir(rw, (uint8_t *)buf, sizeof buf, 0, &n), __WASI_ERRNO_BADF, __WASI_ERRNO_NOTDIR);
  close(rw);
  close(dfd);

  /* stdio: stdin can be read, stdout and stderr written; none is a file or directory.
   * wasmtime: FD_READ or FD_WRITE only; uvwasi differs (host descriptors with every right). */
  st = fdstat(0);
  CHECK(HAS(st, __WASI_RIGHTS_FD_READ));
  CHECK(!HAS(st, __WASI_RIGHTS_FD_WRITE));
  CHECK(st.fs_filetype != __WASI_FILETYPE_REGULAR_FILE && st.fs_filetype != __WASI_FILETYPE_DIRECTORY);
  for (int fd = 1; fd <= 2; fd++) {
    st = fdstat(fd);
    CHECK(HAS(st, __WASI_RIGHTS_FD_WRITE));
    CHECK(!HAS(st, __WASI_RIGHTS_FD_READ));
    CHECK(st.fs_filetype != __WASI_FILETYPE_REGULAR_FILE && st.fs_filetype != __WASI_FILETYPE_DIRECTORY);
  }
  CHECK_WASI(__wasi_fd_fdstat_get(4096, &st), __WASI_ERRNO_BADF);
  return ok();
}
