/*
 * cat_stdin: copies stdin to stdout line by line until end of input, flushing after every line, so the host sees
 * each line as soon as it is written (before stdin is closed). Prints nothing extra. Helper for the runtime tests
 * (interactive `run -i`, attach, pipes).
 */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (fwrite(line, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout) != 0) {
      perror("write");
      return 1;
    }
  }
  if (ferror(stdin)) {
    perror("read");
    return 1;
  }
  free(line);
  return 0;
}
