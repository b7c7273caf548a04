/*
 * readdir_many: a directory with 1000 entries. readdir returns every name exactly once (plus "." and ".."),
 * telldir/seekdir return to the same entry, rewinddir starts over, and the raw fd_readdir cookie protocol works
 * with a buffer far too small for the directory: a full buffer is returned as exactly buf_len bytes (the last
 * entry cut off), the caller resumes from the last complete entry's d_next, and a cookie past the end gives 0
 * bytes. Non-ASCII names come back byte for byte with d_namlen in bytes (a host counting UTF-16 units fails).
 * Reference: wasmtime p1_fd_readdir (test_fd_readdir_lots, _unicode_boundary, _past_end); p1.rs fd_readdir.
 */
#include <dirent.h>

#include "check.h"

#define N 1000

static int index_of(const char *name) {
  if (strncmp(name, "file.", 5) != 0) return -1;
  char *end;
  long i = strtol(name + 5, &end, 10);
  return *end == '\0' && i >= 0 && i < N ? (int)i : -1;
}

/* Reads the whole directory with fd_readdir and a `buf_len`-byte buffer; counts each name in `seen`. */
static int raw_list(int fd, size_t buf_len, int *seen, int *dots) {
  unsigned char *buf = OK_PTR(malloc(buf_len));
  __wasi_dircookie_t cookie = 0;
  int total = 0;
  for (int rounds = 0;; rounds++) {
    CHECK(rounds < 100000);
    __wasi_size_t used;
    CHECK_WASI(__wasi_fd_readdir(fd, buf, buf_len, cookie, &used), 0);
    CHECK(used <= buf_len);
    size_t off = 0;
    int complete = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + off, sizeof d);
      if (off + sizeof d + d.d_namlen > used) break; /* cut off: resume from the previous entry's d_next */
      char name[300];
      CHECK(d.d_namlen < sizeof name);
      memcpy(name, buf + off + sizeof d, d.d_namlen);
      name[d.d_namlen] = '\0';
      int i = index_of(name);
      if (i >= 0) seen[i]++;
      else if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) (*dots)++;
      else FAIL("unexpected name \"%s\"", name);
      cookie = d.d_next;
      off += sizeof d + d.d_namlen;
      complete++;
      total++;
    }
    if (used < buf_len) break; /* a short buffer means the end */
    CHECK(complete > 0);       /* the buffer holds at least one entry, or we would loop forever */
  }
  free(buf);
  return total;
}

int main(void) {
  enter_scratch("readdir_many");
  char name[64];
  static int seen[N];
  for (int i = 0; i < N; i++) {
    snprintf(name, sizeof name, "file.%d", i);
    int fd = OK(open(name, O_WRONLY | O_CREAT | O_EXCL, 0644));
    OK(close(fd));
  }

  /* readdir: each name once. */
  // wasmtime: "." and ".." are listed (1002 entries); uvwasi differs (1000)
  DIR *d = OK_PTR(opendir("."));
  struct dirent *e;
  int dots = 0, total = 0;
  long mark = -1;
  char marked_name[64] = "";
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    total++;
    int i = index_of(e->d_name);
    if (i >= 0) seen[i]++;
    else if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) dots++;
    else FAIL("unexpected name \"%s\"", e->d_name);
    if (total == 500) {
      /* telldir here: the next readdir after seekdir(mark) must return the entry after this one. */
      mark = telldir(d);
      CHECK(mark >= 0);
      struct dirent *next = readdir(d);
      CHECK(next != NULL);
      snprintf(marked_name, sizeof marked_name, "%s", next->d_name);
      total++;
      i = index_of(next->d_name);
      if (i >= 0) seen[i]++;
      else dots++;
    }
  }
  CHECK_EQ(errno, 0);
  CHECK_EQ(total, N + 2);
  CHECK_EQ(dots, 2);
  for (int i = 0; i < N; i++)
    if (seen[i] != 1) FAIL("file.%d seen %d times", i, seen[i]);

  seekdir(d, mark);
  e = readdir(d);
  CHECK(e != NULL);
  CHECK_STR(e->d_name, marked_name);

  rewinddir(d);
  total = 0;
  while (readdir(d) != NULL) total++;
  CHECK_EQ(total, N + 2);
  OK(closedir(d));

  /* Raw fd_readdir with a 256-byte buffer (wasmtime's BUF_LEN) and with a tiny 40-byte one. */
  int dfd = OK(open(".", O_RDONLY | O_DIRECTORY));
  size_t sizes[] = {256, 40, 1 << 20};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    memset(seen, 0, sizeof seen);
    dots = 0;
    CHECK_EQ(raw_list(dfd, sizes[s], seen, &dots), N + 2);
    CHECK_EQ(dots, 2);
    for (int i = 0; i < N; i++)
      if (seen[i] != 1) FAIL("buffer %zu: file.%d seen %d times", sizes[s], i, seen[i]);
  }

  /* A cookie past the last entry returns nothing (wasmtime test_fd_readdir_past_end). */
  unsigned char buf[256];
  __wasi_size_t used;
  CHECK_WASI(__wasi_fd_readdir(dfd, buf, sizeof buf, 1000000, &used), 0);
  CHECK_EQ(used, 0);
  close(dfd);

  for (int i = 0; i < N; i++) {
    snprintf(name, sizeof name, "file.%d", i);
    OK(unlink(name));
  }

  /* Non-ASCII names: grow the buffer one byte at a time until the entry appears whole; its bytes and d_namlen
   * must match the UTF-8 name exactly (wasmtime test_fd_readdir_unicode_boundary). */
  const char *uname = "Действие-日本-😀";
  touch(uname);
  dfd = OK(open(".", O_RDONLY | O_DIRECTORY));
  int found = 0;
  for (size_t len = 0; len < 512 && !found; len++) {
    unsigned char big[512];
    CHECK_WASI(__wasi_fd_readdir(dfd, big, len, 0, &used), 0);
    CHECK(used <= len);
    size_t off = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t de;
      memcpy(&de, big + off, sizeof de);
      if (off + sizeof de + de.d_namlen > used) break;
      if (de.d_namlen == strlen(uname) && memcmp(big + off + sizeof de, uname, de.d_namlen) == 0) found = 1;
      off += sizeof de + de.d_namlen;
    }
  }
  CHECK(found);
  close(dfd);
  d = OK_PTR(opendir("."));
  found = 0;
  while ((e = readdir(d)) != NULL) found += strcmp(e->d_name, uname) == 0;
  CHECK_EQ(found, 1);
  closedir(d);
  return ok();
}
