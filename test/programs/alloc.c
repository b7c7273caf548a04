/*
 * alloc MIB: mallocs MIB mebibytes (default 16) in 1 MiB chunks, writing to every page of each chunk so the memory
 * is really committed. Prints "allocated N MiB" and exits 0 on success; if malloc fails, prints
 * "allocation failed after N MiB" and still exits 0 (failing malloc is the expected outcome under a memory limit,
 * as opposed to a trap). Helper for the runtime tests (memory limits, OOM reporting).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1024 * 1024)

/* The chunks form a list reachable from a volatile global, so the compiler cannot elide the allocations. */
static void *volatile head;

int main(int argc, char **argv) {
  long want = argc > 1 ? strtol(argv[1], NULL, 10) : 16;
  long got = 0;
  for (; got < want; got++) {
    unsigned char *p = malloc(CHUNK);
    if (p == NULL) {
      printf("allocation failed after %ld MiB\n", got);
      return 0;
    }
    for (size_t i = 0; i < CHUNK; i += 4096) p[i] = (unsigned char)(i >> 12);
    p[CHUNK - 1] = 1;
    *(void **)p = head;
    head = p;
  }
  printf("allocated %ld MiB\n", got);
  return 0;
}
