/*
 * escape [MOUNT [PATH...]]: tries every way a guest could reach files outside its container and reports what it
 * saw, one line per attempt, "<op> <path>\t<result>":
 *   list <dir>\tOK name1,name2,...  (sorted; "." and ".." left out)   or   list <dir>\tERR <ERRNO>
 *   read <file>\tOK <first 64 bytes, non-printable bytes as \xNN>      or   read <file>\tERR <ERRNO>
 *   same <a> <b>\tyes|no|ERR <ERRNO>   (whether a and b are the same directory: same dev and inode)
 *   symlink <link> -> <target>\tOK|ERR <ERRNO>
 * Attempts: "/.." and deeper "../" chains from the root; the same from MOUNT (whose ".." must be the mount point's
 * parent inside the container, never the host directory's parent); absolute and relative symlinks created inside
 * MOUNT that point "up" and at "/"; /proc/self and friends; and every PATH given (read, or list if a directory).
 * Always exits 0: the runner decides what counts as an escape (no host-only name or content may appear).
 * Helper for the runtime isolation tests.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    printf("list %s\tERR %s\n", dir, errno_name(errno));
    return;
  }
  char *names[4096];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 4096) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("list %s\tOK ", dir);
  for (size_t i = 0; i < n; i++) {
    printf("%s%s", i ? "," : "", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static void read_some(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("read %s\tERR %s\n", path, errno_name(errno));
    return;
  }
  unsigned char buf[64];
  ssize_t n = read(fd, buf, sizeof buf);
  int e = errno;
  close(fd);
  if (n < 0) {
    printf("read %s\tERR %s\n", path, errno_name(e));
    return;
  }
  printf("read %s\tOK ", path);
  for (ssize_t i = 0; i < n; i++) {
    if (buf[i] >= 0x20 && buf[i] < 0x7f && buf[i] != '\\') putchar(buf[i]);
    else printf("\\x%02x", buf[i]);
  }
  printf("\n");
}

static void same(const char *a, const char *b) {
  struct stat sa, sb;
  if (stat(a, &sa) != 0 || stat(b, &sb) != 0) {
    printf("same %s %s\tERR %s\n", a, b, errno_name(errno));
    return;
  }
  printf("same %s %s\t%s\n", a, b, sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino ? "yes" : "no");
}

static void make_symlink(const char *target, const char *link) {
  unlink(link);
  if (symlink(target, link) != 0) printf("symlink %s -> %s\tERR %s\n", link, target, errno_name(errno));
  else printf("symlink %s -> %s\tOK\n", link, target);
}

static void probe(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) list(path);
  else read_some(path);
}

int main(int argc, char **argv) {
  char path[1024];

  /* From the root: ".." must stay at the root (chroot semantics), however many there are. */
  list("/");
  list("/..");
  list("/../../../../../..");
  same("/", "/..");
  same("/", "/../../../../../..");

  /* /proc and friends do not exist in a wasmbox container; if they did they must not lead to the host. */
  probe("/proc/self");
  probe("/proc/self/root");
  read_some("/proc/self/environ");
  read_some("/proc/1/root/etc/hostname");
  read_some("/etc/hostname");
  read_some("/etc/passwd");

  if (argc > 1) {
    const char *mount = argv[1];
    char parent[1024];
    snprintf(parent, sizeof parent, "%s", mount);
    char *slash = strrchr(parent, '/');
    if (slash == parent) parent[1] = '\0';
    else if (slash != NULL) *slash = '\0';

    list(mount);
    snprintf(path, sizeof path, "%s/..", mount);
    list(path);
    same(path, parent);
    snprintf(path, sizeof path, "%s/../../../../../../..", mount);
    list(path);
    same(path, "/");

    /* Symlinks created inside the mount: resolved by the container, never by the host. */
    char link[1024];
    snprintf(link, sizeof link, "%s/escape_abs", mount);
    make_symlink("/", link);
    list(link);
    snprintf(link, sizeof link, "%s/escape_up", mount);
    make_symlink("../../../../../../../../..", link);
    list(link);
    snprintf(link, sizeof link, "%s/escape_etc", mount);
    make_symlink("/etc", link);
    probe(link);
    snprintf(link, sizeof link, "%s/escape_etc/hostname", mount);
    read_some(link);
    snprintf(link, sizeof link, "%s/escape_passwd", mount);
    make_symlink("../../../../../../../../../etc/passwd", link);
    read_some(link);
  }

  for (int i = 2; i < argc; i++) probe(argv[i]);
  return 0;
}
