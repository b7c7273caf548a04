/*
 * args_env: prints its arguments and environment, one per line, byte for byte:
 *   argc=N
 *   argv[0]=...      (one line per argument)
 *   environ[0]=K=V   (one line per variable, in the order the host gave them)
 * Helper for the runtime tests (image Cmd/Entrypoint/Env, `run -e`, argument quoting).
 */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  for (int i = 0; environ[i] != NULL; i++) printf("environ[%d]=%s\n", i, environ[i]);
  return 0;
}
