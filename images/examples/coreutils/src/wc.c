// wc [-lwc] [FILE]...: newline, word and byte counts ("-" or none: stdin), laid out as GNU wc lays them out.
#include "workdir.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts { unsigned long long lines, words, bytes; int ok; };

static int count(int fd, const char *name, struct counts *c) {
  static unsigned char buf[65536];
  int in_word = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
      return 1;
    }
    if (n == 0) return 0;
    c->bytes += (unsigned long long)n;
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == '\n') c->lines++;
      if (isspace(buf[i])) in_word = 0;
      else if (!in_word) { in_word = 1; c->words++; }
    }
  }
}

static int show_lines, show_words, show_bytes, width;

static void print(const struct counts *c, const char *name) {
  const char *sep = "";
  if (show_lines) { printf("%*llu", width, c->lines); sep = " "; }
  if (show_words) { printf("%s%*llu", sep, width, c->words); sep = " "; }
  if (show_bytes) { printf("%s%*llu", sep, width, c->bytes); }
  if (name) printf(" %s", name);
  putchar('\n');
}

int main(int argc, char **argv) {
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (argv[i][0] != '-' || argv[i][1] == '\0') break;
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'l') show_lines = 1;
      else if (*p == 'w') show_words = 1;
      else if (*p == 'c') show_bytes = 1;
      else {
        fprintf(stderr, "wc: invalid option -- '%c'\nusage: wc [-lwc] [FILE]...\n", *p);
        return 1;
      }
    }
  }
  if (!show_lines && !show_words && !show_bytes) show_lines = show_words = show_bytes = 1;
  int nfiles = argc - i;
  const char *stdin_only[] = {"-"};
  const char **names = nfiles > 0 ? (const char **)argv + i : stdin_only;
  if (nfiles == 0) nfiles = 1;

  static struct counts results[4096];
  if (nfiles > 4096) { fprintf(stderr, "wc: too many files\n"); return 1; }
  struct counts total = {0, 0, 0, 1};
  int status = 0, irregular = 0;
  unsigned long long size_sum = 0;
  for (int f = 0; f < nfiles; f++) {
    struct counts *c = &results[f];
    int fd = strcmp(names[f], "-") == 0 ? 0 : open(names[f], O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "wc: %s: %s\n", names[f], strerror(errno));
      status = 1;
      continue;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) size_sum += (unsigned long long)st.st_size;
    else irregular = 1;
    c->ok = count(fd, names[f], c) == 0;
    if (!c->ok) status = 1;
    if (fd != 0) close(fd);
    total.lines += c->lines;
    total.words += c->words;
    total.bytes += c->bytes;
  }
  // GNU: one number for one input needs no padding; otherwise the width of the total size, at least 7 when an
  // input's size is unknown (stdin, a pipe).
  if (show_lines + show_words + show_bytes == 1 && nfiles == 1) width = 1;
  else {
    width = 1;
    for (unsigned long long v = size_sum; v >= 10; v /= 10) width++;
    if (irregular && width < 7) width = 7;
  }
  for (int f = 0; f < nfiles; f++)
    if (results[f].ok) print(&results[f], argc - i > 0 ? names[f] : NULL);
  if (nfiles > 1) print(&total, "total");
  return status;
}
