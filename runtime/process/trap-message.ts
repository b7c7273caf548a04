/**
 * process trap-message: a one-line description of why a guest stopped abnormally, naming the wasm function.
 *
 * V8 prints wasm frames as `at NAME (wasm://wasm/HASH:wasm-function[INDEX]:0xOFFSET)` or, without a name section,
 * `at wasm://wasm/HASH:wasm-function[INDEX]:0xOFFSET`. The first such frame is where the trap happened.
 */
export function describeTrap(error: unknown): string {
  if (!(error instanceof Error)) return `guest stopped: ${String(error)}`;
  const frame = firstWasmFrame(error.stack ?? '');
  const what = error.message || error.name;
  return frame ? `${what} (in wasm function ${frame})` : what;
}

function firstWasmFrame(stack: string): string | null {
  for (const line of stack.split('\n')) {
    const named = /^\s*at (\S+) \(wasm:\/\/wasm\/[^:]*:wasm-function\[(\d+)\]:(0x[0-9a-f]+)\)/.exec(line);
    if (named) return `${named[1]} [${named[2]}] at ${named[3]}`;
    const bare = /wasm:\/\/wasm\/[^:]*:wasm-function\[(\d+)\]:(0x[0-9a-f]+)/.exec(line);
    if (bare) return `[${bare[1]}] at ${bare[2]}`;
  }
  return null;
}
