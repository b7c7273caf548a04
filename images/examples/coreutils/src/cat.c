// cat [-n] [FILE]...: concatenates files ("-" or none: stdin) to stdout; -n numbers lines as GNU cat does.
#include "workdir.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int number = 0, at_line_start = 1;
static unsigned long line_no = 0;

static int write_all(const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(1, buf, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

static int copy(int fd, const char *name) {
  static char buf[65536];
  static char out[65536 * 2 + 64];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
      return 1;
    }
    if (n == 0) return 0;
    if (!number) {
      if (write_all(buf, (size_t)n) < 0) return 1;
      continue;
    }
    size_t o = 0;
    for (ssize_t i = 0; i < n; i++) {
      if (at_line_start) {
        o += (size_t)snprintf(out + o, 32, "%6lu\t", ++line_no);
        at_line_start = 0;
      }
      out[o++] = buf[i];
      if (buf[i] == '\n') at_line_start = 1;
      if (o > sizeof out - 64) {
        if (write_all(out, o) < 0) return 1;
        o = 0;
      }
    }
    if (write_all(out, o) < 0) return 1;
  }
}

int main(int argc, char **argv) {
  int status = 0, files = 0, i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (argv[i][0] != '-' || argv[i][1] == '\0') break;
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'n') number = 1;
      else if (*p == 'u') {} /* unbuffered: always */
      else {
        fprintf(stderr, "cat: invalid option -- '%c'\nusage: cat [-nu] [FILE]...\n", *p);
        return 1;
      }
    }
  }
  for (; i < argc; i++, files++) {
    if (strcmp(argv[i], "-") == 0) {
      status |= copy(0, "-");
      continue;
    }
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    status |= copy(fd, argv[i]);
    close(fd);
  }
  if (files == 0) status |= copy(0, "-");
  return status;
}
