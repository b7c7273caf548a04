/*
 * sleep MS: sleeps MS milliseconds (default 1000) with nanosleep (poll_oneoff on a relative clock), then prints
 * "slept MS ms". Helper for the runtime tests: a sleeping guest must stay killable and must not burn CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
    if (errno != EINTR) {
      perror("nanosleep");
      return 1;
    }
  }
  printf("slept %ld ms\n", ms);
  return 0;
}
