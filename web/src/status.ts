/** One status line (a live region): what just happened, or what went wrong, in words. */
export type StatusKind = 'info' | 'ok' | 'error';

export function showStatus(element: HTMLElement, message: string, kind: StatusKind = 'info'): void {
  element.textContent = message;
  element.dataset.kind = kind;
}

/** The message of anything thrown: engine errors (WasmboxError) already say what failed and why. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
