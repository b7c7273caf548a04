/*
 * image_file PATH [OFFSET TEXT]: prints "size=N fnv=HEX" for the file at PATH (64-bit FNV-1a of its bytes, read in
 * 4 KiB reads). With OFFSET and TEXT, first writes TEXT at OFFSET without truncating (O_RDWR, pwrite), then prints
 * the line for the changed file. Exits 1 with the errno name on failure. Helper for the image tests: files of image
 * layers read on demand, and written (copied up) without changing the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what) {
  printf("%s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2 && argc != 4) {
    fprintf(stderr, "usage: image_file PATH [OFFSET TEXT]\n");
    return 2;
  }
  int fd = open(argv[1], argc == 4 ? O_RDWR : O_RDONLY);
  if (fd < 0) return fail("open");
  if (argc == 4) {
    const char *text = argv[3];
    if (pwrite(fd, text, strlen(text), atol(argv[2])) != (ssize_t)strlen(text)) return fail("pwrite");
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  unsigned char buf[4096];
  long long size = 0;
  off_t at = 0;
  for (;;) {
    ssize_t n = pread(fd, buf, sizeof buf, at);
    if (n < 0) return fail("read");
    if (n == 0) break;
    for (ssize_t i = 0; i < n; i++) hash = (hash ^ buf[i]) * 0x100000001b3ULL;
    size += n;
    at += n;
  }
  close(fd);
  printf("size=%lld fnv=%016llx\n", size, (unsigned long long)hash);
  return 0;
}
