/*
 * random: random_get through getentropy, arc4random and the raw call. Bytes are not all zero, successive calls
 * differ, and a 1 MiB request is random to its last byte (crypto.getRandomValues fills at most 64 KiB per call, so
 * a host that forgets to loop leaves the tail zero). A byte histogram over 1 MiB is checked for gross bias.
 * Reference: wasmtime p1_big_random_buf.
 */
#include "check.h"

#define BIG (1 << 20)

static void check_random(const unsigned char *buf, size_t len, const char *what) {
  static size_t count[256];
  memset(count, 0, sizeof count);
  for (size_t i = 0; i < len; i++) count[buf[i]]++;
  /* Each value expects len/256 hits (4096 for 1 MiB, standard deviation ~64): allow a wide margin. */
  for (int v = 0; v < 256; v++) {
    if (count[v] < len / 256 / 2 || count[v] > len / 256 * 2) {
      FAIL("%s: byte value %d appears %zu times in %zu bytes", what, v, count[v], len);
      return;
    }
  }
  /* No 64 KiB stretch anywhere may be all zero. */
  for (size_t off = 0; off + 65536 <= len; off += 65536) {
    size_t zeros = 0;
    for (size_t i = off; i < off + 65536; i++) zeros += buf[i] == 0;
    if (zeros > 65536 / 256 * 2) {
      FAIL("%s: %zu zero bytes in the 64 KiB at offset %zu", what, zeros, off);
      return;
    }
  }
}

int main(void) {
  unsigned char a[256], b[256];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  CHECK_OK(getentropy(a, sizeof a));
  CHECK_OK(getentropy(b, sizeof b));
  CHECK(memcmp(a, b, sizeof a) != 0);
  int nonzero = 0;
  for (size_t i = 0; i < sizeof a; i++) nonzero += a[i] != 0;
  CHECK(nonzero > 200);

  uint32_t r[16];
  int distinct = 0;
  for (int i = 0; i < 16; i++) {
    r[i] = arc4random();
    int dup = 0;
    for (int j = 0; j < i; j++) dup |= r[j] == r[i];
    distinct += !dup;
  }
  CHECK(distinct >= 15);
  CHECK(arc4random_uniform(10) < 10);

  unsigned char *big = OK_PTR(calloc(BIG, 1)), *big2 = OK_PTR(calloc(BIG, 1));
  arc4random_buf(big, BIG);
  check_random(big, BIG, "arc4random_buf");

  /* The raw call: 1 MiB at once, twice, different, random to the end. */
  memset(big, 0, BIG);
  CHECK_WASI(__wasi_random_get(big, BIG), 0);
  check_random(big, BIG, "random_get");
  CHECK_WASI(__wasi_random_get(big2, BIG), 0);
  CHECK(memcmp(big, big2, BIG) != 0);
  CHECK(memcmp(big + BIG - 4096, big2 + BIG - 4096, 4096) != 0);
  /* An unaligned, odd-sized request fills exactly its bytes. */
  memset(big, 0xA5, 1000);
  CHECK_WASI(__wasi_random_get(big + 1, 997), 0);
  CHECK_EQ(big[0], 0xA5);
  CHECK_EQ(big[998], 0xA5);
  CHECK_EQ(big[999], 0xA5);
  /* Zero bytes is fine. */
  CHECK_WASI(__wasi_random_get(big, 0), 0);
  return ok();
}
