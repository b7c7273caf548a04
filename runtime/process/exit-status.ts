/**
 * process exit-status: how a container process ended, the one type every frontend reads.
 *
 * `code` already follows Docker's conventions so the CLI, the daemon's wait response and the web page agree:
 * the program's own code for `exit`, 134 for a trap (as SIGABRT), 137 for killed, timeout and oom (as SIGKILL).
 */
export type ExitReason = 'exit' | 'trap' | 'killed' | 'timeout' | 'oom';

export interface ExitStatus {
  code: number;
  reason: ExitReason;
  /** Empty for a normal exit; otherwise what happened, e.g. the trap message and the wasm function. */
  message: string;
}

export const TRAP_EXIT_CODE = 134;
export const KILLED_EXIT_CODE = 137;
