/**
 * wasi trace: an strace-like wrapper around the syscall table, installed only when `WasiHostOptions.trace` is set,
 * so untraced containers pay nothing. One line per call: `fd_write(1, 1024, 2, 1016) = SUCCESS`, then
 * `= exit(3)` or `= trap: ...` when the call does not return. Arguments are the raw ABI values (pointers as numbers).
 */
import { errnoName, type Syscall } from './errno.ts';
import { ProcExit } from './host-io.ts';

export function traced(name: string, fn: Syscall, trace: (line: string) => void): Syscall {
  return function tracing(...args: unknown[]): number {
    const call = `${name}(${args.map(String).join(', ')})`;
    let result: number;
    try {
      result = fn(...args);
    } catch (err) {
      trace(err instanceof ProcExit ? `${call} = exit(${err.code})` : `${call} = trap: ${String(err)}`);
      throw err;
    }
    trace(`${call} = ${errnoName(result)}`);
    return result;
  };
}
