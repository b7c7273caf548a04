/*
 * clocks [HOST_NOW_MS]: clock_time_get and clock_res_get. CLOCK_REALTIME is the real time (within 60 s of the
 * host's Date.now() when the runner passes it, and after 2020 in any case) and agrees with time() and
 * gettimeofday(); CLOCK_MONOTONIC never goes backwards, advances across a sleep and ticks finer than 1 ms;
 * resolutions are positive and at most 1 ms; an unknown clock id is EINVAL.
 * Reference: wasmtime p1_clock_time_get, cli_default_clocks; p1.rs clock_time_get/clock_res_get.
 */
#include <sys/time.h>

#include "check.h"

#define MS 1000000LL
#define SEC 1000000000LL

int main(int argc, char **argv) {
  int64_t real = now_ns(CLOCK_REALTIME);
  CHECK(real > 1577836800LL * SEC); /* 2020-01-01 */
  CHECK(real < 4102444800LL * SEC); /* 2100-01-01 */
  if (argc > 1) {
    int64_t host = strtoll(argv[1], NULL, 10) * MS;
    int64_t d = real > host ? real - host : host - real;
    if (d > 60 * SEC) FAIL("CLOCK_REALTIME is %lld ms away from the host's clock", (long long)(d / MS));
  }
  time_t t = time(NULL);
  CHECK(t >= real / SEC - 1 && t <= real / SEC + 2);
  struct timeval tv;
  CHECK_OK(gettimeofday(&tv, NULL));
  int64_t tv_ns = (int64_t)tv.tv_sec * SEC + (int64_t)tv.tv_usec * 1000;
  CHECK(tv_ns >= real - SEC && tv_ns <= real + 2 * SEC);

  /* Monotonic: never backwards over many reads. */
  int64_t prev = now_ns(CLOCK_MONOTONIC);
  for (int i = 0; i < 100000; i++) {
    int64_t now = now_ns(CLOCK_MONOTONIC);
    if (now < prev) FAIL("CLOCK_MONOTONIC went back from %lld to %lld", (long long)prev, (long long)now);
    prev = now;
  }
  /* It ticks finer than a millisecond: the first change seen is less than 1 ms. */
  int64_t a = now_ns(CLOCK_MONOTONIC), b;
  while ((b = now_ns(CLOCK_MONOTONIC)) == a) {
  }
  CHECK(b - a < MS);
  /* Across a 50 ms sleep both clocks advance about 50 ms. */
  int64_t m0 = now_ns(CLOCK_MONOTONIC), r0 = now_ns(CLOCK_REALTIME);
  sleep_ms(50);
  int64_t m1 = now_ns(CLOCK_MONOTONIC), r1 = now_ns(CLOCK_REALTIME);
  CHECK(m1 - m0 >= 50 * MS);
  CHECK(m1 - m0 < 5 * SEC);
  CHECK(r1 - r0 >= 40 * MS);
  CHECK(r1 - r0 < 5 * SEC);

  /* Resolutions. */
  struct timespec res;
  CHECK_OK(clock_getres(CLOCK_REALTIME, &res));
  CHECK(ts_ns(res) > 0 && ts_ns(res) <= MS);
  CHECK_OK(clock_getres(CLOCK_MONOTONIC, &res));
  CHECK(ts_ns(res) > 0 && ts_ns(res) <= MS);

  /* Raw: the same values, and an unknown clock id is EINVAL (wasmtime: invalid enum value). */
  __wasi_timestamp_t ts, r;
  CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &ts), 0);
  CHECK((int64_t)ts >= m1);
  CHECK_WASI(__wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &r), 0);
  CHECK(r > 0);
  CHECK_WASI(__wasi_clock_time_get(99, 1, &ts), __WASI_ERRNO_INVAL);
  CHECK_WASI(__wasi_clock_res_get(99, &r), __WASI_ERRNO_INVAL);
  return ok();
}
