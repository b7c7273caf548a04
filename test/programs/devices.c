/*
 * devices: the character devices every container has. /dev/null swallows writes and reads as empty, /dev/zero
 * reads as zeros (overwriting whatever was in the buffer), /dev/urandom reads as random bytes to the end of a
 * large read; all three are character devices listed in /dev.
 * Reference: docker's default /dev; POSIX null(4), zero(4), random(4).
 */
#include <dirent.h>

#include "check.h"

int main(void) {
  unsigned char buf[4096], buf2[4096];
  struct stat st;
  const char *devs[] = {"/dev/null", "/dev/zero", "/dev/urandom"};
  for (int i = 0; i < 3; i++) {
    CHECK_OK(stat(devs[i], &st));
    if (!S_ISCHR(st.st_mode)) FAIL("%s is not a character device (mode %o)", devs[i], (unsigned)st.st_mode);
  }

  /* /dev/null */
  int fd = OK(open("/dev/null", O_RDWR));
  memset(buf, 'a', sizeof buf);
  CHECK_EQ(OK(write(fd, buf, sizeof buf)), (long long)sizeof buf);
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), 0);
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), 0);
  OK(fstat(fd, &st));
  CHECK(S_ISCHR(st.st_mode));
  close(fd);
  FILE *f = OK_PTR(fopen("/dev/null", "w"));
  CHECK(fprintf(f, "discarded %d\n", 42) > 0);
  CHECK_EQ(fclose(f), 0);
  /* Opening it with O_CREAT|O_TRUNC, as shells do for "> /dev/null", works and leaves it a device. */
  fd = OK(open("/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644));
  CHECK_EQ(OK(write(fd, "x", 1)), 1);
  close(fd);
  CHECK_OK(stat("/dev/null", &st));
  CHECK(S_ISCHR(st.st_mode));

  /* /dev/zero */
  fd = OK(open("/dev/zero", O_RDWR));
  memset(buf, 0xA5, sizeof buf);
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), (long long)sizeof buf);
  for (size_t i = 0; i < sizeof buf; i++)
    if (buf[i] != 0) {
      FAIL("/dev/zero byte %zu is %d", i, buf[i]);
      break;
    }
  CHECK_EQ(OK(write(fd, "x", 1)), 1);
  close(fd);

  /* /dev/urandom: random, different each read, to the end of a 1 MiB read. */
  fd = OK(open("/dev/urandom", O_RDONLY));
  CHECK_EQ(OK(read(fd, buf, sizeof buf)), (long long)sizeof buf);
  CHECK_EQ(OK(read(fd, buf2, sizeof buf2)), (long long)sizeof buf2);
  CHECK(memcmp(buf, buf2, sizeof buf) != 0);
  size_t zeros = 0;
  for (size_t i = 0; i < sizeof buf; i++) zeros += buf[i] == 0;
  CHECK(zeros < 64);
  enum { BIG = 1 << 20 };
  unsigned char *big = OK_PTR(calloc(BIG, 1));
  size_t got = 0;
  while (got < BIG) {
    ssize_t n = OK(read(fd, big + got, BIG - got));
    CHECK(n > 0);
    if (n <= 0) break;
    got += (size_t)n;
  }
  zeros = 0;
  for (size_t i = BIG - 65536; i < BIG; i++) zeros += big[i] == 0;
  CHECK(zeros < 65536 / 256 * 2);
  close(fd);

  /* /dev lists them. */
  DIR *d = OK_PTR(opendir("/dev"));
  int found = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    found += strcmp(e->d_name, "null") == 0 || strcmp(e->d_name, "zero") == 0 || strcmp(e->d_name, "urandom") == 0;
  closedir(d);
  CHECK_EQ(found, 3);
  return ok();
}
