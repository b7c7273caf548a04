// Included by every program: start in the container's working directory.
// wasi-libc keeps the current directory itself and starts every program at "/"; the engine passes the container's
// WorkingDir (`wasmbox run -w`, the image's WORKDIR) only as $PWD. So relative paths mean what they mean in Docker,
// each program enters $PWD before main, as a shell would have put it there.
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void enter_workdir(void) {
  const char *pwd = getenv("PWD");
  if (pwd != NULL && pwd[0] == '/') (void)chdir(pwd);
}
