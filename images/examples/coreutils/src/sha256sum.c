// sha256sum [-c] [FILE]...: SHA-256 digests in GNU's format ("HASH  NAME", "-" for stdin); -c checks a list.
#include "workdir.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct { uint32_t h[8]; uint64_t len; uint8_t buf[64]; size_t used; } sha256;

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void block(sha256 *s, const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void init(sha256 *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->len = 0;
  s->used = 0;
}

static void update(sha256 *s, const uint8_t *p, size_t n) {
  s->len += n;
  if (s->used) {
    size_t take = 64 - s->used < n ? 64 - s->used : n;
    memcpy(s->buf + s->used, p, take);
    s->used += take; p += take; n -= take;
    if (s->used < 64) return;
    block(s, s->buf);
    s->used = 0;
  }
  for (; n >= 64; p += 64, n -= 64) block(s, p);
  memcpy(s->buf, p, n);
  s->used = n;
}

static void final(sha256 *s, char hex[65]) {
  uint64_t bits = s->len * 8;
  uint8_t pad[72] = {0x80};
  size_t padlen = (s->used < 56 ? 56 : 120) - s->used;
  for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
  update(s, pad, padlen + 8);
  for (int i = 0; i < 8; i++) snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

/** Hashes a file ("-": stdin) into hex; prints the error and returns 1 on failure. */
static int hash_file(const char *name, char hex[65]) {
  static uint8_t buf[65536];
  int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "sha256sum: %s: %s\n", name, strerror(errno));
    return 1;
  }
  sha256 s;
  init(&s);
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fprintf(stderr, "sha256sum: %s: %s\n", name, strerror(errno));
      if (fd != 0) close(fd);
      return 1;
    }
    if (n == 0) break;
    update(&s, buf, (size_t)n);
  }
  if (fd != 0) close(fd);
  final(&s, hex);
  return 0;
}

static int check(const char *list) {
  FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
  if (!f) {
    fprintf(stderr, "sha256sum: %s: %s\n", list, strerror(errno));
    return 1;
  }
  char line[8192];
  unsigned long failed = 0, unreadable = 0, improper = 0, good = 0;
  while (fgets(line, sizeof line, f)) {
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    if (len == 0) continue;
    int valid = len > 66 && line[64] == ' ' && (line[65] == ' ' || line[65] == '*');
    for (int i = 0; valid && i < 64; i++) valid = strchr("0123456789abcdefABCDEF", line[i]) != NULL;
    if (!valid) { improper++; continue; }
    const char *name = line + 66;
    char hex[65];
    if (hash_file(name, hex)) {
      printf("%s: FAILED open or read\n", name);
      unreadable++;
      continue;
    }
    int ok = strncasecmp(hex, line, 64) == 0;
    printf("%s: %s\n", name, ok ? "OK" : "FAILED");
    if (ok) good++; else failed++;
  }
  if (f != stdin) fclose(f);
  if (improper) fprintf(stderr, "sha256sum: WARNING: %lu line%s improperly formatted\n", improper, improper == 1 ? " is" : "s are");
  if (unreadable) fprintf(stderr, "sha256sum: WARNING: %lu listed file%s could not be read\n", unreadable, unreadable == 1 ? "" : "s");
  if (failed) fprintf(stderr, "sha256sum: WARNING: %lu computed checksum%s did NOT match\n", failed, failed == 1 ? "" : "s");
  if (good + failed + unreadable == 0) {
    fprintf(stderr, "sha256sum: %s: no properly formatted checksum lines found\n", list);
    return 1;
  }
  return failed || unreadable ? 1 : 0;
}

int main(int argc, char **argv) {
  int checking = 0, i = 1, status = 0;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (argv[i][0] != '-' || argv[i][1] == '\0') break;
    if (strcmp(argv[i], "--check") == 0) { checking = 1; continue; }
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'c') checking = 1;
      else if (*p == 'b' || *p == 't') {} /* binary/text: the same on this platform */
      else {
        fprintf(stderr, "sha256sum: invalid option -- '%c'\nusage: sha256sum [-c] [FILE]...\n", *p);
        return 1;
      }
    }
  }
  if (i == argc) argv[--i] = "-";
  for (; i < argc; i++) {
    if (checking) {
      status |= check(argv[i]);
      continue;
    }
    char hex[65];
    if (hash_file(argv[i], hex)) { status = 1; continue; }
    printf("%s  %s\n", hex, argv[i]);
  }
  return status;
}
