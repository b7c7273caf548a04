/**
 * cli exit-code: the one mapping from outcomes to the CLI's exit code, following `docker run`:
 * the program's own code when it exits; 125 when wasmbox itself fails (bad flags, bad options, internal errors);
 * 126 when the input cannot run (not wasm, a component, a reactor); 127 when the file is not found;
 * 137 killed, timed out or out of memory; 134 a trap; 130 interrupted by Ctrl-C.
 */
import type { ExitStatus } from '../process/exit-status.ts';
import type { ErrorKind } from '../../shared/errors.ts';

export const EXIT_WASMBOX_ERROR = 125;
export const EXIT_NOT_RUNNABLE = 126;
export const EXIT_NOT_FOUND = 127;
export const EXIT_INTERRUPTED = 130;

export function exitCodeForError(kind: ErrorKind): number {
  if (kind === 'NotRunnable') return EXIT_NOT_RUNNABLE;
  if (kind === 'NotFound') return EXIT_NOT_FOUND;
  return EXIT_WASMBOX_ERROR;
}

export function exitCodeForStatus(status: ExitStatus): number {
  return status.code;
}
