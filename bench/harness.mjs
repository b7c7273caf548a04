// bench harness: runs one task in a child process (bench/child.mjs) under a time limit.
// Resolves { ok: true, result } or { ok: false, reason } — never rejects, so one broken peer cannot stop the bench.
//
// node:wasi in Node 20 crashes (SIGSEGV) at random after some thousands of WASI instances, through V8 fast API calls
// into its C++ syscalls (nodejs/node#52402, #53087). A task that dies that way is rerun once with
// --no-turbo-fast-api-calls, and the rerun is listed in `retries` so the report can say so.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

export const retries = [];

/** Children put their scratch files (node:wasi's preopened directory) under one directory that `cleanup` removes,
 *  so a child killed at its time limit leaves nothing behind. */
const scratch = mkdtempSync(join(tmpdir(), 'wasmbox-bench-'));
export const cleanup = () => rmSync(scratch, { recursive: true, force: true });

export async function runTask(task, timeoutMs) {
  const outcome = await runOnce(task, timeoutMs);
  if (outcome.ok || outcome.signal !== 'SIGSEGV') return outcome;
  const flag = '--no-turbo-fast-api-calls';
  retries.push({ peer: task.peer, kind: task.kind, wasm: task.wasm, flag });
  return runOnce({ ...task, execArgv: [...(task.execArgv ?? []), flag] }, timeoutMs);
}

function runOnce(task, timeoutMs) {
  return new Promise((resolve) => {
    const child = fork(CHILD, [JSON.stringify(task)], {
      execArgv: ['--no-warnings', ...(task.execArgv ?? [])],
      // drainStdout: the child's stdout is a pipe this process reads and discards (a peer writing to a real pipe).
      stdio: ['ignore', task.drainStdout ? 'pipe' : 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, TMPDIR: scratch },
    });
    let message = null;
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    child.stdout?.resume();
    child.on('message', (m) => (message = m));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL'); // our own child, by its handle
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ ok: false, reason: `timed out after ${Math.round(timeoutMs / 1000)} s` });
      if (message?.ok) return resolve(message);
      if (message) return resolve({ ok: false, reason: message.error });
      const last = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
      resolve({ ok: false, signal, reason: `child died (${signal ?? `exit ${code}`})${last ? `: ${last.slice(0, 300)}` : ''}` });
    });
  });
}
