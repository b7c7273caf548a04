// echo [-neE] [STRING]...: as GNU echo (-e interprets \\ \a \b \c \e \f \n \r \t \v \0NNN).
#include "workdir.h"
#include <stdio.h>
#include <string.h>

static int flags(const char *arg, int *newline, int *escapes) {
  if (arg[0] != '-' || arg[1] == '\0') return 0;
  for (const char *p = arg + 1; *p; p++)
    if (!strchr("neE", *p)) return 0;
  for (const char *p = arg + 1; *p; p++) {
    if (*p == 'n') *newline = 0;
    else if (*p == 'e') *escapes = 1;
    else *escapes = 0;
  }
  return 1;
}

/** Prints s with escapes; returns 0 when \c asked to stop all output. */
static int put_escaped(const char *s) {
  for (; *s; s++) {
    if (*s != '\\' || s[1] == '\0') { putchar(*s); continue; }
    char c = *++s;
    switch (c) {
      case '\\': putchar('\\'); break;
      case 'a': putchar('\a'); break;
      case 'b': putchar('\b'); break;
      case 'c': return 0;
      case 'e': putchar(27); break;
      case 'f': putchar('\f'); break;
      case 'n': putchar('\n'); break;
      case 'r': putchar('\r'); break;
      case 't': putchar('\t'); break;
      case 'v': putchar('\v'); break;
      case '0': {
        int v = 0;
        for (int i = 0; i < 3 && s[1] >= '0' && s[1] <= '7'; i++) v = v * 8 + (*++s - '0');
        putchar(v);
        break;
      }
      default: putchar('\\'); putchar(c);
    }
  }
  return 1;
}

int main(int argc, char **argv) {
  int newline = 1, escapes = 0, i = 1;
  while (i < argc && flags(argv[i], &newline, &escapes)) i++;
  for (int first = 1; i < argc; i++, first = 0) {
    if (!first) putchar(' ');
    if (escapes) {
      if (!put_escaped(argv[i])) return 0;
    } else {
      fputs(argv[i], stdout);
    }
  }
  if (newline) putchar('\n');
  return 0;
}
