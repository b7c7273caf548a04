// hello: the smallest useful image. Prints a greeting, its arguments, and where it runs.
#include <stdio.h>

int main(int argc, char **argv) {
  printf("Hello from wasmbox!\n");
  printf("This program is WebAssembly (wasm32-wasi), running in a container built from images/examples/hello.\n");
  for (int i = 1; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
  return 0;
}
