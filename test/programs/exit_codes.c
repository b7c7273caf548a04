/*
 * exit_codes MODE: ends the process in one specific way; the runner checks the reported reason and code.
 *   exit3         exit(3)                            -> exit, code 3
 *   return42      return 42 from main                -> exit, code 42
 *   exit0_flush   printf without newline, exit(0)    -> exit, code 0, stdout "flushed"
 *   proc_exit7    raw proc_exit(7), no libc cleanup  -> exit, code 7
 *   abort         abort()                            -> trap
 *   trap          __builtin_trap() (unreachable)     -> trap
 *   oob           store far outside linear memory    -> trap
 *   stack         unbounded recursion                -> trap (never a host crash)
 * Any other MODE exits 2 with a usage message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static volatile int sink;

__attribute__((noinline)) static int recurse(int n) {
  volatile char pad[32];
  pad[n & 31] = (char)n;
  return recurse(n + 1) + pad[(n + 1) & 31] + sink;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "exit3") == 0) exit(3);
  if (strcmp(mode, "return42") == 0) return 42;
  if (strcmp(mode, "exit0_flush") == 0) {
    printf("flushed");
    exit(0);
  }
  if (strcmp(mode, "proc_exit7") == 0) __wasi_proc_exit(7);
  if (strcmp(mode, "abort") == 0) abort();
  if (strcmp(mode, "trap") == 0) __builtin_trap();
  if (strcmp(mode, "oob") == 0) {
    volatile int *p = (volatile int *)(uintptr_t)0xfffffff0u;
    *p = 1;
    return 0;
  }
  if (strcmp(mode, "stack") == 0) return recurse(0);
  fprintf(stderr, "usage: exit_codes exit3|return42|exit0_flush|proc_exit7|abort|trap|oob|stack\n");
  return 2;
}
