/**
 * The WASI host under real wasi-libc programs and the real container VFS (no worker): C compiled at test time with
 * Debian's clang, skipped when the toolchain is missing. These cover what libc builds on the ABI: readdir's buffer
 * retry, isatty, stdio buffering, lseek/ftell, nanosleep through poll_oneoff, stat, symlinks, rename.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContainerFs } from '../vfs/container-fs.ts';
import { RecordingIo } from './test-kit.ts';
import { WasiHost } from './wasi-host.ts';

const haveClang = existsSync('/usr/bin/clang') && existsSync('/usr/lib/wasm32-wasi/crt1-command.o');
const dir = mkdtempSync(join(tmpdir(), 'wasi-libc-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile(name: string, source: string): WebAssembly.Module {
  writeFileSync(join(dir, `${name}.c`), source);
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', join(dir, `${name}.wasm`), join(dir, `${name}.c`)]);
  return new WebAssembly.Module(readFileSync(join(dir, `${name}.wasm`)));
}

function exec(module: WebAssembly.Module, options: { args?: string[]; io?: RecordingIo } = {}) {
  const io = options.io ?? new RecordingIo();
  const vfs = createContainerFs({ lowers: [], mounts: [], workdir: '/work', quotaBytes: 1 << 30 });
  const host = new WasiHost({ args: ['prog', ...(options.args ?? [])], env: ['GREETING=hi'], vfs, io });
  const code = host.start(new WebAssembly.Instance(module, host.imports));
  return { code, out: io.text(), err: io.text('stderr'), io };
}

const FS_PROGRAM = String.raw`
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno); exit(1); } } while (0)

int main(int argc, char **argv) {
  CHECK(argc == 2 && strcmp(argv[1], "arg") == 0);
  CHECK(strcmp(getenv("GREETING"), "hi") == 0);
  CHECK(!isatty(0) && !isatty(1) && errno == ENOTTY);

  CHECK(mkdir("/work/d", 0755) == 0);
  CHECK(chdir("/work/d") == 0);
  char name[64];
  for (int i = 0; i < 300; i++) {            /* many entries: libc's readdir refills its buffer with cookies */
    snprintf(name, sizeof name, "file-with-a-longish-name-%03d", i);
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, name, strlen(name)) == (ssize_t)strlen(name));
    CHECK(close(fd) == 0);
  }
  DIR *d = opendir(".");
  CHECK(d != NULL);
  int count = 0, dots = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) dots++;
    else { CHECK(e->d_type == DT_REG); count++; }
  }
  CHECK(closedir(d) == 0);
  CHECK(count == 300 && dots == 2);

  FILE *f = fopen("stdio.txt", "w+");
  CHECK(f != NULL);
  CHECK(fprintf(f, "hello %d\n", 42) == 9);
  CHECK(ftell(f) == 9);
  CHECK(fseek(f, 6, SEEK_SET) == 0);
  char buf[32] = {0};
  CHECK(fgets(buf, sizeof buf, f) != NULL && strcmp(buf, "42\n") == 0);
  CHECK(fclose(f) == 0);

  struct stat st;
  CHECK(stat("stdio.txt", &st) == 0 && st.st_size == 9 && S_ISREG(st.st_mode) && st.st_nlink == 1);
  CHECK(symlink("stdio.txt", "link") == 0);
  CHECK(lstat("link", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK(stat("link", &st) == 0 && S_ISREG(st.st_mode));
  CHECK(readlink("link", buf, sizeof buf) == 9 && memcmp(buf, "stdio.txt", 9) == 0);
  CHECK(open("link", O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP);
  CHECK(rename("stdio.txt", "renamed.txt") == 0);
  CHECK(access("stdio.txt", F_OK) == -1 && errno == ENOENT);
  CHECK(unlink("renamed.txt") == 0 && unlink("link") == 0);
  CHECK(rmdir("/work/d") == -1 && errno == ENOTEMPTY);
  CHECK(open("/work/d/nope/x", O_RDONLY) == -1 && errno == ENOENT);

  int fd = open("append.txt", O_CREAT | O_WRONLY | O_APPEND, 0644);
  CHECK(write(fd, "ab", 2) == 2 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "cd", 2) == 2);
  CHECK(lseek(fd, 0, SEEK_CUR) == 4 && lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL);
  CHECK(close(fd) == 0 && close(fd) == -1 && errno == EBADF);
  CHECK(lseek(1, 0, SEEK_CUR) == -1 && errno == ESPIPE);

  struct timespec t0, t1, req = {0, 20 * 1000 * 1000};
  CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
  CHECK(nanosleep(&req, NULL) == 0);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  CHECK(ms >= 19 && ms < 1000);

  char line[64];
  CHECK(fgets(line, sizeof line, stdin) != NULL && strcmp(line, "from stdin\n") == 0);
  CHECK(fgets(line, sizeof line, stdin) == NULL && feof(stdin));
  printf("ok\n");
  return 7;
}
`;

describe.skipIf(!haveClang)('wasi-libc programs on the real VFS', () => {
  it('exercises directories, stdio files, links, seek, sleep and stdin', () => {
    const module = compile('fs', FS_PROGRAM);
    const { code, out, err } = exec(module, { args: ['arg'], io: new RecordingIo('from stdin\n') });
    expect(err).toBe('');
    expect(out).toBe('ok\n');
    expect(code).toBe(7);
  });

  it('writes 100k small lines to stdout quickly, one sink call per write', () => {
    const module = compile(
      'lines',
      String.raw`
#include <unistd.h>
int main(void) {
  for (int i = 0; i < 100000; i++) write(1, "line\n", 5);
  return 0;
}`,
    );
    const io = new RecordingIo();
    let bytes = 0;
    let calls = 0;
    io.stdout.write = (src: Uint8Array) => {
      bytes += src.length;
      calls++;
    };
    const t0 = performance.now();
    expect(exec(module, { io }).code).toBe(0);
    const ms = performance.now() - t0;
    expect(bytes).toBe(500_000);
    expect(calls).toBe(100_000);
    expect(ms).toBeLessThan(5000); // ~40 ms on a quiet machine; generous for loaded CI
  });

  it('isatty is true on a tty and libc line-buffers stdout there', () => {
    const module = compile(
      'tty',
      String.raw`
#include <stdio.h>
#include <unistd.h>
int main(void) {
  printf("a\n");
  printf("b\n");
  return isatty(1) ? 0 : 1;
}`,
    );
    const io = new RecordingIo();
    io.tty = true;
    const { code } = exec(module, { io });
    expect(code).toBe(0);
    expect(io.stdoutChunks.map((c) => new TextDecoder().decode(c))).toEqual(['a\n', 'b\n']);
  });
});
