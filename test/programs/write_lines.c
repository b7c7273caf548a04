/*
 * write_lines N: prints N lines (default 10) "line 1" ... "line N" through stdio (fully buffered when stdout is not
 * a terminal). Helper for the runtime tests (log capture, ordering, large output, backpressure).
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10;
  for (long i = 1; i <= n; i++) printf("line %ld\n", i);
  return 0;
}
