/* hello: the smallest guest. Prints "hello from wasm" and exits 0. Helper for the runtime tests. */
#include <stdio.h>

int main(void) {
  puts("hello from wasm");
  return 0;
}
