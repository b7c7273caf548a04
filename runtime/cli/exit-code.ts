/**
 * cli exit-code: the one mapping from outcomes to the CLI's exit code, following `docker run`:
 * the program's own code when it exits; 125 when wasmbox itself fails (bad flags, bad options, internal errors);
 * 126 when the input cannot run (not wasm, a component, a reactor); 127 when the file or entrypoint is not found;
 * 137 killed, timed out or out of memory; 134 a trap; 130 interrupted by Ctrl-C.
 */
import type { WasmboxError } from '../../shared/errors.ts';

export const EXIT_WASMBOX_ERROR = 125;
export const EXIT_NOT_RUNNABLE = 126;
export const EXIT_NOT_FOUND = 127;
export const EXIT_INTERRUPTED = 130;

/**
 * 127 is for a command that cannot be found (a module file, or an image's entrypoint); a missing image is a
 * wasmbox error (125), as `docker run` exits 125 when it cannot find the image.
 */
export function exitCodeForError(error: WasmboxError): number {
  if (error.kind === 'NotRunnable') return EXIT_NOT_RUNNABLE;
  if (error.kind === 'NotFound') return error.data?.reference !== undefined ? EXIT_WASMBOX_ERROR : EXIT_NOT_FOUND;
  return EXIT_WASMBOX_ERROR;
}
