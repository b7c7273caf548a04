/*
 * file_rw PATH MIB: writes a MIB-mebibyte file (default 16) at PATH in 4 KiB writes, closes it, reads it back in
 * 4 KiB reads and verifies every byte. Prints "wrote N MiB, read N MiB" and exits 0, or reports the first mismatch
 * and exits 1. The file is left in place (a bind-mount test can look at it from the host). Helper for the runtime
 * tests and the filesystem benchmarks (growing a file chunk by chunk must not be quadratic).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096

static void fill(unsigned char *buf, long block) {
  for (int i = 0; i < BLOCK; i++) buf[i] = (unsigned char)((block * 31 + i) & 0xff);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: file_rw PATH [MIB]\n");
    return 2;
  }
  const char *path = argv[1];
  long mib = argc > 2 ? strtol(argv[2], NULL, 10) : 16;
  long blocks = mib * (1024 * 1024 / BLOCK);
  unsigned char buf[BLOCK], got[BLOCK];

  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    fprintf(stderr, "open %s for writing: %s\n", path, strerror(errno));
    return 1;
  }
  for (long b = 0; b < blocks; b++) {
    fill(buf, b);
    if (write(fd, buf, BLOCK) != BLOCK) {
      fprintf(stderr, "write block %ld: %s\n", b, strerror(errno));
      return 1;
    }
  }
  if (close(fd) != 0) {
    fprintf(stderr, "close: %s\n", strerror(errno));
    return 1;
  }

  fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "open %s for reading: %s\n", path, strerror(errno));
    return 1;
  }
  for (long b = 0; b < blocks; b++) {
    size_t have = 0;
    while (have < BLOCK) {
      ssize_t n = read(fd, got + have, BLOCK - have);
      if (n <= 0) {
        fprintf(stderr, "read block %ld: %s\n", b, n == 0 ? "unexpected end of file" : strerror(errno));
        return 1;
      }
      have += (size_t)n;
    }
    fill(buf, b);
    if (memcmp(buf, got, BLOCK) != 0) {
      fprintf(stderr, "data mismatch in block %ld\n", b);
      return 1;
    }
  }
  if (read(fd, got, 1) != 0) {
    fprintf(stderr, "file is longer than written\n");
    return 1;
  }
  close(fd);
  printf("wrote %ld MiB, read %ld MiB\n", mib, mib);
  return 0;
}
