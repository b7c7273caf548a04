/*
 * stdin_lines [N]: reads stdin line by line (getline) and echoes each line as "> LINE" (the final line may lack a
 * newline; it is echoed with one), then prints "lines=N". Checks that exactly N lines arrived when N is given,
 * that end of input is sticky (read returns 0 again and again, feof is set), and prints "ok". The runner compares
 * the echoed lines with what it fed in, so bytes (UTF-8, empty lines, CR) must pass through unchanged.
 * Reference: wasmtime cli_stdin, cli_stdin_empty.
 */
#include "check.h"

int main(int argc, char **argv) {
  long expected = argc > 1 ? strtol(argv[1], NULL, 10) : -1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  long count = 0;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    count++;
    if (line[n - 1] == '\n') line[--n] = '\0';
    printf("> %s\n", line);
  }
  CHECK(!ferror(stdin));
  CHECK(feof(stdin));
  free(line);
  char c;
  CHECK_EQ(OK(read(0, &c, 1)), 0);
  CHECK_EQ(OK(read(0, &c, 1)), 0);
  printf("lines=%ld\n", count);
  if (expected >= 0) CHECK_EQ(count, expected);
  return ok();
}
