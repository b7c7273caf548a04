/**
 * Control-plane errors (engine, images, CLI, daemon, web): one class with a `kind` from a closed set, modelled on
 * containerd's errdefs. Each edge maps kinds once: the CLI to exit codes (`cli/exit-code.ts`), the daemon (later) to
 * HTTP statuses. Messages name the object ("file ./x.wasm not found"); tests check `kind`, never message text.
 * Errors cross worker boundaries as `toJSON()` objects and come back through `WasmboxError.fromJSON`.
 *
 * The kernel (vfs, wasi) does not use these: its expected failures are `FsError` values and errnos.
 */
export type ErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'NotRunnable' // the input exists but cannot run here: not wasm, a component, a reactor, unknown imports
  | 'Conflict'
  | 'FailedPrecondition'
  | 'PermissionDenied'
  | 'ResourceExhausted'
  | 'Unavailable'
  | 'NotImplemented'
  | 'Canceled'
  | 'Internal';

export interface WasmboxErrorJson {
  kind: ErrorKind;
  message: string;
  data?: Record<string, unknown>;
}

export class WasmboxError extends Error {
  override readonly name = 'WasmboxError';

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: { cause?: unknown; data?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.data = options.data;
  }

  readonly data: Record<string, unknown> | undefined;

  toJSON(): WasmboxErrorJson {
    return { kind: this.kind, message: this.message, ...(this.data ? { data: this.data } : {}) };
  }

  static fromJSON(json: WasmboxErrorJson): WasmboxError {
    return new WasmboxError(json.kind, json.message, { data: json.data });
  }
}

export function isWasmboxError(error: unknown, kind?: ErrorKind): error is WasmboxError {
  return error instanceof WasmboxError && (kind === undefined || error.kind === kind);
}
