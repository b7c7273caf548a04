/*
 * clock_sleep: poll_oneoff clock subscriptions as libc uses them. nanosleep/usleep/sleep sleep at least as long as
 * asked (and not absurdly longer); clock_nanosleep with TIMER_ABSTIME on both clocks wakes at the deadline (some
 * hosts spin or idle forever on absolute sleeps) and returns at once for a deadline in the past; poll() with no fds
 * is a sleep; several clock subscriptions wake on the earliest; zero subscriptions is EINVAL.
 * Reference: wasmtime p1_poll_oneoff_files (timeouts), p1_sleep, p1_sched_yield; p1.rs poll_oneoff.
 */
#include <poll.h>
#include <sched.h>

#include "check.h"

#define MS 1000000LL
#define SEC 1000000000LL

/* Elapsed CLOCK_MONOTONIC ns since `start`. */
static int64_t since(int64_t start) { return now_ns(CLOCK_MONOTONIC) - start; }

int main(void) {
  int64_t t;

  t = now_ns(CLOCK_MONOTONIC);
  struct timespec req = {0, 50 * MS}, rem = {9, 9};
  CHECK_OK(nanosleep(&req, &rem));
  CHECK(since(t) >= 50 * MS);
  CHECK(since(t) < 3 * SEC);

  t = now_ns(CLOCK_MONOTONIC);
  CHECK_OK(usleep(20000));
  CHECK(since(t) >= 20 * MS);
  CHECK(since(t) < 3 * SEC);

  t = now_ns(CLOCK_MONOTONIC);
  CHECK_EQ(sleep(0), 0);
  struct timespec zero = {0, 0};
  CHECK_OK(nanosleep(&zero, NULL));
  CHECK(since(t) < 1 * SEC);

  /* Absolute deadlines, monotonic and realtime.
   * wasmtime: wakes at the deadline; uvwasi differs (an absolute sleep never returns: the run hangs here). */
  t = now_ns(CLOCK_MONOTONIC);
  struct timespec deadline = {(time_t)((t + 30 * MS) / SEC), (long)((t + 30 * MS) % SEC)};
  CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
  CHECK(now_ns(CLOCK_MONOTONIC) >= t + 30 * MS);
  CHECK(since(t) < 3 * SEC);

  int64_t r = now_ns(CLOCK_REALTIME);
  t = now_ns(CLOCK_MONOTONIC);
  deadline.tv_sec = (time_t)((r + 30 * MS) / SEC);
  deadline.tv_nsec = (long)((r + 30 * MS) % SEC);
  CHECK_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &deadline, NULL), 0);
  CHECK(now_ns(CLOCK_REALTIME) >= r + 30 * MS);
  CHECK(since(t) >= 20 * MS);
  CHECK(since(t) < 3 * SEC);

  /* A deadline in the past returns at once. */
  t = now_ns(CLOCK_MONOTONIC);
  deadline.tv_sec = (time_t)(t / SEC - 10);
  deadline.tv_nsec = 0;
  CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
  r = now_ns(CLOCK_REALTIME) - 3600 * SEC;
  deadline.tv_sec = (time_t)(r / SEC);
  CHECK_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &deadline, NULL), 0);
  CHECK(since(t) < 1 * SEC);

  /* poll() with no descriptors is a sleep. */
  t = now_ns(CLOCK_MONOTONIC);
  CHECK_EQ(poll(NULL, 0, 30), 0);
  CHECK(since(t) >= 30 * MS);
  CHECK(since(t) < 3 * SEC);

  /* Raw poll_oneoff: with two clocks the earlier one fires first, alone, with its userdata.
   * wasmtime: waits for the 20 ms one; uvwasi differs (returns at once). */
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 111;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 2 * SEC;
  subs[1].userdata = 222;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 20 * MS;
  __wasi_event_t events[2];
  memset(events, 0xff, sizeof events);
  __wasi_size_t n = 0;
  t = now_ns(CLOCK_MONOTONIC);
  CHECK_WASI(__wasi_poll_oneoff(subs, events, 2, &n), 0);
  CHECK(since(t) >= 20 * MS);
  CHECK(since(t) < 1900 * MS);
  CHECK_EQ(n, 1);
  CHECK_EQ(events[0].userdata, 222);
  CHECK_EQ(events[0].type, __WASI_EVENTTYPE_CLOCK);
  CHECK_EQ(events[0].error, 0);

  /* An absolute monotonic subscription. */
  subs[0].u.u.clock.timeout = (__wasi_timestamp_t)(now_ns(CLOCK_MONOTONIC) + 25 * MS);
  subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  t = now_ns(CLOCK_MONOTONIC);
  CHECK_WASI(__wasi_poll_oneoff(subs, events, 1, &n), 0);
  CHECK_EQ(n, 1);
  CHECK_EQ(events[0].userdata, 111);
  CHECK(since(t) >= 15 * MS);
  CHECK(since(t) < 3 * SEC);

  /* No subscriptions: EINVAL (wasmtime: "indefinite sleeping is not supported"). */
  CHECK_WASI(__wasi_poll_oneoff(subs, events, 0, &n), __WASI_ERRNO_INVAL);

  /* sched_yield always succeeds. */
  CHECK_EQ(sched_yield(), 0);
  CHECK_WASI(__wasi_sched_yield(), 0);
  return ok();
}
