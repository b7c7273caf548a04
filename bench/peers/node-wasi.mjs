// Peer: Node's built-in node:wasi (preview1), the baseline of every ratio.
// Filesystem: a real temporary directory preopened as `/`. Stdout: a file descriptor of /dev/null for timed runs
// (the cheapest sink there is: the kernel drops the bytes), a temporary file when the output is checked; with
// `stdoutSink: 'pipe'`, this process's own stdout, a pipe the bench parent drains (bytes delivered to a reader).
import { WASI } from 'node:wasi';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const name = 'node:wasi';
export const concurrent = false;

export async function createPeer({ stdoutSink = 'null' } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'node-wasi-'));
  const devNull = stdoutSink === 'pipe' ? 1 : openSync('/dev/null', 'w');
  const noInput = openSync('/dev/null', 'r');
  const errPath = join(root, '.stderr');
  return {
    prepare: (bytes) => WebAssembly.compile(bytes),
    run(module, { argv0, args, capture }) {
      const outPath = join(root, '.stdout');
      const stdout = capture ? openSync(outPath, 'w+') : devNull;
      const stderr = openSync(errPath, 'w+');
      try {
        const wasi = new WASI({
          version: 'preview1',
          args: [argv0, ...args],
          env: {},
          preopens: { '/': root },
          stdin: noInput,
          stdout,
          stderr,
          returnOnExit: true,
        });
        const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport });
        const code = wasi.start(instance);
        return { code, stdout: capture ? readFileSync(outPath, 'latin1') : null, stderr: readFileSync(errPath, 'utf8') };
      } finally {
        if (capture) closeSync(stdout);
        closeSync(stderr);
      }
    },
    close() {
      if (devNull !== 1) closeSync(devNull);
      closeSync(noInput);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
