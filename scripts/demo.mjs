// `npm run demo`: runs the bundled example programs and example images through the wasmbox CLI, each in its own
// container, in the terminal (`npm start` serves the playground page instead).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const fixture = (name) => join(root, '.cache/fixtures', `${name}.wasm`);
const shared = mkdtempSync(join(tmpdir(), 'wasmbox-demo-'));

const steps = [
  ['hello', ['run', fixture('hello')]],
  ['args and env', ['run', '-e', 'WHO=wasmbox', fixture('args_env'), 'one', 'two']],
  ['stdin streamed with -i', ['run', '-i', fixture('cat_stdin')], 'piped through stdin\n'],
  ['a host directory mounted at /data: the file lands on the host', ['run', '-v', `${shared}:/data`, fixture('file_rw'), '/data/blob.bin', '4']],
  ['a 1 s timeout on a program that spins forever (exit 137)', ['run', '--timeout', '1s', fixture('spin')]],
  ['a 32 MiB memory cap on a program that wants 256 MiB', ['run', '--memory', '32m', fixture('alloc'), '256']],
  ['the example images in the local store (built by npm run images)', ['images']],
  ['an image: its Cmd is `ls -l /`', ['run', 'wasmbox/coreutils']],
  ['arguments after the image replace its Cmd; stdin with -i', ['run', '-i', 'wasmbox/coreutils', 'wc', '-l'], 'one\ntwo\nthree\n'],
  ['a host directory mounted into an image container', ['run', '-v', `${shared}:/data`, 'wasmbox/coreutils', 'sha256sum', '/data/blob.bin']],
];
for (const [title, args, input] of steps) {
  console.log(`\n$ wasmbox ${args.map((a) => a.replace(root, '')).join(' ')}    # ${title}`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: [input ? 'pipe' : 'inherit', 'inherit', 'inherit'], input });
  console.log(`(exit ${result.status})`);
}
console.log(`\nhost side: ${join(shared, 'blob.bin')} is ${statSync(join(shared, 'blob.bin')).size} bytes`);
rmSync(shared, { recursive: true, force: true });
