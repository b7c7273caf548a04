/*
 * chmod() and realpath() for SQLite's shell on wasm32-wasi (see wasi-compat.h). The shell calls them from its
 * fileio extension (writefile(), the realpath() SQL function, .archive): they must link, and behave sensibly.
 * And the start in the container's working directory, as the coreutils example does (src/workdir.h).
 */
#include "wasi-compat.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * wasi-libc keeps the current directory itself and starts every program at "/"; the engine passes the container's
 * WorkingDir (`wasmbox run -w`, the image's WORKDIR) only as $PWD. Entering it before main makes `sqlite3 x.db`
 * open the file where Docker would.
 */
__attribute__((constructor)) static void enter_workdir(void) {
  const char *pwd = getenv("PWD");
  if (pwd != NULL && pwd[0] == '/') (void)chdir(pwd);
}

/* WASI preview1 has no permission bits: succeed for an existing file (the mode is what it is), as a no-op. */
int chmod(const char *path, mode_t mode) {
  (void)mode;
  struct stat st;
  return stat(path, &st);
}

/* Appends the component [name, name+len) to the absolute path `out` (length *n), handling "." and "..". */
static void push_component(char *out, size_t *n, const char *name, size_t len) {
  if (len == 0 || (len == 1 && name[0] == '.')) return;
  if (len == 2 && name[0] == '.' && name[1] == '.') {
    while (*n > 1 && out[*n - 1] != '/') (*n)--;
    if (*n > 1) (*n)--; /* drop the slash too, but keep the root */
    out[*n] = '\0';
    return;
  }
  if (*n > 1) out[(*n)++] = '/';
  memcpy(out + *n, name, len);
  *n += len;
  out[*n] = '\0';
}

/*
 * The absolute, normalized form of `path` (relative paths from getcwd()), which must exist. Symlinks are not
 * resolved: the shell only uses it to print and compare paths.
 */
char *realpath(const char *path, char *resolved) {
  if (path == NULL || path[0] == '\0') {
    errno = path == NULL ? EINVAL : ENOENT;
    return NULL;
  }
  char buf[PATH_MAX];
  size_t n = 1;
  buf[0] = '/';
  buf[1] = '\0';
  if (path[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL) return NULL;
    if (strlen(cwd) + strlen(path) + 2 > sizeof buf) {
      errno = ENAMETOOLONG;
      return NULL;
    }
    for (const char *p = cwd; *p;) {
      size_t len = strcspn(p, "/");
      push_component(buf, &n, p, len);
      p += len + (p[len] == '/');
    }
  } else if (strlen(path) + 1 > sizeof buf) {
    errno = ENAMETOOLONG;
    return NULL;
  }
  for (const char *p = path; *p;) {
    size_t len = strcspn(p, "/");
    push_component(buf, &n, p, len);
    p += len + (p[len] == '/');
  }
  struct stat st;
  if (stat(buf, &st) != 0) return NULL;
  if (resolved == NULL) return strdup(buf);
  memcpy(resolved, buf, n + 1);
  return resolved;
}
