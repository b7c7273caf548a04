/*
 * many_files N [DIR]: creates N small files (default 1000) in DIR (default a fresh /tmp/many_files.XXXXXXXX),
 * stats each one (checking its size), then unlinks them all and removes the directory if it created it.
 * Prints "created N, stat N, unlinked N" and exits 0; exits 1 on the first error. Helper for the runtime tests and
 * the metadata benchmarks (directory lookups must not be linear in the directory size).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
  char dir[256], path[512];
  int own = argc <= 2;
  if (own) {
    mkdir("/tmp", 0777);
    snprintf(dir, sizeof dir, "/tmp/many_files.%08x", (unsigned)arc4random());
    if (mkdir(dir, 0777) != 0) {
      fprintf(stderr, "mkdir %s: %s\n", dir, strerror(errno));
      return 1;
    }
  } else {
    snprintf(dir, sizeof dir, "%s", argv[2]);
  }
  for (long i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/f%07ld", dir, i);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
      fprintf(stderr, "create %s: %s\n", path, strerror(errno));
      return 1;
    }
    char data[32];
    int len = snprintf(data, sizeof data, "%ld", i);
    if (write(fd, data, (size_t)len) != len || close(fd) != 0) {
      fprintf(stderr, "write %s: %s\n", path, strerror(errno));
      return 1;
    }
  }
  for (long i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/f%07ld", dir, i);
    struct stat st;
    char data[32];
    if (stat(path, &st) != 0) {
      fprintf(stderr, "stat %s: %s\n", path, strerror(errno));
      return 1;
    }
    if (st.st_size != snprintf(data, sizeof data, "%ld", i)) {
      fprintf(stderr, "stat %s: size %lld\n", path, (long long)st.st_size);
      return 1;
    }
  }
  for (long i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/f%07ld", dir, i);
    if (unlink(path) != 0) {
      fprintf(stderr, "unlink %s: %s\n", path, strerror(errno));
      return 1;
    }
  }
  if (own && rmdir(dir) != 0) {
    fprintf(stderr, "rmdir %s: %s\n", dir, strerror(errno));
    return 1;
  }
  printf("created %ld, stat %ld, unlinked %ld\n", n, n, n);
  return 0;
}
