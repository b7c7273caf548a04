/*
 * cli_args_env: arguments and environment arrive byte for byte (args_get, environ_get and their *_sizes_get).
 * The runner passes exactly these arguments and variables; this program compares them with its own copies (so a
 * host that sizes strings in UTF-16 units, drops empty strings or splits on "=" fails here) and prints them, one
 * per line, for the runner to compare on its side:
 *   args:  "" "héllo wörld" "日本語 😀" "two words" "--flag=a=b"
 *   env:   EMPTY="" UNICODE="ünï©ødé ✓" WITH_EQ="a=b=c" BIG=<100000 times 'x'>
 * It also checks that the host's own environment did not leak in (WASMBOX_CONFORMANCE_CANARY, set by the runner
 * in its own process) and that the raw sizes match what libc received.
 * Reference: wasmtime cli_args, cli_env, cli_large_env.
 */
#include "check.h"

extern char **environ;

static const char *const ARGS[] = {"", "héllo wörld", "日本語 😀", "two words", "--flag=a=b"};
#define NARGS (int)(sizeof ARGS / sizeof ARGS[0])

int main(int argc, char **argv) {
  CHECK_EQ(argc, NARGS + 1);
  CHECK(argv[0] != NULL);
  for (int i = 0; i < NARGS && i + 1 < argc; i++) CHECK_STR(argv[i + 1], ARGS[i]);
  CHECK(argv[argc] == NULL);

  CHECK_STR(getenv("EMPTY"), "");
  CHECK_STR(getenv("UNICODE"), "ünï©ødé ✓");
  CHECK_STR(getenv("WITH_EQ"), "a=b=c");
  const char *big = getenv("BIG");
  CHECK(big != NULL);
  if (big != NULL) {
    CHECK_EQ(strlen(big), 100000);
    CHECK(strspn(big, "x") == 100000);
  }
  /* Deny by default: the host process's environment is not the guest's. */
  CHECK(getenv("WASMBOX_CONFORMANCE_CANARY") == NULL);

  /* The raw sizes agree with the strings: count, and bytes including each NUL. */
  __wasi_size_t argc_raw, argv_size;
  CHECK_WASI(__wasi_args_sizes_get(&argc_raw, &argv_size), 0);
  CHECK_EQ(argc_raw, argc);
  size_t bytes = 0;
  for (int i = 0; i < argc; i++) bytes += strlen(argv[i]) + 1;
  CHECK_EQ(argv_size, bytes);
  __wasi_size_t envc_raw, env_size;
  CHECK_WASI(__wasi_environ_sizes_get(&envc_raw, &env_size), 0);
  size_t envc = 0;
  bytes = 0;
  for (char **e = environ; *e != NULL; e++, envc++) bytes += strlen(*e) + 1;
  CHECK_EQ(envc_raw, envc);
  CHECK_EQ(env_size, bytes);
  /* Fetch the raw arrays again: the same bytes. */
  char **raw_argv = OK_PTR(calloc(argc_raw + 1, sizeof(char *)));
  char *raw_buf = OK_PTR(malloc(argv_size));
  CHECK_WASI(__wasi_args_get((uint8_t **)raw_argv, (uint8_t *)raw_buf), 0);
  for (int i = 0; i < argc; i++) CHECK_STR(raw_argv[i], argv[i]);

  /* Print them for the runner (arguments after argv[0], then the variables above, in a fixed order). */
  for (int i = 1; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]);
  printf("env EMPTY=%s\n", getenv("EMPTY") ? getenv("EMPTY") : "(unset)");
  printf("env UNICODE=%s\n", getenv("UNICODE") ? getenv("UNICODE") : "(unset)");
  printf("env WITH_EQ=%s\n", getenv("WITH_EQ") ? getenv("WITH_EQ") : "(unset)");
  printf("env BIG length=%zu\n", big ? strlen(big) : 0);
  return ok();
}
