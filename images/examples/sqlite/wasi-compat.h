/*
 * What SQLite's shell.c uses from POSIX that Debian's wasi-libc does not declare or define: chmod() (WASI
 * preview1 has no permission bits) and realpath(). Force-included into shell.c (-include), defined in wasi-compat.c.
 */
#ifndef WASMBOX_SQLITE_WASI_COMPAT_H
#define WASMBOX_SQLITE_WASI_COMPAT_H
#include <sys/types.h>

int chmod(const char *path, mode_t mode);
char *realpath(const char *path, char *resolved);

#endif
