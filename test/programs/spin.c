/*
 * spin: an infinite tight loop with no syscalls. Helper for the runtime tests: the host must still be able to kill
 * it (timeout, `docker kill`), which only works if termination does not depend on the guest calling into the host.
 */
#include <stdio.h>

int main(void) {
  volatile unsigned long counter = 0;
  puts("spinning");
  fflush(stdout);
  for (;;) counter++;
}
